// Package contract is what the log router Lambda (lambdas/logrouter) and
// the construct that deploys it (logtiers.NewRouter) agree on: the
// environment variable names and values, the forwarding config and its
// validation, and the namespace, dimensions and names of the metrics the
// router emits, for dashboards and alarms.
//
// It imports neither the AWS SDK nor the CDK, so both sides (and the
// dashboards) can depend on it.
package contract

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/internal/namespace"
)

// Environment variable names the router reads.
const (
	// EnvDeliveryStreamName is the Firehose delivery stream records go to.
	// Required.
	EnvDeliveryStreamName = "DELIVERY_STREAM_NAME"
	// EnvForwardTiers lists the forwarded tiers, comma-separated
	// ("ERROR,WARN") or as a JSON array (["ERROR"]). Default: ERROR.
	EnvForwardTiers = "FORWARD_TIERS"
	// EnvForwardMinStatus forwards any event with a status_code of at least
	// this value; 0 disables the status rule. Default: 500.
	EnvForwardMinStatus = "FORWARD_MIN_STATUS"
	// EnvLogLevel is the level of the router's own logs. Default: INFO.
	EnvLogLevel = "LOG_LEVEL"
	// EnvMaxDecompressedBytes caps one payload's gzip output. Default:
	// 8 MiB.
	EnvMaxDecompressedBytes = "MAX_DECOMPRESSED_BYTES"
	// EnvMetricNamespace is the CloudWatch namespace of the Lambda's EMF
	// self-metrics, "<Platform>/Pipeline" for the deploying platform.
	// Optional: unset, the Lambda uses Namespace ("O11yscale/Pipeline").
	EnvMetricNamespace = "METRIC_NAMESPACE"
	// EnvAnalysisStreams names the analysis tier's (OpenSearch) Firehose
	// streams, one per tier and index: comma-separated TIER=stream pairs,
	// "ERROR=errors-stream,WARN=warnings-stream". The events of a listed
	// tier also go to its stream. Optional: unset, no second target.
	EnvAnalysisStreams = "ANALYSIS_STREAMS"
)

// DefaultAnalysisTiers are the tiers the deploying construct gives an
// analysis stream unless told otherwise: the seed's "errors + warnings
// only".
var DefaultAnalysisTiers = []string{TierError, TierWarn}

// Tiers the router classifies events into, as FORWARD_TIERS names them.
// TierUnknown is an event without a recognised level.
const (
	TierError   = "ERROR"
	TierWarn    = "WARN"
	TierInfo    = "INFO"
	TierDebug   = "DEBUG"
	TierUnknown = "UNKNOWN"
)

// Tiers lists every tier name the router accepts.
var Tiers = []string{TierError, TierWarn, TierInfo, TierDebug, TierUnknown}

// Log levels LOG_LEVEL accepts.
var LogLevels = []string{"DEBUG", "INFO", "WARN", "ERROR"}

// Bounds of FORWARD_MIN_STATUS (besides 0) and MAX_DECOMPRESSED_BYTES.
const (
	MinStatusLow         = 100
	MinStatusHigh        = 599
	MinDecompressedBytes = 1 << 10
	MaxDecompressedBytes = 1 << 30
)

// Metrics the router writes as EMF, every invocation.
const (
	// Namespace of every router metric when EnvMetricNamespace is unset:
	// the default platform's pipeline namespace.
	Namespace = "O11yscale/Pipeline"
	// DimensionFunction is on every metric, with value FunctionName.
	DimensionFunction = "Function"
	// FunctionName is the value of DimensionFunction.
	FunctionName = "logrouter"
	// DimensionReason is on MetricEventsDropped only, with one of
	// DropReasons.
	DimensionReason = "Reason"

	MetricEventsIn        = "EventsIn"
	MetricEventsForwarded = "EventsForwarded"
	MetricEventsFailed    = "EventsFailed"
	MetricRecordsRetried  = "RecordsRetried"
	MetricRecordsFailed   = "RecordsFailed"
	MetricDecodeErrors    = "DecodeErrors"
	MetricEventsDropped   = "EventsDropped"

	// Written only when the analysis stream is configured: the events
	// selected for it that it took, and those it did not take after
	// retries. EventsForwarded and EventsFailed count every target.
	MetricAnalysisEventsForwarded = "AnalysisEventsForwarded"
	MetricAnalysisEventsFailed    = "AnalysisEventsFailed"
)

// Values of DimensionReason.
const (
	// DropControlMessage counts the events of CONTROL_MESSAGE payloads.
	DropControlMessage = "control-message"
	// DropTierNotForwarded counts events no rule of any target selects.
	DropTierNotForwarded = "tier-not-forwarded"
	// DropRecordTooLarge counts events whose fields other than the message
	// alone exceed the record limit.
	DropRecordTooLarge = "record-too-large"
)

// DropReasons lists every DimensionReason value of MetricEventsDropped.
var DropReasons = []string{DropControlMessage, DropTierNotForwarded, DropRecordTooLarge}

