package cost

import (
	"testing"
	"time"
)

func TestMonthlyLogGB(t *testing.T) {
	for _, tc := range []struct {
		name                          string
		rps, lines, bytes, bytesPerGB float64
		want                          float64
	}{
		{"seed example: 50 MB/s for 30 days", 1000, 100, 500, 1e9, 50e6 * SecondsPerMonth / 1e9},
		{"no lines, no volume", 1000, 0, 500, 1e9, 0},
		{"no traffic, no volume", 0, 100, 500, 1e9, 0},
		{"GiB units: 1 GiB per second", 1, 1, 1 << 30, 1 << 30, SecondsPerMonth},
		{"GiB units count fewer GB than decimal", 1, 1, 1e9, 1 << 30, 1e9 * SecondsPerMonth / (1 << 30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertClose(t, "GB", MonthlyLogGB(tc.rps, tc.lines, tc.bytes, tc.bytesPerGB), tc.want)
		})
	}
}

func TestStoredGBMonthHoldsRetentionDaysOfVolume(t *testing.T) {
	for _, tc := range []struct {
		name      string
		monthlyGB float64
		days      int
		ratio     float64
		want      float64
	}{
		{"7 days of 300 GB/month", 300, 7, 1, 70},
		{"30 days holds one month", 300, 30, 1, 300},
		{"one year holds twelve months", 300, 360, 1, 3600},
		{"compressed tenfold", 300, 30, 0.1, 30},
		{"nothing ingested", 0, 30, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertClose(t, "GB-month", StoredGBMonth(tc.monthlyGB, tc.days, tc.ratio), tc.want)
		})
	}
}

func TestS3StoredGBMonthSplitsStandardAndGlacierWithNinetyDayMinimum(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		retention, glacier    int
		wantStandardDays      float64
		wantGlacierDays       float64
		wantMinimumDaysBilled bool
	}{
		{"no lifecycle keeps all in Standard", 30, 0, 30, 0, false},
		{"Glacier after 30 of 365 days", 365, 30, 30, 335, false},
		{"Glacier for 60 days is billed 90", 90, 30, 30, 90, true},
		{"Glacier for exactly 90 days", 120, 30, 30, 90, false},
		{"transition at or after retention never happens", 30, 30, 30, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const monthlyGB = 300 // 10 GB a day
			std, gl, minimum := S3StoredGBMonth(monthlyGB, tc.retention, tc.glacier, 1)
			assertClose(t, "standard GB-month", std, 10*tc.wantStandardDays)
			assertClose(t, "glacier GB-month", gl, 10*tc.wantGlacierDays)
			if minimum != tc.wantMinimumDaysBilled {
				t.Errorf("minimum applied = %v, want %v", minimum, tc.wantMinimumDaysBilled)
			}
		})
	}
}

func TestTracesRecordedKeepsErrorsSlowReservoirThenBaseline(t *testing.T) {
	const month = SecondsPerMonth
	for _, tc := range []struct {
		name        string
		rps         float64
		sampling    TraceSampling
		wantKept    float64
		wantSampled float64
	}{
		{"nothing declared records nothing", 100, TraceSampling{}, 0, 0},
		{"baseline only", 100, TraceSampling{BaselineRate: 0.05}, 0, 100 * month * 0.05},
		{"reservoir then 5% of the rest (seed rule 2)", 100, TraceSampling{BaselineRate: 0.05, ReservoirPerSecond: 1},
			0, (1 + 99*0.05) * month},
		{"reservoir above traffic keeps everything", 0.5, TraceSampling{ReservoirPerSecond: 1}, 0, 0.5 * month},
		{"errors and slow kept, baseline on the ordinary rest", 1000, TraceSampling{BaselineRate: 0.001, ErrorShare: 0.02, SlowShare: 0.01},
			1000 * month * 0.03, 1000 * month * 0.97 * 0.001},
		{"0% rule with no reservoir (seed rule 3)", 2, TraceSampling{}, 0, 0},
		{"100% rule keeps every request", 10, TraceSampling{BaselineRate: 1}, 0, 10 * month},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kept, sampled := TracesRecorded(tc.rps, tc.sampling)
			assertClose(t, "kept", kept, tc.wantKept)
			assertClose(t, "sampled", sampled, tc.wantSampled)
		})
	}
}

