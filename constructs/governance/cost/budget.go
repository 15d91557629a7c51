package cost

import (
	"fmt"
	"sort"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Budget is an optional monthly budget for the declared architecture.
type Budget struct {
	// MonthlyUSD is the budget; 0 disables the guard.
	MonthlyUSD float64
	// WarnShare warns when the estimate reaches this share of the budget,
	// above 0 and at most 1. Default: 0.8.
	WarnShare float64
}

// DefaultWarnShare is the share of the budget that triggers a warning.
const DefaultWarnShare = 0.8

// Validate reports a negative or non-finite budget and a share outside (0, 1].
func (b Budget) Validate() error {
	var errs validation.Errors
	if !finiteNonNegative(b.MonthlyUSD) {
		errs.Add("monthlyUSD", b.MonthlyUSD, "0 (no budget) or a finite USD amount")
	}
	if b.WarnShare != 0 && !(b.WarnShare > 0 && b.WarnShare <= 1) {
		errs.Add("warnShare", b.WarnShare, "0 (default %g) or a share above 0 and at most 1", DefaultWarnShare)
	}
	return errs.Err()
}

// BudgetExceededError reports a declared estimate above the budget, with
// the breakdown that explains it.
type BudgetExceededError struct {
	BudgetUSD   float64
	EstimateUSD float64
	// ByComponent and ByRegion are the declared costs, largest first.
	ByComponent []Row
	ByRegion    []Row
}

func (e *BudgetExceededError) Error() string {
	return fmt.Sprintf("cost budget: declared monthly estimate %s exceeds the budget of %s by %s (%s of budget); by component: %s; by region: %s",
		money(e.EstimateUSD), money(e.BudgetUSD), money(e.EstimateUSD-e.BudgetUSD), percent(e.EstimateUSD/e.BudgetUSD*100),
		breakdown(e.ByComponent), breakdown(e.ByRegion))
}

// Check compares the report's declared total with the budget. It returns
// a *BudgetExceededError above the budget, a warning at or above the warn
// share, and nothing otherwise or without a budget.
func (b Budget) Check(r *Report) (warning string, err error) {
	if err := b.Validate(); err != nil {
		return "", err
	}
	if b.MonthlyUSD == 0 {
		return "", nil
	}
	share := b.WarnShare
	if share == 0 {
		share = DefaultWarnShare
	}
	est := r.Total.Declared
	switch {
	case est > b.MonthlyUSD:
		return "", &BudgetExceededError{BudgetUSD: b.MonthlyUSD, EstimateUSD: est, ByComponent: byDeclared(r.ByComponent), ByRegion: byDeclared(r.ByRegion)}
	case est >= share*b.MonthlyUSD:
		return fmt.Sprintf("cost budget: declared monthly estimate %s is %s of the budget %s (warning at %s); by component: %s",
			money(est), percent(est/b.MonthlyUSD*100), money(b.MonthlyUSD), percent(share*100), breakdown(byDeclared(r.ByComponent))), nil
	}
	return "", nil
}

// byDeclared returns the rows with a declared cost, largest first.
func byDeclared(rows []Row) []Row {
	var out []Row
	for _, r := range rows {
		if r.Declared > 0 {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Declared > out[j].Declared })
	return out
}

func breakdown(rows []Row) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = r.Name + " " + money(r.Declared)
	}
	return strings.Join(parts, ", ")
}
