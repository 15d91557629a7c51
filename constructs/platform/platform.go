// Package platform is the whole o11yscale platform as one construct:
// [New] builds, under an app (or a Stage), one central stack in the
// central region, one stack per workload region with the services in
// nested-stack shards, the billing alarm and budget, the synth-time cost
// report and budget guard, and the retention guard over every log group.
// [Synth] is the pipeline that synthesizes it, writes the review files
// from the construct tree and checks CloudFormation's limits.
//
// The o11yscale app (app.go) maps its platform config file to [Props] and
// calls exactly these two functions, so a consumer app that calls them
// gets the same stacks, the same cdk.out/review/, the same cost table and
// the same limit check as `cdk deploy` of our app.
//
// Every capability construct stays usable alone; Props carries their props
// and fills in the fields the platform owns (names, the region's key,
// archive, log router and alert topic, each service's name and API), so
// they can never disagree between constructs.
package platform

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationsignals"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/oam"
	"github.com/o11yscale/o11yscale/constructs/quotas"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/constructs/slo"
)

// Platform is every stack of one platform and the constructs in them
// (the escape hatch).
type Platform struct {
	// Props are the props the platform was built from, defaults applied.
	Props   Props
	Central *Central
	// Monitoring are the monitoring account's per-region stacks holding
	// the OAM sinks (organization platforms only).
	Monitoring []*MonitoringRegion
	Regional   []*Regional
	// Billing is the billing alarm and budget, in the central stack or,
	// when the central region is not us-east-1, in BillingStack; nil when
	// disabled.
	Billing      *governance.Billing
	BillingStack awscdk.Stack
	// DataSourcesStack ("<name>-grafana-datasources", central region) runs
	// the Grafana provisioner again once every region's analysis
	// collection exists; DataSources is its custom resource. Both nil
	// unless the workspace's dashboards search the analysis tier.
	DataSourcesStack awscdk.Stack
	DataSources      awscdk.CustomResource
	// RetentionGuard is the aspect applied to every log group of the scope.
	RetentionGuard *logtiers.RetentionGuard
	// CostConfig is the cost model's input derived from Props
	// (Props.CostConfig), with the alarm counts of the construct tree.
	CostConfig cost.Config
	// CostReport is the synth-time cost estimate of CostConfig.
	CostReport *cost.Report
	// CostWarning is set when the estimate nears the budget.
	CostWarning string
	// AccountBudgets are the workload accounts' budgets of an organization
	// platform, by account name (AccountBudgetProps); nil otherwise.
	AccountBudgets map[string]*governance.AccountBudget
	// AccountCostWarnings name each account whose estimate nears its own
	// budget (accounts[i].budget.monthlyUSD).
	AccountCostWarnings []string
	// reviewScope holds the cost review files.
	reviewScope constructs.Construct
	// QuotaUsage is what every account-region used of each service quota
	// when the app was last synthesized; QuotaError the breach, nil when
	// every account-region is within every quota.
	QuotaUsage []quotas.Usage
	QuotaError error
}

// Central is the aggregation stack in the central region.
type Central struct {
	Stack awscdk.Stack
	// Metrics is the central stream, archive and writer role.
	Metrics *metricstream.Central
	// Observability is the Grafana workspace and/or CloudWatch dashboard.
	Observability *grafana.Observability
	// LogArchive is the central log archive; nil unless
	// Props.Logs.CentralArchive.
	LogArchive *logtiers.CentralArchive
}

// Regional is one workload region's stack.
type Regional struct {
	Stack  awscdk.Stack
	Region string
	// Account is the stack's account ("" when account-agnostic);
	// AccountName names the workload account of an organization platform
	// ("" in a single-account platform).
	Account     string
	AccountName string
	// Key encrypts regional data at rest (log groups, topics, queues).
	Key awskms.Key
	// Shards hold the per-service resources.
	Shards []*Shard
	// Tracing holds the X-Ray sampling rules, groups and collector config.
	Tracing *sampling.Tracing
	// LogArchive is the region's S3 archive and INFO/critical-event Firehose.
	LogArchive *logtiers.Archive
	// LogRouter receives critical events from every service's subscription
	// filters and forwards them to LogArchive (and Analysis).
	LogRouter *logtiers.Router
	// Analysis is the region's analysis tier; nil unless enabled.
	Analysis *logtiers.Analysis
	// Alerting is the alerts and incidents topics and the enricher.
	Alerting *anomaly.Alerting
	// Discovery enables Application Signals in the region; nil unless
	// Props.ApplicationSignals asks for it (by default: when any service
	// has SLOs).
	Discovery awsapplicationsignals.CfnDiscovery
	// Forwarder and MetricStream deliver metrics to the central stream;
	// either may be nil depending on the region's delivery mode.
	Forwarder    *metricstream.Forwarder
	MetricStream *metricstream.Stream
	// Link shares this account-region's telemetry with the monitoring
	// account (organization platforms, other than the monitoring account).
	Link *oam.Link
}

// Shard is a nested stack holding a group of services.
type Shard struct {
	Stack    awscdk.NestedStack
	Services []Service
	// Logs and Alarms are each service's constructs, by service name.
	Logs   map[string]*logtiers.ServiceLogs
	Alarms map[string]*anomaly.ServiceAlarms
	// SLOs are the SLOs and burn-rate alarms of the services that
	// declare any, by service name.
	SLOs map[string]*slo.ServiceSLOs
}

// Stacks lists the platform's top-level stacks: central, monitoring,
// regional, billing.
func (p *Platform) Stacks() []awscdk.Stack {
	var out []awscdk.Stack
	if p.Central != nil {
		out = append(out, p.Central.Stack)
	}
	for _, m := range p.Monitoring {
		out = append(out, m.Stack)
	}
	for _, r := range p.Regional {
		out = append(out, r.Stack)
	}
	if p.BillingStack != nil {
		out = append(out, p.BillingStack)
	}
	if p.DataSourcesStack != nil {
		out = append(out, p.DataSourcesStack)
	}
	return out
}