func TestMetricGroupSeriesIsMetricsTimesProductOfCardinalities(t *testing.T) {
	for _, tc := range []struct {
		name  string
		group MetricGroup
		want  float64
	}{
		{"one metric without dimensions", MetricGroup{}, 1},
		{"metric count defaults to 1", MetricGroup{Dimensions: map[string]int{"Endpoint": 8}}, 8},
		{"3 metrics × 8 × 3 × 3", MetricGroup{Metrics: 3, Dimensions: map[string]int{"Endpoint": 8, "StatusClass": 3, "Tier": 3}}, 216},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertClose(t, "series", tc.group.Series(), tc.want)
		})
	}
}

func TestPutMetricDataRequestsFlushActiveSeriesInCallsOfAThousand(t *testing.T) {
	flushes := float64(SecondsPerMonth / 60)
	big := MetricGroup{Name: "big", Metrics: 3, Dimensions: map[string]int{"Endpoint": 500}} // 1,500 series
	small := MetricGroup{Name: "small"}
	for _, tc := range []struct {
		name       string
		rps        float64
		groups     []MetricGroup
		publishers int
		want       float64
	}{
		{"one series, one call per flush", 100, []MetricGroup{small}, 1, flushes},
		{"1,500 active series need two calls per flush", 1000, []MetricGroup{big}, 1, 2 * flushes},
		{"low traffic touches few series: 60 requests × 3 metrics", 1, []MetricGroup{big}, 1, flushes},
		{"every publisher flushes on its own", 100, []MetricGroup{small}, 4, 4 * flushes},
		{"no traffic, no calls", 0, []MetricGroup{small}, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertClose(t, "requests", PutMetricDataRequests(tc.rps, tc.groups, tc.publishers, time.Minute), tc.want)
		})
	}
}

func TestEMFEventsOnePerActiveCombinationAndHundredMetrics(t *testing.T) {
	flushes := float64(SecondsPerMonth / 60)
	for _, tc := range []struct {
		name       string
		rps        float64
		groups     []MetricGroup
		publishers int
		want       float64
	}{
		{"72 combinations, 3 metrics fit one event each", 1000, []MetricGroup{{Metrics: 3, Dimensions: map[string]int{"Endpoint": 8, "StatusClass": 3, "Tier": 3}}}, 1, 72 * flushes},
		{"150 metrics need two events per combination", 1000, []MetricGroup{{Metrics: 150, Dimensions: map[string]int{"Endpoint": 2}}}, 1, 4 * flushes},
		{"low traffic: 6 requests a minute touch at most 6 combinations", 0.1, []MetricGroup{{Dimensions: map[string]int{"Endpoint": 100}}}, 1, 6 * flushes},
		{"two publishers each emit their combinations", 1000, []MetricGroup{{Dimensions: map[string]int{"Endpoint": 10}}}, 2, 20 * flushes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertClose(t, "events", EMFEvents(tc.rps, tc.groups, tc.publishers, time.Minute), tc.want)
		})
	}
}

func TestTieredMetricCostAppliesVolumeTiers(t *testing.T) {
	ps := mustPrices(t, PriceSetUSEast1)
	for _, tc := range []struct {
		series float64
		want   float64
	}{
		{0, 0},
		{10000, 10000 * 0.30},
		{10001, 10000*0.30 + 0.10},
		{250000, 10000*0.30 + 240000*0.10},
		{1000000, 10000*0.30 + 240000*0.10 + 750000*0.05},
		{2000000, 10000*0.30 + 240000*0.10 + 750000*0.05 + 1000000*0.02},
	} {
		assertClose(t, "cost of series", TieredMetricCost(tc.series, ps), tc.want)
	}
}

