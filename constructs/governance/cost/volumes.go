package cost

import "strings"

// Volumes is the declared workload: what each service sends, per region,
// plus the platform's Grafana users. Zero means "none" unless a field says
// otherwise.
type Volumes struct {
	// Services lists every service and the regions it runs in.
	Services []Service
	// Grafana is the Managed Grafana workspace's active users.
	Grafana GrafanaUsers
}

// Service is one service's declared volumes. Traffic is declared per
// region; the shape of its telemetry (log lines per request, tier mix,
// sampling, metrics, alarms) is the same code in every region.
type Service struct {
	// Name is the service name, 1-64 of [A-Za-z0-9._-], unique (within
	// its account).
	Name string
	// Account is the name of the workload account (Architecture.Accounts)
	// the service runs in; its lines are that account's. Default: "", a
	// single-account platform.
	Account string
	// Regions lists the regions the service runs in and its traffic there.
	Regions []RegionTraffic
	// Logs is what one request logs.
	Logs LogVolume
	// Traces is the trace sampling that the service's sampling rules declare.
	Traces TraceSampling
	// Metrics is the custom metrics the service publishes, in each region.
	Metrics CustomMetrics
	// Alarms is the alarms on the service, in each region.
	Alarms Alarms
	// ForwardedMetrics is the number of metric series the regional
	// forwarder copies to the central stream, in each region.
	ForwardedMetrics int
	// ForwardedQueries is the number of GetMetricData queries (metric ×
	// statistic) the forwarder makes for the service per run, in each
	// region; each is one series in the central stream. Default (0):
	// ForwardedMetrics × Forwarder.StatisticsPerMetric.
	ForwardedQueries int
	// StreamedMetrics is the number of metric series a CloudWatch Metric
	// Stream covers, in each region (each one is a metric update a minute).
	StreamedMetrics int
	// Sources names, per Source* key, the config field or resource each
	// part of the service's figures came from (for example "cost.volumes.
	// services[0]" or "assumed"); report lines carry them. Default: none.
	Sources map[string]string
}

// Keys of Service.Sources and Architecture.Sources.
const (
	SourceTraffic       = "traffic"
	SourceTraces        = "traces"
	SourceAlarms        = "alarms"
	SourceForwarding    = "forwarding"
	SourceMetricStreams = "metricStreams"
	SourceMetrics       = "metrics"
	SourceKinesis       = "kinesis"
	SourceMetricArchive = "metricArchive"
	SourceGrafana       = "grafana"
	SourceSpans         = "spans"
	SourceAnalysis      = "analysis"
)

// SourceTier is the Architecture.Sources key of a log tier's route.
func SourceTier(t Tier) string { return "logs.tiers." + strings.ToLower(string(t)) }

// RegionTraffic is a service's request rate in one region.
type RegionTraffic struct {
	// Region is an AWS region name, e.g. "eu-west-1".
	Region string
	// RequestsPerSecond is the average request rate, 0 to 10,000,000.
	RequestsPerSecond float64
	// Assumed marks traffic nobody declared: the report labels it.
	Assumed bool
}

// LogVolume is what one request logs.
type LogVolume struct {
	// LinesPerRequest is the average number of log lines per request,
	// 0 to 100,000.
	LinesPerRequest float64
	// BytesPerLine is the average line size in bytes, 1 to 1,048,576
	// (the CloudWatch Logs event limit). Default: 500 (the seed's figure).
	BytesPerLine float64
	// Tiers is the share of lines at each tier (level).
	// Default: the seed's Example 3 mix 0.1 : 0.5 : 5 : 4 TB/day.
	Tiers TierMix
}

// TierMix is the share of log lines at each tier; the shares are 0-1 and
// sum to 1. All zero means the default mix.
type TierMix struct {
	Error float64
	Warn  float64
	Info  float64
	Debug float64
}

// DefaultTierMix is the seed's Example 3 mix: ERROR 0.1, WARN 0.5, INFO 5
// and DEBUG 4 TB/day out of 9.6.
func DefaultTierMix() TierMix {
	const total = 9.6
	return TierMix{Error: 0.1 / total, Warn: 0.5 / total, Info: 5 / total, Debug: 4 / total}
}

func (m TierMix) isZero() bool { return m == TierMix{} }

func (m TierMix) share(t Tier) float64 {
	switch t {
	case TierError:
		return m.Error
	case TierWarn:
		return m.Warn
	case TierInfo:
		return m.Info
	default:
		return m.Debug
	}
}

// TraceSampling is what the service's sampling rules keep. Errors and slow
// requests are always kept (tail sampling); of the other requests the
// reservoir is kept, then BaselineRate of the rest.
type TraceSampling struct {
	// BaselineRate is the fixed rate for ordinary requests, 0-1; 0 keeps
	// none (the seed's health-check rule).
	BaselineRate float64
	// ReservoirPerSecond is the rule's reservoir: requests per second kept
	// before the fixed rate applies, per region. 0 or more.
	ReservoirPerSecond float64
	// ErrorShare is the share of requests that fail, 0-1, all kept.
	ErrorShare float64
	// SlowShare is the share of requests over the latency threshold, 0-1,
	// all kept. ErrorShare + SlowShare is at most 1; the model treats them
	// as disjoint, which over-counts slow errors (a safe upper bound).
	SlowShare float64
	// FromRules takes BaselineRate and ReservoirPerSecond from the
	// platform's X-Ray sampling rules (the rule an ordinary request of the
	// service matches) instead of declaring them. The platform resolves it
	// before estimating; Estimate rejects an unresolved one.
	FromRules bool
}

// CustomMetrics is a service's custom metrics in one region.
type CustomMetrics struct {
	// Publishers is the number of processes that aggregate and flush
	// independently (instances, concurrent Lambda environments), 1 to
	// 1,000,000. Default: 1.
	Publishers int
	// Groups lists metric names that share one dimension set.
	Groups []MetricGroup
}

// MetricGroup is a set of metric names published with the same dimensions.
// Its series count is Metrics × the product of the dimension cardinalities.
type MetricGroup struct {
	// Name labels the group, unique within the service.
	Name string
	// Metrics is the number of metric names, 1 to 100,000. Default: 1.
	Metrics int
	// Dimensions maps each dimension name to its number of distinct
	// values, at most 30 dimensions (the PutMetricData limit), each 1 to
	// 1,000,000,000.
	Dimensions map[string]int
}

// Alarms counts a service's alarms in one region.
type Alarms struct {
	// Standard counts standard resolution (60 s) alarm metrics: one per
	// single-metric alarm, one per metric a metric-math alarm reads.
	Standard int
	// HighResolution counts high resolution (10 s) alarm metrics.
	HighResolution int
	// Anomaly counts anomaly detection alarms; each is billed as 3
	// standard resolution alarm metrics.
	Anomaly int
	// Composite counts composite alarms, billed per alarm.
	Composite int
	// Detectors counts anomaly detectors (the models the anomaly alarms
	// use); they are not billed on their own, so they are only shown.
	Detectors int
}

// Add returns the sum of two counts.
func (a Alarms) Add(b Alarms) Alarms {
	return Alarms{Standard: a.Standard + b.Standard, HighResolution: a.HighResolution + b.HighResolution,
		Anomaly: a.Anomaly + b.Anomaly, Composite: a.Composite + b.Composite, Detectors: a.Detectors + b.Detectors}
}

// GrafanaUsers is the active users of the Managed Grafana workspace.
type GrafanaUsers struct {
	// Editors counts active editors and admins. A workspace is billed at
	// least one editor whenever the platform has any Grafana user.
	Editors int
	// Viewers counts active viewers.
	Viewers int
}
