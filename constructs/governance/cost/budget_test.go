package cost

import (
	"errors"
	"strings"
	"testing"
)

func TestBudgetCheck(t *testing.T) {
	r := mustEstimate(t, DefaultVolumes(), DefaultArchitecture(), mustPrices(t, PriceSetUSEast1))
	est := r.Total.Declared
	for _, tc := range []struct {
		name        string
		budget      Budget
		wantWarning string
		wantErr     bool
	}{
		{"no budget, no guard", Budget{}, "", false},
		{"well under budget", Budget{MonthlyUSD: est * 2}, "", false},
		{"at 90% warns at the default 80%", Budget{MonthlyUSD: est / 0.9}, "90.0% of the budget", false},
		{"at 90% is quiet with a 95% share", Budget{MonthlyUSD: est / 0.9, WarnShare: 0.95}, "", false},
		{"over budget fails", Budget{MonthlyUSD: est / 2}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			warning, err := tc.budget.Check(r)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if tc.wantWarning == "" && warning != "" || !strings.Contains(warning, tc.wantWarning) {
				t.Errorf("warning = %q, want %q", warning, tc.wantWarning)
			}
		})
	}
}

func TestBudgetExceededErrorCarriesTheBreakdownLargestFirst(t *testing.T) {
	r := mustEstimate(t, DefaultVolumes(), DefaultArchitecture(), mustPrices(t, PriceSetUSEast1))
	_, err := Budget{MonthlyUSD: 100}.Check(r)
	var exceeded *BudgetExceededError
	if !errors.As(err, &exceeded) {
		t.Fatalf("err = %v, want *BudgetExceededError", err)
	}
	if exceeded.EstimateUSD != r.Total.Declared || exceeded.BudgetUSD != 100 {
		t.Errorf("estimate %g, budget %g", exceeded.EstimateUSD, exceeded.BudgetUSD)
	}
	sum := 0.0
	for i, row := range exceeded.ByComponent {
		sum += row.Declared
		if i > 0 && row.Declared > exceeded.ByComponent[i-1].Declared {
			t.Errorf("components not largest first: %v", exceeded.ByComponent)
		}
	}
	assertClose(t, "breakdown sums to the estimate", sum, r.Total.Declared)
	msg := err.Error()
	top := exceeded.ByComponent[0]
	for _, want := range []string{"exceeds the budget of $100.00", "by component: " + top.Name + " " + money(top.Declared), "by region: "} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestBudgetCheckRejectsInvalidBudget(t *testing.T) {
	r := mustEstimate(t, Volumes{}, Architecture{}, mustPrices(t, PriceSetUSEast1))
	if _, err := (Budget{MonthlyUSD: 10, WarnShare: 2}).Check(r); err == nil || !strings.Contains(err.Error(), "warnShare") {
		t.Fatalf("err = %v, want a warnShare error", err)
	}
}
