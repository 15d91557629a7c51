package platform

import (
	"regexp"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/quotas"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/constructs/slo"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Defaults of [Props].
const (
	DefaultName             = "o11yscale"
	DefaultCentralRegion    = "us-east-1"
	DefaultServicesPerShard = 20
)

// Props configures a whole platform. Each capability field is the props of
// that capability's construct, applied to every region or service; the
// fields the platform owns (names, the region's key, archive, router and
// alert topic, the service and its API name) are set by the platform, so
// they cannot disagree between constructs. Validate checks every field and
// the complete props of every capability for every real service and
// region.
type Props struct {
	// Name prefixes stack names and every name the platform creates.
	// Lowercase letters, digits and hyphens, starting with a letter, 1-20
	// characters. Default: "o11yscale".
	Name string
	// Account is the 12-digit account of every stack. Default: none, which
	// synthesizes account-agnostic templates (regions stay fixed).
	Account string
	// CentralRegion holds the aggregation stack. Default: us-east-1.
	CentralRegion string
	// Regions are the workload regions, one stack each. Required.
	Regions []string
	// Services are the observed workloads, in every region. Required.
	Services []Service
	// ServicesPerShard is how many services share one nested stack, 1-100;
	// it keeps every template under CloudFormation's 500-resource limit.
	// Default: 20. Services are sharded in order, so appending one never
	// moves another to a different nested stack.
	ServicesPerShard int
	// Tags are applied to every resource.
	Tags map[string]string

	// Sampling is each region's X-Ray rules, groups and collector config.
	// Name defaults to the platform's. Per-service X-Ray groups are
	// opt-in (Groups.Services): X-Ray allows 25 groups per account and
	// region and does not raise that quota.
	Sampling sampling.Props
	// Logs is the tiered log pipeline.
	Logs Logs
	// Alarms is alerting per region and alarms per service.
	Alarms Alarms
	// Metrics is cross-region metric aggregation.
	Metrics Metrics
	// Grafana is the dashboards in the central stack. CentralRegion,
	// Regions, Services, APIName (the first service's), CentralStreamName
	// and WorkspaceName (the platform name) are filled in when empty.
	Grafana Grafana
	// Cost is what the synth-time cost report cannot derive from the
	// props: traffic, prices, a few sizes and the budget. Default: nil,
	// and the report prices assumed traffic (labelled as such).
	Cost *cost.Inputs
	// Billing is the billing alarm and budget (in us-east-1).
	Billing Billing
	// Quotas are the service quotas checked at synth; Overrides raise
	// adjustable ones for accounts with an approved increase. Default:
	// AWS's documented defaults (quotas.Table).
	Quotas quotas.Props
	// ApplicationSignals says where AWS::ApplicationSignals::Discovery is
	// created. Default: in every workload region when any service has
	// SLOs, and nowhere otherwise.
	ApplicationSignals ApplicationSignals

	// Monitoring is the monitoring account of an organization platform
	// (one with Accounts): it holds the central stack (in Monitoring.Region)
	// and one OAM sink stack per region. Account and CentralRegion are then
	// left empty and derived from it.
	Monitoring Monitoring
	// Accounts are the workload accounts of an organization platform, each
	// with its own regions and services; one stack per account-region.
	// Regions and Services are then left empty and derived as the union of
	// the accounts' (for the central dashboards, the cost model and the
	// validation of capability props). Default: none, a single-account
	// platform.
	Accounts []Account

	// derived is set once withDefaults has filled the organization-derived
	// fields, so validating completed props does not report them as set.
	derived bool
}

// ApplicationSignals configures Application Signals discovery.
type ApplicationSignals struct {
	// Discovery: DiscoveryAuto (the default, also for ""), DiscoveryAlways
	// or DiscoveryNever (discovery is already enabled in these
	// account-regions, outside this app; SLOs then only depend on it).
	Discovery DiscoveryMode
}

// DiscoveryMode says when each regional stack creates
// AWS::ApplicationSignals::Discovery, which exists once per
// account-region.
type DiscoveryMode string

const (
	// DiscoveryAuto creates it in every workload region when any service
	// has SLOs, which need its service-linked role.
	DiscoveryAuto DiscoveryMode = "auto"
	// DiscoveryAlways creates it in every workload region, SLOs or not.
	DiscoveryAlways DiscoveryMode = "always"
	// DiscoveryNever creates none: another stack or the console enabled it.
	DiscoveryNever DiscoveryMode = "never"
)

// Service is one observed workload.
type Service struct {
	// Name: lowercase letters, digits and hyphens, starting with a letter,
	// 1-40 characters, unique.
	Name string
	// APIName is the service's API Gateway API name, if it has one.
	APIName string
	// SLOs are the service's Application Signals SLOs, each with its
	// burn-rate alerts, in every workload region. Default: none.
	SLOs []slo.Objective
}

// Logs configures the tiered log pipeline.
type Logs struct {
	// Service is applied to every service. Service, EncryptionKey (the
	// region's key), Archive and, when nil, Destination (the region's log
	// router) are set by the platform.
	Service logtiers.ServiceLogsProps
	// Archive is each region's S3 archive and Firehose. Central is set by
	// the platform (with CentralArchive) and must stay empty.
	Archive logtiers.ArchiveProps
	// CentralArchive replaces the bucket per account-region with one
	// bucket in the central stack (the monitoring account's, or the
	// single account's): every archive Firehose writes there under
	// logs/account=<id>/region=<region>/ (errors under errors/...), each
	// account's roles only under its own prefix
	// (logtiers.NewCentralArchive). Archive's bucket settings apply to it.
	// A single-account platform needs Account. The analysis tier's failed
	// documents go there too, under errors/account=<id>/region=<region>/analysis/.
	// Default: false.
	CentralArchive bool
	// Router is each region's log router; Archive is set by the platform
	// and LogGroupPrefix defaults to the services' prefix plus "/".
	Router logtiers.RouterProps
	// Retention is the guard applied to every log group of the app.
	Retention logtiers.RetentionGuardProps
	// Analysis is each region's analysis tier (OpenSearch Serverless).
	// Default: off.
	Analysis Analysis
}

// Analysis configures each region's analysis tier: the router also sends
// its tiers (default ERROR and WARN) to an OpenSearch Serverless
// collection, and Fluent Bit's opensearch output points at it.
type Analysis struct {
	// Enabled creates the tier in every region. Default: false.
	Enabled bool
	// AWSOwnedKey encrypts the collection and its streams with AWS-owned
	// keys instead of the region's key. A collection with its own KMS key
	// gets its own OCUs, so this lets it share the account's OCUs with
	// other collections that use AWS-owned keys
	// (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-scaling.html).
	// Default: false (the region's key).
	AWSOwnedKey bool
	// Vpcs are the VPCs of private collections by region (a VPC belongs to
	// one region); a region without an entry uses AnalysisProps.Vpc.
	// Default: none.
	Vpcs map[string]logtiers.AnalysisVpc
	// AnalysisProps of every region's tier. Name, Archive and (unless
	// AWSOwnedKey) EncryptionKey are set by the platform; a zero
	// Retention of a tier follows that tier's log group retention.
	logtiers.AnalysisProps
}

// Alarms configures alerting (per region) and alarms (per service).
type Alarms struct {
	// Alerting is each region's topics and enricher; Name and Key are set
	// by the platform.
	Alerting anomaly.AlertingProps
	// Service is applied to every service; Name, Service, APIName and
	// AlertsTopic are set by the platform, and the budget's service and
	// region counts default to the platform's.
	Service anomaly.ServiceAlarmsProps
}

// Grafana configures the central dashboards.
type Grafana struct {
	grafana.Props
	// AlertTopicArns and AlertTopicKeyArns name topics (and their keys)
	// outside this app; they are imported into the central stack and added
	// to AlertTopics and AlertTopicKeys.
	AlertTopicArns    []string
	AlertTopicKeyArns []string
	// AnalysisRegions limit the OpenSearch data sources and errors panels
	// to these workload regions (dashboard.Analysis.Regions). A private
	// collection is reachable only in the workspace's own region, through
	// an endpoint in Vpc, so with a private tier in more regions this
	// must name only that one. Default: every region.
	AnalysisRegions []string
}

// Billing configures the billing alarm and budget.
type Billing struct {
	// Disabled skips them. Default: false.
	Disabled bool
	// Props of the alarm and budget. MonthlyUSD defaults to
	// Cost.Budget.MonthlyUSD, then to the declared estimate plus 25%;
	// BudgetName to "<name>-observability".
	governance.BillingProps
}

var (
	nameRE    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
	platRE    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	regionRE  = regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)(-gov)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-[1-9]$`)
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	tagKeyRE  = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$`)
)

