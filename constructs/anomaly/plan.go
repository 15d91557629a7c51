package anomaly

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

// CloudWatch limits on alarms
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
const (
	maxAlarmName   = 255
	maxDescription = 1024
)

// AlarmName returns the deterministic name of a band alarm ("<name>-<service>-<metric id>-anomaly").
func AlarmName(platform, service, metricID string) string {
	return platform + "-" + service + "-" + metricID + "-anomaly"
}

// ErrorRateAlarmName returns the name of a service's error-rate alarm.
func ErrorRateAlarmName(platform, service string) string {
	return platform + "-" + service + "-error-rate-threshold"
}

// CompositeAlarmName returns the name of a service's composite alarm.
func CompositeAlarmName(platform, service string) string {
	return platform + "-" + service + "-health"
}

// plannedAlarm is an alarm's name and description, computed before any
// construct exists so Validate can check their limits.
type plannedAlarm struct {
	path        string // props path blamed for an overlong name
	name        string
	description string
	runbook     string
	runbookPath string // props path the runbook came from
	severity    Severity
	metric      *resolved // band alarms only
}

// plan returns the band alarms, the error-rate alarm (unless disabled)
// and the composite, for props with defaults applied; descriptions link
// to the console of region.
func (p ServiceAlarmsProps) plan(region string) []plannedAlarm {
	var out []plannedAlarm
	add := func(a plannedAlarm, specificRunbook, summary string) {
		switch {
		case specificRunbook != "":
			a.runbook, a.runbookPath = specificRunbook, a.path+".runbookUrl"
		case p.RunbookURL != "":
			a.runbook, a.runbookPath = p.RunbookURL, "runbookUrl"
		case p.RunbookBaseURL != "":
			a.runbook, a.runbookPath = contract.RunbookURL(p.RunbookBaseURL, a.name), "runbookBaseUrl"
		}
		a.description = description(summary, p.Service, a.severity, a.runbook,
			contract.ConsoleAlarmURL(contract.PartitionOfRegion(region), region, a.name))
		out = append(out, a)
	}
	for _, m := range p.metrics() {
		add(plannedAlarm{path: validation.Index("metrics", m.index), name: AlarmName(p.Name, p.Service, m.ID), severity: m.Severity, metric: &m},
			m.RunbookURL, bandSummary(m))
	}
	if e := p.ErrorRate; p.errorRateEnabled() {
		add(plannedAlarm{path: "errorRate", name: ErrorRateAlarmName(p.Name, p.Service), severity: e.Severity}, "", errorRateSummary(p))
	}
	// The composite carries the most severe of its children's severities.
	sev := SeverityInfo
	for _, a := range out {
		if a.severity.rank() < sev.rank() {
			sev = a.severity
		}
	}
	add(plannedAlarm{path: "service", name: CompositeAlarmName(p.Name, p.Service), severity: sev}, "",
		fmt.Sprintf("Health of %s: ALARM while any of its %d alarms is in ALARM.", p.Service, len(out)))
	return out
}

// description writes the lines the enricher reads (contract.Description*:
// "Service:", "Severity:", "Runbook:", "Dashboard:", each on its own line)
// after a summary that is shortened to keep within CloudWatch's 1024
// characters.
func description(summary, service string, severity Severity, runbook, dashboard string) string {
	tail := "\n" + contract.DescriptionLine(contract.DescriptionService, service) +
		"\n" + contract.DescriptionLine(contract.DescriptionSeverity, string(severity))
	if runbook != "" {
		tail += "\n" + contract.DescriptionLine(contract.DescriptionRunbook, runbook)
	}
	tail += "\n" + contract.DescriptionLine(contract.DescriptionDashboard, dashboard)
	if room := maxDescription - len(tail); len(summary) > room {
		summary = cut(summary, room-3) + "..."
	}
	return summary + tail
}

func cut(s string, n int) string {
	if n <= 0 {
		return ""
	}
	for n < len(s) && n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:min(n, len(s))]
}

func bandSummary(m resolved) string {
	a := m.Anomaly
	what := m.ID + " = " + m.Expression
	if m.Expression == "" {
		what = describeSource(m.MetricSource)
	}
	return fmt.Sprintf("Anomaly: %s %s its anomaly band (k=%s) in %d of %d periods of %ds.",
		what, bandOperators[a.ComparisonOperator].word, formatK(a.BandWidth), a.DatapointsToAlarm, a.EvaluationPeriods, int(m.Period/time.Second))
}

func errorRateSummary(p ServiceAlarmsProps) string {
	e := p.ErrorRate
	return fmt.Sprintf("Error rate 100 * errors / requests above %s%% in %d of %d periods of %ds; errors: %s; requests: %s.",
		strconv.FormatFloat(e.ThresholdPercent, 'f', -1, 64), e.DatapointsToAlarm, e.EvaluationPeriods, int(e.Period/time.Second),
		describeSource(p.expand(e.Errors, "Sum")), describeSource(p.expand(e.Requests, "Sum")))
}

func describeSource(s MetricSource) string {
	dims := make([]string, 0, len(s.Dimensions))
	for _, k := range slices.Sorted(maps.Keys(s.Dimensions)) {
		dims = append(dims, k+"="+s.Dimensions[k])
	}
	out := s.Namespace + " " + s.MetricName + " (" + s.Stat
	if len(dims) > 0 {
		out += ", " + strings.Join(dims, ", ")
	}
	return out + ")"
}

func formatK(k float64) string { return strconv.FormatFloat(k, 'f', -1, 64) }
