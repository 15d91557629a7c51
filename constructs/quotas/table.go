// Package quotas checks a synthesized platform against AWS service quotas
// at synth time, per account and region, before any template is written.
//
// [Table] lists each quota with its default value, whether AWS can raise
// it, and the documentation page it comes from. [Collect] counts what the
// construct tree creates in every account-region (from each stack's env,
// nested stacks included), [Check] compares the counts with the table and
// any [Override] (an approved increase), and [Attach] runs both as a CDK
// validation so `cdk synth` stops before writing the cloud assembly.
//
// A value that could not be confirmed on an AWS page is marked
// Verified=false and every message about it says "unverified".
package quotas

import "fmt"

// Per says what one count of a quota is taken over.
type Per string

// The scopes of the table.
const (
	PerAccountRegion Per = "account-region"
	PerLogGroup      Per = "log group"
	PerFunction      Per = "function"
	PerRole          Per = "role"
	PerParameter     Per = "parameter"
	PerEventBus      Per = "event bus"
	PerComposite     Per = "composite alarm"
	PerAlarm         Per = "alarm"
	PerSink          Per = "sink"
	PerSLO           Per = "SLO"
	PerMetricStream  Per = "metric stream"
)

// Quota is one row of the table.
type Quota struct {
	// Service and Name identify the quota in config overrides, e.g.
	// "xray" and "groups".
	Service, Name string
	// Kind names what is counted, for messages ("X-Ray groups").
	Kind string
	// Per is the scope of one count.
	Per Per
	// Value is the default quota; RegionValues overrides it per region
	// where AWS documents different defaults.
	Value        int
	RegionValues map[string]int
	// Unit is empty for counts, else "bytes" or "characters".
	Unit string
	// Adjustable is true when AWS raises the quota on request (Service
	// Quotas); only those may be overridden in config.
	Adjustable bool
	// Source is the AWS documentation page of Value.
	Source string
	// Verified is false when the value was not confirmed on Source.
	Verified bool
	// Fix is the design switch that lowers the count, for messages.
	Fix string
}

// ID is "service/name".
func (q Quota) ID() string { return q.Service + "/" + q.Name }

// ValueIn is the default quota in region.
func (q Quota) ValueIn(region string) int {
	if v, ok := q.RegionValues[region]; ok {
		return v
	}
	return q.Value
}

func (q Quota) unit() string {
	if q.Unit == "" {
		return ""
	}
	return " " + q.Unit
}

func (q Quota) sourceNote() string {
	if q.Verified {
		return q.Source
	}
	return q.Source + " (unverified)"
}

func (q Quota) String() string { return fmt.Sprintf("%s (%s per %s)", q.ID(), q.Kind, q.Per) }

// Firehose streams per Region differ by Region; Regions the page does
// not list get its lowest figure. Canada (Central) and Canada West are
// listed under two figures; the lower one is used.
// (https://docs.aws.amazon.com/firehose/latest/dev/limits.html)
var firehoseStreams = map[string]int{
	"us-east-1": 5000, "us-east-2": 5000, "us-west-2": 5000, "eu-west-1": 5000, "ap-northeast-1": 5000,
	"eu-central-1": 2000, "eu-west-2": 2000, "ap-southeast-1": 2000, "ap-southeast-2": 2000,
	"ap-northeast-2": 2000, "ap-south-1": 2000, "us-gov-west-1": 2000,
	"eu-west-3": 500, "eu-south-1": 500, "eu-north-1": 500, "ap-east-1": 500, "ap-northeast-3": 500,
	"sa-east-1": 500, "cn-northwest-1": 500, "cn-north-1": 500, "me-south-1": 500, "us-gov-east-1": 500,
	"af-south-1": 500,
}

