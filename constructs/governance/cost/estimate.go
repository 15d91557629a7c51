package cost

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Units of the model. A month is 30 days, as the seed computes
// ($2,160/day = $64,800/month).
const (
	DaysPerMonth    = 30
	SecondsPerMonth = DaysPerMonth * 24 * 60 * 60 // 2,592,000
	HoursPerMonth   = DaysPerMonth * 24           // 720
	MinutesPerMonth = DaysPerMonth * 24 * 60      // 43,200
)

// AWS billing rules the formulas use.
const (
	// glacierMinimumDays is the minimum storage duration of both Glacier
	// classes; objects deleted earlier are billed for it.
	glacierMinimumDays = 90
	// kinesisPayloadUnitBytes is one PUT payload unit (25 KB chunks).
	kinesisPayloadUnitBytes = 25 * 1024
	// kinesisOnDemandRoundBytes is the on-demand data-in rounding per record.
	kinesisOnDemandRoundBytes = 1024
	// firehoseRoundBytes is Firehose's ingestion rounding per record (5 KB).
	firehoseRoundBytes = 5 * 1024
	// putMetricDataMaxMetrics is the metrics one PutMetricData call carries.
	putMetricDataMaxMetrics = 1000
	// emfMaxMetrics is the metrics one EMF directive carries.
	emfMaxMetrics = 100
	// seedSeriesPerMetricLimit is the seed's quick-reference cardinality limit.
	seedSeriesPerMetricLimit = 10000
	// shardRecordsPerSecond and shardBytesPerSecond are one shard's write capacity.
	shardRecordsPerSecond = 1000
	shardBytesPerSecond   = 1e6
)

// Architecture kinds compared by the report.
const (
	Naive    = "naive"
	Declared = "declared"
)

// SharedService names the lines not attributable to one service (forwarder
// Lambdas, the central stream's shards, Grafana).
const SharedService = "(shared)"

// Component groups report lines.
type Component string

// Components, in report order.
const (
	ComponentLogs          Component = "logs"
	ComponentTraces        Component = "traces"
	ComponentMetrics       Component = "metrics"
	ComponentAlarms        Component = "alarms"
	ComponentForwarding    Component = "forwarding"
	ComponentMetricStreams Component = "metricStreams"
	ComponentGrafana       Component = "grafana"
)

var componentOrder = [...]Component{ComponentLogs, ComponentTraces, ComponentMetrics, ComponentAlarms, ComponentForwarding, ComponentMetricStreams, ComponentGrafana}

// AllComponents lists the components in report order.
func AllComponents() []Component { return append([]Component(nil), componentOrder[:]...) }

func componentIndex(c Component) int {
	for i, x := range componentOrder {
		if x == c {
			return i
		}
	}
	return len(componentOrder)
}

// Line is one priced quantity: Quantity × UnitPriceUSD = CostUSD.
type Line struct {
	// Architecture is "naive" or "declared".
	Architecture string
	// Component groups the line.
	Component Component
	// Service is the service, or SharedService.
	Service string
	// Region is where the cost is billed.
	Region string
	// Item says what is counted.
	Item string
	// Quantity is the monthly amount in Unit.
	Quantity float64
	// Unit is one unit of Quantity.
	Unit string
	// UnitPriceUSD is the price of one Unit.
	UnitPriceUSD float64
	// PriceKey is the price set entry the unit price comes from.
	PriceKey string
	// CostUSD is Quantity × UnitPriceUSD.
	CostUSD float64
	// Note states an assumption or a billing rule applied to the line.
	Note string
}

