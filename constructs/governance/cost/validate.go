package cost

import (
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

var (
	serviceNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	regionPattern      = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
)

// cloudWatchRetentionDays are the values CloudWatch Logs RetentionInDays accepts.
var cloudWatchRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

const retentionAllowed = "one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (CloudWatch RetentionInDays)"

func isCloudWatchRetention(d int) bool {
	for _, r := range cloudWatchRetentionDays {
		if r == d {
			return true
		}
	}
	return false
}

// shareTolerance is how far tier shares may sum from 1 (rounding in YAML).
const shareTolerance = 1e-6

// Validate reports every invalid volume at once; paths are the
// lowerCamelCase field names, e.g. "services[0].regions[1].requestsPerSecond".
func (v Volumes) Validate() error {
	var errs validation.Errors
	seen := map[string]int{}
	for i, s := range v.Services {
		p := validation.Index("services", i)
		if !serviceNamePattern.MatchString(s.Name) {
			errs.Add(p+".name", s.Name, "1-64 characters of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit")
		} else if j, dup := seen[AccountRegionKey(s.Account, s.Name)]; dup {
			errs.Add(p+".name", s.Name, "a name not already used by services[%d] (in the same account)", j)
		} else {
			seen[AccountRegionKey(s.Account, s.Name)] = i
		}
		s.validate(p, &errs)
	}
	checkCount(&errs, "grafana.editors", v.Grafana.Editors, 100000)
	checkCount(&errs, "grafana.viewers", v.Grafana.Viewers, 100000)
	return errs.Err()
}

func (s Service) validate(p string, errs *validation.Errors) {
	if len(s.Regions) == 0 {
		errs.Add(p+".regions", nil, "at least one region")
	}
	regions := map[string]int{}
	for i, r := range s.Regions {
		rp := validation.Index(p+".regions", i)
		if !regionPattern.MatchString(r.Region) {
			errs.Add(rp+".region", r.Region, "an AWS region name such as eu-west-1")
		} else if j, dup := regions[r.Region]; dup {
			errs.Add(rp+".region", r.Region, "a region not already listed at regions[%d]", j)
		} else {
			regions[r.Region] = i
		}
		checkRange(errs, rp+".requestsPerSecond", r.RequestsPerSecond, 0, 1e7)
	}

	checkRange(errs, p+".logs.linesPerRequest", s.Logs.LinesPerRequest, 0, 100000)
	if s.Logs.BytesPerLine != 0 {
		checkRange(errs, p+".logs.bytesPerLine", s.Logs.BytesPerLine, 1, 1<<20)
	}
	if m := s.Logs.Tiers; !m.isZero() {
		sum := 0.0
		ok := true
		for _, t := range tierOrder {
			ok = checkRange(errs, p+".logs.tiers."+strings.ToLower(string(t)), m.share(t), 0, 1) && ok
			sum += m.share(t)
		}
		if ok && math.Abs(sum-1) > shareTolerance {
			errs.Add(p+".logs.tiers", sum, "error + warn + info + debug shares summing to 1, or all omitted for the default mix")
		}
	}

	tp := p + ".traces"
	checkRange(errs, tp+".baselineRate", s.Traces.BaselineRate, 0, 1)
	checkRange(errs, tp+".reservoirPerSecond", s.Traces.ReservoirPerSecond, 0, 1e7)
	okErr := checkRange(errs, tp+".errorShare", s.Traces.ErrorShare, 0, 1)
	okSlow := checkRange(errs, tp+".slowShare", s.Traces.SlowShare, 0, 1)
	if s.Traces.FromRules && (s.Traces.BaselineRate != 0 || s.Traces.ReservoirPerSecond != 0) {
		errs.Add(tp+".fromRules", true, "false when baselineRate or reservoirPerSecond is declared: take them from the rules or declare them, not both")
	}
	if okErr && okSlow && s.Traces.ErrorShare+s.Traces.SlowShare > 1+shareTolerance {
		errs.Add(tp+".slowShare", s.Traces.SlowShare, "at most 1 - errorShare (%g), errors and slow requests together are at most all requests", s.Traces.ErrorShare)
	}

	mp := p + ".metrics"
	if s.Metrics.Publishers != 0 {
		checkCountRange(errs, mp+".publishers", s.Metrics.Publishers, 1, 1000000)
	}
	groups := map[string]int{}
	for i, g := range s.Metrics.Groups {
		gp := validation.Index(mp+".groups", i)
		if g.Name == "" {
			errs.Add(gp+".name", g.Name, "a non-empty group name")
		} else if j, dup := groups[g.Name]; dup {
			errs.Add(gp+".name", g.Name, "a name not already used by groups[%d]", j)
		} else {
			groups[g.Name] = i
		}
		if g.Metrics != 0 {
			checkCountRange(errs, gp+".metrics", g.Metrics, 1, 100000)
		}
		if len(g.Dimensions) > 30 {
			errs.Add(gp+".dimensions", len(g.Dimensions), "at most 30 dimensions (PutMetricData limit)")
		}
		for _, k := range sortedKeys(g.Dimensions) {
			dp := validation.Key(gp+".dimensions", k)
			if k == "" {
				errs.Add(dp, k, "a non-empty dimension name")
			}
			checkCountRange(errs, dp, g.Dimensions[k], 1, 1e9)
		}
	}

	checkCount(errs, p+".alarms.standard", s.Alarms.Standard, 1000000)
	checkCount(errs, p+".alarms.highResolution", s.Alarms.HighResolution, 1000000)
	checkCount(errs, p+".alarms.anomaly", s.Alarms.Anomaly, 1000000)
	checkCount(errs, p+".alarms.composite", s.Alarms.Composite, 1000000)
	checkCount(errs, p+".alarms.detectors", s.Alarms.Detectors, 1000000)
	checkCount(errs, p+".forwardedQueries", s.ForwardedQueries, 100000000)
	checkCount(errs, p+".forwardedMetrics", s.ForwardedMetrics, 10000000)
	checkCount(errs, p+".streamedMetrics", s.StreamedMetrics, 100000000)
}

// Validate reports every invalid knob at once. Zero fields take defaults
// and are valid.
func (a Architecture) Validate() error {
	var errs validation.Errors
	if a.CentralRegion != "" && !regionPattern.MatchString(a.CentralRegion) {
		errs.Add("centralRegion", a.CentralRegion, "an AWS region name such as us-east-1")
	}
	for _, t := range tierOrder {
		a.Logs.Tiers.route(t).validate("logs.tiers."+strings.ToLower(string(t)), t, &errs)
	}
	if r := a.Logs.CompressionRatio; r != 0 && !(r > 0 && r <= 1) {
		errs.Add("logs.compressionRatio", r, "0 (default 1) or a ratio above 0 and at most 1")
	}
	checkEnum(&errs, "logs.s3Delivery", a.Logs.S3Delivery, "direct", "firehose")
	if a.Logs.S3ObjectMB != 0 {
		checkRange(&errs, "logs.s3ObjectMB", a.Logs.S3ObjectMB, 0.001, 5000)
	}

	mp := a.MetricPublishing
	checkEnum(&errs, "metricPublishing.mode", mp.Mode, PublishEMF, PublishStatisticSets, PublishPerDatapoint)
	checkDuration(&errs, "metricPublishing.flushInterval", mp.FlushInterval, time.Second, time.Hour)
	if mp.EMFBytesPerEvent != 0 {
		checkCountRange(&errs, "metricPublishing.emfBytesPerEvent", mp.EMFBytesPerEvent, 1, 1<<20)
	}
	if mp.EMFRetentionDays != 0 && !isCloudWatchRetention(mp.EMFRetentionDays) {
		errs.Add("metricPublishing.emfRetentionDays", mp.EMFRetentionDays, retentionAllowed)
	}

	f := a.Forwarder
	if f.Period != 0 && !validPeriod(f.Period) {
		errs.Add("forwarder.period", f.Period.String(), "1s, 5s, 10s, 30s or a multiple of 60s up to 1h")
	}
	if checkDuration(&errs, "forwarder.schedule", f.Schedule, time.Minute, 24*time.Hour) && f.Schedule != 0 {
		period := f.Period
		if period == 0 {
			period = time.Minute
		}
		if f.Schedule < period {
			errs.Add("forwarder.schedule", f.Schedule.String(), "at least forwarder.period (%s)", period)
		}
	}
	if f.StatisticsPerMetric != 0 {
		checkCountRange(&errs, "forwarder.statisticsPerMetric", f.StatisticsPerMetric, 1, 100)
	}
	if f.DatapointBytes != 0 && checkCountRange(&errs, "forwarder.datapointBytes", f.DatapointBytes, 1, 1<<20) {
		period, schedule := f.Period, f.Schedule
		if period <= 0 {
			period = time.Minute
		}
		if schedule <= 0 {
			schedule = 5 * time.Minute
		}
		if perWindow := int(schedule / period); perWindow*f.DatapointBytes > 1<<20 {
			errs.Add("forwarder.datapointBytes", f.DatapointBytes, "a size whose records (%d datapoints a window) stay within the 1 MiB Kinesis record limit", perWindow)
		}
	}
	if f.LambdaMemoryMB != 0 {
		checkCountRange(&errs, "forwarder.lambdaMemoryMB", f.LambdaMemoryMB, 128, 10240)
	}
	checkDuration(&errs, "forwarder.lambdaDuration", f.LambdaDuration, time.Millisecond, 15*time.Minute)
	checkEnum(&errs, "forwarder.lambdaArchitecture", f.LambdaArchitecture, "arm64", "x86_64")

	checkEnum(&errs, "kinesis.mode", a.Kinesis.Mode, KinesisProvisioned, KinesisOnDemand)
	checkCount(&errs, "kinesis.shards", a.Kinesis.Shards, 10000)
	if a.Kinesis.Mode == KinesisOnDemand && a.Kinesis.Shards != 0 {
		errs.Add("kinesis.shards", a.Kinesis.Shards, "0 in onDemand mode (shards are provisioned-mode only)")
	}
	if a.MetricStreams.UpdateBytes != 0 {
		checkCountRange(&errs, "metricStreams.updateBytes", a.MetricStreams.UpdateBytes, 1, 1<<20)
	}
	ma := a.MetricArchive
	if ma.GlacierAfterDays != 0 {
		checkCountRange(&errs, "metricArchive.glacierAfterDays", ma.GlacierAfterDays, 1, 36499)
	}
	if ma.ExpireAfterDays != 0 && checkCountRange(&errs, "metricArchive.expireAfterDays", ma.ExpireAfterDays, 2, 36500) {
		glacier := ma.GlacierAfterDays
		if glacier == 0 {
			glacier = 90
		}
		if ma.ExpireAfterDays <= glacier {
			errs.Add("metricArchive.expireAfterDays", ma.ExpireAfterDays, "more than glacierAfterDays (%d)", glacier)
		}
	}
	if d := a.Naive.LogRetentionDays; d != 0 && !isCloudWatchRetention(d) {
		errs.Add("naive.logRetentionDays", d, retentionAllowed)
	}
	a.TransactionSearch.validate(&errs)
	if a.Analysis != nil {
		errs.Merge("analysis", a.Analysis.Validate())
	}
	return errs.Err()
}

func (r TierRoute) validate(p string, t Tier, errs *validation.Errors) {
	dest := r.Destination
	if dest == "" {
		dest = DefaultTierRoute(t).Destination
	}
	switch dest {
	case DestinationCloudWatch:
		if r.RetentionDays != 0 && !isCloudWatchRetention(r.RetentionDays) {
			errs.Add(p+".retentionDays", r.RetentionDays, retentionAllowed)
		}
		checkEnum(errs, p+".class", r.Class, ClassStandard, ClassInfrequentAccess)
	case DestinationS3:
		if r.RetentionDays != 0 {
			checkCountRange(errs, p+".retentionDays", r.RetentionDays, 1, 36500)
		}
	case DestinationDrop:
		if r.RetentionDays != 0 {
			errs.Add(p+".retentionDays", r.RetentionDays, "0 for destination drop (nothing is kept)")
		}
	default:
		errs.Add(p+".destination", string(r.Destination), "one of cloudwatch, s3, drop")
		return
	}
	if dest != DestinationCloudWatch && r.Class != "" {
		errs.Add(p+".class", r.Class, "empty unless destination is cloudwatch")
	}
	if dest != DestinationS3 {
		if r.GlacierAfterDays != 0 {
			errs.Add(p+".glacierAfterDays", r.GlacierAfterDays, "0 unless destination is s3")
		}
		if r.GlacierClass != "" {
			errs.Add(p+".glacierClass", r.GlacierClass, "empty unless destination is s3")
		}
	} else {
		retention := r.RetentionDays
		if retention == 0 {
			retention = defaultRetentionDays(t, DestinationS3)
		}
		if r.GlacierAfterDays != 0 && (r.GlacierAfterDays < 1 || r.GlacierAfterDays >= retention) {
			errs.Add(p+".glacierAfterDays", r.GlacierAfterDays, "0 (never) or 1 to retentionDays-1 (%d)", retention-1)
		}
		checkEnum(errs, p+".glacierClass", r.GlacierClass, GlacierInstantRetrieval, GlacierFlexibleRetrieval)
	}
	if r.InsightsScanShare != 0 && dest != DestinationCloudWatch {
		errs.Add(p+".insightsScanShare", r.InsightsScanShare, "0 unless the destination is cloudwatch (Logs Insights cannot scan %s)", dest)
	} else {
		checkRange(errs, p+".insightsScanShare", r.InsightsScanShare, 0, 1000)
	}
}

func validPeriod(d time.Duration) bool {
	switch d {
	case time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second:
		return true
	}
	return d%time.Minute == 0 && d >= time.Minute && d <= time.Hour
}

// checkRange reports x outside [lo, hi] (NaN and infinities included).
func checkRange(errs *validation.Errors, path string, x, lo, hi float64) bool {
	if !(x >= lo && x <= hi) {
		errs.Add(path, x, "a number from %s to %s", plain(lo), plain(hi))
		return false
	}
	return true
}

func checkCount(errs *validation.Errors, path string, n, hi int) bool {
	return checkCountRange(errs, path, n, 0, hi)
}

func checkCountRange(errs *validation.Errors, path string, n, lo, hi int) bool {
	if n < lo || n > hi {
		errs.Add(path, n, "a whole number from %d to %d", lo, hi)
		return false
	}
	return true
}

func checkDuration(errs *validation.Errors, path string, d, lo, hi time.Duration) bool {
	if d != 0 && (d < lo || d > hi) {
		errs.Add(path, d.String(), "0 (the default) or a duration from %s to %s", lo, hi)
		return false
	}
	return true
}

// checkEnum accepts the empty string (the default) or one of allowed.
func checkEnum(errs *validation.Errors, path, value string, allowed ...string) {
	if value == "" {
		return
	}
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	errs.Add(path, value, "one of %s (or empty for the default)", strings.Join(allowed, ", "))
}