// Table is every quota checked at synth.
var Table = []Quota{
	// https://docs.aws.amazon.com/general/latest/gr/xray.html: "Custom
	// sampling rules per region", each Region 25, adjustable (L-8C0C998A);
	// "Groups in an account", each Region 25, not adjustable.
	{Service: "xray", Name: "samplingRules", Kind: "X-Ray sampling rules", Per: PerAccountRegion, Value: 25, Adjustable: true,
		Source: "https://docs.aws.amazon.com/general/latest/gr/xray.html", Verified: true,
		Fix: "list fewer rules under sampling.rules"},
	{Service: "xray", Name: "groups", Kind: "X-Ray groups", Per: PerAccountRegion, Value: 25,
		Source: "https://docs.aws.amazon.com/general/latest/gr/xray.html", Verified: true,
		Fix: "list fewer services under sampling.groups.services (per-service groups are opt-in), or set sampling.groups.disabled"},
	// https://docs.aws.amazon.com/general/latest/gr/cloudwatchoam.html:
	// "Number of sinks" 1, "Number of links" 5, "Links per sink" 100,000
	// per Region, none adjustable.
	{Service: "oam", Name: "sinks", Kind: "OAM sinks", Per: PerAccountRegion, Value: 1,
		Source: "https://docs.aws.amazon.com/general/latest/gr/cloudwatchoam.html", Verified: true,
		Fix: "use one monitoring stack (one sink) per account and region"},
	{Service: "oam", Name: "links", Kind: "OAM links (monitoring accounts of a source account)", Per: PerAccountRegion, Value: 5,
		Source: "https://docs.aws.amazon.com/general/latest/gr/cloudwatchoam.html", Verified: true,
		Fix: "link each workload account-region to at most 5 monitoring accounts"},
	{Service: "oam", Name: "linksPerSink", Kind: "OAM links", Per: PerSink, Value: 100000,
		Source: "https://docs.aws.amazon.com/general/latest/gr/cloudwatchoam.html", Verified: true,
		Fix: "split the source accounts over more monitoring accounts"},
	// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Metric-Streams.html:
	// "Each metric stream can include up to 1000 filters that either
	// include or exclude metric namespaces or specific metrics", and
	// "There is no limit on the number of metric streams per account or
	// per Region", so streams themselves are not counted (an earlier
	// table held an unverified 1,000 streams per account-region). A filter
	// naming metrics is counted once per metric, the reading that cannot
	// undercount; the page does not say the figure can be raised.
	{Service: "cloudwatch", Name: "metricStreamFilters", Kind: "filters of a metric stream", Per: PerMetricStream, Value: 1000,
		Source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Metric-Streams.html", Verified: true,
		Fix: "stream fewer namespaces or metrics through one stream, or split them over several streams (their number is not limited)"},
	// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html:
	// "Anomaly detection models: 500 per Region, per account." (the same
	// page: "No limit on the total number of alarms per account", so
	// alarms are not counted). The page does not say whether it can be
	// raised; it is treated as adjustable so an approved increase can be
	// entered.
	{Service: "cloudwatch", Name: "anomalyDetectors", Kind: "CloudWatch anomaly detection models", Per: PerAccountRegion, Value: 500, Adjustable: true,
		Source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html", Verified: true,
		Fix: "turn off anomaly-band alarms for services that do not need them (alarms.service)"},
	// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html:
	// "The rule expression of a composite alarm can include as many as 100
	// underlying alarms. Any single alarm can be included in the rule
	// expressions of as many as 150 composite alarms."
	{Service: "cloudwatch", Name: "compositeChildren", Kind: "alarms in a composite alarm's rule", Per: PerComposite, Value: 100,
		Source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html", Verified: true,
		Fix: "split the composite alarm into composites of at most 100 alarms"},
	{Service: "cloudwatch", Name: "compositeParents", Kind: "composite alarms naming one alarm", Per: PerAlarm, Value: 150,
		Source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html", Verified: true,
		Fix: "name the alarm in fewer composite alarms"},
	// https://docs.aws.amazon.com/firehose/latest/dev/limits.html: Firehose
	// streams per Region, 5,000 to 100 by Region, raised through Service
	// Quotas.
	{Service: "firehose", Name: "deliveryStreams", Kind: "Firehose streams", Per: PerAccountRegion, Value: 100, RegionValues: firehoseStreams, Adjustable: true,
		Source: "https://docs.aws.amazon.com/firehose/latest/dev/limits.html", Verified: true,
		Fix: "share one archive Firehose per region instead of one per service"},
	// eb-quota.html, "Number of rules": "af-south-1: 100, eu-south-1: 100,
	// each of the other supported Regions: 300", the maximum number of rules
	// an account can have per event bus (read on the docs.amazonaws.cn copy
	// of the page, which lists the same Service Quotas table).
	// https://docs.aws.amazon.com/applicationsignals/latest/APIReference/API_ServiceLevelObjective.html:
	// BurnRateConfigurations "Array Members: Minimum number of 0 items.
	// Maximum number of 10 items." (an API limit, not a Service Quota).
	{Service: "applicationsignals", Name: "burnRateConfigurations", Kind: "burn-rate configurations of an SLO", Per: PerSLO, Value: 10,
		Source: "https://docs.aws.amazon.com/applicationsignals/latest/APIReference/API_ServiceLevelObjective.html", Verified: true,
		Fix: "use at most 10 distinct alert windows per SLO (services[].slos[].alerts)"},
	{Service: "events", Name: "rulesPerBus", Kind: "EventBridge rules", Per: PerEventBus, Value: 300,
		RegionValues: map[string]int{"af-south-1": 100, "eu-south-1": 100}, Adjustable: true,
		Source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html", Verified: true,
		Fix: "match more events per rule, or use a dedicated event bus"},
	// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html:
	// "The maximum number of metric filters that can be associated with a
	// log group is 100." PutSubscriptionFilter: "There can be as many as
	// two subscription filters associated with a log group."
	{Service: "logs", Name: "metricFiltersPerLogGroup", Kind: "metric filters", Per: PerLogGroup, Value: 100,
		Source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html", Verified: true,
		Fix: "derive fewer metrics from one log group (logs.service metric filters)"},
	{Service: "logs", Name: "subscriptionFiltersPerLogGroup", Kind: "subscription filters", Per: PerLogGroup, Value: 2,
		Source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html", Verified: true,
		Fix: "route one subscription filter to the log router and fan out from there"},
	// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
	// and https://repost.aws/knowledge-center/lambda-resource-based-policy-size-error:
	// a function's resource-based policy is at most 20 KB, not adjustable.
	{Service: "lambda", Name: "resourcePolicySize", Kind: "Lambda resource-based policy", Per: PerFunction, Value: 20 * 1024, Unit: "bytes",
		Source: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html", Verified: true,
		Fix: "grant invoke once per source account or service with a wildcard source ARN instead of one permission per resource"},
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html:
	// "Role policy size cannot exceed 10,240 characters" for the aggregate
	// of a role's inline policies; IAM does not count white space.
	{Service: "iam", Name: "rolePolicySize", Kind: "inline policies of a role (non-whitespace)", Per: PerRole, Value: 10240, Unit: "characters",
		Source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html", Verified: true,
		Fix: "move statements to a managed policy or split the role"},
	// https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html,
	// the tiers table: "Maximum size of a parameter value", Standard 4 KB,
	// Advanced 8 KB. PutParameter states the standard tier in characters
	// ("Standard tier parameters support a maximum parameter value of 4096
	// characters"), so 4 KB is 4,096 characters and 8 KB is read the same
	// way, 8,192. Neither can be raised (the tier is the switch).
	{Service: "ssm", Name: "standardParameterSize", Kind: "Standard-tier SSM parameter value", Per: PerParameter, Value: 4096, Unit: "characters",
		Source: "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html", Verified: true,
		Fix: "set the parameter's tier to Advanced (up to 8 KB), or store less in one parameter"},
	{Service: "ssm", Name: "advancedParameterSize", Kind: "Advanced-tier SSM parameter value", Per: PerParameter, Value: 8192, Unit: "characters",
		Source: "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html", Verified: true,
		Fix: "split the value over several parameters"},
}

// Lookup returns the table row of service/name.
func Lookup(service, name string) (Quota, bool) {
	for _, q := range Table {
		if q.Service == service && q.Name == name {
			return q, true
		}
	}
	return Quota{}, false
}