// Estimate prices the naive and the declared architecture for volumes v.
// It validates v and a first; prices must be a complete set (LoadPriceSet
// or Pricing.Resolve).
func Estimate(v Volumes, a Architecture, prices PriceSet) (*Report, error) {
	if err := v.Validate(); err != nil {
		return nil, fmt.Errorf("cost volumes: %w", err)
	}
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("cost architecture: %w", err)
	}
	if err := prices.check(); err != nil {
		return nil, fmt.Errorf("price set %q: %w", prices.Name, err)
	}
	serviceRegions := 0
	for _, s := range v.Services {
		serviceRegions += len(s.Regions)
	}
	e := &estimator{
		lines:            make([]Line, 0, 48*serviceRegions+16),
		a:                a.WithDefaults(),
		ps:               prices,
		seriesByRegion:   map[string]float64{},
		forwarderRegions: map[string]bool{},
	}
	services := make([]Service, len(v.Services))
	copy(services, v.Services)
	sort.Slice(services, func(i, j int) bool { return services[i].Name < services[j].Name })
	for _, s := range services {
		regions := make([]RegionTraffic, len(s.Regions))
		copy(regions, s.Regions)
		sort.Slice(regions, func(i, j int) bool { return regions[i].Region < regions[j].Region })
		for _, r := range regions {
			e.serviceRegion(s, r)
		}
	}
	e.customMetricTiers()
	e.shared(v.Grafana)
	return newReport(e), nil
}

type estimator struct {
	a                Architecture
	ps               PriceSet
	lines            []Line
	warnings         []string
	seriesByRegion   map[string]float64
	seriesLines      []int // indexes of series lines priced once region totals are known
	forwarderRegions map[string]bool
	// kinesis is the monthly records and bytes written to the central
	// stream, per architecture (0 naive, 1 declared).
	kinesisRecords [2]float64
	kinesisBytes   [2]float64
}

var architectures = [2]string{Naive, Declared}

// add appends a line priced from key; zero quantities are left out.
func (e *estimator) add(arch string, c Component, service, region, item string, qty float64, key, note string) {
	if qty == 0 {
		return
	}
	price, unit := e.ps.UnitPrice(key)
	e.lines = append(e.lines, Line{Architecture: arch, Component: c, Service: service, Region: region, Item: item,
		Quantity: qty, Unit: unit, UnitPriceUSD: price, PriceKey: key, CostUSD: qty * price, Note: note})
}

// addBoth appends the same line to both architectures.
func (e *estimator) addBoth(c Component, service, region, item string, qty float64, key, note string) {
	for _, arch := range architectures {
		e.add(arch, c, service, region, item, qty, key, note)
	}
}

func (e *estimator) serviceRegion(s Service, r RegionTraffic) {
	e.logs(s, r)
	e.traces(s, r)
	e.metrics(s, r)
	e.alarms(s, r.Region)
	e.forwarding(s, r.Region)
	e.metricStreams(s, r.Region)
}

// MonthlyLogGB is the raw log volume of one service in one region:
// requests/s × lines/request × bytes/line × seconds/month ÷ bytes/GB.
func MonthlyLogGB(requestsPerSecond, linesPerRequest, bytesPerLine, bytesPerGB float64) float64 {
	return requestsPerSecond * linesPerRequest * bytesPerLine * SecondsPerMonth / bytesPerGB
}

// StoredGBMonth is the steady-state storage of a log kept retentionDays:
// one day's volume × retention days × compression ratio.
func StoredGBMonth(monthlyGB float64, retentionDays int, compressionRatio float64) float64 {
	return monthlyGB / DaysPerMonth * float64(retentionDays) * compressionRatio
}

// S3StoredGBMonth is the steady-state S3 storage of a tier kept
// retentionDays that moves to Glacier after glacierAfterDays (0 = never).
// Glacier is billed for at least its 90-day minimum storage duration.
func S3StoredGBMonth(monthlyGB float64, retentionDays, glacierAfterDays int, compressionRatio float64) (standard, glacier float64, minimumApplied bool) {
	daily := monthlyGB / DaysPerMonth * compressionRatio
	if glacierAfterDays == 0 || glacierAfterDays >= retentionDays {
		return daily * float64(retentionDays), 0, false
	}
	glacierDays := retentionDays - glacierAfterDays
	if glacierDays < glacierMinimumDays {
		return daily * float64(glacierAfterDays), daily * glacierMinimumDays, true
	}
	return daily * float64(glacierAfterDays), daily * float64(glacierDays), false
}

