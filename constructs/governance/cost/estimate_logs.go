package cost

import (
	"fmt"
)

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

func (e *estimator) logs(s Service, r RegionTraffic, traffic string) {
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
		e.from = source(traffic, e.a.Sources[SourceTier(t)])
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
			e.lines = append(e.lines, Line{Architecture: Declared, Component: ComponentLogs, Account: e.account, Service: service, Region: region,
				Item: fmt.Sprintf("%s: dropped at the source", t), Quantity: gb, Unit: "GB", Note: "not ingested anywhere", Source: e.from})
		}
	}
}
