package cost

// Default platform: the seed's four services in the three regions of its
// Example 2 Grafana dashboard. Traffic comes from the seed's service map
// (API 10k req/min, auth 5k req/min at 2% errors, order 8k req/min at 0.1%
// errors) in us-east-1, with eu-west-1 at 60% and ap-southeast-1 at 30% of
// it; sampling comes from the seed's X-Ray rules table.
const (
	defaultEUShare = 0.6
	defaultAPShare = 0.3
)

func regionsFor(usEast1RPS float64) []RegionTraffic {
	return []RegionTraffic{
		{Region: "us-east-1", RequestsPerSecond: usEast1RPS},
		{Region: "eu-west-1", RequestsPerSecond: usEast1RPS * defaultEUShare},
		{Region: "ap-southeast-1", RequestsPerSecond: usEast1RPS * defaultAPShare},
	}
}

// redMetrics is the seed's "good metric": rate, errors and duration by
// low-cardinality dimensions.
func redMetrics(dims map[string]int) MetricGroup {
	return MetricGroup{Name: "red", Metrics: 3, Dimensions: dims}
}

// DefaultVolumes returns the declared volumes of the default platform:
// checkout-api, auth-service, order-service and health-check in us-east-1,
// eu-west-1 and ap-southeast-1.
func DefaultVolumes() Volumes {
	return Volumes{
		Services: []Service{
			{
				Name:    "checkout-api",
				Regions: regionsFor(10000.0 / 60),
				Logs:    LogVolume{LinesPerRequest: 10, BytesPerLine: 400, Tiers: TierMix{Error: 0.01, Warn: 0.04, Info: 0.55, Debug: 0.40}},
				// Rule 1 keeps every POST (30% of requests), rule 2 keeps
				// 5% of the rest after a 1 req/s reservoir.
				Traces: TraceSampling{BaselineRate: 0.3 + 0.7*0.05, ReservoirPerSecond: 1, ErrorShare: 0.005, SlowShare: 0.01},
				Metrics: CustomMetrics{Publishers: 4, Groups: []MetricGroup{
					redMetrics(map[string]int{"Endpoint": 8, "StatusClass": 3, "Tier": 3}),
					{Name: "business", Metrics: 2, Dimensions: map[string]int{"Tier": 3}},
				}},
				Alarms:           Alarms{Standard: 6, HighResolution: 1, Anomaly: 2},
				ForwardedMetrics: 10,
				StreamedMetrics:  40,
			},
			{
				Name:    "auth-service",
				Regions: regionsFor(5000.0 / 60),
				Logs:    LogVolume{LinesPerRequest: 8, BytesPerLine: 300},
				Traces:  TraceSampling{BaselineRate: 0.05, ReservoirPerSecond: 1, ErrorShare: 0.02, SlowShare: 0.01},
				Metrics: CustomMetrics{Publishers: 2, Groups: []MetricGroup{
					redMetrics(map[string]int{"Endpoint": 4, "StatusClass": 3}),
				}},
				Alarms:           Alarms{Standard: 4, Anomaly: 1},
				ForwardedMetrics: 6,
				StreamedMetrics:  20,
			},
			{
				Name:    "order-service",
				Regions: regionsFor(8000.0 / 60),
				Logs:    LogVolume{LinesPerRequest: 12, BytesPerLine: 450},
				Traces:  TraceSampling{BaselineRate: 0.05, ReservoirPerSecond: 1, ErrorShare: 0.001, SlowShare: 0.01},
				Metrics: CustomMetrics{Publishers: 3, Groups: []MetricGroup{
					redMetrics(map[string]int{"Endpoint": 6, "StatusClass": 3, "Tier": 3}),
				}},
				Alarms:           Alarms{Standard: 5, Anomaly: 1},
				ForwardedMetrics: 8,
				StreamedMetrics:  30,
			},
			{
				// Rule 3 samples health checks at 0% with no reservoir.
				Name:    "health-check",
				Regions: regionsFor(2),
				Logs:    LogVolume{LinesPerRequest: 1, BytesPerLine: 200, Tiers: TierMix{Info: 1}},
				Alarms:  Alarms{Standard: 1},
			},
		},
		Grafana: GrafanaUsers{Editors: 3, Viewers: 15},
	}
}

// DefaultArchitecture returns the default platform's declared
// architecture: the default tier routes with INFO kept 120 days (Glacier
// Instant Retrieval after 30), Insights usage on ERROR and WARN and EMF
// metrics.
func DefaultArchitecture() Architecture {
	return Architecture{
		CentralRegion: "us-east-1",
		Logs: LogArchitecture{Tiers: LogTierRoutes{
			Error: TierRoute{Destination: DestinationCloudWatch, Class: ClassStandard, RetentionDays: 30, InsightsScanShare: 2},
			Warn:  TierRoute{Destination: DestinationCloudWatch, Class: ClassStandard, RetentionDays: 7, InsightsScanShare: 0.5},
			Info:  TierRoute{Destination: DestinationS3, RetentionDays: 120, GlacierAfterDays: 30, GlacierClass: GlacierInstantRetrieval},
			Debug: TierRoute{Destination: DestinationDrop},
		}},
		MetricPublishing: MetricPublishing{Mode: PublishEMF},
	}
}

// DefaultConfig returns the cost block of the default platform config:
// us-east-1 list prices, DefaultVolumes, DefaultArchitecture, no budget.
func DefaultConfig() Config {
	return Config{Pricing: Pricing{Base: PriceSetUSEast1}, Volumes: DefaultVolumes(), Architecture: DefaultArchitecture()}
}

// DefaultInputs returns the inputs of the default platform: the traffic,
// custom metrics and Grafana users of DefaultVolumes, and
// DefaultArchitecture's Logs Insights usage on ERROR and WARN. The rest of
// its architecture is derived from the platform's constructs.
func DefaultInputs() Inputs {
	v := DefaultVolumes()
	in := Inputs{Pricing: Pricing{Base: PriceSetUSEast1}, Volumes: TrafficVolumes{Grafana: v.Grafana}}
	for _, s := range v.Services {
		t := ServiceTraffic{Name: s.Name, Logs: s.Logs, Metrics: s.Metrics, StreamedMetrics: s.StreamedMetrics,
			Traces: TraceShares{ErrorShare: s.Traces.ErrorShare, SlowShare: s.Traces.SlowShare}}
		for _, r := range s.Regions {
			t.Regions = append(t.Regions, RegionRate{Region: r.Region, RequestsPerSecond: r.RequestsPerSecond})
		}
		in.Volumes.Services = append(in.Volumes.Services, t)
	}
	a := DefaultArchitecture().Logs.Tiers
	in.Assumptions.Logs.InsightsScan = TierShares{Error: a.Error.InsightsScanShare, Warn: a.Warn.InsightsScanShare}
	return in
}