func (e *estimator) logs(s Service, r RegionTraffic) {
	bytesPerLine := s.Logs.BytesPerLine
	if bytesPerLine == 0 {
		bytesPerLine = 500
	}
	mix := s.Logs.Tiers
	if mix.isZero() {
		mix = DefaultTierMix()
	}
	totalGB := MonthlyLogGB(r.RequestsPerSecond, s.Logs.LinesPerRequest, bytesPerLine, e.ps.BytesPerGB)
	if totalGB == 0 {
		return
	}
	la := e.a.Logs
	naiveDays := e.a.Naive.LogRetentionDays
	for _, t := range tierOrder {
		gb := totalGB * mix.share(t)
		route := la.Tiers.route(t)
		e.add(Naive, ComponentLogs, s.Name, r.Region, fmt.Sprintf("%s: CloudWatch Logs ingestion, Standard class", t), gb, PriceLogsIngestionStandard, "")
		e.add(Naive, ComponentLogs, s.Name, r.Region, fmt.Sprintf("%s: CloudWatch Logs storage, %d days", t, naiveDays),
			StoredGBMonth(gb, naiveDays, la.CompressionRatio), PriceLogsStorage, "steady state: daily volume × retention days")
		if route.InsightsScanShare > 0 && gb > 0 {
			e.add(Naive, ComponentLogs, s.Name, r.Region, fmt.Sprintf("%s: Logs Insights scans (all tiers share one log group)", t),
				totalGB*route.InsightsScanShare, PriceLogsInsightsScanned, fmt.Sprintf("%g × the month's volume of all tiers", route.InsightsScanShare))
		}
		e.declaredTier(s.Name, r.Region, t, route, gb)
	}
}

func (e *estimator) declaredTier(service, region string, t Tier, route TierRoute, gb float64) {
	la := e.a.Logs
	switch route.Destination {
	case DestinationCloudWatch:
		class, key := "Standard", PriceLogsIngestionStandard
		if route.Class == ClassInfrequentAccess {
			class, key = "Infrequent Access", PriceLogsIngestionInfrequentAccess
		}
		e.add(Declared, ComponentLogs, service, region, fmt.Sprintf("%s: CloudWatch Logs ingestion, %s class", t, class), gb, key, "")
		e.add(Declared, ComponentLogs, service, region, fmt.Sprintf("%s: CloudWatch Logs storage, %d days", t, route.RetentionDays),
			StoredGBMonth(gb, route.RetentionDays, la.CompressionRatio), PriceLogsStorage, "steady state: daily volume × retention days")
		e.add(Declared, ComponentLogs, service, region, fmt.Sprintf("%s: Logs Insights scans (own log group)", t),
			gb*route.InsightsScanShare, PriceLogsInsightsScanned, fmt.Sprintf("%g × the month's volume of this tier", route.InsightsScanShare))
	case DestinationS3:
		if la.S3Delivery == "firehose" {
			e.add(Declared, ComponentLogs, service, region, fmt.Sprintf("%s: Firehose ingestion to S3", t), gb, PriceFirehoseIngested,
				"lines aggregated into records, so the 5 KB record rounding is negligible")
		}
		standard, glacier, minimum := S3StoredGBMonth(gb, route.RetentionDays, route.GlacierAfterDays, la.CompressionRatio)
		standardDays := route.RetentionDays
		if route.GlacierAfterDays > 0 && route.GlacierAfterDays < route.RetentionDays {
			standardDays = route.GlacierAfterDays
		}
		e.add(Declared, ComponentLogs, service, region, fmt.Sprintf("%s: S3 Standard storage, %d days", t, standardDays), standard, PriceS3Standard,
			"steady state: daily volume × days kept")
		if glacier > 0 {
			key, class := PriceS3GlacierInstantRetrieval, "Instant Retrieval"
			if route.GlacierClass == GlacierFlexibleRetrieval {
				key, class = PriceS3GlacierFlexibleRetrieval, "Flexible Retrieval"
			}
			note := "steady state: daily volume × days kept"
			if minimum {
				note = fmt.Sprintf("billed for the %d-day minimum storage duration (kept %d days)", glacierMinimumDays, route.RetentionDays-route.GlacierAfterDays)
			}
			e.add(Declared, ComponentLogs, service, region, fmt.Sprintf("%s: S3 Glacier %s storage, after day %d", t, class, route.GlacierAfterDays), glacier, key, note)
		}
		objects := gb * la.CompressionRatio * e.ps.BytesPerGB / (la.S3ObjectMB * 1e6)
		e.add(Declared, ComponentLogs, service, region, fmt.Sprintf("%s: S3 PUT requests, %g MB objects", t, la.S3ObjectMB), objects, PriceS3PutRequests, "")
	case DestinationDrop:
		if gb > 0 {
			e.lines = append(e.lines, Line{Architecture: Declared, Component: ComponentLogs, Service: service, Region: region,
				Item: fmt.Sprintf("%s: dropped at the source", t), Quantity: gb, Unit: "GB", Note: "not ingested anywhere"})
		}
	}
}

