package platform

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/slo"
)

func (p *Platform) grafanaProps(scope constructs.Construct) grafana.Props {
	return p.Props.GrafanaProps(scope)
}

// GrafanaProps is Grafana completed as the platform builds it: the
// platform's name, central region, regions and services, the first
// service's API name, the central stream's name and the workspace name
// filled in where empty; with a scope (the central stack), the topics and
// keys named by ARN imported into it (imports add no resources).
func (props Props) GrafanaProps(scope constructs.Construct) grafana.Props {
	props = props.withDefaults()
	g := props.Grafana.Props
	g.Name = props.Name
	if g.CentralRegion == "" {
		g.CentralRegion = props.CentralRegion
	}
	if len(g.Regions) == 0 {
		g.Regions = props.Regions
	}
	if len(g.Services) == 0 {
		g.Services = props.ServiceNames()
	}
	if g.APIName == "" {
		for _, s := range props.Services {
			if s.APIName != "" {
				g.APIName = s.APIName
				break
			}
		}
	}
	if len(g.SLOs) == 0 {
		g.SLOs = props.dashboardSLOs()
	}
	if g.CentralStreamName == "" {
		g.CentralStreamName = metricstream.Names{Platform: props.Name}.Stream()
	}
	if g.WorkspaceName == "" {
		g.WorkspaceName = props.Name
	}
	if a := props.AnalysisProps(""); props.Logs.Analysis.Enabled && !g.Analysis.On() && a.Indexes(logtiers.Error) {
		// The errors panels search the ERROR index of each region's
		// collection; the collection has the same name in every region.
		g.Analysis = dashboard.Analysis{Collection: a.Collection(), ErrorIndex: logtiers.IndexName(props.Name, logtiers.Error),
			Regions: props.Grafana.AnalysisRegions}
	}
	if scope != nil {
		g.AlertTopics = append([]awssns.ITopic(nil), g.AlertTopics...)
		for i, arn := range props.Grafana.AlertTopicArns {
			g.AlertTopics = append(g.AlertTopics, awssns.Topic_FromTopicArn(scope, jsii.String(fmt.Sprintf("GrafanaAlertTopic%d", i)), jsii.String(arn)))
		}
		g.AlertTopicKeys = append([]awskms.IKey(nil), g.AlertTopicKeys...)
		for i, arn := range props.Grafana.AlertTopicKeyArns {
			g.AlertTopicKeys = append(g.AlertTopicKeys, awskms.Key_FromKeyArn(scope, jsii.String(fmt.Sprintf("GrafanaAlertTopicKey%d", i)), jsii.String(arn)))
		}
	}
	return g
}

// dashboardSLOs are the services' SLOs as the dashboards graph them.
func (props Props) dashboardSLOs() []dashboard.SLO {
	var out []dashboard.SLO
	for _, svc := range props.Services {
		for _, d := range (slo.ServiceSLOsProps{Name: props.Name, Service: svc.Name, Objectives: svc.SLOs}).Dashboard() {
			out = append(out, dashboard.SLO{Service: svc.Name, Name: d.Name, Goal: d.Goal, Windows: d.Windows})
		}
	}
	return out
}

// DataSourcesStackName is the stack that provisions the OpenSearch data
// sources after the collections exist: "<name>-grafana-datasources".
func DataSourcesStackName(name string) string { return name + "-grafana-datasources" }

// addDataSourcesStack adds, when the workspace's dashboards search the
// analysis tier, the last stack of a deployment: it depends on every
// regional stack that creates a collection and runs the provisioner for
// the OpenSearch data sources, so one `cdk deploy --all` ends with them
// provisioned instead of pending.
func (p *Platform) addDataSourcesStack(scope constructs.Construct) error {
	obs := p.Central.Observability
	if obs == nil || obs.Provisioner == nil || !p.Props.Logs.Analysis.Enabled || p.Props.Org() {
		return nil
	}
	g := p.Props.GrafanaProps(nil)
	if !g.Analysis.On() {
		return nil
	}
	props := p.Props
	id := DataSourcesStackName(props.Name)
	st := awscdk.NewStack(scope, jsii.String(id), &awscdk.StackProps{
		Env:         p.env(props.CentralRegion),
		StackName:   jsii.String(id),
		Description: jsii.String(fmt.Sprintf("o11yscale %s: Grafana OpenSearch data sources, provisioned once the analysis collections exist", props.Name)),
	})
	st.AddDependency(p.Central.Stack, jsii.String("the provisioner and workspace are in the central stack"))
	for _, r := range p.Regional {
		if r.Analysis != nil {
			st.AddDependency(r.Stack, jsii.String("the analysis collection exists before its data source is provisioned"))
		}
	}
	cr, err := obs.SyncOpenSearchDataSources(st, "OpenSearchDataSources", g)
	if err != nil || cr == nil {
		return err
	}
	p.DataSourcesStack, p.DataSources = st, cr
	return nil
}
