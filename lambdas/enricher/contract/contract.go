// Package contract is what the alert-enrichment Lambda (lambdas/enricher)
// and the constructs that deploy and feed it (constructs/anomaly) agree on:
// the environment variables and their Config, the idempotency table's
// attributes, the self-metrics, the alarm description lines the enricher
// reads, the severity values, and the console and runbook links both sides
// build. It imports neither the AWS SDK nor the CDK.
package contract

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/o11yscale/o11yscale/lambdas/internal/namespace"
)

// ImportPath is the enricher's main package, which golambda builds.
const ImportPath = "github.com/o11yscale/o11yscale/lambdas/enricher"

// Environment variable names.
const (
	// EnvIncidentsTopicArn (required) is the topic incidents are
	// published to: the region's own, or the organization's central
	// topic (CentralIncidentsTopicArn) in another account and region.
	EnvIncidentsTopicArn = "INCIDENTS_TOPIC_ARN"
	// EnvIdempotencyTableName (required) is the DynamoDB table with
	// string partition key AttrKey and TTL attribute AttrExpiresAt.
	EnvIdempotencyTableName = "IDEMPOTENCY_TABLE_NAME"
	// EnvLogLevel (optional) is DEBUG, INFO (default), WARN or ERROR.
	EnvLogLevel = "LOG_LEVEL"
	// EnvRunbookBaseURL (optional) gives RunbookURL(<base>, <alarm name>)
	// to alarms whose description has no "Runbook:" line.
	EnvRunbookBaseURL = "RUNBOOK_BASE_URL"
	// EnvCloudWatchProtocol (optional): "awsquery" switches the CloudWatch
	// client from Smithy RPC v2 CBOR (the SDK default) to the awsQuery
	// protocol, which CloudWatch still serves and which emulators need.
	EnvCloudWatchProtocol = "ENRICHER_CLOUDWATCH_PROTOCOL"
	// EnvMetricNamespace is the CloudWatch namespace of the Lambda's EMF
	// self-metrics, "<Platform>/Pipeline" for the deploying platform.
	// Optional: unset, the Lambda uses MetricNamespace ("O11yscale/Pipeline").
	EnvMetricNamespace = "METRIC_NAMESPACE"
)

// CentralIncidentsTopicName is the central incidents topic of an
// organization platform in the monitoring account:
// "<platform>-central-incidents". It differs from the per-region
// "<platform>-incidents", so the monitoring account may also run
// workloads in its central region.
func CentralIncidentsTopicName(platform string) string { return platform + "-central-incidents" }

// CentralIncidentsKeyAlias is the alias of the central topic's KMS key.
// Publishers in other accounts cannot know the key's id before it exists,
// so their role policies match the key by this alias
// (kms:ResourceAliases).
func CentralIncidentsKeyAlias(platform string) string {
	return "alias/" + CentralIncidentsTopicName(platform)
}

// CentralIncidentsTopicArn is the central topic's ARN, deterministic from
// the partition, the monitoring account's central region and id.
func CentralIncidentsTopicArn(partition, region, account, platform string) string {
	return fmt.Sprintf("arn:%s:sns:%s:%s:%s", partition, region, account, CentralIncidentsTopicName(platform))
}