// TracesRecorded splits a month's recorded traces into those always kept
// (errors and slow requests) and those sampled: the reservoir, then the
// baseline rate of the remaining ordinary requests.
func TracesRecorded(requestsPerSecond float64, t TraceSampling) (kept, sampled float64) {
	requests := requestsPerSecond * SecondsPerMonth
	keep := math.Min(t.ErrorShare+t.SlowShare, 1)
	reservoir := math.Min(requestsPerSecond, t.ReservoirPerSecond) * SecondsPerMonth
	ordinary := (1 - keep)
	return requests * keep, ordinary * (reservoir + (requests-reservoir)*t.BaselineRate)
}

func (e *estimator) traces(s Service, r RegionTraffic) {
	requests := r.RequestsPerSecond * SecondsPerMonth
	e.add(Naive, ComponentTraces, s.Name, r.Region, "X-Ray traces recorded: every request", requests, PriceXRayTracesRecorded, "no sampling")
	kept, sampled := TracesRecorded(r.RequestsPerSecond, s.Traces)
	e.add(Declared, ComponentTraces, s.Name, r.Region, "X-Ray traces recorded: errors and slow requests, always kept", kept, PriceXRayTracesRecorded,
		fmt.Sprintf("errorShare %g + slowShare %g of requests", s.Traces.ErrorShare, s.Traces.SlowShare))
	e.add(Declared, ComponentTraces, s.Name, r.Region, "X-Ray traces recorded: sampled ordinary requests", sampled, PriceXRayTracesRecorded,
		fmt.Sprintf("reservoir %g/s, then baseline rate %g of the rest", s.Traces.ReservoirPerSecond, s.Traces.BaselineRate))
}

// Series is a metric group's series count: metric names × the product of
// its dimension cardinalities.
func (g MetricGroup) Series() float64 {
	return float64(max(g.Metrics, 1)) * g.combinations()
}

// combinations is the product of the dimension cardinalities.
func (g MetricGroup) combinations() float64 {
	c := 1.0
	for _, k := range sortedKeys(g.Dimensions) {
		c *= float64(g.Dimensions[k])
	}
	return c
}