// New validates props, runs the cost estimate and budget guard, and only
// then creates every stack under scope (an App or a Stage): nothing is
// created when props are invalid or the platform is over budget. Errors
// name the construct path and list every problem at once.
func New(scope constructs.Construct, props Props) (*Platform, error) {
	where := "platform"
	if path := *scope.Node().Path(); path != "" {
		where += " " + path
	}
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	props = props.withDefaults()
	p := &Platform{Props: props}
	if err := p.estimateCost(); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if err := p.build(scope); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	// Checked when the app is validated: after prepare, when every
	// reference is final, and before any template is written.
	quotas.Attach(p.Central.Stack, p.Stacks, props.Quotas, func(u []quotas.Usage, err error) { p.QuotaUsage, p.QuotaError = u, err })
	return p, nil
}

// addRegionalStack creates one workload stack named id in region with the
// services of view (the platform itself, or one workload account's view
// of it) in nested-stack shards.
func (p *Platform) addRegionalStack(scope constructs.Construct, view *Platform, id, description, region string) (*Regional, error) {
	props := view.Props
	rs := awscdk.NewStack(scope, jsii.String(id), &awscdk.StackProps{
		Env:         view.env(region),
		StackName:   jsii.String(id),
		Description: jsii.String(description),
	})
	// Regional resources name central ones deterministically instead of
	// importing exports, so only the deploy order needs stating.
	rs.AddDependency(p.Central.Stack, jsii.String("regional stacks send data to the central stack"))
	r := &Regional{Stack: rs, Region: region, Account: props.Account, Key: newKey(rs, region)}
	if err := view.addRegional(r); err != nil {
		return nil, err
	}
	for i, services := range props.Shards() {
		ns := awscdk.NewNestedStack(rs, jsii.String(fmt.Sprintf("Services%02d", i+1)), &awscdk.NestedStackProps{
			Description: jsii.String(fmt.Sprintf("o11yscale %s %s: services %s to %s", props.Name, region, services[0].Name, services[len(services)-1].Name)),
		})
		shard := &Shard{Stack: ns, Services: services, Logs: map[string]*logtiers.ServiceLogs{}, Alarms: map[string]*anomaly.ServiceAlarms{},
			SLOs: map[string]*slo.ServiceSLOs{}}
		for _, svc := range services {
			if err := view.addService(r, shard, svc); err != nil {
				return nil, err
			}
		}
		r.Shards = append(r.Shards, shard)
	}
	return r, nil
}

func (p *Platform) env(region string) *awscdk.Environment {
	e := &awscdk.Environment{Region: jsii.String(region)}
	if p.Props.Account != "" {
		e.Account = jsii.String(p.Props.Account)
	}
	return e
}

func (p *Platform) build(scope constructs.Construct) error {
	props := p.Props
	centralID := props.Name + "-central"
	cs := awscdk.NewStack(scope, jsii.String(centralID), &awscdk.StackProps{
		Env:         p.env(props.CentralRegion),
		StackName:   jsii.String(centralID),
		Description: jsii.String(fmt.Sprintf("o11yscale %s: central aggregation in %s", props.Name, props.CentralRegion)),
	})
	p.Central = &Central{Stack: cs}
	var err error
	if p.Central.Metrics, err = metricstream.NewCentral(cs, "Metrics", p.centralMetricsProps()); err != nil {
		return err
	}
	if p.Central.Observability, err = grafana.NewObservability(cs, "Dashboards", p.grafanaProps(cs)); err != nil {
		return err
	}
	if props.Logs.CentralArchive {
		if p.Central.LogArchive, err = logtiers.NewCentralArchive(cs, "LogArchive", p.centralArchiveProps()); err != nil {
			return err
		}
	}

	if props.Org() {
		if err := p.buildOrg(scope); err != nil {
			return err
		}
	} else {
		for _, region := range props.Regions {
			id := props.Name + "-" + region
			r, err := p.addRegionalStack(scope, p, id, fmt.Sprintf("o11yscale %s: workload region %s", props.Name, region), region)
			if err != nil {
				return err
			}
			p.Regional = append(p.Regional, r)
		}
	}
	if err := p.addDataSourcesStack(scope); err != nil {
		return err
	}
	if p.RetentionGuard, err = logtiers.NewRetentionGuard(props.Logs.Retention); err != nil {
		return err
	}
	p.RetentionGuard.Apply(scope)
	if _, err := p.reconcileTreeAlarms(); err != nil {
		return err
	}
	if err := p.addGovernance(scope); err != nil {
		return err
	}
	for k, v := range props.Tags {
		awscdk.Tags_Of(scope).Add(jsii.String(k), jsii.String(v), nil)
	}
	awscdk.Tags_Of(scope).Add(jsii.String("o11yscale:platform"), jsii.String(props.Name), nil)
	return nil
}

// newKey creates the region's rotating KMS key for log groups, topics and
// queues; CloudWatch Logs may use it for this account's log groups.
func newKey(stack awscdk.Stack, purpose string) awskms.Key {
	key := awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{
		Description:       jsii.String("o11yscale " + purpose + " data at rest"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
	// CloudWatch Logs encrypts log groups only when the key policy names the
	// regional logs principal, scoped to this account's log groups
	// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("logs."+*stack.Region()+".amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{"ArnLike": map[string]any{
			"kms:EncryptionContext:aws:logs:arn": fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", *stack.Partition(), *stack.Region(), *stack.Account()),
		}},
	}), nil)
	return key
}
