package cost

import (
	"fmt"
	"math"
	"time"
)

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
	e.seriesByRegion[AccountRegionKey(e.account, r.Region)] += series
	for _, arch := range architectures {
		e.seriesLines = append(e.seriesLines, len(e.lines))
		e.lines = append(e.lines, Line{Architecture: arch, Component: ComponentMetrics, Account: e.account, Service: s.Name, Region: r.Region,
			Item: "custom metric series", Quantity: series, Unit: "metric-month", Source: e.from})
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

// customMetricTiers prices the series lines at their region's blended tier
// rate; in an organization each account-region has its own tiers (an
// upper bound: fewer series reach the cheaper tiers).
func (e *estimator) customMetricTiers() {
	blended := map[string]float64{}
	for region, series := range e.seriesByRegion {
		if series > 0 {
			blended[region] = TieredMetricCost(series, e.ps) / series
		}
	}
	for _, i := range e.seriesLines {
		l := &e.lines[i]
		key := AccountRegionKey(l.Account, l.Region)
		total := e.seriesByRegion[key]
		l.UnitPriceUSD = blended[key]
		l.CostUSD = l.Quantity * l.UnitPriceUSD
		l.PriceKey = PriceMetricsFirst10k
		if total > 1e4 {
			l.PriceKey = "cloudwatch.metrics*PerMonth"
			l.Note = fmt.Sprintf("blended rate of the volume tiers for the region's %.0f series", total)
		}
	}
}