// PutMetricDataRequests is the monthly PutMetricData calls of one service
// in one region when each publisher flushes StatisticSets every flush: per
// flush, one call per 1,000 active series, where a series is active if a
// request touched it (at most the requests a publisher sees per flush).
func PutMetricDataRequests(requestsPerSecond float64, groups []MetricGroup, publishers int, flush time.Duration) float64 {
	publishers = max(publishers, 1)
	perFlush := requestsPerSecond * flush.Seconds() / float64(publishers)
	if perFlush == 0 {
		return 0
	}
	active := 0.0
	for _, g := range groups {
		active += math.Min(g.Series(), perFlush*float64(max(g.Metrics, 1)))
	}
	flushes := SecondsPerMonth / flush.Seconds()
	return float64(publishers) * flushes * math.Ceil(active/putMetricDataMaxMetrics)
}

// EMFEvents is the monthly EMF events of one service in one region: per
// flush and publisher, one event per active dimension combination and per
// 100 metric names.
func EMFEvents(requestsPerSecond float64, groups []MetricGroup, publishers int, flush time.Duration) float64 {
	publishers = max(publishers, 1)
	perFlush := requestsPerSecond * flush.Seconds() / float64(publishers)
	if perFlush == 0 {
		return 0
	}
	events := 0.0
	for _, g := range groups {
		events += math.Min(g.combinations(), perFlush) * math.Ceil(float64(max(g.Metrics, 1))/emfMaxMetrics)
	}
	return float64(publishers) * SecondsPerMonth / flush.Seconds() * events
}

func (e *estimator) metrics(s Service, r RegionTraffic) {
	groups := s.Metrics.Groups
	if len(groups) == 0 {
		return
	}
	series, names := 0.0, 0.0
	for _, g := range groups {
		series += g.Series()
		names += float64(max(g.Metrics, 1))
		if c := g.combinations(); c > seedSeriesPerMetricLimit {
			e.warnings = append(e.warnings, fmt.Sprintf("%s in %s: metric group %q has %.0f series per metric, above the seed's limit of %d per metric",
				s.Name, r.Region, g.Name, c, seedSeriesPerMetricLimit))
		}
	}
	e.seriesByRegion[r.Region] += series
	for _, arch := range architectures {
		e.seriesLines = append(e.seriesLines, len(e.lines))
		e.lines = append(e.lines, Line{Architecture: arch, Component: ComponentMetrics, Service: s.Name, Region: r.Region,
			Item: "custom metric series", Quantity: series, Unit: "metric-month"})
	}

	e.add(Naive, ComponentMetrics, s.Name, r.Region, "PutMetricData: one call per datapoint", r.RequestsPerSecond*SecondsPerMonth*names, PriceAPIRequests,
		fmt.Sprintf("each request records each of %g metric names once", names))
	mp := e.a.MetricPublishing
	switch mp.Mode {
	case PublishPerDatapoint:
		e.add(Declared, ComponentMetrics, s.Name, r.Region, "PutMetricData: one call per datapoint", r.RequestsPerSecond*SecondsPerMonth*names, PriceAPIRequests,
			fmt.Sprintf("each request records each of %g metric names once", names))
	case PublishStatisticSets:
		e.add(Declared, ComponentMetrics, s.Name, r.Region, fmt.Sprintf("PutMetricData: StatisticSets flushed every %s", duration(mp.FlushInterval)),
			PutMetricDataRequests(r.RequestsPerSecond, groups, s.Metrics.Publishers, mp.FlushInterval), PriceAPIRequests,
			fmt.Sprintf("%d publisher(s), up to %d metrics per call", max(s.Metrics.Publishers, 1), putMetricDataMaxMetrics))
	case PublishEMF:
		events := EMFEvents(r.RequestsPerSecond, groups, s.Metrics.Publishers, mp.FlushInterval)
		gb := events * float64(mp.EMFBytesPerEvent) / e.ps.BytesPerGB
		e.add(Declared, ComponentMetrics, s.Name, r.Region, fmt.Sprintf("EMF events flushed every %s: CloudWatch Logs ingestion, Standard class", duration(mp.FlushInterval)),
			gb, PriceLogsIngestionStandard, fmt.Sprintf("%s events × %d bytes; metric extraction needs the Standard class", groupDigits(events, 0), mp.EMFBytesPerEvent))
		e.add(Declared, ComponentMetrics, s.Name, r.Region, fmt.Sprintf("EMF events: CloudWatch Logs storage, %d days", mp.EMFRetentionDays),
			StoredGBMonth(gb, mp.EMFRetentionDays, e.a.Logs.CompressionRatio), PriceLogsStorage, "steady state: daily volume × retention days")
	}
}

