package platform

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/constructs/slo"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// addRegional creates one region's shared resources.
func (p *Platform) addRegional(r *Regional) error {
	var err error
	if r.LogArchive, err = logtiers.NewArchive(r.Stack, "LogArchive", p.Props.archiveProps()); err != nil {
		return err
	}
	if p.Props.Logs.Analysis.Enabled {
		if r.Analysis, err = logtiers.NewAnalysis(r.Stack, "Analysis", p.analysisProps(r)); err != nil {
			return err
		}
	}
	rp := p.routerProps(r.LogArchive)
	rp.Analysis = r.Analysis
	if r.LogRouter, err = logtiers.NewRouter(r.Stack, "LogRouter", rp); err != nil {
		return err
	}
	if r.Alerting, err = anomaly.NewAlerting(r.Stack, "Alerting", p.alertingProps(r)); err != nil {
		return err
	}
	sp := p.samplingProps()
	sp.TailSampling.Region = r.Region
	if r.Tracing, err = sampling.NewTracing(r.Stack, "Tracing", sp); err != nil {
		return err
	}
	if p.Props.discovery() {
		r.Discovery = slo.NewDiscovery(r.Stack, "ApplicationSignals")
	}
	return p.addMetricDelivery(r)
}

// centralArchiveAccount is the account of the central stack.
func (p Props) centralArchiveAccount() string {
	if p.Org() {
		return p.Monitoring.Account
	}
	return p.Account
}

// archiveProps are a region's archive props: with CentralArchive, a
// writer into the central bucket, whose own settings those are.
func (p Props) archiveProps() logtiers.ArchiveProps {
	a := p.Logs.Archive
	if !p.Logs.CentralArchive {
		return a
	}
	kms := a.Encryption == awss3.BucketEncryption_KMS || a.EncryptionKey != nil
	a.Central = logtiers.CentralArchiveTarget{Platform: p.Name, Account: p.centralArchiveAccount(), Region: p.CentralRegion,
		BucketName: a.BucketName, KMS: kms}
	a.Encryption, a.BucketName, a.EncryptionKey = "", "", nil
	return a
}

// centralArchiveProps are the central archive's props: the bucket
// settings of Logs.Archive and every account with its regions.
func (p *Platform) centralArchiveProps() logtiers.CentralArchiveProps {
	props := p.Props
	c := logtiers.CentralArchiveProps{Platform: props.Name, Archive: props.Logs.Archive, OrganizationID: props.Monitoring.OrganizationID}
	if !props.Org() {
		c.Writers = []logtiers.ArchiveWriter{{Account: props.Account, Regions: props.Regions}}
	}
	for _, a := range props.Accounts {
		c.Writers = append(c.Writers, logtiers.ArchiveWriter{Account: a.ID, Regions: a.Regions})
	}
	return c
}

// logGroupPrefix is where every service's log groups live.
func (p *Platform) logGroupPrefix() string {
	if s := p.Props.Logs.Service.LogGroupPrefix; s != "" {
		return s
	}
	return logtiers.LogGroupPrefix(p.Props.Name)
}

// routerProps covers every log group under the services' prefix, so a
// service's subscription and the router's invoke permission cannot
// disagree.
func (p *Platform) routerProps(archive *logtiers.Archive) logtiers.RouterProps {
	rp := p.Props.Logs.Router
	rp.Name, rp.Archive = p.Props.Name, archive
	if rp.LogGroupPrefix == "" {
		rp.LogGroupPrefix = p.logGroupPrefix() + "/"
	}
	return rp
}

// analysisProps completes the analysis tier's props with the region's
// collaborators.
func (p *Platform) analysisProps(r *Regional) logtiers.AnalysisProps {
	a := p.Props.AnalysisProps(r.Region)
	{
		a.Archive = r.LogArchive
		if !p.Props.Logs.Analysis.AWSOwnedKey && a.EncryptionKey == nil {
			a.EncryptionKey = r.Key
		}
	}
	if g := p.Props.GrafanaProps(nil); g.DeploysWorkspace() && g.Analysis.On() {
		// The central workspace role reads this region's collection. CDK
		// cannot reference a role in another region's stack, so the ARN is
		// built from its fixed name and this stack's account (every stack
		// shares one account).
		a.Readers = append(slices.Clone(a.Readers), fmt.Sprintf("arn:%s:iam::%s:role/%s",
			*r.Stack.Partition(), *r.Stack.Account(), grafana.WorkspaceRoleName(p.Props.Name)))
		if a.Network != logtiers.NetworkPublic && g.Vpc.On() && r.Region == g.CentralRegion {
			// The workspace's VPC gets its own endpoint to this region's
			// collection (ValidateGrafanaReach keeps the dashboards to
			// this region when the tier is private).
			a.ReaderVpcs = append(slices.Clone(a.ReaderVpcs), logtiers.AnalysisVpc{
				VpcID: g.Vpc.VpcID, SubnetIDs: g.Vpc.SubnetIDs, SecurityGroupIDs: g.Vpc.SecurityGroupIDs,
			})
		}
	}
	return a
}

func (p *Platform) alertingProps(r *Regional) anomaly.AlertingProps {
	a := p.Props.Alarms.Alerting
	a.Name = p.Props.Name
	if r != nil {
		a.Key = r.Key
	}
	return a
}

func (p *Platform) samplingProps() sampling.Props {
	s := p.Props.Sampling
	if s.Name == "" {
		s.Name = p.Props.Name
	}
	return s
}

// ValidateCollectorLogGroup checks that the collector's logs pipeline, when
// enabled, writes into one of the platform's tiered log groups (prefix,
// service, tier), so collector logs get the tiers' retention, metric
// filters and routing. The error's path is relative to sampling.
func ValidateCollectorLogGroup(logs sampling.LogsExportProps, prefix string, services []string) error {
	if !logs.Enabled || logs.LogGroupName == "" {
		return nil // sampling.Props.Validate reports a missing name
	}
	var example string
	for _, svc := range services {
		for _, tier := range []logtiers.Tier{logtiers.Error, logtiers.Warn, logtiers.Info, logtiers.Debug} {
			name := logtiers.LogGroupName(prefix, svc, tier)
			if example == "" {
				example = name
			}
			if name == logs.LogGroupName {
				return nil
			}
		}
	}
	var v validation.Errors
	v.Add("tailSampling.logs.logGroupName", logs.LogGroupName,
		"one of the platform's tiered log groups, <logGroupPrefix>/<service>/<tier> such as %q", example)
	return v.Err()
}
