package slo

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Validate reports every invalid field at once, without creating
// anything: names, goals, windows, indicators, alerts and the limits of
// Application Signals and CloudWatch on the names and burn-rate
// configurations they produce.
func (p ServiceSLOsProps) Validate() error {
	var v validation.Errors
	if p.Name != "" && !nameRe.MatchString(p.Name) {
		v.Add("name", p.Name, "1-40 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if !serviceRe.MatchString(p.Service) {
		v.Add("service", p.Service, "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if p.RunbookURL != "" && !isHTTPURL(p.RunbookURL) {
		v.Add("runbookUrl", p.RunbookURL, "an http(s) URL with a host and no spaces")
	}
	if len(p.Objectives) == 0 {
		v.Add("objectives", "[]", "at least one objective")
	}
	ids := map[string]int{}
	for i, o := range p.Objectives {
		at := validation.Index("objectives", i)
		if j, dup := ids[o.ID]; dup && o.ID != "" {
			v.Add(at+".id", o.ID, "an id unique among the service's objectives; objectives[%d] has it too", j)
		}
		ids[o.ID] = i
		validateObjective(&v, at, o)
	}
	if err := v.Err(); err != nil {
		return err
	}
	// Names depend on every part; check their limits once those are valid.
	d := p.withDefaults()
	for i, o := range d.Objectives {
		at := validation.Index("objectives", i)
		name := SLOName(d.Name, d.Service, o.ID)
		if len(name) > maxSLONameLength || !sloNameRe.MatchString(name) {
			v.Add(at+".id", name, "an SLO name <name>-<service>-<id> of at most %d characters", maxSLONameLength)
		}
		for j, a := range o.Alerts {
			for _, w := range []time.Duration{a.LongWindow, a.ShortWindow} {
				if n := WindowAlarmName(d.Name, d.Service, o.ID, a.ID, w); len(n) > maxAlarmName {
					v.Add(validation.Index(at+".alerts", j)+".id", n, "an alarm name of at most %d characters", maxAlarmName)
				}
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return d.checkDescriptions("")
}

// ValidateIn is Validate for SLOs created in region (a region code, or
// the CDK token of a stack's region): the composites' descriptions end
// with their console link in that region and must fit CloudWatch's 1024
// characters.
func (p ServiceSLOsProps) ValidateIn(region string) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return p.withDefaults().checkDescriptions(region)
}

// checkDescriptions checks the description lengths (props with defaults).
func (p ServiceSLOsProps) checkDescriptions(region string) error {
	var v validation.Errors
	for i, o := range p.Objectives {
		for j, pa := range plan(p, o, region) {
			if len(pa.description) > maxDescription {
				v.Add(validation.Index(validation.Index("objectives", i)+".alerts", j), len(pa.description),
					"an alarm description of at most %d characters (shorten the runbook URL)", maxDescription)
			}
		}
	}
	return v.Err()
}

// ValidateAs is ValidateIn(region) with the objectives' paths under path
// instead of "objectives", e.g. "services[0].slos" for a platform that
// declares them per service; errors outside the objectives keep their
// paths.
func (p ServiceSLOsProps) ValidateAs(path, region string) error {
	var v validation.Errors
	for _, fe := range validation.Fields(p.ValidateIn(region)) {
		at := fe.Path
		if rest, ok := strings.CutPrefix(at, "objectives"); ok {
			at = path + rest
		}
		v.Add(at, fe.Value, "%s", fe.Allowed)
	}
	return v.Err()
}

func validateObjective(v *validation.Errors, at string, o Objective) {
	if !idRe.MatchString(o.ID) {
		v.Add(at+".id", o.ID, "a lowercase letter, then lowercase letters, digits or '-', at most 32 characters")
	}
	if len(o.Description) > maxDescriptionSLO {
		v.Add(at+".description", len(o.Description), "at most %d characters", maxDescriptionSLO)
	}
	if o.Goal != 0 && (o.Goal <= 0 || o.Goal >= 100) {
		v.Add(at+".goal", o.Goal, "an attainment goal in percent above 0 and below 100, such as 99.9 (100 leaves no error budget)")
	}
	if o.Window != 0 && (o.Window%time.Minute != 0 || o.Window < time.Hour || o.Window > 365*24*time.Hour) {
		v.Add(at+".window", o.Window.String(), "a rolling window of whole minutes, hours or days, from 1h to 365 days, such as 720h (30 days)")
	}
	if o.RunbookURL != "" && !isHTTPURL(o.RunbookURL) {
		v.Add(at+".runbookUrl", o.RunbookURL, "an http(s) URL with a host and no spaces")
	}
	switch o.Source {
	case "", SourceApplicationSignals:
		if !envRe.MatchString(o.Environment) {
			v.Add(at+".environment", o.Environment, "the service's Application Signals environment, such as lambda:default or eks:prod/checkout (required with source applicationSignals)")
		}
		if len(o.Operation) > 255 || strings.ContainsAny(o.Operation, "\n\r") {
			v.Add(at+".operation", o.Operation, "an operation name of at most 255 characters on one line, such as GET /checkout")
		}
		for _, s := range []struct {
			path string
			src  MetricSource
		}{{"good", o.Good}, {"bad", o.Bad}, {"total", o.Total}, {"latency", o.Latency}} {
			if !s.src.empty() {
				v.Add(at+"."+s.path+".metricName", s.src.MetricName, "no metric with source applicationSignals (the indicator is Application Signals' own); set source: metrics to use it")
			}
		}
	case SourceMetrics:
		if o.Environment != "" || o.Operation != "" {
			v.Add(at+".environment", o.Environment+o.Operation, "no environment or operation with source metrics (they name an Application Signals service)")
		}
		switch o.Kind {
		case KindAvailability:
			if o.Good.empty() == o.Bad.empty() {
				v.Add(at+".good", o.Good.MetricName, "exactly one of good or bad: the requests counted against total")
			}
			validateSource(v, at+".total", o.Total, true)
			if !o.Good.empty() {
				validateSource(v, at+".good", o.Good, true)
			}
			if !o.Bad.empty() {
				validateSource(v, at+".bad", o.Bad, true)
			}
			if !o.Latency.empty() {
				v.Add(at+".latency.metricName", o.Latency.MetricName, "no latency metric on an availability objective")
			}
		case KindLatency:
			validateSource(v, at+".latency", o.Latency, false)
			for _, s := range []struct {
				path string
				src  MetricSource
			}{{"good", o.Good}, {"bad", o.Bad}, {"total", o.Total}} {
				if !s.src.empty() {
					v.Add(at+"."+s.path+".metricName", s.src.MetricName, "no request counts on a latency objective (it reads the latency metric)")
				}
			}
		}
	default:
		v.Add(at+".source", string(o.Source), "one of applicationSignals, metrics")
	}
	switch o.Kind {
	case KindAvailability:
		if o.Threshold != 0 {
			v.Add(at+".threshold", o.Threshold.String(), "no threshold on an availability objective (latency objectives have one)")
		}
		if o.Percentile != "" {
			v.Add(at+".percentile", o.Percentile, "no percentile on an availability objective (latency objectives have one)")
		}
	case KindLatency:
		if o.Percentile != "" && !validPercentile(o.Percentile) {
			v.Add(at+".percentile", o.Percentile, "p followed by a number above 0 and at most 100, such as p50, p99 or p99.9")
		}
		if o.Threshold < time.Millisecond {
			v.Add(at+".threshold", o.Threshold.String(), "a latency of at least 1ms, such as 300ms")
		}
		if o.Period != 0 && (o.Period%time.Minute != 0 || o.Period < time.Minute || o.Period > time.Hour) {
			v.Add(at+".period", o.Period.String(), "whole minutes from 1m to 60m")
		}
	default:
		v.Add(at+".kind", string(o.Kind), "one of availability, latency")
	}
	validateAlerts(v, at, o)
}

func validateAlerts(v *validation.Errors, at string, o Objective) {
	window := o.Window
	if window == 0 {
		window = DefaultWindow
	}
	alerts := o.Alerts
	if alerts == nil {
		alerts = DefaultBurnRateAlerts()
	}
	ids := map[string]bool{}
	for i, a := range alerts {
		aat := validation.Index(at+".alerts", i)
		switch {
		case !alertIDRe.MatchString(a.ID):
			v.Add(aat+".id", a.ID, "a lowercase letter, then lowercase letters, digits or '-', at most 20 characters")
		case ids[a.ID]:
			v.Add(aat+".id", a.ID, "an id unique among the objective's alerts")
		}
		ids[a.ID] = true
		for _, w := range []struct {
			path string
			d    time.Duration
		}{{"longWindow", a.LongWindow}, {"shortWindow", a.ShortWindow}} {
			if w.d%time.Minute != 0 || w.d < time.Minute || w.d > maxLookBackMinutes*time.Minute {
				v.Add(aat+"."+w.path, w.d.String(), "whole minutes from 1m to 7 days (10080 minutes, Application Signals' longest burn-rate look-back window)")
			}
		}
		if a.ShortWindow >= a.LongWindow && a.ShortWindow > 0 {
			v.Add(aat+".shortWindow", a.ShortWindow.String(), "a window shorter than longWindow (%s)", a.LongWindow)
		}
		if a.LongWindow > window && window >= time.Hour {
			v.Add(aat+".longWindow", a.LongWindow.String(), "a window no longer than the objective's window (%s)", FormatWindow(window))
		}
		if a.BudgetPercent <= 0 || a.BudgetPercent > 100 {
			v.Add(aat+".budgetPercent", a.BudgetPercent, "a share of the error budget above 0 and at most 100 percent, such as 2")
		}
		if a.Severity != "" && !validSeverity(a.Severity) {
			v.Add(aat+".severity", string(a.Severity), "one of critical, high, medium, low, info")
		}
		if a.Period != 0 && (a.Period%time.Minute != 0 || a.Period < time.Minute || a.Period > time.Hour) {
			v.Add(aat+".period", a.Period.String(), "whole minutes from 1m to 60m")
		}
	}
	d := o
	d.Alerts = alerts
	if n := len(lookBackWindows(d)); n > MaxBurnRateConfigurations {
		v.Add(at+".alerts", n, "at most %d distinct windows per SLO (Application Signals' limit on burn-rate configurations)", MaxBurnRateConfigurations)
	}
}

func validateSource(v *validation.Errors, at string, s MetricSource, count bool) {
	if s.Namespace == "" || len(s.Namespace) > 255 {
		v.Add(at+".namespace", s.Namespace, "a namespace of 1-255 characters, e.g. AWS/Lambda")
	}
	if s.MetricName == "" || len(s.MetricName) > 255 {
		v.Add(at+".metricName", s.MetricName, "a metric name of 1-255 characters")
	}
	if count && s.Stat != "" && !countStat.MatchString(s.Stat) {
		v.Add(at+".stat", s.Stat, "Sum (the default), SampleCount, Average, Minimum or Maximum")
	}
	if !count && s.Stat != "" {
		v.Add(at+".stat", s.Stat, "empty: a latency metric is read at the objective's percentile")
	}
	if len(s.Dimensions) > 30 {
		v.Add(at+".dimensions", len(s.Dimensions), "at most 30 dimensions")
	}
	for _, k := range slices.Sorted(maps.Keys(s.Dimensions)) {
		if val := s.Dimensions[k]; val == "" || len(val) > 1024 {
			v.Add(validation.Key(at+".dimensions", k), val, "a dimension value of 1-1024 characters")
		}
	}
}

func (s MetricSource) empty() bool {
	return s.Namespace == "" && s.MetricName == "" && len(s.Dimensions) == 0 && s.Stat == ""
}

// validPercentile: p followed by a number in (0, 100], the percentiles
// CloudWatch computes
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html).
func validPercentile(s string) bool {
	m := percentRe.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	f, err := strconv.ParseFloat(m[1], 64)
	return err == nil && f > 0 && f <= 100
}

func validSeverity(s anomaly.Severity) bool {
	switch s {
	case "critical", "high", "medium", "low", "info":
		return true
	}
	return false
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(s, " \t\r\n")
}
