// Package logtiers implements the seed's tiered log pipeline (Example 3) as
// CDK constructs:
//
//   - NewServiceLogs: per service, one CloudWatch log group per tier that
//     stays in CloudWatch (ERROR 30 days, WARN 7 days by default), INFO to
//     the S3 archive, DEBUG dropped; error-count metric filters; subscription
//     filters that forward only critical events to a SubscriptionDestination;
//     an optional Fluent Bit (FireLens) config generated from the same tiers.
//   - NewArchive: per region, the S3 archive bucket (TLS only, versioned,
//     access-logged, lifecycle to Glacier then expiry) and the Firehose
//     delivery stream that writes gzip objects partitioned by service, tier
//     and date.
//   - NewRouter: per region, the log router Lambda (lambdas/logrouter) with
//     its environment, its grant on the archive's stream and the one
//     CloudWatch Logs invoke permission covering a log group name prefix. It
//     is a SubscriptionDestination.
//   - NewRetentionGuard: an Aspect that gives every log group in an app a
//     retention and makes a never-expiring one a synth error.
//
// Per-service resources are small and many (a platform may have hundreds of
// services in several regions), so they belong in nested-stack shards;
// shared ones (archive, router, a forwarding role) are created once per
// region and passed in as objects.
//
// The props are code-only: no YAML schema lives here (the platform config
// maps its YAML onto them). Zero values mean the documented defaults.
package logtiers

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/internal/naming"
)

// Tier is where records of some levels go.
type Tier string

// The tiers.
const (
	Error Tier = "ERROR"
	Warn  Tier = "WARN"
	Info  Tier = "INFO"
	Debug Tier = "DEBUG"
)

// TierNames lists the tiers in routing order.
var TierNames = []Tier{Error, Warn, Info, Debug}

func (t Tier) valid() bool {
	for _, n := range TierNames {
		if t == n {
			return true
		}
	}
	return false
}

// lower is the tier's name in log group names and S3 keys, e.g. "error".
func (t Tier) lower() string { return strings.ToLower(string(t)) }

// TierDestination is where a tier's records go.
type TierDestination string

// Destinations of a tier.
const (
	// CloudWatch keeps the tier in a CloudWatch Logs log group.
	CloudWatch TierDestination = "cloudwatch"
	// S3 sends the tier straight to the archive (Fluent Bit's s3 output or
	// the archive's Firehose), skipping CloudWatch ingestion.
	S3 TierDestination = "s3"
	// Drop discards the tier.
	Drop TierDestination = "drop"
)

// LogFormat is the shape of the application's log lines.
type LogFormat string

// Log formats.
const (
	// FormatJSON: one JSON object per line with a "level" key.
	FormatJSON LogFormat = "json"
	// FormatSpace: space-delimited lines "time request_id level message...".
	FormatSpace LogFormat = "space"
)

// DefaultName is the platform name the props' Name defaults to.
const DefaultName = "o11yscale"

// DefaultLogGroupPrefix starts every log group name of the default
// platform: LogGroupPrefix(DefaultName).
const DefaultLogGroupPrefix = "/" + DefaultName

// LogGroupPrefix is the default log group name prefix of the platform
// name: "/<name>".
func LogGroupPrefix(name string) string { return "/" + name }

// MetricNamespace is the default prefix of the platform's log metric
// namespaces: "<Name>/Logs" with the name's first letter in upper case
// ("O11yscale/Logs", "Acme/Logs").
func MetricNamespace(name string) string { return naming.Namespace(name, "Logs") }

// nameRE is what Name allows: it appears in log group names, metric
// namespaces, SSM parameter names and OpenSearch index names.
// OpenSearch index names must be lower case.
var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// validateName reports an invalid platform name at "name".
func validateName(v *validation.Errors, name string) {
	if !nameRE.MatchString(name) {
		v.Add("name", name, "1-32 lowercase letters, digits, '-' or '_', starting with a letter or digit")
	}
}

// Default filter patterns, from the seed.
const (
	// CriticalJSON selects the events worth forwarding in real time.
	CriticalJSON = `{ $.level = "ERROR" || $.status_code >= 500 }`
	// ErrorJSON counts errors in JSON logs.
	ErrorJSON = `{ $.level = "ERROR" }`
	// ErrorSpace counts errors in space-delimited logs.
	ErrorSpace = `[time, request_id, level = ERROR*, ...]`
)

// CloudWatch Logs quotas enforced at synth, from
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html
const (
	// MaxMetricFilters per log group.
	MaxMetricFilters = 100
	// MaxDimensions per metric filter.
	MaxDimensions = 3
	// MaxSubscriptionFilters per log group.
	MaxSubscriptionFilters = 2
	// MaxRegexPatterns is how many metric and subscription filter patterns
	// with a %regex% one log group may have.
	MaxRegexPatterns = 5
)

var (
	serviceRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	prefixRE    = regexp.MustCompile(`^/[A-Za-z0-9._/#-]{0,200}$`)
	filterRE    = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	namespaceRE = regexp.MustCompile(`^[A-Za-z0-9.\-_/#: ]{1,255}$`)
	levelRE     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	ssmNameRE   = regexp.MustCompile(`^/[A-Za-z0-9_.\-/]{1,1000}$`)
	numberRE    = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
)

// LogGroupName is the name of a service's tier log group:
// <prefix>/<service>/<tier in lower case>, e.g. /o11yscale/checkout-api/error.
// With an empty tier it is the prefix of all the service's groups
// (/o11yscale/checkout-api/). An empty prefix is DefaultLogGroupPrefix.
// Dashboards and queries rely on it.
func LogGroupName(prefix, service string, tier Tier) string {
	if prefix == "" {
		prefix = DefaultLogGroupPrefix
	}
	return fmt.Sprintf("%s/%s/%s", strings.TrimSuffix(prefix, "/"), service, tier.lower())
}

// unresolved reports whether v is a CDK token (known only at deploy).
func unresolved(v any) bool { return *awscdk.Token_IsUnresolved(v) }