// WithDefaults is p with every default applied; for an organization
// platform, with the account, central region, regions and services
// derived from Monitoring and Accounts.
func (p Props) WithDefaults() Props { return p.withDefaults() }

func (p Props) withDefaults() Props {
	if p.Name == "" {
		p.Name = DefaultName
	}
	if p.Org() && !p.derived {
		p = p.withOrgDefaults()
	}
	if p.CentralRegion == "" {
		p.CentralRegion = DefaultCentralRegion
	}
	if p.ServicesPerShard == 0 {
		p.ServicesPerShard = DefaultServicesPerShard
	}
	return p
}

// ValidatePlatform checks the platform's own fields (name, account,
// regions, services, sharding and tags), every problem at once, with
// their field paths. Validate adds the capabilities.
func (p Props) ValidatePlatform() error {
	var v validation.Errors
	if p.Org() {
		p.validateOrg(&v)
		if v.Len() > 0 {
			return v.Err()
		}
	}
	p = p.withDefaults()
	if !platRE.MatchString(p.Name) {
		v.Add("name", p.Name, "lowercase letters, digits and hyphens, starting with a letter, 1-20 characters")
	}
	if p.Account != "" && !accountRE.MatchString(p.Account) {
		v.Add("account", p.Account, "a 12-digit AWS account id")
	}
	if !regionRE.MatchString(p.CentralRegion) {
		v.Add("centralRegion", p.CentralRegion, "an AWS region code such as us-east-1")
	}
	if len(p.Regions) == 0 {
		v.Add("regions", nil, "at least one workload region, e.g. [us-east-1, eu-west-1]")
	}
	seenRegion := map[string]bool{}
	for i, r := range p.Regions {
		path := validation.Index("regions", i)
		switch {
		case !regionRE.MatchString(r):
			v.Add(path, r, "an AWS region code such as eu-west-1")
		case seenRegion[r]:
			v.Add(path, r, "each region once")
		}
		seenRegion[r] = true
	}
	if len(p.Services) == 0 {
		v.Add("services", nil, "at least one service")
	}
	seenSvc := map[string]bool{}
	for i, s := range p.Services {
		path := validation.Index("services", i) + ".name"
		switch {
		case !nameRE.MatchString(s.Name):
			v.Add(path, s.Name, "lowercase letters, digits and hyphens, starting with a letter, 1-40 characters")
		case seenSvc[s.Name]:
			v.Add(path, s.Name, "a name not used by another service")
		}
		seenSvc[s.Name] = true
		if len(s.APIName) > 128 {
			v.Add(validation.Index("services", i)+".apiName", s.APIName, "at most 128 characters")
		}
	}
	switch p.ApplicationSignals.Discovery {
	case "", DiscoveryAuto, DiscoveryAlways, DiscoveryNever:
	default:
		v.Add("applicationSignals.discovery", string(p.ApplicationSignals.Discovery), "one of auto, always, never")
	}
	if p.ServicesPerShard < 1 || p.ServicesPerShard > 100 {
		v.Add("servicesPerShard", p.ServicesPerShard, "1-100 services per nested stack")
	}
	for k, val := range p.Tags {
		if !tagKeyRE.MatchString(k) || strings.HasPrefix(strings.ToLower(k), "aws:") {
			v.Add(validation.Key("tags", k), k, "a tag key of 1-128 letters, digits, spaces or _.:/=+-@, not starting with aws:")
		}
		if len(val) > 256 {
			v.Add(validation.Key("tags", k), val, "a tag value of at most 256 characters")
		}
	}
	return v.Err()
}