// TieredMetricCost is the monthly cost of series custom metrics in one
// region under the volume tiers (10,000 / 240,000 / 750,000 / more).
func TieredMetricCost(series float64, ps PriceSet) float64 {
	tiers := []struct {
		size float64
		key  string
	}{{1e4, PriceMetricsFirst10k}, {2.4e5, PriceMetricsNext240k}, {7.5e5, PriceMetricsNext750k}, {math.Inf(1), PriceMetricsOver1m}}
	cost, left := 0.0, series
	for _, t := range tiers {
		n := math.Min(left, t.size)
		price, _ := ps.UnitPrice(t.key)
		cost += n * price
		left -= n
		if left <= 0 {
			break
		}
	}
	return cost
}

// customMetricTiers prices the series lines at their region's blended tier rate.
func (e *estimator) customMetricTiers() {
	blended := map[string]float64{}
	for region, series := range e.seriesByRegion {
		if series > 0 {
			blended[region] = TieredMetricCost(series, e.ps) / series
		}
	}
	for _, i := range e.seriesLines {
		l := &e.lines[i]
		total := e.seriesByRegion[l.Region]
		l.UnitPriceUSD = blended[l.Region]
		l.CostUSD = l.Quantity * l.UnitPriceUSD
		l.PriceKey = PriceMetricsFirst10k
		if total > 1e4 {
			l.PriceKey = "cloudwatch.metrics*PerMonth"
			l.Note = fmt.Sprintf("blended rate of the volume tiers for the region's %.0f series", total)
		}
	}
}

func (e *estimator) alarms(s Service, region string) {
	e.addBoth(ComponentAlarms, s.Name, region, "standard resolution alarms", float64(s.Alarms.Standard), PriceAlarmStandard, "")
	e.addBoth(ComponentAlarms, s.Name, region, "high resolution alarms", float64(s.Alarms.HighResolution), PriceAlarmHighResolution, "")
	e.addBoth(ComponentAlarms, s.Name, region, "anomaly detection alarms", float64(s.Alarms.Anomaly*3), PriceAlarmStandard,
		fmt.Sprintf("%d alarms × 3 alarm metrics each", s.Alarms.Anomaly))
}

// duration prints d the short way: "60s", "5m", "1h".
func duration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

func roundUp(n, unit float64) float64 { return math.Ceil(n/unit) * unit }

