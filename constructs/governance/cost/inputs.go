package cost

import (
	"time"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Inputs is what a platform cannot derive from its own constructs: prices,
// traffic, a few sizes the model assumes, and the budget. Everything else
// the estimate prices (tier routes, retention, archive lifecycle, sampling
// rules, alarm counts, forwarder schedule and queries, Kinesis mode and
// shards, metric-stream regions, whether a Grafana workspace exists) is
// derived from the platform's construct props (platform.Props.CostConfig).
type Inputs struct {
	// Pricing selects the price set. Default: us-east-1 list prices.
	Pricing Pricing
	// Volumes is the traffic. A service or region without an entry is
	// priced from AssumedTraffic, and the report says so.
	Volumes TrafficVolumes
	// Assumptions are the sizes and shares the model cannot read from the
	// templates. Default: see each field.
	Assumptions Assumptions
	// Budget is the optional monthly budget. A budget needs declared
	// traffic for every service and region. Default: none.
	Budget Budget
}

// TrafficVolumes is the declared traffic of the services, and the users
// of the Grafana workspace.
type TrafficVolumes struct {
	// Services lists the declared services, by platform service name.
	Services []ServiceTraffic
	// Grafana is the active users of the Managed Grafana workspace,
	// priced only when the platform creates one. Default: none.
	Grafana GrafanaUsers
}

// ServiceTraffic is one service's traffic.
type ServiceTraffic struct {
	// Name is the platform service's name.
	Name string
	// Account, in an organization, is the workload account whose service
	// this is (accounts[i].name). Default: "", the service in every
	// account that runs it (each account-region priced at the rate of its
	// region); an entry with the account wins over one without.
	Account string
	// Regions gives the request rate per region; a platform region not
	// listed is priced from AssumedTraffic.
	Regions []RegionRate
	// Logs is what one request logs.
	Logs LogVolume
	// Traces is the share of requests that are errors or slow (kept by
	// tail sampling); the sampling rates come from the platform's rules.
	Traces TraceShares
	// Metrics is the custom metrics the service publishes, in each region.
	Metrics CustomMetrics
	// StreamedMetrics is the metrics of the service in the streamed
	// namespaces, in each region with metric streams. Default (0): the
	// assumed figure of AssumedTraffic.
	StreamedMetrics int
}

// RegionRate is a request rate in one region.
type RegionRate struct {
	// Region is a platform region.
	Region string
	// RequestsPerSecond is the average request rate, 0 to 10,000,000.
	RequestsPerSecond float64
}

// TraceShares is the share of requests always kept by tail sampling.
type TraceShares struct {
	// ErrorShare is the share of requests that fail, 0-1.
	ErrorShare float64
	// SlowShare is the share of requests over the latency threshold, 0-1;
	// with ErrorShare at most 1.
	SlowShare float64
}

// Assumptions are the figures the model cannot read from the platform.
type Assumptions struct {
	// Logs holds the log sizes and query habits.
	Logs LogAssumptions
	// MetricPublishing is how the services publish custom metrics.
	MetricPublishing MetricPublishing
	// Forwarder holds the forwarder's datapoint size and run time.
	Forwarder ForwarderAssumptions
	// MetricStreams holds the size of one metric update.
	MetricStreams MetricStreams
	// Naive holds the knobs of the naive architecture.
	Naive NaiveArchitecture
	// TransactionSearch holds the shape of the exported traces' spans;
	// whether Transaction Search is on and what it indexes come from the
	// platform's sampling props.
	TransactionSearch SpanAssumptions
}

// SpanAssumptions are the span figures no construct declares.
type SpanAssumptions struct {
	// SpansPerTrace is the average number of spans in an exported trace,
	// 1 to 10,000. Default: 10.
	SpansPerTrace float64
	// BytesPerSpan is the average size of a span as stored in aws/spans,
	// 1 to 1,000,000. Default: 1,000.
	BytesPerSpan float64
}

// LogAssumptions are the log figures no construct declares.
type LogAssumptions struct {
	// CompressionRatio is stored bytes / raw bytes, above 0 and at most 1.
	// Default: 1.
	CompressionRatio float64
	// S3ObjectMB is the size of one object Fluent Bit writes to S3, in MB.
	// Default: 64.
	S3ObjectMB float64
	// InsightsScan is how much Logs Insights queries scan a month per
	// CloudWatch tier, as a multiple of its monthly volume. Default: 0.
	InsightsScan TierShares
}

// TierShares is one figure per log tier.
type TierShares struct {
	Error, Warn, Info, Debug float64
}

func (s TierShares) of(t Tier) float64 {
	switch t {
	case TierError:
		return s.Error
	case TierWarn:
		return s.Warn
	case TierInfo:
		return s.Info
	default:
		return s.Debug
	}
}

// ForwarderAssumptions are the forwarder figures no construct declares.
type ForwarderAssumptions struct {
	// DatapointBytes is the size of one datapoint's JSON line. Default: 350.
	DatapointBytes int
	// LambdaDuration is the billed duration of one run. Default: 2s.
	LambdaDuration time.Duration
}

// Assumed traffic of a service nobody declared, per region: a small
// service, so that a report exists for every config. The report labels
// every line priced from it "assumed traffic".
const (
	AssumedRequestsPerSecond = 10
	AssumedLinesPerRequest   = 5
	AssumedBytesPerLine      = 300
	AssumedErrorShare        = 0.01
	AssumedSlowShare         = 0.01
	// AssumedStreamedMetrics is the metrics of one service in the streamed
	// namespaces: a Lambda function's 8 standard metrics, and 7 more for an
	// API Gateway API.
	AssumedStreamedMetrics    = 8
	AssumedStreamedAPIMetrics = 7
)

// AssumedTraffic is the traffic priced for a service nobody declared, in
// the given regions.
func AssumedTraffic(name string, regions []string, hasAPI bool) ServiceTraffic {
	s := ServiceTraffic{Name: name, Logs: LogVolume{LinesPerRequest: AssumedLinesPerRequest, BytesPerLine: AssumedBytesPerLine},
		Traces: TraceShares{ErrorShare: AssumedErrorShare, SlowShare: AssumedSlowShare}, StreamedMetrics: AssumedStreamedMetrics}
	if hasAPI {
		s.StreamedMetrics += AssumedStreamedAPIMetrics
	}
	for _, r := range regions {
		s.Regions = append(s.Regions, RegionRate{Region: r, RequestsPerSecond: AssumedRequestsPerSecond})
	}
	return s
}

// Validate reports every invalid field at once, with paths such as
// "volumes.services[0].traces.errorShare". Whether names and regions are
// the platform's is checked by the platform.
func (in Inputs) Validate() error {
	var errs validation.Errors
	errs.Merge("pricing", in.Pricing.Validate())
	seen := map[string]int{}
	for i, s := range in.Volumes.Services {
		p := validation.Index("volumes.services", i)
		k := AccountRegionKey(s.Account, s.Name)
		if j, dup := seen[k]; dup {
			errs.Add(p+".name", s.Name, "a service not already declared by volumes.services[%d] (for the same account)", j)
		}
		seen[k] = i
		regions := make([]RegionTraffic, len(s.Regions))
		for j, r := range s.Regions {
			regions[j] = RegionTraffic{Region: r.Region, RequestsPerSecond: r.RequestsPerSecond}
		}
		svc := Service{Name: s.Name, Regions: regions, Logs: s.Logs, Metrics: s.Metrics, StreamedMetrics: s.StreamedMetrics,
			Traces: TraceSampling{ErrorShare: s.Traces.ErrorShare, SlowShare: s.Traces.SlowShare}}
		svc.validate(p, &errs)
	}
	checkCount(&errs, "volumes.grafana.editors", in.Volumes.Grafana.Editors, 100000)
	checkCount(&errs, "volumes.grafana.viewers", in.Volumes.Grafana.Viewers, 100000)
	a := in.Assumptions
	var arch Architecture
	arch.Logs.CompressionRatio, arch.Logs.S3ObjectMB = a.Logs.CompressionRatio, a.Logs.S3ObjectMB
	arch.MetricPublishing, arch.MetricStreams, arch.Naive = a.MetricPublishing, a.MetricStreams, a.Naive
	arch.Forwarder.DatapointBytes, arch.Forwarder.LambdaDuration = a.Forwarder.DatapointBytes, a.Forwarder.LambdaDuration
	arch.TransactionSearch.SpansPerTrace, arch.TransactionSearch.BytesPerSpan = a.TransactionSearch.SpansPerTrace, a.TransactionSearch.BytesPerSpan
	for _, t := range tierOrder {
		if x := a.Logs.InsightsScan.of(t); x != 0 {
			checkRange(&errs, "assumptions.logs.insightsScan."+string(SourceTier(t)[len("logs.tiers."):]), x, 0, 1000)
		}
	}
	for _, fe := range validation.Fields(arch.Validate()) {
		path := fe.Path
		if len(path) >= len("forwarder.") && path[:len("forwarder.")] == "forwarder." && path != "forwarder.datapointBytes" && path != "forwarder.lambdaDuration" {
			continue // the forwarder's schedule comes from the platform
		}
		errs.Add("assumptions."+path, fe.Value, "%s", fe.Allowed)
	}
	errs.Merge("budget", in.Budget.Validate())
	return errs.Err()
}
