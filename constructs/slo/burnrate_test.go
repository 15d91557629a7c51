package slo_test

import (
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/constructs/slo"
)

const day = 24 * time.Hour

// The SRE Workbook's recommended parameters ("Alerting on SLOs", table 6,
// https://sre.google/workbook/alerting-on-slos/) for a 30-day SLO: 2% of
// the budget in 1 h is 14.4, 5% in 6 h is 6, 10% in 3 days is 1.
func TestThresholdMatchesTheWorkbookFor30Days(t *testing.T) {
	for _, tc := range []struct {
		budgetPercent float64
		long          time.Duration
		want          float64
	}{
		{2, time.Hour, 14.4},
		{5, 6 * time.Hour, 6},
		{10, 3 * day, 1},
	} {
		if got := slo.Threshold(tc.budgetPercent, 30*day, tc.long); got != tc.want {
			t.Errorf("Threshold(%v%%, 30d, %s) = %v, want %v (workbook)", tc.budgetPercent, tc.long, got, tc.want)
		}
	}
}

func TestThresholdScalesWithTheGoalWindow(t *testing.T) {
	for _, tc := range []struct {
		window, long  time.Duration
		budgetPercent float64
		want          float64
	}{
		// 28 days: 672 h.
		{28 * day, time.Hour, 2, 13.44},
		{28 * day, 6 * time.Hour, 5, 5.6},
		{28 * day, 3 * day, 10, 0.933333},
		// 7 days: 168 h.
		{7 * day, time.Hour, 2, 3.36},
		// Spending the whole budget within the whole window is burn rate 1.
		{30 * day, 30 * day, 100, 1},
	} {
		if got := slo.Threshold(tc.budgetPercent, tc.window, tc.long); got != tc.want {
			t.Errorf("Threshold(%v%%, %s, %s) = %v, want %v", tc.budgetPercent, tc.window, tc.long, got, tc.want)
		}
	}
}

func TestDefaultAlertsAreTheWorkbookPairs(t *testing.T) {
	want := []struct {
		long, short time.Duration
		threshold   float64
	}{{time.Hour, 5 * time.Minute, 14.4}, {6 * time.Hour, 30 * time.Minute, 6}, {3 * day, 6 * time.Hour, 1}}
	got := slo.DefaultBurnRateAlerts()
	if len(got) != len(want) {
		t.Fatalf("%d default alerts, want %d", len(got), len(want))
	}
	for i, a := range got {
		if a.LongWindow != want[i].long || a.ShortWindow != want[i].short {
			t.Errorf("alert %s: windows %s/%s, want %s/%s", a.ID, a.LongWindow, a.ShortWindow, want[i].long, want[i].short)
		}
		if th := slo.Threshold(a.BudgetPercent, slo.DefaultWindow, a.LongWindow); th != want[i].threshold {
			t.Errorf("alert %s: threshold %v at the default window, want %v", a.ID, th, want[i].threshold)
		}
	}
}

func TestErrorRateAtGoal(t *testing.T) {
	// Burn rate = error rate / (100% - goal): 14.4 at 99.9% is 1.44%.
	if got := slo.ErrorRateAt(14.4, 99.9); got != 1.44 {
		t.Errorf("ErrorRateAt(14.4, 99.9) = %v, want 1.44", got)
	}
	if got := slo.ErrorRateAt(1, 99); got != 1 {
		t.Errorf("ErrorRateAt(1, 99) = %v, want 1", got)
	}
}

func TestFormatWindowUsesTheLargestWholeUnit(t *testing.T) {
	for d, want := range map[time.Duration]string{5 * time.Minute: "5m", time.Hour: "1h", 90 * time.Minute: "90m", 3 * day: "3d", 30 * day: "30d", 36 * time.Hour: "36h"} {
		if got := slo.FormatWindow(d); got != want {
			t.Errorf("FormatWindow(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestReportShowsEveryAlertWithItsArithmetic(t *testing.T) {
	o := slo.Objective{ID: "availability", Kind: slo.KindAvailability, Environment: "lambda:default"}
	got := slo.ServiceSLOsProps{Service: "checkout", Objectives: []slo.Objective{o}}.Report()
	want := "o11yscale-checkout-availability: availability, goal 99.9% over 30d (error budget 0.1%); burn-rate windows 5m, 30m, 1h, 6h, 3d\n" +
		"  o11yscale-checkout-availability-fast-burn [critical]: both 1h and 5m >= 14.4; threshold 14.4 = 2% of the error budget x 30d window / 1h long window; at goal 99.9% a burn rate of 14.4 is an error rate of 1.44%\n" +
		"  o11yscale-checkout-availability-slow-burn [high]: both 6h and 30m >= 6; threshold 6 = 5% of the error budget x 30d window / 6h long window; at goal 99.9% a burn rate of 6 is an error rate of 0.6%\n" +
		"  o11yscale-checkout-availability-ticket [low]: both 3d and 6h >= 1; threshold 1 = 10% of the error budget x 30d window / 3d long window; at goal 99.9% a burn rate of 1 is an error rate of 0.1%\n"
	if got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
}
