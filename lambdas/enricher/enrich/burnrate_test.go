package enrich

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/lambdas/enricher/internal/enrichtest"
)

func TestParseBurnRateReadsTheSLOLines(t *testing.T) {
	br := parseBurnRate("SLO burn: ...\nService: checkout\nSLO: o11yscale-checkout-availability\nSLO goal: 99.9\nBurn windows: 60 5\nBurn threshold: 14.4\n")
	if !br.usable() || br.SLO != "o11yscale-checkout-availability" || br.Goal != 99.9 || br.Long != 60 || br.Short != 5 || br.Threshold != 14.4 {
		t.Fatalf("got %+v", br)
	}
	if parseBurnRate("Health of checkout\nService: checkout\nSeverity: high") != nil {
		t.Error("a composite without an SLO line is not a burn-rate alert")
	}
	noThreshold := parseBurnRate("SLO: a-b\nSLO goal: 99\nBurn windows: 360 30")
	if !noThreshold.usable() || !math.IsNaN(noThreshold.Threshold) {
		t.Errorf("threshold is optional: %+v", noThreshold)
	}
}

func TestParseBurnRateNotesUnusableLinesInsteadOfFailing(t *testing.T) {
	for desc, note := range map[string]string{
		"SLO: -bad-\nSLO goal: 99.9\nBurn windows: 60 5":                        "does not name an SLO",
		"SLO: a-b\nSLO goal: 100\nBurn windows: 60 5":                           "not a percentage above 0 and below 100",
		"SLO: a-b\nSLO goal: 99.9\nBurn windows: 60":                            "does not hold two windows",
		"SLO: a-b\nSLO goal: 99.9\nBurn windows: 60 20000":                      "is not 1-10080 minutes",
		"SLO: a-b\nSLO goal: 99.9\nBurn windows: sixty 5":                       "is not 1-10080 minutes",
		"SLO: a-b\nSLO goal: 99.9":                                              "does not hold two windows",
		"SLO: " + strings.Repeat("x", 200) + "\nSLO goal: 9\nBurn windows: 1 2": "does not name an SLO",
	} {
		br := parseBurnRate(desc)
		if br == nil || br.usable() || !strings.Contains(br.Note, note) {
			t.Errorf("%q: got %+v, want a note containing %q", desc, br, note)
		}
	}
}

func TestBudgetRemaining(t *testing.T) {
	for _, tc := range []struct{ attainment, goal, want float64 }{
		{100, 99.9, 100},
		{99.95, 99.9, 50},
		{99.9, 99.9, 0},
		{99.8, 99.9, -100},
		{99.5, 99, 50},
	} {
		got := BurnFigures{Attainment: tc.attainment}.BudgetRemaining(tc.goal)
		if math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("attainment %v goal %v: %v, want %v", tc.attainment, tc.goal, got, tc.want)
		}
	}
	if !math.IsNaN(BurnFigures{Attainment: math.NaN()}.BudgetRemaining(99.9)) {
		t.Error("no attainment: want NaN")
	}
}

// burnEvent is the burn-rate composite payload moved to this test's alarm
// name, SLO name and time.
func (hs *harness) burnEvent(t *testing.T, slo string) []byte {
	return enrichtest.Event(t, filepath.Join("testdata", "burn-rate-composite.json"), func(a map[string]any) {
		enrichtest.RetargetComposite(a, hs.name, hs.base.Add(30*time.Second))
		a["AlarmDescription"] = strings.ReplaceAll(a["AlarmDescription"].(string), "SLO: o11yscale-checkout-availability", "SLO: "+slo)
	})
}

