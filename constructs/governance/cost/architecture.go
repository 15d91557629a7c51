package cost

import "time"

// Architecture is the declared design the estimate prices: where each log
// tier goes, how metrics are published and forwarded. A zero field takes
// the default written in its doc comment. The naive architecture the report
// compares with is fixed: every tier in CloudWatch Logs Standard, every
// request traced, one API call per datapoint.
type Architecture struct {
	// CentralRegion hosts the shared pieces (the central Kinesis stream,
	// Grafana). Default: "us-east-1".
	CentralRegion string
	// Logs routes the log tiers.
	Logs LogArchitecture
	// MetricPublishing is how custom metrics reach CloudWatch.
	MetricPublishing MetricPublishing
	// Forwarder is the regional metric forwarder (GetMetricData → Kinesis).
	Forwarder Forwarder
	// Kinesis is the central stream the forwarders write to.
	Kinesis KinesisStream
	// MetricStreams is the CloudWatch Metric Streams delivery.
	MetricStreams MetricStreams
	// StreamStatistics are the metric streams' additional-statistics
	// configurations (metricstream.StreamProps.Statistics). Default: none.
	StreamStatistics []StreamStatistics
	// MetricArchive is the lifecycle of the S3 archive of metrics.
	MetricArchive MetricArchive
	// Naive holds the knobs of the naive architecture that the seed leaves open.
	Naive NaiveArchitecture
	// ForwarderRegions and StreamRegions, when not nil, are the only
	// regions with a forwarder or metric streams; services' forwarded and
	// streamed metrics elsewhere are not priced. Default (nil): every region.
	ForwarderRegions []string
	StreamRegions    []string
	// SharedAlarms counts the alarms of no service (the billing alarm,
	// pipeline alarms), by region.
	SharedAlarms map[string]Alarms
	// NoGrafanaWorkspace says the platform creates no Managed Grafana
	// workspace, so Grafana users are not priced. Default: false.
	NoGrafanaWorkspace bool
	// Sources names the config field or resource each part came from,
	// keyed by SourceTier(t) and the Source* keys; report lines carry
	// them. Default: none.
	Sources map[string]string
	// TransactionSearch prices X-Ray Transaction Search (estimate_spans.go).
	TransactionSearch TransactionSearch
	// Analysis, when not nil, is the analysis tier priced with the
	// declared architecture (estimate_analysis.go). Default: none.
	Analysis *AnalysisTier
	// Accounts are the workload accounts of an organization platform; a
	// Service's Account names one of them. With Accounts the report has
	// per-account and per-account-region views (account.go). Default:
	// none, a single-account platform whose lines carry no account.
	Accounts []AccountRef
	// MonitoringAccount is the account of an organization platform that
	// holds the shared and central pieces (central stream and archive,
	// Grafana, the billing alarm): their lines are its. It may also be one
	// of Accounts. Default: none (single-account).
	MonitoringAccount AccountRef
}

// AccountRef names an account of an organization platform.
type AccountRef struct {
	// Name is the account's name in the config (accounts[i].name), or
	// MonitoringAccountName for a monitoring account that runs no
	// workloads.
	Name string
	// ID is the 12-digit account id.
	ID string
}

// Tier is a log tier (level): ERROR, WARN, INFO or DEBUG.
type Tier string

// The log tiers, in report order.
const (
	TierError Tier = "ERROR"
	TierWarn  Tier = "WARN"
	TierInfo  Tier = "INFO"
	TierDebug Tier = "DEBUG"
)

var tierOrder = [...]Tier{TierError, TierWarn, TierInfo, TierDebug}

// AllTiers lists the log tiers in report order.
func AllTiers() []Tier { return append([]Tier(nil), tierOrder[:]...) }

// Destination is where a log tier goes; the names are those of the
// logtiers construct.
type Destination string

// Log tier destinations.
const (
	// DestinationCloudWatch keeps the tier in a CloudWatch Logs group of
	// TierRoute.Class.
	DestinationCloudWatch Destination = "cloudwatch"
	// DestinationS3 writes the tier straight to S3 (Fluent Bit's s3 output,
	// or Firehose with LogArchitecture.S3Delivery "firehose"), bypassing
	// CloudWatch ingestion.
	DestinationS3 Destination = "s3"
	// DestinationDrop discards the tier at the source.
	DestinationDrop Destination = "drop"
)

