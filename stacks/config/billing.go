package config

import (
	"math"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Billing is the billing: block, the EstimatedCharges alarm and the AWS
// Budgets budget (governance.BillingProps).
type Billing struct {
	// Disabled skips the billing alarm and budget. Default: false.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// MonthlyUSD is the budget and the alarm threshold. Default:
	// cost.budget.monthlyUSD, then the declared cost estimate plus 25%
	// (rounded up to a dollar).
	MonthlyUSD float64 `yaml:"monthlyUSD,omitempty" json:"monthlyUSD,omitempty"`
	// ForecastShare notifies when the forecast exceeds this share of the
	// budget. Default: 1.0.
	ForecastShare float64 `yaml:"forecastShare,omitempty" json:"forecastShare,omitempty"`
	// ActualShare notifies when actual spend exceeds this share. Default: 0.8.
	ActualShare float64 `yaml:"actualShare,omitempty" json:"actualShare,omitempty"`
	// Emails subscribe to the billing topic: they receive the billing
	// alarm and the budget notifications (at most 10). Default: none, and
	// synth warns that billing alerts reach nobody.
	Emails []string `yaml:"emails,omitempty" json:"emails,omitempty"`
	// BudgetName. Default: "<name>-observability".
	BudgetName string `yaml:"budgetName,omitempty" json:"budgetName,omitempty"`
}

// underivedMonthlyUSD is what is allowed when billing.monthlyUSD is unset
// and cannot be derived.
const underivedMonthlyUSD = "a monthly USD threshold for the billing alarm and budget; or declare cost.volumes or cost.budget to derive it from, or set billing.disabled: true"

// BillingProps maps the billing block to complete props for the platform:
// MonthlyUSD is billing.monthlyUSD, else cost.budget.monthlyUSD, else the
// declared total of report (the platform's cost estimate, nil without a
// cost block) plus 25%, rounded up; BudgetName defaults to
// "<name>-observability". When no amount can be derived it returns the
// error at billing.monthlyUSD. The props are not validated here.
func (p *Platform) BillingProps(report *cost.Report) (governance.BillingProps, error) {
	props, ok := p.billingProps(report)
	if !ok {
		var v validation.Errors
		v.Add("billing.monthlyUSD", 0, underivedMonthlyUSD)
		return props, v.Err()
	}
	return props, nil
}

func (p *Platform) billingProps(report *cost.Report) (governance.BillingProps, bool) {
	return p.Props("").BillingProps(report)
}

// validateBilling checks the block's own fields, then derives the complete
// props (running the cost estimate when the amount comes from it) and
// validates those, reporting each message once. A cost block that does not
// estimate is reported under cost; then only the block's own fields are
// checked here.
func (p *Platform) validateBilling(v *validation.Errors) {
	b := p.Billing
	if b.Disabled {
		return
	}
	var errs validation.Errors
	b.validate(&errs)
	var report *cost.Report
	costErr := false
	if b.MonthlyUSD == 0 && p.Cost != nil && p.Cost.Budget.MonthlyUSD == 0 && len(p.Cost.Volumes.Services) > 0 {
		c, _ := p.CostConfig()
		var err error
		if report, err = c.Estimate(); err != nil {
			costErr = true
		}
	}
	switch props, ok := p.billingProps(report); {
	case ok:
		errs.Merge("", props.Validate())
	case !costErr:
		errs.Add("monthlyUSD", 0, underivedMonthlyUSD)
	}
	seen := map[string]bool{}
	for _, fe := range validation.Fields(errs.Err()) {
		if msg := fe.Error(); !seen[msg] {
			seen[msg] = true
			v.Add(validation.Join("billing", fe.Path), fe.Value, "%s", fe.Allowed)
		}
	}
}

// validate checks the fields the block sets, with the messages of
// governance.BillingProps.Validate (an unset field takes its default).
func (b Billing) validate(v *validation.Errors) {
	if b.MonthlyUSD != 0 && (!(b.MonthlyUSD > 0) || math.IsInf(b.MonthlyUSD, 0)) {
		v.Add("monthlyUSD", b.MonthlyUSD, "a positive monthly amount in USD")
	}
	for _, s := range []struct {
		name  string
		share float64
	}{{"forecastShare", b.ForecastShare}, {"actualShare", b.ActualShare}} {
		if s.share != 0 && (s.share < 0 || s.share > 10) {
			v.Add(s.name, s.share, "a share of the budget above 0 and at most 10 (1.0 = 100%%)")
		}
	}
	if len(b.Emails) > 10 {
		v.Add("emails", len(b.Emails), "at most 10 addresses")
	}
	for i, e := range b.Emails {
		if !strings.Contains(e, "@") || strings.ContainsAny(e, " \t\n") {
			v.Add(validation.Index("emails", i), e, "an email address")
		}
	}
	if len(b.BudgetName) > 100 || strings.ContainsAny(b.BudgetName, ":\\") {
		v.Add("budgetName", b.BudgetName, "at most 100 characters without ':' or '\\'")
	}
}