func (e *estimator) forwarding(s Service, region string) {
	if s.ForwardedMetrics == 0 {
		return
	}
	f := e.a.Forwarder
	e.forwarderRegions[region] = true
	metrics := float64(s.ForwardedMetrics)
	runs := SecondsPerMonth / f.Schedule.Seconds()
	perWindow := f.Schedule.Seconds() / f.Period.Seconds() // datapoints per series per run
	datapoints := metrics * perWindow * runs
	central := e.a.CentralRegion
	from := " from " + region

	e.add(Naive, ComponentForwarding, s.Name, region, "GetMetricStatistics: one call per metric per run", metrics*runs, PriceAPIRequests,
		fmt.Sprintf("%g metrics × %s runs, one every %s; one call returns every statistic", metrics, groupDigits(runs, 0), duration(f.Schedule)))
	e.add(Declared, ComponentForwarding, s.Name, region, "GetMetricData: one query per statistic", metrics*float64(f.StatisticsPerMetric)*runs, PriceGetMetricData,
		fmt.Sprintf("%g metrics × %d statistics × %s runs, one every %s", metrics, f.StatisticsPerMetric, groupDigits(runs, 0), duration(f.Schedule)))

	// Naive: one record per datapoint; declared: one record per series per
	// window, holding the window's datapoints.
	records := [2]float64{datapoints, metrics * runs}
	recordBytes := [2]float64{float64(f.DatapointBytes), perWindow * float64(f.DatapointBytes)}
	what := [2]string{"one PutRecord per datapoint", fmt.Sprintf("one record per series per window (%g datapoints)", perWindow)}
	for i, arch := range architectures {
		e.kinesisRecords[i] += records[i]
		e.kinesisBytes[i] += records[i] * recordBytes[i]
		if e.a.Kinesis.Mode == KinesisOnDemand {
			e.add(arch, ComponentForwarding, s.Name, central, "Kinesis on-demand data in"+from, records[i]*roundUp(recordBytes[i], kinesisOnDemandRoundBytes)/e.ps.BytesPerGB,
				PriceKinesisOnDemandIngested, what[i]+", records rounded up to 1 KB")
		} else {
			e.add(arch, ComponentForwarding, s.Name, central, "Kinesis PUT payload units"+from, records[i]*math.Ceil(recordBytes[i]/kinesisPayloadUnitBytes),
				PriceKinesisPutPayloadUnits, what[i]+", one unit per 25 KB of a record")
		}
		e.add(arch, ComponentForwarding, s.Name, central, "Firehose ingestion to S3"+from, records[i]*roundUp(recordBytes[i], firehoseRoundBytes)/e.ps.BytesPerGB,
			PriceFirehoseIngested, fmt.Sprintf("%s records of %.0f bytes, each billed as a multiple of 5 KB", groupDigits(records[i], 0), recordBytes[i]))
	}
	e.metricArchive(ComponentForwarding, s.Name, central, "forwarded metrics"+from, datapoints*float64(f.DatapointBytes)/e.ps.BytesPerGB)
}

// metricArchive prices, in both architectures, the steady-state S3
// storage of gb a month of metrics under the archive's lifecycle.
func (e *estimator) metricArchive(c Component, service, region, what string, gb float64) {
	ma := e.a.MetricArchive
	standard, glacier, minimum := S3StoredGBMonth(gb, ma.ExpireAfterDays, ma.GlacierAfterDays, e.a.Logs.CompressionRatio)
	note := "steady state: daily volume × days kept"
	e.addBoth(c, service, region, fmt.Sprintf("archive of %s: S3 Standard storage, %d days", what, ma.GlacierAfterDays), standard, PriceS3Standard, note)
	if minimum {
		note = fmt.Sprintf("billed for the %d-day minimum storage duration", glacierMinimumDays)
	}
	e.addBoth(c, service, region, fmt.Sprintf("archive of %s: S3 Glacier Flexible Retrieval storage, days %d-%d", what, ma.GlacierAfterDays, ma.ExpireAfterDays),
		glacier, PriceS3GlacierFlexibleRetrieval, note)
}

func (e *estimator) metricStreams(s Service, region string) {
	if s.StreamedMetrics == 0 {
		return
	}
	updates := float64(s.StreamedMetrics) * MinutesPerMonth
	e.add(Naive, ComponentMetricStreams, s.Name, region, "GetMetricData polling: each metric every minute", updates, PriceGetMetricData,
		fmt.Sprintf("%d metrics × %s minutes", s.StreamedMetrics, groupDigits(MinutesPerMonth, 0)))
	e.add(Declared, ComponentMetricStreams, s.Name, region, "Metric Streams updates", updates, PriceMetricStreamUpdates,
		fmt.Sprintf("%d metrics × %s minutes", s.StreamedMetrics, groupDigits(MinutesPerMonth, 0)))
	mb := e.a.MetricStreams.UpdateBytes
	gb := updates * float64(mb) / e.ps.BytesPerGB
	e.add(Declared, ComponentMetricStreams, s.Name, region, "Firehose ingestion of metric updates", gb, PriceFirehoseIngested,
		fmt.Sprintf("%d bytes per update; the stream batches updates into records", mb))
	e.metricArchive(ComponentMetricStreams, s.Name, region, "streamed metrics", gb)
}

