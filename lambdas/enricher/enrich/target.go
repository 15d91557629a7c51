package enrich

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// DefaultBandWidth is the band width k used when the alarm is not an
// anomaly-band alarm or its expression omits k (CloudWatch's default is 2).
const DefaultBandWidth = 2.0

// Limits checked while planning the GetMetricData call.
const (
	// maxQueries is GetMetricData's 500 queries per call, less the band.
	maxQueries = 499
	// maxPeriodSeconds bounds periods to a week, far above any alarm
	// period, so period arithmetic stays well inside int32.
	maxPeriodSeconds = 7 * 24 * 3600
	maxDimensions    = 30
	maxNameLength    = 255
	maxStatLength    = 50
)

// Target is what the enricher asks CloudWatch for: the series the alarm
// evaluates and that series' anomaly band, in one GetMetricData call.
type Target struct {
	// Queries are the alarm's metric queries needed to compute SeriesID
	// (for a single-metric alarm, one query "m1" built from the trigger).
	// The band query is not among them; see BandExpression.
	Queries []MetricDataQuery
	// SeriesID is the query whose values the incident reports.
	SeriesID string
	// BandID is the query id used for the band expression.
	BandID string
	// BandWidth is k in ANOMALY_DETECTION_BAND(SeriesID, k).
	BandWidth float64
	// Anomaly is true when the alarm itself is an anomaly-band alarm.
	Anomaly bool
	// Period is the series period in seconds.
	Period int64
	// Describe names the series for people, e.g.
	// "AWS/ApiGateway Latency {ApiName=checkout-api} Average".
	Describe string
	// Dimensions are the series' metric dimensions (of the first metric for
	// an expression), used to find the service name.
	Dimensions []Dimension
}

// BandExpression is the metric-math expression for the series' band.
func (t Target) BandExpression() string {
	return "ANOMALY_DETECTION_BAND(" + t.SeriesID + ", " + strconv.FormatFloat(t.BandWidth, 'g', -1, 64) + ")"
}

var (
	queryIDPattern = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)
	bandPattern    = regexp.MustCompile(`(?i)^\s*ANOMALY_DETECTION_BAND\s*\(\s*([a-z][a-zA-Z0-9_]*)\s*(?:,\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*)?\)\s*$`)
)

// parseBand returns the series id and k of an ANOMALY_DETECTION_BAND
// expression; ok is false for any other expression.
func parseBand(expr string) (seriesID string, k float64, ok bool, err error) {
	m := bandPattern.FindStringSubmatch(expr)
	if m == nil {
		return "", 0, false, nil
	}
	k = DefaultBandWidth
	if m[2] != "" {
		k, err = strconv.ParseFloat(m[2], 64)
		if err != nil || k <= 0 || math.IsInf(k, 0) {
			return "", 0, true, malformed("expression %q: band width %q must be a positive number", prefix(expr, 100), m[2])
		}
	}
	return m[1], k, true, nil
}

// statistics maps the upper-case Trigger.Statistic to the API's Stat.
var statistics = map[string]string{
	"AVERAGE":      "Average",
	"SUM":          "Sum",
	"MINIMUM":      "Minimum",
	"MAXIMUM":      "Maximum",
	"SAMPLE_COUNT": "SampleCount",
}

// planTarget decides the queries for an alarm's trigger.
func planTarget(tr Trigger) (Target, error) {
	if len(tr.Metrics) > 0 {
		return planMetricMath(tr)
	}
	return planSingleMetric(tr)
}

func planSingleMetric(tr Trigger) (Target, error) {
	if tr.Namespace == "" || tr.MetricName == "" {
		return Target{}, malformed("Trigger has neither Metrics nor MetricName and Namespace")
	}
	stat := tr.ExtendedStatistic
	if stat == "" {
		stat = statistics[tr.Statistic]
	}
	if stat == "" {
		// Extended statistics ("p99") arrive in Statistic with
		// StatisticType "ExtendedStatistic".
		stat = tr.Statistic
	}
	metric := Metric{Namespace: tr.Namespace, MetricName: tr.MetricName, Dimensions: tr.Dimensions}
	if err := checkMetricStat("Trigger", MetricStat{Metric: metric, Period: tr.Period, Stat: stat}); err != nil {
		return Target{}, err
	}
	q := MetricDataQuery{
		ID:         "m1",
		MetricStat: &MetricStat{Metric: metric, Period: tr.Period, Stat: stat, Unit: tr.Unit},
		ReturnData: true,
	}
	return Target{
		Queries:    []MetricDataQuery{q},
		SeriesID:   "m1",
		BandID:     "ad1",
		BandWidth:  DefaultBandWidth,
		Period:     tr.Period,
		Describe:   describeMetric(metric, stat),
		Dimensions: tr.Dimensions,
	}, nil
}