// Enum lists the log tier destinations, those TierRoute's validation
// accepts (for tools that describe the config, such as its JSON Schema).
func (Destination) Enum() []string {
	return []string{string(DestinationCloudWatch), string(DestinationS3), string(DestinationDrop)}
}

// CloudWatch Logs log group classes (LogGroupClass).
const (
	ClassStandard = "STANDARD"
	// ClassInfrequentAccess halves the ingestion price but supports no
	// subscription filters (so no forwarding to OpenSearch), metric
	// filters, EMF extraction or Live Tail.
	ClassInfrequentAccess = "INFREQUENT_ACCESS"
)

// LogArchitecture routes each tier and says how stored bytes relate to raw bytes.
type LogArchitecture struct {
	// Tiers routes each tier. Default per tier: see DefaultTierRoute.
	Tiers LogTierRoutes
	// CompressionRatio is stored bytes / raw bytes for CloudWatch Logs
	// storage (billed compressed) and gzip objects in S3, above 0 and at
	// most 1. Default: 1 (no compression assumed, as the seed computes).
	CompressionRatio float64
	// S3Delivery is how an s3 tier reaches S3: "direct" (the agent writes
	// objects) or "firehose" (adds Firehose ingestion per GB).
	// Default: "direct".
	S3Delivery string
	// S3ObjectMB is the size of one S3 object the agent or Firehose writes,
	// in MB (after compression), from 0.001 to 5,000; it sets the PUT count.
	// Default: 64.
	S3ObjectMB float64
}

// LogTierRoutes holds one route per tier.
type LogTierRoutes struct {
	Error TierRoute
	Warn  TierRoute
	Info  TierRoute
	Debug TierRoute
}

func (r LogTierRoutes) route(t Tier) TierRoute {
	switch t {
	case TierError:
		return r.Error
	case TierWarn:
		return r.Warn
	case TierInfo:
		return r.Info
	default:
		return r.Debug
	}
}

func (r *LogTierRoutes) set(t Tier, route TierRoute) {
	switch t {
	case TierError:
		r.Error = route
	case TierWarn:
		r.Warn = route
	case TierInfo:
		r.Info = route
	default:
		r.Debug = route
	}
}

// TierRoute says where one tier goes and how long it is kept.
type TierRoute struct {
	// Destination is "cloudwatch", "s3" or "drop".
	// Default: DefaultTierRoute(tier).Destination.
	Destination Destination
	// Class is the log group class, "STANDARD" or "INFREQUENT_ACCESS";
	// cloudwatch only. Default: "STANDARD".
	Class string
	// RetentionDays is how long the tier is kept. For cloudwatch it is one
	// of the RetentionInDays values (1, 3, 5, 7, 14, 30, ... 3653); for s3,
	// 1 to 36,500 (until expiry, Glacier included). Must be 0 for drop.
	// Default: cloudwatch ERROR 30, WARN 7, INFO 14, DEBUG 3 (as the
	// logtiers construct); s3 30.
	RetentionDays int
	// GlacierAfterDays moves S3 objects to Glacier after this many days,
	// 1 to RetentionDays-1; 0 never moves them. S3 only.
	GlacierAfterDays int
	// GlacierClass is "instantRetrieval" or "flexibleRetrieval".
	// Default: "instantRetrieval".
	GlacierClass string
	// InsightsScanShare is how much Logs Insights queries on this tier scan
	// a month, as a multiple of the tier's monthly volume, 0 to 1,000
	// (1 = the whole month scanned once). cloudwatch only; in
	// the naive architecture the same queries scan every tier, since all
	// tiers share one log group. Default: 0.
	InsightsScanShare float64
}

// Glacier classes.
const (
	GlacierInstantRetrieval  = "instantRetrieval"
	GlacierFlexibleRetrieval = "flexibleRetrieval"
)