// KinesisShards sizes a provisioned stream from its average write rate:
// 1,000 records/s and 1 MB/s per shard, at least one shard.
func KinesisShards(recordsPerSecond, bytesPerSecond float64) int {
	return int(math.Max(1, math.Max(math.Ceil(recordsPerSecond/shardRecordsPerSecond), math.Ceil(bytesPerSecond/shardBytesPerSecond))))
}

func (e *estimator) shared(g GrafanaUsers) {
	f := e.a.Forwarder
	runs := SecondsPerMonth / f.Schedule.Seconds()
	gbSecondKey := PriceLambdaArm64GBSecond
	if f.LambdaArchitecture == "x86_64" {
		gbSecondKey = PriceLambdaX86GBSecond
	}
	for _, region := range sortedKeys(e.forwarderRegions) {
		e.addBoth(ComponentForwarding, SharedService, region, "forwarder Lambda requests", runs, PriceLambdaRequests,
			fmt.Sprintf("one run every %s", duration(f.Schedule)))
		e.addBoth(ComponentForwarding, SharedService, region, fmt.Sprintf("forwarder Lambda compute, %s", f.LambdaArchitecture),
			runs*f.LambdaDuration.Seconds()*float64(f.LambdaMemoryMB)/1024, gbSecondKey,
			fmt.Sprintf("%s runs × %s × %d MB", groupDigits(runs, 0), duration(f.LambdaDuration), f.LambdaMemoryMB))
	}
	if len(e.forwarderRegions) > 0 {
		central := e.a.CentralRegion
		for i, arch := range architectures {
			if e.a.Kinesis.Mode == KinesisOnDemand {
				e.add(arch, ComponentForwarding, SharedService, central, "central Kinesis stream, on-demand", HoursPerMonth, PriceKinesisOnDemandStreamHour, "")
				continue
			}
			shards := e.a.Kinesis.Shards
			note := "declared shard count"
			if shards == 0 {
				rps, bps := e.kinesisRecords[i]/SecondsPerMonth, e.kinesisBytes[i]/SecondsPerMonth
				shards = KinesisShards(rps, bps)
				note = fmt.Sprintf("sized from the average %.1f records/s and %.0f bytes/s; bursts need headroom", rps, bps)
			}
			e.add(arch, ComponentForwarding, SharedService, central, fmt.Sprintf("central Kinesis stream, %d provisioned shard(s)", shards),
				float64(shards*HoursPerMonth), PriceKinesisShardHour, note)
		}
	}
	if g.Editors+g.Viewers > 0 {
		e.addBoth(ComponentGrafana, SharedService, e.a.CentralRegion, "Managed Grafana editors", float64(max(g.Editors, 1)), PriceGrafanaEditor,
			"a workspace is billed at least one editor")
		e.addBoth(ComponentGrafana, SharedService, e.a.CentralRegion, "Managed Grafana viewers", float64(g.Viewers), PriceGrafanaViewer, "")
	}
}

// compareLines orders lines by architecture, service (shared last),
// region and component; lines equal on those keep the order they were
// added in (tiers in ERROR, WARN, INFO, DEBUG order), so sort stably.
func compareLines(a, b Line) int {
	if c := strings.Compare(a.Architecture, b.Architecture); c != 0 {
		return c
	}
	if a.Service != b.Service {
		if aShared, bShared := a.Service == SharedService, b.Service == SharedService; aShared != bShared {
			if aShared {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Service, b.Service)
	}
	if c := strings.Compare(a.Region, b.Region); c != 0 {
		return c
	}
	return componentIndex(a.Component) - componentIndex(b.Component)
}