func planMetricMath(tr Trigger) (Target, error) {
	if len(tr.Metrics) > maxQueries {
		return Target{}, malformed("Trigger.Metrics has %d queries, more than the %d one GetMetricData call allows", len(tr.Metrics), maxQueries)
	}
	byID := make(map[string]int, len(tr.Metrics))
	for i, q := range tr.Metrics {
		where := fmt.Sprintf("Trigger.Metrics[%d]", i)
		if !queryIDPattern.MatchString(q.ID) || len(q.ID) > maxNameLength {
			return Target{}, malformed("%s: Id %q must start with a lower-case letter and hold only letters, digits and '_'", where, prefix(q.ID, 60))
		}
		if _, dup := byID[q.ID]; dup {
			return Target{}, malformed("%s: Id %q appears twice", where, q.ID)
		}
		byID[q.ID] = i
		switch {
		case q.MetricStat != nil && q.Expression != "":
			return Target{}, malformed("%s (%s): has both MetricStat and Expression", where, q.ID)
		case q.MetricStat != nil:
			if err := checkMetricStat(where, *q.MetricStat); err != nil {
				return Target{}, err
			}
		case strings.TrimSpace(q.Expression) == "":
			return Target{}, malformed("%s (%s): has neither MetricStat nor Expression", where, q.ID)
		case len(q.Expression) > 2048:
			return Target{}, malformed("%s (%s): Expression is %d characters, more than 2048", where, q.ID, len(q.Expression))
		}
	}

	t := Target{BandWidth: DefaultBandWidth}
	bandIdx := -1
	// An anomaly-band alarm names its band in ThresholdMetricId; fall back
	// to the first band expression when that field is missing.
	for i, q := range tr.Metrics {
		if q.Expression == "" || (tr.ThresholdMetricID != "" && q.ID != tr.ThresholdMetricID) {
			continue
		}
		series, k, ok, err := parseBand(q.Expression)
		if err != nil {
			return Target{}, err
		}
		if !ok {
			continue
		}
		if _, exists := byID[series]; !exists {
			return Target{}, malformed("Trigger.Metrics[%d] (%s): band expression refers to %q, which is not among Trigger.Metrics", i, q.ID, series)
		}
		bandIdx, t.Anomaly, t.SeriesID, t.BandWidth, t.BandID = i, true, series, k, q.ID
		break
	}
	if !t.Anomaly {
		for _, q := range tr.Metrics {
			if !q.ReturnData {
				continue
			}
			if t.SeriesID != "" {
				return Target{}, malformed("Trigger.Metrics: both %q and %q have ReturnData true; a metric-math alarm evaluates exactly one", t.SeriesID, q.ID)
			}
			t.SeriesID = q.ID
		}
		if t.SeriesID == "" {
			return Target{}, malformed("Trigger.Metrics: no query has ReturnData true, so the evaluated series is unknown")
		}
		t.BandID = freeID(byID, "ad")
	}

	for i, q := range tr.Metrics {
		if i == bandIdx {
			continue
		}
		q.ReturnData = q.ID == t.SeriesID
		t.Queries = append(t.Queries, q)
	}

	series := tr.Metrics[byID[t.SeriesID]]
	if series.MetricStat != nil {
		t.Describe = describeMetric(series.MetricStat.Metric, series.MetricStat.Stat)
		t.Period = series.MetricStat.Period
		t.Dimensions = series.MetricStat.Metric.Dimensions
	} else {
		t.Describe = "expression " + series.ID + " = " + prefix(series.Expression, 200)
		t.Period = series.Period
		for _, q := range tr.Metrics {
			if q.MetricStat != nil {
				if t.Period == 0 {
					t.Period = q.MetricStat.Period
				}
				if t.Dimensions == nil {
					t.Dimensions = q.MetricStat.Metric.Dimensions
				}
			}
		}
	}
	if t.Period == 0 {
		t.Period = tr.Period
	}
	if t.Period <= 0 || t.Period > maxPeriodSeconds {
		return Target{}, malformed("series %s: period %d s is not between 1 and %d", t.SeriesID, t.Period, maxPeriodSeconds)
	}
	return t, nil
}

// freeID returns base1, base2, ... whichever id is not taken.
func freeID(taken map[string]int, base string) string {
	for n := 1; ; n++ {
		id := base + strconv.Itoa(n)
		if _, used := taken[id]; !used {
			return id
		}
	}
}

func checkMetricStat(where string, ms MetricStat) error {
	m := ms.Metric
	if m.Namespace == "" || len(m.Namespace) > maxNameLength {
		return malformed("%s: Namespace %q must be 1-%d characters", where, prefix(m.Namespace, 60), maxNameLength)
	}
	if m.MetricName == "" || len(m.MetricName) > maxNameLength {
		return malformed("%s: MetricName %q must be 1-%d characters", where, prefix(m.MetricName, 60), maxNameLength)
	}
	if len(m.Dimensions) > maxDimensions {
		return malformed("%s: %d dimensions, more than %d", where, len(m.Dimensions), maxDimensions)
	}
	for i, d := range m.Dimensions {
		if d.Name == "" || d.Value == "" {
			return malformed("%s: dimension %d has an empty name or value (alarm notifications spell them lower-case name/value)", where, i)
		}
	}
	if ms.Period <= 0 || ms.Period > maxPeriodSeconds {
		return malformed("%s: Period %d s is not between 1 and %d", where, ms.Period, maxPeriodSeconds)
	}
	if ms.Stat == "" || len(ms.Stat) > maxStatLength || strings.ContainsFunc(ms.Stat, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return malformed("%s: statistic %q is not a CloudWatch statistic such as AVERAGE, Average or p99", where, prefix(ms.Stat, 60))
	}
	return nil
}

func describeMetric(m Metric, stat string) string {
	var b strings.Builder
	b.WriteString(m.Namespace)
	b.WriteByte(' ')
	b.WriteString(m.MetricName)
	if len(m.Dimensions) > 0 {
		b.WriteString(" {")
		for i, d := range m.Dimensions {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(d.Name)
			b.WriteByte('=')
			b.WriteString(d.Value)
		}
		b.WriteByte('}')
	}
	b.WriteByte(' ')
	b.WriteString(stat)
	return b.String()
}