// DefaultTierRoute is the seed's Example 3 routing: ERROR to CloudWatch for
// 30 days, WARN to CloudWatch for 7 days (Standard class, because the seed
// also subscribes WARN to OpenSearch, which Infrequent Access cannot),
// INFO straight to S3 for 30 days (the seed's quick reference keeps INFO
// 7-30 days), DEBUG dropped.
func DefaultTierRoute(t Tier) TierRoute {
	switch t {
	case TierError:
		return TierRoute{Destination: DestinationCloudWatch, Class: ClassStandard, RetentionDays: 30}
	case TierWarn:
		return TierRoute{Destination: DestinationCloudWatch, Class: ClassStandard, RetentionDays: 7}
	case TierInfo:
		return TierRoute{Destination: DestinationS3, RetentionDays: 30, GlacierClass: GlacierInstantRetrieval}
	default:
		return TierRoute{Destination: DestinationDrop}
	}
}

// defaultRetentionDays is a tier's retention when its route sets none.
func defaultRetentionDays(t Tier, d Destination) int {
	switch {
	case d == DestinationS3:
		return 30
	case d != DestinationCloudWatch:
		return 0
	}
	return map[Tier]int{TierError: 30, TierWarn: 7, TierInfo: 14, TierDebug: 3}[t]
}

// Metric publishing modes.
const (
	// PublishEMF writes aggregated metrics as Embedded Metric Format log
	// events: no PutMetricData calls, paid as Standard log ingestion.
	PublishEMF = "emf"
	// PublishStatisticSets aggregates locally and flushes StatisticSets
	// with PutMetricData, up to 1,000 metrics per call.
	PublishStatisticSets = "statisticSets"
	// PublishPerDatapoint makes one PutMetricData call per datapoint (naive).
	PublishPerDatapoint = "perDatapoint"
)

// MetricPublishing is how the services publish custom metrics.
type MetricPublishing struct {
	// Mode is "emf", "statisticSets" or "perDatapoint". Default: "emf".
	Mode string
	// FlushInterval is how often a publisher flushes its aggregates,
	// 1s to 1h. Default: 60s (the seed's MetricAggregator).
	FlushInterval time.Duration
	// EMFBytesPerEvent is the size of one EMF event (one dimension
	// combination, up to 100 metrics), 1 to 1,048,576. Default: 500.
	EMFBytesPerEvent int
	// EMFRetentionDays is the retention of the log group holding EMF
	// events, a CloudWatch RetentionInDays value. Default: 7.
	EMFRetentionDays int
}

// Forwarder is the regional metric forwarder Lambda of the seed's Example
// 2 (lambdas/forwarder): every Schedule it reads one window of the
// forwarded metrics with GetMetricData, one query per statistic, and puts
// one Kinesis record per series holding the window's datapoints, one JSON
// line each; Firehose archives the stream to S3.
type Forwarder struct {
	// Period is the datapoint period, 1s, 5s, 10s, 30s or a multiple of
	// 60s up to 1h. Default: 60s.
	Period time.Duration
	// Schedule is the window each run forwards, 1m to 24h and at least
	// Period. Default: 5m (the forwarder's IntervalSeconds 300).
	Schedule time.Duration
	// StatisticsPerMetric is the statistics read per metric, 1 to 100;
	// each is one GetMetricData query, billed as one metric requested.
	// Default: 3 (Average, Maximum, Minimum).
	StatisticsPerMetric int
	// DatapointBytes is the size of one datapoint's JSON line, 1 to
	// 1,048,576; a record (Schedule ÷ Period lines) must stay within the
	// 1 MiB Kinesis record limit. Default: 350.
	DatapointBytes int
	// LambdaMemoryMB is the function memory, 128 to 10,240. Default: 256.
	LambdaMemoryMB int
	// LambdaDuration is the billed duration of one run, up to 15m.
	// Default: 2s.
	LambdaDuration time.Duration
	// LambdaArchitecture is "arm64" or "x86_64". Default: "arm64".
	LambdaArchitecture string
}

