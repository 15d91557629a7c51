package slo

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

// Threshold is the burn rate at which budgetPercent of the error budget
// of an SLO window is spent within longWindow: budgetPercent/100 ×
// window / longWindow, rounded to 6 significant digits so that, for
// example, 2% of 30 days in 1 h is exactly 14.4
// (https://sre.google/workbook/alerting-on-slos/, "Burn rate").
func Threshold(budgetPercent float64, window, longWindow time.Duration) float64 {
	if longWindow <= 0 {
		return math.Inf(1)
	}
	t := budgetPercent / 100 * float64(window) / float64(longWindow)
	r, _ := strconv.ParseFloat(strconv.FormatFloat(t, 'g', 6, 64), 64)
	return r
}

// ErrorRateAt is the error rate in percent that a burn rate means at a
// goal: burn rate × (100 - goal)
// (https://docs.aws.amazon.com/applicationsignals/latest/APIReference/API_BurnRateConfiguration.html:
// burn rate = error rate / (100% - attainment goal)).
func ErrorRateAt(burnRate, goal float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(burnRate*(100-goal), 'g', 6, 64), 64)
	return r
}

// FormatWindow writes a window in its largest whole unit: 5m, 6h, 3d
// (contract.WindowName of its whole minutes).
func FormatWindow(d time.Duration) string { return contract.WindowName(int(d / time.Minute)) }

// interval is a rolling window as Application Signals writes it.
func interval(d time.Duration) (duration int, unit string) {
	switch {
	case d%(24*time.Hour) == 0:
		return int(d / (24 * time.Hour)), "DAY"
	case d%time.Hour == 0:
		return int(d / time.Hour), "HOUR"
	default:
		return int(d / time.Minute), "MINUTE"
	}
}

// lookBackWindows are the distinct alert windows of an objective in
// minutes, ascending: its burn-rate configurations.
func lookBackWindows(o Objective) []int {
	var out []int
	for _, a := range o.Alerts {
		for _, w := range []time.Duration{a.LongWindow, a.ShortWindow} {
			m := int(w / time.Minute)
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	slices.Sort(out)
	return out
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// arithmetic explains an alert's threshold in one sentence.
func arithmetic(o Objective, a BurnRateAlert) string {
	t := Threshold(a.BudgetPercent, o.Window, a.LongWindow)
	return fmt.Sprintf("threshold %s = %s%% of the error budget x %s window / %s long window; at goal %s%% a burn rate of %s is an error rate of %s%%",
		formatNumber(t), formatNumber(a.BudgetPercent), FormatWindow(o.Window), FormatWindow(a.LongWindow),
		formatNumber(o.Goal), formatNumber(t), formatNumber(ErrorRateAt(t, o.Goal)))
}
