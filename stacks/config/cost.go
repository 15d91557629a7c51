package config

import (
	"time"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// The cost: block. Its types mirror the cost model's input
// (cost.Config and the types it holds) field for field, adding only the
// YAML/JSON keys; the semantics, defaults and allowed values of every field
// are the cost package's. CostConfig maps the block to a cost.Config.

// Cost is the cost block of the platform config: prices, declared
// volumes, the declared architecture and an optional budget.
type Cost struct {
	// Pricing selects the price set. Default: us-east-1 list prices.
	Pricing CostPricing `yaml:"pricing,omitempty" json:"pricing,omitempty"`
	// Volumes is the declared workload.
	Volumes CostVolumes `yaml:"volumes,omitempty" json:"volumes,omitempty"`
	// Architecture is the declared design. Default: see Architecture.WithDefaults.
	Architecture CostArchitecture `yaml:"architecture,omitempty" json:"architecture,omitempty"`
	// Budget is the optional monthly budget. Default: none.
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

// CostVolumes is the declared workload: what each service sends, per region,
// plus the platform's Grafana users. Zero means "none" unless a field says
// otherwise.
type CostVolumes struct {
	// Services lists every service and the regions it runs in.
	Services []CostService `yaml:"services,omitempty" json:"services,omitempty"`
	// Grafana is the Managed Grafana workspace's active users.
	Grafana CostGrafanaUsers `yaml:"grafana,omitempty" json:"grafana,omitempty"`
}

// CostService is one service's declared volumes. Traffic is declared per
// region; the shape of its telemetry (log lines per request, tier mix,
// sampling, metrics, alarms) is the same code in every region.
type CostService struct {
	// Name is the service name, 1-64 of [A-Za-z0-9._-], unique.
	Name string `yaml:"name" json:"name"`
	// Regions lists the regions the service runs in and its traffic there.
	Regions []CostRegionTraffic `yaml:"regions" json:"regions"`
	// Logs is what one request logs.
	Logs CostLogVolume `yaml:"logs,omitempty" json:"logs,omitempty"`
	// Traces is the trace sampling that the service's sampling rules declare.
	Traces CostTraceSampling `yaml:"traces,omitempty" json:"traces,omitempty"`
	// Metrics is the custom metrics the service publishes, in each region.
	Metrics CostCustomMetrics `yaml:"metrics,omitempty" json:"metrics,omitempty"`
	// Alarms is the alarms on the service, in each region.
	Alarms CostAlarms `yaml:"alarms,omitempty" json:"alarms,omitempty"`
	// ForwardedMetrics is the number of metric series the regional
	// forwarder copies to the central stream, in each region.
	ForwardedMetrics int `yaml:"forwardedMetrics,omitempty" json:"forwardedMetrics,omitempty"`
	// StreamedMetrics is the number of metric series a CloudWatch Metric
	// Stream covers, in each region (each one is a metric update a minute).
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

// CostTraceSampling is what the service's sampling rules keep. Errors and slow
// requests are always kept (tail sampling); of the other requests the
// reservoir is kept, then BaselineRate of the rest.
type CostTraceSampling struct {
	// BaselineRate is the fixed rate for ordinary requests, 0-1; 0 keeps
	// none (the seed's health-check rule).
	BaselineRate float64 `yaml:"baselineRate,omitempty" json:"baselineRate,omitempty"`
	// ReservoirPerSecond is the rule's reservoir: requests per second kept
	// before the fixed rate applies, per region. 0 or more.
	ReservoirPerSecond float64 `yaml:"reservoirPerSecond,omitempty" json:"reservoirPerSecond,omitempty"`
	// ErrorShare is the share of requests that fail, 0-1, all kept.
	ErrorShare float64 `yaml:"errorShare,omitempty" json:"errorShare,omitempty"`
	// SlowShare is the share of requests over the latency threshold, 0-1,
	// all kept. ErrorShare + SlowShare is at most 1; the model treats them
	// as disjoint, which over-counts slow errors (a safe upper bound).
	SlowShare float64 `yaml:"slowShare,omitempty" json:"slowShare,omitempty"`
	// FromRules takes BaselineRate and ReservoirPerSecond from the
	// platform's X-Ray sampling rules (the rule an ordinary request of the
	// service matches) instead of declaring them. The platform resolves it
	// before estimating; Estimate rejects an unresolved one.
	FromRules bool `yaml:"fromRules,omitempty" json:"fromRules,omitempty"`
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

// CostAlarms counts a service's alarms in one region.
type CostAlarms struct {
	// Standard counts standard resolution (60 s) alarms.
	Standard int `yaml:"standard,omitempty" json:"standard,omitempty"`
	// HighResolution counts high resolution (10 s) alarms.
	HighResolution int `yaml:"highResolution,omitempty" json:"highResolution,omitempty"`
	// Anomaly counts anomaly detection alarms; each is billed as 3
	// standard resolution alarm metrics.
	Anomaly int `yaml:"anomaly,omitempty" json:"anomaly,omitempty"`
}

// CostGrafanaUsers is the active users of the Managed Grafana workspace.
type CostGrafanaUsers struct {
	// Editors counts active editors and admins. A workspace is billed at
	// least one editor whenever the platform has any Grafana user.
	Editors int `yaml:"editors,omitempty" json:"editors,omitempty"`
	// Viewers counts active viewers.
	Viewers int `yaml:"viewers,omitempty" json:"viewers,omitempty"`
}

// CostArchitecture is the declared design the estimate prices: where each log
// tier goes, how metrics are published and forwarded. A zero field takes
// the default written in its doc comment. The naive architecture the report
// compares with is fixed: every tier in CloudWatch Logs Standard, every
// request traced, one API call per datapoint.
type CostArchitecture struct {
	// CentralRegion hosts the shared pieces (the central Kinesis stream,
	// Grafana). Default: "us-east-1".
	CentralRegion string `yaml:"centralRegion,omitempty" json:"centralRegion,omitempty"`
	// Logs routes the log tiers.
	Logs CostLogArchitecture `yaml:"logs,omitempty" json:"logs,omitempty"`
	// MetricPublishing is how custom metrics reach CloudWatch.
	MetricPublishing CostMetricPublishing `yaml:"metricPublishing,omitempty" json:"metricPublishing,omitempty"`
	// Forwarder is the regional metric forwarder (GetMetricData → Kinesis).
	Forwarder CostForwarder `yaml:"forwarder,omitempty" json:"forwarder,omitempty"`
	// Kinesis is the central stream the forwarders write to.
	Kinesis CostKinesisStream `yaml:"kinesis,omitempty" json:"kinesis,omitempty"`
	// MetricStreams is the CloudWatch Metric Streams delivery.
	MetricStreams CostMetricStreams `yaml:"metricStreams,omitempty" json:"metricStreams,omitempty"`
	// MetricArchive is the lifecycle of the S3 archive of metrics.
	MetricArchive CostMetricArchive `yaml:"metricArchive,omitempty" json:"metricArchive,omitempty"`
	// Naive holds the knobs of the naive architecture that the seed leaves open.
	Naive CostNaiveArchitecture `yaml:"naive,omitempty" json:"naive,omitempty"`
	// TransactionSearch prices X-Ray Transaction Search; disabled and
	// indexingPercentage default to sampling.transactionSearch.
	TransactionSearch CostTransactionSearch `yaml:"transactionSearch,omitempty" json:"transactionSearch,omitempty"`
}

// CostTransactionSearch is cost.TransactionSearch.
type CostTransactionSearch struct {
	Disabled           bool    `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	IndexingPercentage float64 `yaml:"indexingPercentage,omitempty" json:"indexingPercentage,omitempty"`
	// SpansPerTrace is the average spans of an exported trace. Default: 10
	// (an assumption).
	SpansPerTrace float64 `yaml:"spansPerTrace,omitempty" json:"spansPerTrace,omitempty"`
	// BytesPerSpan is the average stored span size. Default: 1000 (an
	// assumption).
	BytesPerSpan float64 `yaml:"bytesPerSpan,omitempty" json:"bytesPerSpan,omitempty"`
}

// CostLogArchitecture routes each tier and says how stored bytes relate to raw bytes.
type CostLogArchitecture struct {
	// Tiers routes each tier. Default per tier: see DefaultTierRoute.
	Tiers CostLogTierRoutes `yaml:"tiers,omitempty" json:"tiers,omitempty"`
	// CompressionRatio is stored bytes / raw bytes for CloudWatch Logs
	// storage (billed compressed) and gzip objects in S3, above 0 and at
	// most 1. Default: 1 (no compression assumed, as the seed computes).
	CompressionRatio float64 `yaml:"compressionRatio,omitempty" json:"compressionRatio,omitempty"`
	// S3Delivery is how an s3 tier reaches S3: "direct" (the agent writes
	// objects) or "firehose" (adds Firehose ingestion per GB).
	// Default: "direct".
	S3Delivery string `yaml:"s3Delivery,omitempty" json:"s3Delivery,omitempty"`
	// S3ObjectMB is the size of one S3 object the agent or Firehose writes,
	// in MB (after compression), from 0.001 to 5,000; it sets the PUT count.
	// Default: 64.
	S3ObjectMB float64 `yaml:"s3ObjectMB,omitempty" json:"s3ObjectMB,omitempty"`
}

// CostLogTierRoutes holds one route per tier.
type CostLogTierRoutes struct {
	Error CostTierRoute `yaml:"error,omitempty" json:"error,omitempty"`
	Warn  CostTierRoute `yaml:"warn,omitempty" json:"warn,omitempty"`
	Info  CostTierRoute `yaml:"info,omitempty" json:"info,omitempty"`
	Debug CostTierRoute `yaml:"debug,omitempty" json:"debug,omitempty"`
}

// CostTierRoute says where one tier goes and how long it is kept.
type CostTierRoute struct {
	// Destination is "cloudwatch", "s3" or "drop".
	// Default: DefaultTierRoute(tier).Destination.
	Destination cost.Destination `yaml:"destination,omitempty" json:"destination,omitempty"`
	// Class is the log group class, "STANDARD" or "INFREQUENT_ACCESS";
	// cloudwatch only. Default: "STANDARD".
	Class string `yaml:"class,omitempty" json:"class,omitempty"`
	// RetentionDays is how long the tier is kept. For cloudwatch it is one
	// of the RetentionInDays values (1, 3, 5, 7, 14, 30, ... 3653); for s3,
	// 1 to 36,500 (until expiry, Glacier included). Must be 0 for drop.
	// Default: cloudwatch ERROR 30, WARN 7, INFO 14, DEBUG 3 (as the
	// logtiers construct); s3 30.
	RetentionDays int `yaml:"retentionDays,omitempty" json:"retentionDays,omitempty"`
	// GlacierAfterDays moves S3 objects to Glacier after this many days,
	// 1 to RetentionDays-1; 0 never moves them. S3 only.
	GlacierAfterDays int `yaml:"glacierAfterDays,omitempty" json:"glacierAfterDays,omitempty"`
	// GlacierClass is "instantRetrieval" or "flexibleRetrieval".
	// Default: "instantRetrieval".
	GlacierClass string `yaml:"glacierClass,omitempty" json:"glacierClass,omitempty"`
	// InsightsScanShare is how much Logs Insights queries on this tier scan
	// a month, as a multiple of the tier's monthly volume, 0 to 1,000
	// (1 = the whole month scanned once). cloudwatch only; in
	// the naive architecture the same queries scan every tier, since all
	// tiers share one log group. Default: 0.
	InsightsScanShare float64 `yaml:"insightsScanShare,omitempty" json:"insightsScanShare,omitempty"`
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

// CostForwarder is the regional metric forwarder Lambda of the seed's Example
// 2 (lambdas/forwarder): every Schedule it reads one window of the
// forwarded metrics with GetMetricData, one query per statistic, and puts
// one Kinesis record per series holding the window's datapoints, one JSON
// line each; Firehose archives the stream to S3.
type CostForwarder struct {
	// Period is the datapoint period, 1s, 5s, 10s, 30s or a multiple of
	// 60s up to 1h. Default: 60s.
	Period time.Duration `yaml:"period,omitempty" json:"period,omitempty"`
	// Schedule is the window each run forwards, 1m to 24h and at least
	// Period. Default: 5m (the forwarder's IntervalSeconds 300).
	Schedule time.Duration `yaml:"schedule,omitempty" json:"schedule,omitempty"`
	// StatisticsPerMetric is the statistics read per metric, 1 to 100;
	// each is one GetMetricData query, billed as one metric requested.
	// Default: 3 (Average, Maximum, Minimum).
	StatisticsPerMetric int `yaml:"statisticsPerMetric,omitempty" json:"statisticsPerMetric,omitempty"`
	// DatapointBytes is the size of one datapoint's JSON line, 1 to
	// 1,048,576; a record (Schedule ÷ Period lines) must stay within the
	// 1 MiB Kinesis record limit. Default: 350.
	DatapointBytes int `yaml:"datapointBytes,omitempty" json:"datapointBytes,omitempty"`
	// LambdaMemoryMB is the function memory, 128 to 10,240. Default: 256.
	LambdaMemoryMB int `yaml:"lambdaMemoryMB,omitempty" json:"lambdaMemoryMB,omitempty"`
	// LambdaDuration is the billed duration of one run, up to 15m.
	// Default: 2s.
	LambdaDuration time.Duration `yaml:"lambdaDuration,omitempty" json:"lambdaDuration,omitempty"`
	// LambdaArchitecture is "arm64" or "x86_64". Default: "arm64".
	LambdaArchitecture string `yaml:"lambdaArchitecture,omitempty" json:"lambdaArchitecture,omitempty"`
}

// CostKinesisStream is the central stream.
type CostKinesisStream struct {
	// Mode is "provisioned" or "onDemand". Default: "provisioned".
	Mode string `yaml:"mode,omitempty" json:"mode,omitempty"`
	// Shards is the provisioned shard count, 0 to 10,000; 0 sizes it from
	// the average throughput (1,000 records/s and 1 MB/s per shard, at
	// least 1). Provisioned mode only. Default: 0.
	Shards int `yaml:"shards,omitempty" json:"shards,omitempty"`
}

// CostMetricStreams is the CloudWatch Metric Streams delivery to Firehose.
type CostMetricStreams struct {
	// UpdateBytes is the size of one metric update in the stream's output
	// format, 1 to 1,048,576. Default: 500.
	UpdateBytes int `yaml:"updateBytes,omitempty" json:"updateBytes,omitempty"`
}

// CostMetricArchive is the S3 lifecycle of the archive that Firehose writes
// forwarded and streamed metrics to (names as in the metricstream
// construct).
type CostMetricArchive struct {
	// GlacierAfterDays moves objects to S3 Glacier Flexible Retrieval,
	// 1 to ExpireAfterDays-1. Default: 90.
	GlacierAfterDays int `yaml:"glacierAfterDays,omitempty" json:"glacierAfterDays,omitempty"`
	// ExpireAfterDays deletes objects, up to 36,500. Default: 730.
	ExpireAfterDays int `yaml:"expireAfterDays,omitempty" json:"expireAfterDays,omitempty"`
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
	if p.Cost != nil {
		v.Merge("cost", p.costModel().Validate())
	}
}
