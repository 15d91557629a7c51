package config

import (
	"time"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// The cost: block. Its types mirror what the platform cannot derive from
// its constructs (cost.Inputs and the types it holds) field for field,
// adding only the YAML/JSON keys; the semantics, defaults and allowed
// values of every field are the cost package's. Tier routes, retention,
// archive lifecycle, sampling, alarm counts, the forwarder, Kinesis and
// Grafana are derived from the other sections (platform.Props.CostConfig).

// Cost is the cost block of the platform config: prices, traffic,
// assumptions and an optional budget. Without it (or for a service or
// region it does not declare) the report prices assumed traffic and says so.
type Cost struct {
	// Pricing selects the price set. Default: us-east-1 list prices.
	Pricing CostPricing `yaml:"pricing,omitempty" json:"pricing,omitempty"`
	// Volumes is the declared workload.
	Volumes CostVolumes `yaml:"volumes,omitempty" json:"volumes,omitempty"`
	// Assumptions are the sizes and shares the model cannot read from the
	// templates. Default: see each field.
	Assumptions CostAssumptions `yaml:"assumptions,omitempty" json:"assumptions,omitempty"`
	// Budget is the optional monthly budget; it needs declared traffic for
	// every service and region. Default: none.
	Budget CostBudget `yaml:"budget,omitempty" json:"budget,omitempty"`
}

// CostPricing selects the price set in the platform config: a named base set
// plus a partial override map.
type CostPricing struct {
	// Base names the embedded price set to start from.
	// Default: "us-east-1-2026-11". "seed" reproduces the seed's examples.
	Base string `yaml:"base,omitempty" json:"base,omitempty"`
	// Overrides maps price keys (see PriceKeys) to a USD figure quoted for
	// the key's own quantity, e.g. {"xray.tracesRecordedPerMillion": 5.5}.
	// Default: none.
	Overrides map[string]float64 `yaml:"overrides,omitempty" json:"overrides,omitempty"`
	// BytesPerGB overrides the set's GB definition (1e9 or 1073741824).
	// Default: the base set's (1e9 for both embedded sets).
	BytesPerGB float64 `yaml:"bytesPerGB,omitempty" json:"bytesPerGB,omitempty"`
}

// CostVolumes is the declared traffic of the services, and the users of
// the Grafana workspace.
type CostVolumes struct {
	// Services lists the declared services, by platform service name.
	Services []CostService `yaml:"services,omitempty" json:"services,omitempty"`
	// Grafana is the Managed Grafana workspace's active users, priced only
	// when grafana.mode creates a workspace.
	Grafana CostGrafanaUsers `yaml:"grafana,omitempty" json:"grafana,omitempty"`
}

// CostService is one service's traffic.
type CostService struct {
	// Name is the platform service's name.
	Name string `yaml:"name" json:"name"`
	// Account, in an organization, limits the entry to that workload
	// account's service (accounts[i].name); it wins over an entry without
	// one. Default: the service in every account that runs it, each
	// account-region at the rate given for its region.
	Account string `yaml:"account,omitempty" json:"account,omitempty"`
	// Regions gives the request rate per region; a platform region not
	// listed is priced from assumed traffic.
	Regions []CostRegionTraffic `yaml:"regions" json:"regions"`
	// Logs is what one request logs.
	Logs CostLogVolume `yaml:"logs,omitempty" json:"logs,omitempty"`
	// Traces is the share of requests kept by tail sampling; the sampling
	// rates come from the sampling section's rules.
	Traces CostTraceShares `yaml:"traces,omitempty" json:"traces,omitempty"`
	// Metrics is the custom metrics the service publishes, in each region.
	Metrics CostCustomMetrics `yaml:"metrics,omitempty" json:"metrics,omitempty"`
	// StreamedMetrics is the service's metrics in the streamed namespaces,
	// in each region with metric streams. Default: 8, or 15 with an API.
	StreamedMetrics int `yaml:"streamedMetrics,omitempty" json:"streamedMetrics,omitempty"`
}

// CostRegionTraffic is a service's request rate in one region.
type CostRegionTraffic struct {
	// Region is an AWS region name, e.g. "eu-west-1".
	Region string `yaml:"region" json:"region"`
	// RequestsPerSecond is the average request rate, 0 to 10,000,000.
	RequestsPerSecond float64 `yaml:"requestsPerSecond" json:"requestsPerSecond"`
}

// CostLogVolume is what one request logs.
type CostLogVolume struct {
	// LinesPerRequest is the average number of log lines per request,
	// 0 to 100,000.
	LinesPerRequest float64 `yaml:"linesPerRequest,omitempty" json:"linesPerRequest,omitempty"`
	// BytesPerLine is the average line size in bytes, 1 to 1,048,576
	// (the CloudWatch Logs event limit). Default: 500 (the seed's figure).
	BytesPerLine float64 `yaml:"bytesPerLine,omitempty" json:"bytesPerLine,omitempty"`
	// Tiers is the share of lines at each tier (level).
	// Default: the seed's Example 3 mix 0.1 : 0.5 : 5 : 4 TB/day.
	Tiers CostTierMix `yaml:"tiers,omitempty" json:"tiers,omitempty"`
}

// CostTierMix is the share of log lines at each tier; the shares are 0-1 and
// sum to 1. All zero means the default mix.
type CostTierMix struct {
	Error float64 `yaml:"error,omitempty" json:"error,omitempty"`
	Warn  float64 `yaml:"warn,omitempty" json:"warn,omitempty"`
	Info  float64 `yaml:"info,omitempty" json:"info,omitempty"`
	Debug float64 `yaml:"debug,omitempty" json:"debug,omitempty"`
}

// CostTraceShares is the share of requests always kept by tail sampling.
type CostTraceShares struct {
	// ErrorShare is the share of requests that fail, 0-1.
	ErrorShare float64 `yaml:"errorShare,omitempty" json:"errorShare,omitempty"`
	// SlowShare is the share of requests over the latency threshold, 0-1;
	// with errorShare at most 1.
	SlowShare float64 `yaml:"slowShare,omitempty" json:"slowShare,omitempty"`
}

// CostCustomMetrics is a service's custom metrics in one region.
type CostCustomMetrics struct {
	// Publishers is the number of processes that aggregate and flush
	// independently (instances, concurrent Lambda environments), 1 to
	// 1,000,000. Default: 1.
	Publishers int `yaml:"publishers,omitempty" json:"publishers,omitempty"`
	// Groups lists metric names that share one dimension set.
	Groups []CostMetricGroup `yaml:"groups,omitempty" json:"groups,omitempty"`
}

// CostMetricGroup is a set of metric names published with the same dimensions.
// Its series count is Metrics × the product of the dimension cardinalities.
type CostMetricGroup struct {
	// Name labels the group, unique within the service.
	Name string `yaml:"name" json:"name"`
	// Metrics is the number of metric names, 1 to 100,000. Default: 1.
	Metrics int `yaml:"metrics,omitempty" json:"metrics,omitempty"`
	// Dimensions maps each dimension name to its number of distinct
	// values, at most 30 dimensions (the PutMetricData limit), each 1 to
	// 1,000,000,000.
	Dimensions map[string]int `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
}

// CostGrafanaUsers is the active users of the Managed Grafana workspace.
type CostGrafanaUsers struct {
	// Editors counts active editors and admins. A workspace is billed at
	// least one editor whenever the platform has any Grafana user.
	Editors int `yaml:"editors,omitempty" json:"editors,omitempty"`
	// Viewers counts active viewers.
	Viewers int `yaml:"viewers,omitempty" json:"viewers,omitempty"`
}

// CostAssumptions are the figures the model cannot read from the platform.
type CostAssumptions struct {
	// Logs holds the log sizes and query habits.
	Logs CostLogAssumptions `yaml:"logs,omitempty" json:"logs,omitempty"`
	// MetricPublishing is how the services publish custom metrics.
	MetricPublishing CostMetricPublishing `yaml:"metricPublishing,omitempty" json:"metricPublishing,omitempty"`
	// Forwarder holds the forwarder's datapoint size and run time.
	Forwarder CostForwarderAssumptions `yaml:"forwarder,omitempty" json:"forwarder,omitempty"`
	// MetricStreams holds the size of one metric update.
	MetricStreams CostMetricStreams `yaml:"metricStreams,omitempty" json:"metricStreams,omitempty"`
	// Naive holds the knobs of the naive architecture.
	Naive CostNaiveArchitecture `yaml:"naive,omitempty" json:"naive,omitempty"`
	// TransactionSearch is the shape of the exported traces' spans; whether
	// Transaction Search is on and its indexing percentage come from
	// sampling.transactionSearch.
	TransactionSearch CostSpanAssumptions `yaml:"transactionSearch,omitempty" json:"transactionSearch,omitempty"`
}

// CostSpanAssumptions are the span figures no construct declares.
type CostSpanAssumptions struct {
	// SpansPerTrace is the average spans of an exported trace, 1 to
	// 10,000. Default: 10 (an assumption).
	SpansPerTrace float64 `yaml:"spansPerTrace,omitempty" json:"spansPerTrace,omitempty"`
	// BytesPerSpan is the average stored span size, 1 to 1,000,000.
	// Default: 1000 (an assumption).
	BytesPerSpan float64 `yaml:"bytesPerSpan,omitempty" json:"bytesPerSpan,omitempty"`
}

// CostLogAssumptions are the log figures no construct declares.
type CostLogAssumptions struct {
	// CompressionRatio is stored bytes / raw bytes, above 0 and at most 1.
	// Default: 1.
	CompressionRatio float64 `yaml:"compressionRatio,omitempty" json:"compressionRatio,omitempty"`
	// S3ObjectMB is the size of one object Fluent Bit writes to S3, in MB.
	// Default: 64.
	S3ObjectMB float64 `yaml:"s3ObjectMB,omitempty" json:"s3ObjectMB,omitempty"`
	// InsightsScan is how much Logs Insights queries scan a month per
	// CloudWatch tier, as a multiple of its monthly volume, 0 to 1,000.
	// Default: 0.
	InsightsScan CostTierShares `yaml:"insightsScan,omitempty" json:"insightsScan,omitempty"`
}

// CostTierShares is one figure per log tier.
type CostTierShares struct {
	Error float64 `yaml:"error,omitempty" json:"error,omitempty"`
	Warn  float64 `yaml:"warn,omitempty" json:"warn,omitempty"`
	Info  float64 `yaml:"info,omitempty" json:"info,omitempty"`
	Debug float64 `yaml:"debug,omitempty" json:"debug,omitempty"`
}

// CostForwarderAssumptions are the forwarder figures no construct declares.
type CostForwarderAssumptions struct {
	// DatapointBytes is the size of one datapoint's JSON line. Default: 350.
	DatapointBytes int `yaml:"datapointBytes,omitempty" json:"datapointBytes,omitempty"`
	// LambdaDuration is the billed duration of one run. Default: 2s.
	LambdaDuration time.Duration `yaml:"lambdaDuration,omitempty" json:"lambdaDuration,omitempty"`
}

// CostMetricPublishing is how the services publish custom metrics.
type CostMetricPublishing struct {
	// Mode is "emf", "statisticSets" or "perDatapoint". Default: "emf".
	Mode string `yaml:"mode,omitempty" json:"mode,omitempty"`
	// FlushInterval is how often a publisher flushes its aggregates,
	// 1s to 1h. Default: 60s (the seed's MetricAggregator).
	FlushInterval time.Duration `yaml:"flushInterval,omitempty" json:"flushInterval,omitempty"`
	// EMFBytesPerEvent is the size of one EMF event (one dimension
	// combination, up to 100 metrics), 1 to 1,048,576. Default: 500.
	EMFBytesPerEvent int `yaml:"emfBytesPerEvent,omitempty" json:"emfBytesPerEvent,omitempty"`
	// EMFRetentionDays is the retention of the log group holding EMF
	// events, a CloudWatch RetentionInDays value. Default: 7.
	EMFRetentionDays int `yaml:"emfRetentionDays,omitempty" json:"emfRetentionDays,omitempty"`
}

// CostMetricStreams is the CloudWatch Metric Streams delivery to Firehose.
type CostMetricStreams struct {
	// UpdateBytes is the size of one metric update in the stream's output
	// format, 1 to 1,048,576. Default: 500.
	UpdateBytes int `yaml:"updateBytes,omitempty" json:"updateBytes,omitempty"`
}

// CostNaiveArchitecture holds the naive architecture's open knobs.
type CostNaiveArchitecture struct {
	// LogRetentionDays is the retention of the naive single log group, a
	// CloudWatch RetentionInDays value (CloudWatch's own default, never
	// expire, has no steady state). Default: 30 (the seed's Mistake 4 fix).
	LogRetentionDays int `yaml:"logRetentionDays,omitempty" json:"logRetentionDays,omitempty"`
}

// CostBudget is an optional monthly budget for the declared architecture.
type CostBudget struct {
	// MonthlyUSD is the budget; 0 disables the guard.
	MonthlyUSD float64 `yaml:"monthlyUSD,omitempty" json:"monthlyUSD,omitempty"`
	// WarnShare warns when the estimate reaches this share of the budget,
	// above 0 and at most 1. Default: 0.8.
	WarnShare float64 `yaml:"warnShare,omitempty" json:"warnShare,omitempty"`
}

func (p *Platform) validateCost(v *validation.Errors) {
	if p.Cost == nil {
		return
	}
	// The platform validates the block against the platform it derives the
	// rest from (service and region names, a budget's traffic); its paths
	// are this file's (cost.volumes.services[0].regions, ...).
	if _, err := p.Props("").CostConfig(); err != nil {
		for _, fe := range validation.Fields(err) {
			v.Add(fe.Path, fe.Value, "%s", fe.Allowed)
		}
	}
}