// TopicRegion is the region of an SNS topic ARN
// (arn:<partition>:sns:<region>:<account>:<name>), or "" when arn is not
// one. SNS serves a topic only from its own region's endpoint, so the
// enricher's client must use it when the topic is central.
func TopicRegion(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sns" || parts[3] == "" || strings.Contains(arn, "${Token[") {
		return ""
	}
	return parts[3]
}

// ProtocolAWSQuery is the one non-default EnvCloudWatchProtocol value.
const ProtocolAWSQuery = "awsquery"

// Config is the enricher's environment.
type Config struct {
	// IncidentsTopicArn is the incidents topic. Required.
	IncidentsTopicArn string
	// IdempotencyTableName is the claims table. Required.
	IdempotencyTableName string
	// LogLevel. Default: INFO (the Lambda also falls back to INFO, with a
	// warning, on a value it does not know).
	LogLevel string
	// RunbookBaseURL. Default: none.
	RunbookBaseURL string
	// CloudWatchProtocol: "" (the SDK default) or ProtocolAWSQuery.
	CloudWatchProtocol string
	// MetricNamespace of the self-metrics (ValidMetricNamespace). Default:
	// none, and the Lambda uses MetricNamespace.
	MetricNamespace string
}

// FromEnv reads the Config from an environment lookup such as os.Getenv.
// It does not validate; call Validate.
func FromEnv(getenv func(string) string) Config {
	return Config{
		IncidentsTopicArn:    getenv(EnvIncidentsTopicArn),
		IdempotencyTableName: getenv(EnvIdempotencyTableName),
		LogLevel:             getenv(EnvLogLevel),
		RunbookBaseURL:       getenv(EnvRunbookBaseURL),
		CloudWatchProtocol:   getenv(EnvCloudWatchProtocol),
		MetricNamespace:      getenv(EnvMetricNamespace),
	}
}

// Env is the Lambda environment for c: the required variables and
// LOG_LEVEL always (INFO when LogLevel is empty), the optional ones when
// set.
func (c Config) Env() map[string]string {
	env := map[string]string{
		EnvIncidentsTopicArn:    c.IncidentsTopicArn,
		EnvIdempotencyTableName: c.IdempotencyTableName,
		EnvLogLevel:             c.LogLevel,
	}
	if c.LogLevel == "" {
		env[EnvLogLevel] = "INFO"
	}
	if c.RunbookBaseURL != "" {
		env[EnvRunbookBaseURL] = c.RunbookBaseURL
	}
	if c.CloudWatchProtocol != "" {
		env[EnvCloudWatchProtocol] = c.CloudWatchProtocol
	}
	if c.MetricNamespace != "" {
		env[EnvMetricNamespace] = c.MetricNamespace
	}
	return env
}

// MetricNamespaceFromEnv is the namespace the Lambda writes its
// self-metrics to: EnvMetricNamespace read through getenv (os.Getenv in
// the Lambda), or MetricNamespace when it is unset or blank.
func MetricNamespaceFromEnv(getenv func(string) string) string {
	return namespace.FromEnv(getenv, EnvMetricNamespace, MetricNamespace)
}

// ValidMetricNamespace reports whether ns is a CloudWatch namespace the
// Lambda may write to: 1-255 characters of letters, digits and . - _ / #
// : or space, not starting with "AWS/"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
func ValidMetricNamespace(ns string) bool {
	return namespace.Valid(ns)
}

// Validate reports a missing required variable or an unknown protocol.
// Values may be CDK tokens (they are only checked to be non-empty).
func (c Config) Validate() error {
	var errs []error
	if c.IncidentsTopicArn == "" || c.IdempotencyTableName == "" {
		errs = append(errs, errors.New(EnvIncidentsTopicArn+" and "+EnvIdempotencyTableName+" must both be set"))
	}
	if p := c.CloudWatchProtocol; p != "" && p != ProtocolAWSQuery {
		errs = append(errs, fmt.Errorf("%s=%q: allowed are empty (the SDK default) or %s", EnvCloudWatchProtocol, p, ProtocolAWSQuery))
	}
	if ns := c.MetricNamespace; ns != "" && !ValidMetricNamespace(ns) {
		errs = append(errs, fmt.Errorf("%s=%q: allowed is a CloudWatch namespace of 1-255 letters, digits or . - _ / # : space, not starting with AWS/", EnvMetricNamespace, ns))
	}
	return errors.Join(errs...)
}

// Item attribute names in the idempotency table. The table's partition
// key is AttrKey (string) and its TTL attribute AttrExpiresAt (epoch
// seconds); the others are written by the enricher only.
const (
	AttrKey        = "pk"
	AttrExpiresAt  = "expiresAt"
	AttrStatus     = "status"
	AttrToken      = "token"
	AttrLeaseUntil = "leaseUntil"
	AttrMessageID  = "messageId"
)

// Self-metrics: namespace, dimension and names. Every invocation emits all
// of them with Function=FunctionDimensionValue, and for each invocation
// AlertsReceived = IncidentsPublished + DuplicatesSkipped +
// MalformedMessages + Failures.
const (
	// MetricNamespace is the default when EnvMetricNamespace is unset: the
	// default platform's pipeline namespace.
	MetricNamespace = "O11yscale/Pipeline"
	// FunctionDimension is the self-metrics' one dimension.
	FunctionDimension = "Function"
	// FunctionDimensionValue is its value for the enricher.
	FunctionDimensionValue = "enricher"

	MetricAlertsReceived     = "AlertsReceived"
	MetricIncidentsPublished = "IncidentsPublished"
	MetricDuplicatesSkipped  = "DuplicatesSkipped"
	MetricMalformedMessages  = "MalformedMessages"
	MetricFailures           = "Failures"
	// MetricDataErrors counts incidents published without figures because
	// GetMetricData failed; they are also counted as published.
	MetricDataErrors = "MetricDataErrors"
)

// Severities, most severe first: the "Severity:" description line and the
// severity message attribute of published incidents take these values.
const (
	SeverityCritical = "critical"
	SeverityHigh     = "high"
	SeverityMedium   = "medium"
	SeverityLow      = "low"
	SeverityInfo     = "info"
)

// Severities lists the severities, most severe first.
func Severities() []string {
	return []string{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityInfo}
}

// Message attributes of every published incident.
const (
	AttributeSeverity = "severity"
	AttributeService  = "service"
	AttributeRegion   = "region"
)

// Alarm description lines the enricher reads, each "<Key>: <value>" on a
// line of its own (the first of each wins).
const (
	DescriptionService   = "Service"
	DescriptionSeverity  = "Severity"
	DescriptionRunbook   = "Runbook"
	DescriptionDashboard = "Dashboard"
	// DescriptionSLO names the Application Signals SLO of a burn-rate
	// composite alarm (constructs/slo); with DescriptionBurnWindows it
	// makes the enricher read the SLO's burn rates and attainment.
	DescriptionSLO = "SLO"
	// DescriptionSLOGoal is the SLO's attainment goal in percent, e.g.
	// "99.9"; the enricher derives the error budget remaining from it.
	DescriptionSLOGoal = "SLO goal"
	// DescriptionBurnWindows are the composite's two look-back windows in
	// whole minutes, long first, separated by a space: "60 5".
	DescriptionBurnWindows = "Burn windows"
	// DescriptionBurnThreshold is the burn rate both windows must reach.
	DescriptionBurnThreshold = "Burn threshold"
)

// Application Signals SLO metrics, which the service publishes for every
// SLO: BurnRate once per burn-rate configuration (dimensions SloName and
// BurnRateWindowMinutes) and AttainmentRate (dimension SloName), in
// percent over the SLO's interval. The burn-rate formula is documented at
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-ServiceLevelObjectives.html#CloudWatch-ServiceLevelObjectives-burn;
// the metric and dimension names are unverified against an AWS page: they
// come from public deployments that alarm on them.
const (
	SLOMetricNamespace         = "AWS/ApplicationSignals"
	SLOMetricBurnRate          = "BurnRate"
	SLOMetricAttainmentRate    = "AttainmentRate"
	SLODimensionName           = "SloName"
	SLODimensionBurnRateWindow = "BurnRateWindowMinutes"
)

// DescriptionLine is one "<key>: <value>" description line, without a
// line break.
func DescriptionLine(key, value string) string { return key + ": " + value }

// ConsoleAlarmURL is the CloudWatch console deep link to an alarm.
// partition is aws, aws-cn or aws-us-gov (anything else is taken as aws);
// region is a region code, letters, digits and '-', or a CDK token for
// one: it is not escaped. The console's hosts per partition are listed at
// https://docs.aws.amazon.com/general/latest/gr/mgmt-console.html.
func ConsoleAlarmURL(partition, region, alarmName string) string {
	host := region + ".console.aws.amazon.com"
	switch partition {
	case "aws-cn":
		host = region + ".console.amazonaws.cn"
	case "aws-us-gov":
		host = "console.amazonaws-us-gov.com"
	}
	return "https://" + host + "/cloudwatch/home?region=" + region + "#alarmsV2:alarm/" + url.PathEscape(alarmName)
}

// PartitionOfRegion is the partition of a region code: aws-cn for cn-*,
// aws-us-gov for us-gov-*, else aws (also for a CDK token).
func PartitionOfRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// RunbookURL is the runbook an alarm gets from a runbook base URL:
// <base without trailing slashes>/<path-escaped alarm name>.
func RunbookURL(base, alarmName string) string {
	return strings.TrimRight(base, "/") + "/" + url.PathEscape(alarmName)
}

// WindowName writes a burn-rate window of whole minutes in its largest
// whole unit, as alarm names, incidents and dashboards show it: 5m, 6h,
// 3d.
func WindowName(minutes int) string {
	switch {
	case minutes >= 1440 && minutes%1440 == 0:
		return strconv.Itoa(minutes/1440) + "d"
	case minutes >= 60 && minutes%60 == 0:
		return strconv.Itoa(minutes/60) + "h"
	}
	return strconv.Itoa(minutes) + "m"
}
