package cost

import (
	"fmt"
	"math"
	"strings"
	"time"
)

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
	e.forwarderRegions[AccountRegionKey(e.account, region)] = true
	metrics := float64(s.ForwardedMetrics)
	runs := SecondsPerMonth / f.Schedule.Seconds()
	perWindow := f.Schedule.Seconds() / f.Period.Seconds() // datapoints per series per run
	datapoints := metrics * perWindow * runs
	from := " from " + region

	e.add(Naive, ComponentForwarding, s.Name, region, "GetMetricStatistics: one call per metric per run", metrics*runs, PriceAPIRequests,
		fmt.Sprintf("%g metrics × %s runs, one every %s; one call returns every statistic", metrics, groupDigits(runs, 0), duration(f.Schedule)))
	queries, what := float64(s.ForwardedQueries), fmt.Sprintf("%d queries (metric × statistic)", s.ForwardedQueries)
	if queries == 0 {
		queries = metrics * float64(f.StatisticsPerMetric)
		what = fmt.Sprintf("%g metrics × %d statistics", metrics, f.StatisticsPerMetric)
	}
	e.add(Declared, ComponentForwarding, s.Name, region, "GetMetricData: one query per statistic", queries*runs, PriceGetMetricData,
		fmt.Sprintf("%s × %s runs, one every %s", what, groupDigits(runs, 0), duration(f.Schedule)))

	// Naive: one record per datapoint; declared: one record per series per
	// window, holding the window's datapoints (every statistic in a line).
	records := [2]float64{datapoints, metrics * runs}
	recordBytes := [2]float64{float64(f.DatapointBytes), perWindow * float64(f.DatapointBytes)}
	whatRecords := [2]string{"one PutRecord per datapoint", fmt.Sprintf("one record per series per window (%g datapoints)", perWindow)}
	// The central stream, its Firehose and the archive are the monitoring
	// account's.
	e.central(func() {
		e.forwardCentral(s, records, recordBytes, whatRecords, datapoints, from)
	})
}

// forwardCentral prices what a service's forwarded records cost in the
// central region: the stream, its Firehose and the archive.
func (e *estimator) forwardCentral(s Service, records, recordBytes [2]float64, whatRecords [2]string, datapoints float64, from string) {
	f, central := e.a.Forwarder, e.a.CentralRegion
	for i, arch := range architectures {
		e.kinesisRecords[i] += records[i]
		e.kinesisBytes[i] += records[i] * recordBytes[i]
		if e.a.Kinesis.Mode == KinesisOnDemand {
			e.add(arch, ComponentForwarding, s.Name, central, "Kinesis on-demand data in"+from, records[i]*roundUp(recordBytes[i], kinesisOnDemandRoundBytes)/e.ps.BytesPerGB,
				PriceKinesisOnDemandIngested, whatRecords[i]+", records rounded up to 1 KB")
		} else {
			e.add(arch, ComponentForwarding, s.Name, central, "Kinesis PUT payload units"+from, records[i]*math.Ceil(recordBytes[i]/kinesisPayloadUnitBytes),
				PriceKinesisPutPayloadUnits, whatRecords[i]+", one unit per 25 KB of a record")
		}
		e.add(arch, ComponentForwarding, s.Name, central, "Firehose ingestion to S3"+from, records[i]*roundUp(recordBytes[i], firehoseRoundBytes)/e.ps.BytesPerGB,
			PriceFirehoseIngested, fmt.Sprintf("%s records of %.0f bytes, each billed as a multiple of 5 KB", groupDigits(records[i], 0), recordBytes[i]))
	}
	e.from = source(e.from, e.a.Sources[SourceMetricArchive])
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
	// Each set of up to five additional statistics bills one more metric
	// update per matching metric update
	// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-metric-streams-statistics.html).
	// The model does not know a service's metric names, so it assumes one
	// series per service matches each configuration.
	for _, st := range e.a.StreamStatistics {
		sets := math.Ceil(float64(st.Statistics) / 5)
		e.add(Declared, ComponentMetricStreams, s.Name, region, fmt.Sprintf("Metric Streams updates for %d additional statistics of %s", st.Statistics, st.Metric),
			sets*MinutesPerMonth, PriceMetricStreamUpdates,
			fmt.Sprintf("%g extra update(s) per update (one per set of up to 5 statistics) × %s minutes; assumed: one series of the service matches", sets, groupDigits(MinutesPerMonth, 0)))
	}
	mb := e.a.MetricStreams.UpdateBytes
	gb := updates * float64(mb) / e.ps.BytesPerGB
	e.add(Declared, ComponentMetricStreams, s.Name, region, "Firehose ingestion of metric updates", gb, PriceFirehoseIngested,
		fmt.Sprintf("%d bytes per update; the stream batches updates into records", mb))
	e.from = source(e.from, e.a.Sources[SourceMetricArchive])
	if len(e.a.Accounts) > 0 {
		// An organization's streams deliver to the monitoring account's
		// central bucket.
		e.central(func() {
			e.metricArchive(ComponentMetricStreams, s.Name, e.a.CentralRegion, "streamed metrics from "+AccountRegionKey(s.Account, region), gb)
		})
		return
	}
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
	e.from = e.a.Sources[SourceForwarding]
	for _, key := range sortedKeys(e.forwarderRegions) {
		// One forwarder in each account-region.
		var region string
		e.account, region = SplitAccountRegion(key)
		e.addBoth(ComponentForwarding, SharedService, region, "forwarder Lambda requests", runs, PriceLambdaRequests,
			fmt.Sprintf("one run every %s", duration(f.Schedule)))
		e.addBoth(ComponentForwarding, SharedService, region, fmt.Sprintf("forwarder Lambda compute, %s", f.LambdaArchitecture),
			runs*f.LambdaDuration.Seconds()*float64(f.LambdaMemoryMB)/1024, gbSecondKey,
			fmt.Sprintf("%s runs × %s × %d MB", groupDigits(runs, 0), duration(f.LambdaDuration), f.LambdaMemoryMB))
	}
	e.account = e.a.MonitoringAccount.Name
	defer func() { e.account = "" }()
	if len(e.forwarderRegions) > 0 {
		e.from = e.a.Sources[SourceKinesis]
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
	e.from = e.a.Sources[SourceGrafana]
	if g.Editors+g.Viewers > 0 && !e.a.NoGrafanaWorkspace {
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
	if c := strings.Compare(a.Account, b.Account); c != 0 {
		return c
	}
	if c := strings.Compare(a.Region, b.Region); c != 0 {
		return c
	}
	return componentIndex(a.Component) - componentIndex(b.Component)
}
