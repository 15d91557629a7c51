package anomaly

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

var (
	metricIDRe = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	queryIDRe  = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]{0,254}$`)
	statRe     = regexp.MustCompile(`^(Average|Sum|Minimum|Maximum|SampleCount|IQM|(p|tm|wm|tc|ts)(100|[0-9]{1,2}(\.[0-9]{1,10})?))$`)
)

// validateMetrics checks p.Metrics as declared, then the metrics the
// service gets with the merged settings and the derived cardinalities;
// their errors point at the declaring metric.
func validateMetrics(v *validation.Errors, p ServiceAlarmsProps) {
	if p.Metrics != nil && len(p.Metrics) == 0 {
		v.Add("metrics", "[]", "at least one metric, or leave it out for the defaults")
	}
	ids := map[string]int{}
	for i, m := range p.Metrics {
		at := validation.Index("metrics", i)
		if !metricIDRe.MatchString(m.ID) {
			v.Add(at+".id", m.ID, "a lowercase letter, then lowercase letters, digits or '-', at most 32 characters")
		} else if j, dup := ids[m.ID]; dup {
			v.Add(at+".id", m.ID, "an id unique among the metrics; metrics[%d] has it too", j)
		}
		ids[m.ID] = i
		validateAnomaly(v, at+".anomaly", m.Anomaly)
		if m.Period != 0 && (m.Period%time.Minute != 0 || m.Period < 0) {
			v.Add(at+".period", m.Period.String(), "whole minutes, at least 1m")
		}
		if m.Severity != "" {
			validateSeverity(v, at+".severity", m.Severity)
		}
		if m.RunbookURL != "" && !isHTTPURL(m.RunbookURL) {
			v.Add(at+".runbookUrl", m.RunbookURL, "an http(s) URL with a host and no spaces")
		}
		validateMetricShape(v, at, m)
	}
	for _, r := range p.withDefaults().metrics() {
		at := validation.Index("metrics", r.index)
		a := r.Anomaly
		if a.DatapointsToAlarm > a.EvaluationPeriods {
			v.Add(at+".anomaly.datapointsToAlarm", a.DatapointsToAlarm, "at most evaluationPeriods (%d)", a.EvaluationPeriods)
		}
		if r.Period > 0 && time.Duration(a.EvaluationPeriods)*r.Period > 24*time.Hour {
			v.Add(at+".anomaly.evaluationPeriods", a.EvaluationPeriods, "evaluationPeriods x period (%s) of at most one day", r.Period)
		}
		if r.Expression == "" {
			checkSource(v, at, r.MetricSource, p.Budget)
		}
		for j, in := range r.Inputs {
			checkSource(v, validation.Index(at+".inputs", j), in.MetricSource, p.Budget)
		}
	}
}

func validateAnomaly(v *validation.Errors, at string, a Anomaly) {
	if a.BandWidth < 0 || a.BandWidth > 100 {
		v.Add(at+".bandWidth", a.BandWidth, "a band width k above 0 and at most 100 standard deviations")
	}
	if a.EvaluationPeriods < 0 {
		v.Add(at+".evaluationPeriods", a.EvaluationPeriods, "1 or more")
	}
	if a.DatapointsToAlarm < 0 {
		v.Add(at+".datapointsToAlarm", a.DatapointsToAlarm, "1 or more")
	}
	if _, ok := bandOperators[a.ComparisonOperator]; a.ComparisonOperator != "" && !ok {
		v.Add(at+".comparisonOperator", goEnum("ComparisonOperator", string(a.ComparisonOperator)), bandOperatorsAllowed)
	}
	validateMissing(v, at+".treatMissingData", a.TreatMissingData)
	if a.TimeZone != "" {
		if _, err := time.LoadLocation(a.TimeZone); err != nil || a.TimeZone == "Local" || len(a.TimeZone) > 50 {
			v.Add(at+".timeZone", a.TimeZone, "an IANA time zone such as Europe/Berlin or UTC")
		}
	}
	for i, r := range a.ExcludedTimeRanges {
		rat := validation.Index(at+".excludedTimeRanges", i)
		if r.Start.IsZero() || r.End.IsZero() {
			v.Add(rat, fmt.Sprintf("%s to %s", r.Start.Format(time.RFC3339), r.End.Format(time.RFC3339)), "a start and an end")
		} else if !r.End.After(r.Start) {
			v.Add(rat+".end", r.End.Format(time.RFC3339), "a time after start (%s)", r.Start.Format(time.RFC3339))
		}
	}
}

func validateMissing(v *validation.Errors, at string, value awscloudwatch.TreatMissingData) {
	if _, ok := missingData[value]; value != "" && !ok {
		v.Add(at, goEnum("TreatMissingData", string(value)), missingDataAllowed)
	}
}

func validateSeverity(v *validation.Errors, at string, s Severity) {
	if s != "" && !s.valid() {
		v.Add(at, string(s), "one of critical, high, medium, low, info")
	}
}

func validateMetricShape(v *validation.Errors, at string, m Metric) {
	single := m.Namespace != "" || m.MetricName != "" || len(m.Dimensions) > 0
	switch {
	case m.Expression == "" && len(m.Inputs) > 0:
		v.Add(at+".inputs", len(m.Inputs), "no inputs without an expression")
	case m.Expression == "":
		validateSource(v, at, m.MetricSource)
	default:
		if single {
			v.Add(at+".metricName", m.MetricName, "empty when expression is set (the expression reads inputs)")
		}
		if len(m.Expression) > 1024 || strings.ContainsAny(m.Expression, "\n\r") {
			v.Add(at+".expression", m.Expression, "a one-line metric-math expression of at most 1024 characters")
		}
		if strings.Contains(strings.ToUpper(m.Expression), "ANOMALY_DETECTION_BAND") {
			v.Add(at+".expression", m.Expression, "the expression of the series; the band is added by the alarm")
		}
		if len(m.Inputs) == 0 || len(m.Inputs) > 10 {
			v.Add(at+".inputs", len(m.Inputs), "1-10 inputs the expression reads")
		}
		seen := map[string]bool{}
		for j, in := range m.Inputs {
			iat := validation.Index(at+".inputs", j)
			switch {
			case !queryIDRe.MatchString(in.ID) || in.ID == bandSeriesID || in.ID == bandID:
				v.Add(iat+".id", in.ID, "a lowercase letter, then letters, digits or '_'; not m1 or ad1")
			case seen[in.ID]:
				v.Add(iat+".id", in.ID, "an id unique among the inputs")
			}
			seen[in.ID] = true
			validateSource(v, iat, in.MetricSource)
		}
	}
}

func validateSource(v *validation.Errors, at string, s MetricSource) {
	if s.Namespace == "" || len(s.Namespace) > 255 {
		v.Add(at+".namespace", s.Namespace, "a namespace of 1-255 characters, e.g. AWS/Lambda")
	}
	if s.MetricName == "" || len(s.MetricName) > 255 {
		v.Add(at+".metricName", s.MetricName, "a metric name of 1-255 characters")
	}
	if s.Stat != "" && !statRe.MatchString(s.Stat) {
		v.Add(at+".stat", s.Stat, "Average, Sum, Minimum, Maximum, SampleCount, IQM or a percentile-style statistic such as p99 or tm90")
	}
	for _, k := range slices.Sorted(maps.Keys(s.Dimensions)) {
		if val := s.Dimensions[k]; val == "" || len(val) > 1024 {
			v.Add(validation.Key(at+".dimensions", k), val, "a dimension value of 1-1024 characters")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(s.Cardinality)) {
		if _, ok := s.Dimensions[k]; !ok {
			v.Add(validation.Key(at+".cardinality", k), s.Cardinality[k], "the cardinality of one of the metric's dimensions")
		}
	}
}

// checkSource runs the cardinality check on a resolved source and maps its
// errors to the dimensions map (names) and the cardinality map.
func checkSource(v *validation.Errors, at string, s MetricSource, b Budget) {
	names := slices.Sorted(maps.Keys(s.Dimensions))
	dims := make([]Dimension, len(names))
	for i, n := range names {
		dims[i] = Dimension{Name: n, Cardinality: s.Cardinality[n]}
	}
	_, err := CheckCardinality(dims, b)
	for _, fe := range validation.Fields(err) {
		path := at + ".dimensions"
		var i int
		var field string
		if _, scanErr := fmt.Sscanf(fe.Path, "[%d].%s", &i, &field); scanErr == nil && i < len(names) {
			if field == "cardinality" {
				path = validation.Key(at+".cardinality", names[i])
			} else {
				path = validation.Key(at+".dimensions", names[i])
			}
		}
		v.Add(path, fe.Value, "%s", fe.Allowed)
	}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(s, " \t\r\n")
}
