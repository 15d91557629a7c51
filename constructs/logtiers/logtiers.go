// Package logtiers implements the seed's tiered log pipeline (Example 3) as
// CDK constructs:
//
//   - NewServiceLogs: per service, one CloudWatch log group per tier that
//     stays in CloudWatch (ERROR 30 days, WARN 7 days by default), INFO to
//     the S3 archive, DEBUG dropped; error-count metric filters; subscription
//     filters that forward only critical events; an optional Fluent Bit
//     (FireLens) config generated from the same tiers.
//   - NewArchive: per region, the S3 archive bucket (TLS only, versioned,
//     access-logged, lifecycle to Glacier then expiry) and the Firehose
//     delivery stream that writes gzip objects partitioned by service, tier
//     and date.
//   - NewRetentionGuard: an Aspect that gives every log group in an app a
//     retention and makes a never-expiring one a synth error.
//
// Per-service resources are small and many (a platform may have hundreds of
// services in several regions), so they belong in nested-stack shards;
// shared ones (archive, the log router's invoke permission, a forwarding
// role) are created once per region and passed in.
package logtiers

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
)

// Tier names. A tier is where records of some levels go.
const (
	Error = "ERROR"
	Warn  = "WARN"
	Info  = "INFO"
	Debug = "DEBUG"
)

// TierNames lists the tiers in routing order.
var TierNames = []string{Error, Warn, Info, Debug}

// Destinations of a tier.
const (
	// CloudWatch keeps the tier in a CloudWatch Logs log group.
	CloudWatch = "cloudwatch"
	// S3 sends the tier straight to the archive (Fluent Bit's s3 output or
	// the archive's Firehose), skipping CloudWatch ingestion.
	S3 = "s3"
	// Drop discards the tier.
	Drop = "drop"
)

// Log group classes.
const (
	Standard         = "STANDARD"
	InfrequentAccess = "INFREQUENT_ACCESS"
)

// Log formats of the application's lines.
const (
	// FormatJSON: one JSON object per line with a "level" key.
	FormatJSON = "json"
	// FormatSpace: space-delimited lines "time request_id level message...".
	FormatSpace = "space"
)

// DefaultLogGroupPrefix starts every log group name.
const DefaultLogGroupPrefix = "/o11yscale"

// Default filter patterns, from the seed.
const (
	// CriticalJSON selects the events worth forwarding in real time.
	CriticalJSON = `{ $.level = "ERROR" || $.status_code >= 500 }`
	// ErrorJSON counts errors in JSON logs.
	ErrorJSON = `{ $.level = "ERROR" }`
	// ErrorSpace counts errors in space-delimited logs.
	ErrorSpace = `[time, request_id, level = ERROR*, ...]`
)

// LogGroupName is the name of a service's tier log group:
// <prefix>/<service>/<tier in lower case>, e.g. /o11yscale/checkout-api/error.
// Dashboards and queries rely on it.
func LogGroupName(prefix, service, tier string) string {
	if prefix == "" {
		prefix = DefaultLogGroupPrefix
	}
	return fmt.Sprintf("%s/%s/%s", strings.TrimSuffix(prefix, "/"), service, strings.ToLower(tier))
}

// tierDefaults are the seed's tiers.
var tierDefaults = map[string]TierProps{
	Error: {Destination: CloudWatch, RetentionDays: 30, Class: Standard, Levels: []string{"ERROR", "CRITICAL", "FATAL"}},
	Warn:  {Destination: CloudWatch, RetentionDays: 7, Class: Standard, Levels: []string{"WARN", "WARNING"}},
	Info:  {Destination: S3, RetentionDays: 14, Class: Standard, Levels: []string{"INFO", "NOTICE"}},
	Debug: {Destination: Drop, RetentionDays: 3, Class: Standard, Levels: []string{"DEBUG", "TRACE"}},
}

// unresolved reports whether v is a CDK token (known only at deploy).
func unresolved(v any) bool { return *awscdk.Token_IsUnresolved(v) }
