package config

import (
	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Billing wraps the billing alarm settings.
type Billing struct {
	// Disabled skips the billing alarm and budget. Default: false.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// MonthlyUSD defaults to cost.budget.monthlyUSD, then to the declared
	// cost estimate plus 25%.
	governance.BillingProps `yaml:",inline" json:",inline"`
}

func (p *Platform) validateBilling(v *validation.Errors) {
	if b := p.Billing; !b.Disabled {
		derivable := p.Cost != nil && (p.Cost.Budget.MonthlyUSD > 0 || len(p.Cost.Volumes.Services) > 0)
		if b.MonthlyUSD == 0 && !derivable {
			v.Add("billing.monthlyUsd", 0, "a monthly USD threshold for the billing alarm and budget; or declare cost.volumes or cost.budget to derive it from, or set billing.disabled: true")
		}
		if b.MonthlyUSD == 0 {
			b.MonthlyUSD = 1 // derived later; validate the other fields
		}
		v.Merge("billing", b.BillingProps.Validate())
	}
}