func TestKinesisShardsFromRecordsAndBytes(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		recordsPerS, bytesPerS float64
		want                   int
	}{
		{"idle stream still has one shard", 0, 0, 1},
		{"1,500 records/s need two shards", 1500, 1000, 2},
		{"2.5 MB/s need three shards", 100, 2.5e6, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := KinesisShards(tc.recordsPerS, tc.bytesPerS); got != tc.want {
				t.Errorf("shards = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestAlarmLinesCountAnomalyAlarmsAsThreeMetrics(t *testing.T) {
	r := mustEstimate(t, oneService(1, Service{Alarms: Alarms{Standard: 2, HighResolution: 1, Anomaly: 2}}), Architecture{}, mustPrices(t, PriceSetUSEast1))
	for _, tc := range []struct {
		item    string
		wantQty float64
		wantUSD float64
	}{
		{"standard resolution", 2, 0.20},
		{"high resolution", 1, 0.30},
		{"anomaly detection", 6, 0.60},
	} {
		for _, arch := range []string{Naive, Declared} {
			usd, qty := costOf(r, matching(arch, ComponentAlarms, tc.item))
			assertClose(t, arch+" "+tc.item+" alarm metrics", qty, tc.wantQty)
			assertClose(t, arch+" "+tc.item+" $", usd, tc.wantUSD)
		}
	}
}

func TestDeclaredTierDestinationLines(t *testing.T) {
	// 1 GB a day (30 GB a month), all of it at the INFO tier.
	const monthlyGB = 30
	v := oneService(1e9/500/86400, Service{Logs: LogVolume{LinesPerRequest: 1, BytesPerLine: 500, Tiers: TierMix{Info: 1}}})
	ps := mustPrices(t, PriceSetUSEast1)
	for _, tc := range []struct {
		name  string
		logs  LogArchitecture
		wants map[string]float64 // item fragment → declared $
	}{
		{"Standard class, 14 days", LogArchitecture{Tiers: LogTierRoutes{Info: TierRoute{Destination: DestinationCloudWatch, RetentionDays: 14}}},
			map[string]float64{"ingestion, Standard": monthlyGB * 0.50, "storage, 14 days": 14 * 0.03}},
		{"Infrequent Access class, 30 days", LogArchitecture{Tiers: LogTierRoutes{Info: TierRoute{Destination: DestinationCloudWatch, Class: ClassInfrequentAccess, RetentionDays: 30}}},
			map[string]float64{"ingestion, Infrequent Access": monthlyGB * 0.25, "storage, 30 days": 30 * 0.03}},
		{"Standard, compressed storage", LogArchitecture{CompressionRatio: 0.2, Tiers: LogTierRoutes{Info: TierRoute{Destination: DestinationCloudWatch, RetentionDays: 30}}},
			map[string]float64{"ingestion, Standard": monthlyGB * 0.50, "storage, 30 days": 30 * 0.2 * 0.03}},
		{"S3 direct, 30 days", LogArchitecture{Tiers: LogTierRoutes{Info: TierRoute{Destination: DestinationS3, RetentionDays: 30}}},
			map[string]float64{"S3 Standard storage, 30 days": 30 * 0.023, "PUT": monthlyGB * 1e9 / 64e6 * 0.005 / 1000, "Firehose": 0, "CloudWatch": 0}},
		{"S3 through Firehose", LogArchitecture{S3Delivery: "firehose", Tiers: LogTierRoutes{Info: TierRoute{Destination: DestinationS3, RetentionDays: 30}}},
			map[string]float64{"Firehose": monthlyGB * 0.029, "S3 Standard storage": 30 * 0.023}},
		{"S3, Glacier Flexible Retrieval after 30 of 365 days", LogArchitecture{Tiers: LogTierRoutes{Info: TierRoute{Destination: DestinationS3, RetentionDays: 365, GlacierAfterDays: 30, GlacierClass: GlacierFlexibleRetrieval}}},
			map[string]float64{"S3 Standard storage, 30 days": 30 * 0.023, "Glacier Flexible Retrieval": 335 * 0.0036}},
		{"S3 with bigger objects makes fewer PUTs", LogArchitecture{S3ObjectMB: 128, Tiers: LogTierRoutes{Info: TierRoute{Destination: DestinationS3}}},
			map[string]float64{"PUT": monthlyGB * 1e9 / 128e6 * 0.005 / 1000}},
		{"dropped", LogArchitecture{Tiers: LogTierRoutes{Info: TierRoute{Destination: DestinationDrop}}},
			map[string]float64{"dropped": 0, "CloudWatch": 0, "S3": 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustEstimate(t, v, Architecture{Logs: tc.logs}, ps)
			for fragment, want := range tc.wants {
				usd, _ := costOf(r, matching(Declared, ComponentLogs, "INFO:", fragment))
				assertClose(t, fragment, usd, want)
			}
			ratio := tc.logs.CompressionRatio
			if ratio == 0 {
				ratio = 1
			}
			naive, _ := costOf(r, matching(Naive, ComponentLogs))
			assertClose(t, "naive: Standard ingestion + 30 days of (compressed) storage", naive, monthlyGB*0.50+30*ratio*0.03)
		})
	}
}

func TestInsightsScansCoverAllTiersInTheNaiveGroupButOneTierWhenSplit(t *testing.T) {
	// 100 GB a month: 10 GB ERROR, 90 GB INFO; ERROR queries scan 2× a month.
	v := oneService(100e9/SecondsPerMonth/1000, Service{Logs: LogVolume{LinesPerRequest: 1, BytesPerLine: 1000, Tiers: TierMix{Error: 0.1, Info: 0.9}}})
	a := Architecture{Logs: LogArchitecture{Tiers: LogTierRoutes{Error: TierRoute{InsightsScanShare: 2}}}}
	r := mustEstimate(t, v, a, mustPrices(t, PriceSetUSEast1))
	naive, naiveGB := costOf(r, matching(Naive, ComponentLogs, "Insights"))
	declared, declaredGB := costOf(r, matching(Declared, ComponentLogs, "Insights"))
	assertClose(t, "naive GB scanned (all tiers)", naiveGB, 200)
	assertClose(t, "naive $", naive, 200*0.005)
	assertClose(t, "declared GB scanned (ERROR group only)", declaredGB, 20)
	assertClose(t, "declared $", declared, 20*0.005)
}

func TestCustomMetricSeriesPricedAtTheRegionsBlendedTierRate(t *testing.T) {
	group := MetricGroup{Name: "g", Metrics: 6, Dimensions: map[string]int{"Endpoint": 1000}} // 6,000 series
	v := Volumes{Services: []Service{
		{Name: "a", Regions: []RegionTraffic{{Region: "us-east-1", RequestsPerSecond: 1}, {Region: "eu-west-1", RequestsPerSecond: 1}}, Metrics: CustomMetrics{Groups: []MetricGroup{group}}},
		{Name: "b", Regions: []RegionTraffic{{Region: "us-east-1", RequestsPerSecond: 1}}, Metrics: CustomMetrics{Groups: []MetricGroup{group}}},
	}}
	r := mustEstimate(t, v, Architecture{}, mustPrices(t, PriceSetUSEast1))
	blended := (10000*0.30 + 2000*0.10) / 12000
	for _, tc := range []struct {
		service, region string
		wantUnit        float64
	}{
		{"a", "us-east-1", blended},
		{"b", "us-east-1", blended},
		{"a", "eu-west-1", 0.30},
	} {
		usd, series := costOf(r, func(l Line) bool {
			return l.Architecture == Declared && l.Item == "custom metric series" && l.Service == tc.service && l.Region == tc.region
		})
		assertClose(t, tc.service+" in "+tc.region+" series", series, 6000)
		assertClose(t, tc.service+" in "+tc.region+" $", usd, 6000*tc.wantUnit)
	}
	usd, _ := costOf(r, func(l Line) bool { return l.Architecture == Naive && l.Item == "custom metric series" })
	assertClose(t, "naive series total equals the tiered cost per region", usd, (10000*0.30+2000*0.10)+6000*0.30)
}

func TestMetricPublishingModesPriceTheirAPIOrLogCost(t *testing.T) {
	const rps = 100
	group := MetricGroup{Name: "red", Metrics: 3, Dimensions: map[string]int{"Endpoint": 4}} // 12 series, 4 combinations
	v := oneService(rps, Service{Metrics: CustomMetrics{Groups: []MetricGroup{group}}})
	ps := mustPrices(t, PriceSetUSEast1)
	flushes := float64(SecondsPerMonth / 60)
	perDatapoint := rps * SecondsPerMonth * 3.0
	for _, tc := range []struct {
		mode     string
		fragment string
		wantQty  float64
		wantUSD  float64
	}{
		{PublishPerDatapoint, "PutMetricData", perDatapoint, perDatapoint * 0.01 / 1000},
		{PublishStatisticSets, "PutMetricData", flushes, flushes * 0.01 / 1000},
		{PublishEMF, "EMF events flushed", 4 * flushes * 500 / 1e9, 4 * flushes * 500 / 1e9 * 0.50},
		{PublishEMF, "EMF events: CloudWatch Logs storage, 7 days", 4 * flushes * 500 / 1e9 / 30 * 7, 4 * flushes * 500 / 1e9 / 30 * 7 * 0.03},
	} {
		t.Run(tc.mode+" "+tc.fragment, func(t *testing.T) {
			r := mustEstimate(t, v, Architecture{MetricPublishing: MetricPublishing{Mode: tc.mode}}, ps)
			usd, qty := costOf(r, matching(Declared, ComponentMetrics, tc.fragment))
			assertClose(t, "quantity", qty, tc.wantQty)
			assertClose(t, "$", usd, tc.wantUSD)
			naive, calls := costOf(r, matching(Naive, ComponentMetrics, "PutMetricData"))
			assertClose(t, "naive calls: one per datapoint", calls, perDatapoint)
			assertClose(t, "naive $", naive, perDatapoint*0.01/1000)
		})
	}
}

func TestForwardingLinesOneRecordPerSeriesWindowAndFirehoseFiveKBRounding(t *testing.T) {
	const metrics = 10
	v := Volumes{Services: []Service{{Name: "svc", ForwardedMetrics: metrics,
		Regions: []RegionTraffic{{Region: "eu-west-1", RequestsPerSecond: 1}, {Region: "us-east-1", RequestsPerSecond: 1}}}}}
	r := mustEstimate(t, v, Architecture{}, mustPrices(t, PriceSetUSEast1))

	runs := float64(SecondsPerMonth / 300) // a 5-minute window per run
	datapoints := metrics * 5 * runs       // 60 s period: 5 datapoints per series per window
	windowBytes := 5 * 350.0               // one record holds a series' window
	archivedGB := datapoints * 350 / 1e9   // raw JSON lines archived
	for _, tc := range []struct {
		name     string
		arch     string
		fragment string
		region   string
		wantQty  float64
		wantUSD  float64
	}{
		{"naive polls each metric once for every statistic", Naive, "GetMetricStatistics", "eu-west-1", metrics * runs, metrics * runs * 0.01 / 1000},
		{"declared queries each of 3 statistics", Declared, "GetMetricData", "eu-west-1", metrics * 3 * runs, metrics * 3 * runs * 0.01 / 1000},
		{"naive record per datapoint", Naive, "PUT payload units from eu-west-1", "us-east-1", datapoints, datapoints * 0.014 / 1e6},
		{"declared record per series per window", Declared, "PUT payload units from eu-west-1", "us-east-1", metrics * runs, metrics * runs * 0.014 / 1e6},
		{"naive Firehose bills each 350-byte record as 5 KB", Naive, "Firehose ingestion to S3 from eu-west-1", "us-east-1", datapoints * 5120 / 1e9, datapoints * 5120 / 1e9 * 0.029},
		{"declared 1,750-byte records bill as 5 KB", Declared, "Firehose ingestion to S3 from eu-west-1", "us-east-1", metrics * runs * 5120 / 1e9, metrics * runs * 5120 / 1e9 * 0.029},
		{"archive holds 90 days in Standard", Declared, "archive of forwarded metrics from eu-west-1: S3 Standard", "us-east-1", archivedGB / 30 * 90, archivedGB / 30 * 90 * 0.023},
		{"then Glacier until day 730", Naive, "archive of forwarded metrics from eu-west-1: S3 Glacier Flexible", "us-east-1", archivedGB / 30 * 640, archivedGB / 30 * 640 * 0.0036},
	} {
		t.Run(tc.name, func(t *testing.T) {
			usd, qty := costOf(r, func(l Line) bool {
				return matching(tc.arch, ComponentForwarding, tc.fragment)(l) && l.Region == tc.region
			})
			assertClose(t, "quantity", qty, tc.wantQty)
			assertClose(t, "$", usd, tc.wantUSD)
		})
	}
	if windowBytes > 5120 {
		t.Fatal("test assumes a window fits one 5 KB Firehose unit")
	}
	for _, arch := range []string{Naive, Declared} {
		usd, invocations := costOf(r, matching(arch, ComponentForwarding, "forwarder Lambda requests"))
		assertClose(t, arch+" forwarder runs in two regions", invocations, 2*runs)
		assertClose(t, arch+" forwarder request $", usd, 2*runs*0.20/1e6)
		usd, gbs := costOf(r, matching(arch, ComponentForwarding, "forwarder Lambda compute, arm64"))
		assertClose(t, arch+" GB-seconds (2 s × 256 MB)", gbs, 2*runs*2*0.25)
		assertClose(t, arch+" compute $", usd, 2*runs*2*0.25*0.0000133334)
		usd, hours := costOf(r, matching(arch, ComponentForwarding, "1 provisioned shard"))
		assertClose(t, arch+" one shard for a month", hours, HoursPerMonth)
		assertClose(t, arch+" shard $", usd, HoursPerMonth*0.015)
	}
}

func TestKinesisOnDemandBillsStreamHoursAndRoundedDataIn(t *testing.T) {
	v := oneService(1, Service{ForwardedMetrics: 10})
	a := Architecture{Kinesis: KinesisStream{Mode: KinesisOnDemand}, Forwarder: Forwarder{LambdaArchitecture: "x86_64"}}
	r := mustEstimate(t, v, a, mustPrices(t, PriceSetUSEast1))
	datapoints := 10 * SecondsPerMonth / 60.
	usd, gb := costOf(r, matching(Naive, ComponentForwarding, "on-demand data in"))
	assertClose(t, "GB in: each 350-byte record billed as 1 KB", gb, datapoints*1024/1e9)
	assertClose(t, "data-in $", usd, datapoints*1024/1e9*0.08)
	usd, hours := costOf(r, matching(Declared, ComponentForwarding, "central Kinesis stream, on-demand"))
	assertClose(t, "stream-hours", hours, HoursPerMonth)
	assertClose(t, "stream $", usd, HoursPerMonth*0.04)
	usd, gbs := costOf(r, matching(Declared, ComponentForwarding, "compute, x86_64"))
	assertClose(t, "x86 compute $", usd, gbs*0.0000166667)
}

func TestMetricStreamsReplaceMinutePollingWithUpdatesAndFirehose(t *testing.T) {
	v := oneService(1, Service{StreamedMetrics: 100})
	r := mustEstimate(t, v, Architecture{}, mustPrices(t, PriceSetUSEast1))
	updates := 100.0 * MinutesPerMonth
	naive, polled := costOf(r, matching(Naive, ComponentMetricStreams, "GetMetricData polling"))
	assertClose(t, "metrics polled", polled, updates)
	assertClose(t, "naive $", naive, updates*0.01/1000)
	usd, n := costOf(r, matching(Declared, ComponentMetricStreams, "Metric Streams updates"))
	assertClose(t, "updates", n, updates)
	assertClose(t, "updates $", usd, updates*0.003/1000)
	usd, gb := costOf(r, matching(Declared, ComponentMetricStreams, "Firehose"))
	assertClose(t, "Firehose GB (500 bytes per update)", gb, updates*500/1e9)
	assertClose(t, "Firehose $", usd, updates*500/1e9*0.029)
	for _, arch := range []string{Naive, Declared} {
		_, held := costOf(r, matching(arch, ComponentMetricStreams, "archive of streamed metrics", "S3 Standard"))
		assertClose(t, arch+" archive GB-month in Standard (90 days)", held, updates*500/1e9/30*90)
	}
}

func TestGrafanaBillsAtLeastOneEditorPerWorkspace(t *testing.T) {
	ps := mustPrices(t, PriceSetUSEast1)
	for _, tc := range []struct {
		name  string
		users GrafanaUsers
		want  float64
	}{
		{"no users, no workspace", GrafanaUsers{}, 0},
		{"viewers only still pay one editor", GrafanaUsers{Viewers: 4}, 9 + 4*5},
		{"editors and viewers", GrafanaUsers{Editors: 3, Viewers: 15}, 3*9 + 15*5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustEstimate(t, Volumes{Grafana: tc.users}, Architecture{}, ps)
			for _, arch := range []string{Naive, Declared} {
				usd, _ := costOf(r, matching(arch, ComponentGrafana))
				assertClose(t, arch+" grafana $", usd, tc.want)
			}
		})
	}
}
