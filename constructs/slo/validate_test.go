package slo_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/constructs/slo"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

func availability() slo.Objective {
	return slo.Objective{ID: "availability", Kind: slo.KindAvailability, Environment: "lambda:default"}
}

func latency() slo.Objective {
	return slo.Objective{ID: "latency", Kind: slo.KindLatency, Environment: "lambda:default", Threshold: 300 * time.Millisecond}
}

func props(objs ...slo.Objective) slo.ServiceSLOsProps {
	return slo.ServiceSLOsProps{Service: "checkout", Objectives: objs}
}

func TestValidPropsPass(t *testing.T) {
	own := slo.Objective{ID: "own", Kind: slo.KindAvailability, Source: slo.SourceMetrics,
		Good:  slo.MetricSource{Namespace: "Shop", MetricName: "Succeeded", Dimensions: map[string]string{"Service": "{service}"}},
		Total: slo.MetricSource{Namespace: "Shop", MetricName: "Requests", Dimensions: map[string]string{"Service": "{service}"}}}
	ownLatency := slo.Objective{ID: "own-latency", Kind: slo.KindLatency, Source: slo.SourceMetrics, Percentile: "p99.9",
		Threshold: time.Second, Latency: slo.MetricSource{Namespace: "AWS/Lambda", MetricName: "Duration", Dimensions: map[string]string{"FunctionName": "{service}"}}}
	if err := props(availability(), latency(), own, ownLatency).Validate(); err != nil {
		t.Fatal(err)
	}
}

// problems returns "path: value" of every field error.
func problems(err error) map[string]string {
	out := map[string]string{}
	for _, fe := range validation.Fields(err) {
		out[fe.Path] = fmt.Sprint(fe.Value) + " | " + fe.Allowed
	}
	return out
}

func TestEveryProblemIsListedWithPathValueAndAllowed(t *testing.T) {
	bad := latency()
	bad.Goal = 100
	bad.Window = 90 * time.Second
	bad.Percentile = "p101"
	bad.Threshold = 0
	bad.Environment = ""
	avail := availability()
	avail.ID = "Availability"
	avail.Goal = -1
	avail.Alerts = []slo.BurnRateAlert{{ID: "x", LongWindow: 5 * time.Minute, ShortWindow: time.Hour, BudgetPercent: 0, Severity: "urgent"}}
	got := problems(props(bad, avail).Validate())
	for path, want := range map[string]string{
		"objectives[0].goal":                    "100 | an attainment goal in percent above 0 and below 100",
		"objectives[0].window":                  "1m30s | a rolling window of whole minutes, hours or days",
		"objectives[0].percentile":              "p101 | p followed by a number above 0 and at most 100",
		"objectives[0].threshold":               "0s | a latency of at least 1ms",
		"objectives[0].environment":             " | the service's Application Signals environment",
		"objectives[1].id":                      "Availability | a lowercase letter",
		"objectives[1].goal":                    "-1 | an attainment goal",
		"objectives[1].alerts[0].shortWindow":   "1h0m0s | a window shorter than longWindow (5m0s)",
		"objectives[1].alerts[0].budgetPercent": "0 | a share of the error budget above 0",
		"objectives[1].alerts[0].severity":      "urgent | one of critical, high, medium, low, info",
	} {
		if !strings.HasPrefix(got[path], want) {
			t.Errorf("%s: got %q, want prefix %q", path, got[path], want)
		}
	}
}

func TestPercentilesThatExist(t *testing.T) {
	for p, ok := range map[string]bool{"p50": true, "p99": true, "p99.9": true, "p100": true, "p0": false, "p100.5": false, "p101": false, "P99": false, "tm99": false, "99": false} {
		o := latency()
		o.Percentile = p
		err := props(o).Validate()
		if (err == nil) != ok {
			t.Errorf("percentile %q: error %v, want valid=%v", p, err, ok)
		}
	}
}

func TestAlertLongerThanTheObjectiveWindowIsRejected(t *testing.T) {
	o := availability()
	o.Window = 24 * time.Hour // shorter than the ticket's 3 days
	got := problems(props(o).Validate())
	if !strings.Contains(got["objectives[0].alerts[2].longWindow"], "no longer than the objective's window (1d)") {
		t.Errorf("got %v", got)
	}
}