// MetricArchive is the S3 lifecycle of the archive that Firehose writes
// forwarded and streamed metrics to (names as in the metricstream
// construct).
type MetricArchive struct {
	// GlacierAfterDays moves objects to S3 Glacier Flexible Retrieval,
	// 1 to ExpireAfterDays-1. Default: 90.
	GlacierAfterDays int
	// ExpireAfterDays deletes objects, up to 36,500. Default: 730.
	ExpireAfterDays int
}

// Kinesis capacity modes.
const (
	KinesisProvisioned = "provisioned"
	KinesisOnDemand    = "onDemand"
)

// KinesisStream is the central stream.
type KinesisStream struct {
	// Mode is "provisioned" or "onDemand". Default: "provisioned".
	Mode string
	// Shards is the provisioned shard count, 0 to 10,000; 0 sizes it from
	// the average throughput (1,000 records/s and 1 MB/s per shard, at
	// least 1). Provisioned mode only. Default: 0.
	Shards int
}

// MetricStreams is the CloudWatch Metric Streams delivery to Firehose.
type MetricStreams struct {
	// UpdateBytes is the size of one metric update in the stream's output
	// format, 1 to 1,048,576. Default: 500.
	UpdateBytes int
}

// StreamStatistics is one additional-statistics configuration of a metric
// stream: Statistics extra statistics for Metric ("namespace/name").
type StreamStatistics struct {
	Metric     string
	Statistics int
}

// NaiveArchitecture holds the naive architecture's open knobs.
type NaiveArchitecture struct {
	// LogRetentionDays is the retention of the naive single log group, a
	// CloudWatch RetentionInDays value (CloudWatch's own default, never
	// expire, has no steady state). Default: 30 (the seed's Mistake 4 fix).
	LogRetentionDays int
}

// WithDefaults returns a copy with every zero field set to its default.
func (a Architecture) WithDefaults() Architecture {
	if a.CentralRegion == "" {
		a.CentralRegion = "us-east-1"
	}
	for _, t := range tierOrder {
		r := a.Logs.Tiers.route(t)
		if r.Destination == "" {
			r.Destination = DefaultTierRoute(t).Destination
		}
		if r.RetentionDays == 0 {
			r.RetentionDays = defaultRetentionDays(t, r.Destination)
		}
		if r.Destination == DestinationCloudWatch && r.Class == "" {
			r.Class = ClassStandard
		}
		if r.Destination == DestinationS3 && r.GlacierClass == "" {
			r.GlacierClass = GlacierInstantRetrieval
		}
		a.Logs.Tiers.set(t, r)
	}
	setDefault(&a.Logs.CompressionRatio, 1)
	setDefault(&a.Logs.S3Delivery, "direct")
	setDefault(&a.Logs.S3ObjectMB, 64)
	setDefault(&a.MetricPublishing.Mode, PublishEMF)
	setDefault(&a.MetricPublishing.FlushInterval, time.Minute)
	setDefault(&a.MetricPublishing.EMFBytesPerEvent, 500)
	setDefault(&a.MetricPublishing.EMFRetentionDays, 7)
	setDefault(&a.Forwarder.Period, time.Minute)
	setDefault(&a.Forwarder.Schedule, 5*time.Minute)
	setDefault(&a.Forwarder.StatisticsPerMetric, 3)
	setDefault(&a.Forwarder.DatapointBytes, 350)
	setDefault(&a.Forwarder.LambdaMemoryMB, 256)
	setDefault(&a.Forwarder.LambdaDuration, 2*time.Second)
	setDefault(&a.Forwarder.LambdaArchitecture, "arm64")
	setDefault(&a.Kinesis.Mode, KinesisProvisioned)
	setDefault(&a.MetricStreams.UpdateBytes, 500)
	setDefault(&a.MetricArchive.GlacierAfterDays, 90)
	setDefault(&a.MetricArchive.ExpireAfterDays, 730)
	setDefault(&a.Naive.LogRetentionDays, 30)
	a.TransactionSearch = a.TransactionSearch.withDefaults()
	return a
}

func setDefault[T comparable](p *T, def T) {
	var zero T
	if *p == zero {
		*p = def
	}
}