// Config is the router's environment as the deploying construct writes
// it. Every field is explicit: the construct fills in its defaults before
// rendering the environment.
type Config struct {
	// DeliveryStreamName of the Firehose stream; at synth usually a CDK
	// token. Required.
	DeliveryStreamName string
	// ForwardTiers are forwarded whatever their status: one or more of
	// Tiers. Required.
	ForwardTiers []string
	// MinStatus forwards any event with a status_code of at least this
	// value, 100-599; 0 disables the status rule.
	MinStatus int
	// LogLevel of the router's own logs, one of LogLevels. Required.
	LogLevel string
	// MaxDecompressedBytes caps one payload's gzip output,
	// MinDecompressedBytes-MaxDecompressedBytes; 0 leaves the router's
	// default (8 MiB) and writes no variable.
	MaxDecompressedBytes int
	// MetricNamespace of the router's self-metrics (ValidMetricNamespace);
	// "" writes no variable and the router uses Namespace.
	MetricNamespace string
	// AnalysisStreams are the analysis tier's Firehose streams by tier
	// (keys from Tiers, at synth the names are usually CDK tokens); empty
	// (the default) writes no variable and the router has one target.
	AnalysisStreams map[string]string
}

// Validate reports every problem at once, with paths named after the
// fields (deliveryStreamName, forwardTiers[1], ...).
func (c Config) Validate() error {
	var v validation.Errors
	if strings.TrimSpace(c.DeliveryStreamName) == "" {
		v.Add("deliveryStreamName", c.DeliveryStreamName, "the name of the Firehose delivery stream")
	}
	if len(c.ForwardTiers) == 0 {
		v.Add("forwardTiers", "", "at least one of %s", strings.Join(Tiers, ", "))
	}
	for i, t := range c.ForwardTiers {
		if !slices.Contains(Tiers, t) {
			v.Add(validation.Index("forwardTiers", i), t, "one of %s", strings.Join(Tiers, ", "))
		}
	}
	if c.MinStatus != 0 && (c.MinStatus < MinStatusLow || c.MinStatus > MinStatusHigh) {
		v.Add("minStatus", c.MinStatus, "0 (no status rule) or an HTTP status in %d-%d", MinStatusLow, MinStatusHigh)
	}
	if !slices.Contains(LogLevels, c.LogLevel) {
		v.Add("logLevel", c.LogLevel, "one of %s", strings.Join(LogLevels, ", "))
	}
	if c.MetricNamespace != "" && !ValidMetricNamespace(c.MetricNamespace) {
		v.Add("metricNamespace", c.MetricNamespace, "a CloudWatch namespace: 1-255 letters, digits or . - _ / # : space, not starting with AWS/")
	}
	for _, tier := range slices.Sorted(maps.Keys(c.AnalysisStreams)) {
		path := "analysisStreams." + tier
		if !slices.Contains(Tiers, tier) {
			v.Add(path, tier, "a tier, one of %s", strings.Join(Tiers, ", "))
		}
		if s := c.AnalysisStreams[tier]; strings.TrimSpace(s) == "" || strings.ContainsAny(s, ",=") {
			v.Add(path, s, "the name of the tier's Firehose delivery stream")
		}
	}
	if c.MaxDecompressedBytes != 0 && (c.MaxDecompressedBytes < MinDecompressedBytes || c.MaxDecompressedBytes > MaxDecompressedBytes) {
		v.Add("maxDecompressedBytes", c.MaxDecompressedBytes, "0 (the router's default) or %d-%d bytes", MinDecompressedBytes, MaxDecompressedBytes)
	}
	return v.Err()
}

// Env renders the config as the router's environment variables.
func (c Config) Env() map[string]string {
	env := map[string]string{
		EnvDeliveryStreamName: c.DeliveryStreamName,
		EnvForwardTiers:       strings.Join(c.ForwardTiers, ","),
		EnvForwardMinStatus:   strconv.Itoa(c.MinStatus),
		EnvLogLevel:           c.LogLevel,
	}
	if c.MaxDecompressedBytes != 0 {
		env[EnvMaxDecompressedBytes] = strconv.Itoa(c.MaxDecompressedBytes)
	}
	if c.MetricNamespace != "" {
		env[EnvMetricNamespace] = c.MetricNamespace
	}
	if len(c.AnalysisStreams) > 0 {
		var pairs []string
		for _, tier := range Tiers {
			if s, ok := c.AnalysisStreams[tier]; ok {
				pairs = append(pairs, tier+"="+s)
			}
		}
		env[EnvAnalysisStreams] = strings.Join(pairs, ",")
	}
	return env
}

// MetricNamespaceFromEnv is the namespace the Lambda writes its
// self-metrics to: EnvMetricNamespace read through getenv (os.Getenv in
// the Lambda), or Namespace when it is unset or blank.
func MetricNamespaceFromEnv(getenv func(string) string) string {
	return namespace.FromEnv(getenv, EnvMetricNamespace, Namespace)
}

// ValidMetricNamespace reports whether ns is a CloudWatch namespace the
// Lambda may write to: 1-255 characters of letters, digits and . - _ / #
// : or space, not starting with "AWS/"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
func ValidMetricNamespace(ns string) bool {
	return namespace.Valid(ns)
}