// ServiceNames lists the service names in order.
func (p Props) ServiceNames() []string {
	out := make([]string, len(p.Services))
	for i, s := range p.Services {
		out[i] = s.Name
	}
	return out
}

// Shards splits the services into groups of at most ServicesPerShard, in
// order, so adding a service at the end never moves others between nested
// stacks (which would replace their resources).
func (p Props) Shards() [][]Service {
	p = p.withDefaults()
	var out [][]Service
	for i := 0; i < len(p.Services); i += p.ServicesPerShard {
		out = append(out, p.Services[i:min(i+p.ServicesPerShard, len(p.Services))])
	}
	return out
}

// AnalysisProps is the analysis tier's props as a region completes them,
// without the region's collaborators (Archive, EncryptionKey): named after
// the platform, the region's VPC, a tier's zero retention following its
// log group's.
func (p Props) AnalysisProps(region string) logtiers.AnalysisProps {
	a := p.Logs.Analysis.AnalysisProps
	a.Name = p.Name
	if vpc, ok := p.Logs.Analysis.Vpcs[region]; ok {
		a.Vpc = vpc
	}
	t := p.Logs.Service.Tiers
	for _, f := range []struct {
		days *int
		tier int
	}{
		{&a.Retention.Error, t.Error.RetentionDays}, {&a.Retention.Warn, t.Warn.RetentionDays},
		{&a.Retention.Info, t.Info.RetentionDays}, {&a.Retention.Debug, t.Debug.RetentionDays},
	} {
		if *f.days == 0 {
			*f.days = f.tier
		}
	}
	return a
}

// hasSLOs reports whether any service declares SLOs.
func (p Props) hasSLOs() bool {
	for _, s := range p.Services {
		if len(s.SLOs) > 0 {
			return true
		}
	}
	return false
}

// discovery reports whether the regional stacks create Discovery.
func (p Props) discovery() bool {
	switch p.ApplicationSignals.Discovery {
	case DiscoveryAlways:
		return true
	case DiscoveryNever:
		return false
	}
	return p.hasSLOs()
}