// Application Signals allows 10 burn-rate configurations per SLO
// (API_ServiceLevelObjective, BurnRateConfigurations).
func TestMoreThanTenDistinctWindowsAreRejected(t *testing.T) {
	o := availability()
	for i := range 6 {
		o.Alerts = append(o.Alerts, slo.BurnRateAlert{ID: fmt.Sprintf("a%d", i), LongWindow: time.Duration(i+2) * time.Hour,
			ShortWindow: time.Duration(i+1) * time.Minute, BudgetPercent: 5})
	}
	got := problems(props(o).Validate())
	if got["objectives[0].alerts"] != "12 | at most 10 distinct windows per SLO (Application Signals' limit on burn-rate configurations)" {
		t.Errorf("got %v", got)
	}
	o.Alerts = o.Alerts[:5] // 10 windows
	if err := props(o).Validate(); err != nil {
		t.Errorf("10 windows: %v", err)
	}
}

func TestMetricsOfTheWrongSourceOrKindAreRejected(t *testing.T) {
	o := availability()
	o.Good = slo.MetricSource{Namespace: "Shop", MetricName: "Ok"}
	own := slo.Objective{ID: "own", Kind: slo.KindAvailability, Source: slo.SourceMetrics, Total: slo.MetricSource{Namespace: "Shop", MetricName: "All"}}
	odd := slo.Objective{ID: "odd", Kind: "throughput", Source: "xray", Environment: "x"}
	got := problems(props(o, own, odd).Validate())
	for path, want := range map[string]string{
		"objectives[0].good.metricName": "Ok | no metric with source applicationSignals",
		"objectives[1].good":            " | exactly one of good or bad",
		"objectives[2].kind":            "throughput | one of availability, latency",
		"objectives[2].source":          "xray | one of applicationSignals, metrics",
	} {
		if !strings.HasPrefix(got[path], want) {
			t.Errorf("%s: got %q, want prefix %q", path, got[path], want)
		}
	}
}

func TestSLONameLimit(t *testing.T) {
	o := availability()
	o.ID = strings.Repeat("a", 32)
	p := props(o)
	p.Name = strings.Repeat("n", 40)
	p.Service = strings.Repeat("s", 60)
	got := problems(p.Validate())
	if !strings.Contains(got["objectives[0].id"], "an SLO name <name>-<service>-<id> of at most 128 characters") {
		t.Errorf("got %v", got)
	}
}

func TestDuplicateObjectiveIDs(t *testing.T) {
	got := problems(props(availability(), availability()).Validate())
	if !strings.Contains(got["objectives[1].id"], "objectives[0] has it too") {
		t.Errorf("got %v", got)
	}
}

func TestResourceAndAlarmCounts(t *testing.T) {
	p := props(availability(), latency())
	if n := p.ResourceCount(); n != 20 {
		t.Errorf("ResourceCount = %d, want 20 (2 SLOs + 2 x 3 alerts x 3 alarms)", n)
	}
	if m, c := p.AlarmCount(); m != 12 || c != 6 {
		t.Errorf("AlarmCount = %d metric, %d composite; want 12, 6", m, c)
	}
	none := availability()
	none.Alerts = []slo.BurnRateAlert{}
	if n := props(none).ResourceCount(); n != 1 {
		t.Errorf("no alerts: ResourceCount = %d, want 1", n)
	}
}

func TestValidateAsPutsTheObjectivesUnderAnotherPath(t *testing.T) {
	o := availability()
	o.Goal = 100
	p := props(o)
	p.RunbookURL = "ftp://x"
	got := problems(p.ValidateAs("services[2].slos", "eu-west-1"))
	if _, ok := got["services[2].slos[0].goal"]; !ok {
		t.Errorf("got %v", got)
	}
	if _, ok := got["runbookUrl"]; !ok {
		t.Errorf("a service-level problem keeps its path: %v", got)
	}
}

func TestOverlongRunbookIsRejectedForTheDescription(t *testing.T) {
	o := availability()
	o.RunbookURL = "https://runbooks.example.com/" + strings.Repeat("x", 700)
	got := problems(props(o).ValidateIn("ap-southeast-1"))
	if !strings.Contains(got["objectives[0].alerts[0]"], "an alarm description of at most 1024 characters") {
		t.Errorf("got %v", got)
	}
	o.RunbookURL = "https://runbooks.example.com/checkout"
	if err := props(o).ValidateIn("ap-southeast-1"); err != nil {
		t.Error(err)
	}
}

func TestAvailabilityHasNoThresholdOrPercentile(t *testing.T) {
	o := availability()
	o.Percentile, o.Threshold = "p99", time.Second
	got := problems(props(o).Validate())
	if !strings.HasPrefix(got["objectives[0].percentile"], "p99 | no percentile on an availability objective") ||
		!strings.HasPrefix(got["objectives[0].threshold"], "1s | no threshold on an availability objective") {
		t.Errorf("got %v", got)
	}
}