func TestHandlerExplainsABurnRateCompositeFromOneMetricRead(t *testing.T) {
	hs := newHarness(t)
	slo := enrichtest.Name(t, "slo")
	end := hs.base.Add(time.Minute)
	hs.clients.PutMinutes(t, "AWS/ApplicationSignals", "BurnRate", []string{"SloName", slo, "BurnRateWindowMinutes", "60"}, end, []float64{10, 12, 15.25})
	hs.clients.PutMinutes(t, "AWS/ApplicationSignals", "BurnRate", []string{"SloName", slo, "BurnRateWindowMinutes", "5"}, end, []float64{18, 20.5})
	// Another SLO's burn rate must not be read.
	hs.clients.PutMinutes(t, "AWS/ApplicationSignals", "BurnRate", []string{"SloName", slo + "-other", "BurnRateWindowMinutes", "60"}, end, []float64{99})
	hs.clients.PutMinutes(t, "AWS/ApplicationSignals", "AttainmentRate", []string{"SloName", slo}, end, []float64{99.97, 99.95})

	if err := hs.h.Handle(context.Background(), hs.burnEvent(t, slo)); err != nil {
		t.Fatalf("Handle: %v\n%s", err, hs.logs.String())
	}
	if hs.cw.calls != 1 {
		t.Errorf("GetMetricData called %d times, want 1 (both windows and the attainment in one call)", hs.cw.calls)
	}
	sent := hs.sent(t)
	if len(sent) != 1 {
		t.Fatalf("incidents topic received %d messages, want 1", len(sent))
	}
	msg := sent[0].Message
	for _, want := range []string{
		"SLO: " + slo + ", goal 99.9% (error budget 0.1% of requests or periods)\n",
		"Burn rate over 1h: 15.25 at " + hs.base.Format(time.RFC3339) + " (threshold 14.4)\n",
		"Burn rate over 5m: 20.50 at ",
		"Error budget remaining: 50.00% (attainment 99.95% against the goal 99.9%)\n",
		"Triggered by:\n  - " + "o11yscale-checkout-availability-fast-burn-5m: ALARM",
		"Runbook: https://runbooks.example.com/checkout/slo\n",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "Figures: none") || strings.Contains(msg, "NaN") {
		t.Errorf("a burn-rate composite has figures:\n%s", msg)
	}
	if sent[0].Attributes["severity"] != SeverityCritical || sent[0].Attributes["service"] != "checkout" {
		t.Errorf("attributes %v", sent[0].Attributes)
	}
	wantMetrics(t, hs.metrics(t), map[string]float64{MetricAlertsReceived: 1, MetricIncidentsPublished: 1, MetricDataErrors: 0, MetricFailures: 0})
}

func TestHandlerSaysWhenTheSLOHasNoData(t *testing.T) {
	hs := newHarness(t)
	if err := hs.h.Handle(context.Background(), hs.burnEvent(t, enrichtest.Name(t, "slo"))); err != nil {
		t.Fatal(err)
	}
	sent := hs.sent(t)
	if len(sent) != 1 {
		t.Fatalf("%d messages", len(sent))
	}
	for _, want := range []string{
		"Burn rate over 1h: insufficient data (threshold 14.4)\n",
		"Burn rate over 5m: insufficient data (threshold 14.4)\n",
		"Error budget remaining: insufficient data (no attainment datapoint)\n",
	} {
		if !strings.Contains(sent[0].Message, want) {
			t.Errorf("message lacks %q:\n%s", want, sent[0].Message)
		}
	}
}

// moto cannot fail GetMetricData on demand; failingCloudWatch injects it.
func TestHandlerPublishesABurnRateCompositeWhenTheReadFails(t *testing.T) {
	hs := newHarness(t)
	hs.h.CloudWatch = failingCloudWatch{}
	if err := hs.h.Handle(context.Background(), hs.burnEvent(t, "o11yscale-checkout-availability")); err != nil {
		t.Fatal(err)
	}
	sent := hs.sent(t)
	if len(sent) != 1 || !strings.Contains(sent[0].Message, "Figures: not available, reading the SLO metrics failed: GetMetricData for the burn rates of SLO o11yscale-checkout-availability") {
		t.Fatalf("sent %+v", sent)
	}
	wantMetrics(t, hs.metrics(t), map[string]float64{MetricIncidentsPublished: 1, MetricDataErrors: 1, MetricFailures: 0})
}

func TestHandlerTreatsUnusableSLOLinesAsAPlainComposite(t *testing.T) {
	hs := newHarness(t)
	hs.h.CloudWatch = failingCloudWatch{} // a read would count a data error
	ev := enrichtest.Event(t, filepath.Join("testdata", "burn-rate-composite.json"), func(a map[string]any) {
		enrichtest.RetargetComposite(a, hs.name, hs.base)
		a["AlarmDescription"] = strings.ReplaceAll(a["AlarmDescription"].(string), "Burn windows: 60 5", "Burn windows: soon")
	})
	if err := hs.h.Handle(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	sent := hs.sent(t)
	if len(sent) != 1 || !strings.Contains(sent[0].Message, "SLO figures: not read, the burn windows line \"soon\" does not hold two windows in minutes") ||
		!strings.Contains(sent[0].Message, "Figures: none; a composite alarm has no metric of its own") {
		t.Fatalf("sent %+v", sent)
	}
	wantMetrics(t, hs.metrics(t), map[string]float64{MetricIncidentsPublished: 1, MetricDataErrors: 0})
}
