package stacks

import (
	"fmt"
	"math"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/review"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// estimateCost runs the cost model and the budget guard. Build calls it
// before creating any construct, so an over-budget platform costs no
// bundling and writes nothing.
func estimateCost(p *Platform, cfg *config.Platform) error {
	if cfg.Cost == nil {
		return nil
	}
	c := ResolveTraceSampling(*cfg.Cost, cfg.SamplingProps().Rules)
	if c.Architecture.CentralRegion == "" {
		c.Architecture.CentralRegion = cfg.CentralRegion
	}
	report, err := c.Estimate()
	if err != nil {
		return fmt.Errorf("cost: %w", err)
	}
	warning, err := c.Budget.Check(report)
	if err != nil {
		return err
	}
	p.CostReport, p.CostWarning = report, warning
	return nil
}

// addGovernance writes the cost report for review and creates the billing
// alarm and budget.
func addGovernance(app constructs.Construct, p *Platform, cfg *config.Platform, env func(string) *awscdk.Environment) error {
	if report := p.CostReport; report != nil {
		js, err := report.JSON()
		if err != nil {
			return err
		}
		if err := review.Add(app, "cost/report.json", js); err != nil {
			return err
		}
		if err := review.Add(app, "cost/report.md", report.Markdown()); err != nil {
			return err
		}
	}

	b := cfg.Billing
	if b.Disabled {
		return nil
	}
	props := b.BillingProps
	if props.MonthlyUSD == 0 && cfg.Cost != nil {
		props.MonthlyUSD = cfg.Cost.Budget.MonthlyUSD
	}
	if props.MonthlyUSD == 0 && p.CostReport != nil {
		// No budget declared: alarm 25% above what was declared.
		props.MonthlyUSD = math.Ceil(p.CostReport.Total.Declared * 1.25)
	}
	if props.MonthlyUSD == 0 {
		return fmt.Errorf("billing.monthlyUsd: 0 is not allowed; declare it, or cost volumes or a cost budget to derive it from, or set billing.disabled")
	}
	if props.BudgetName == "" {
		props.BudgetName = cfg.Name + "-observability"
	}
	stack := p.Central.Stack
	if cfg.CentralRegion != governance.BillingRegion {
		id := cfg.Name + "-billing"
		stack = awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{
			Env: env(governance.BillingRegion), StackName: jsii.String(id),
			Description: jsii.String("o11yscale " + cfg.Name + ": billing alarm and budget (billing metrics exist only in us-east-1)"),
		})
		p.BillingStack = stack
	}
	var err error
	p.Billing, err = governance.NewBilling(stack, "Billing", props)
	return err
}

// ResolveTraceSampling fills the trace sampling of every service declared
// with fromRules from the X-Ray rule an ordinary request of that service
// matches (any method and path, so method-specific rules are skipped).
// With no matching rule X-Ray's built-in default applies: 1 request/s,
// then 5%.
func ResolveTraceSampling(c cost.Config, rules []sampling.Rule) cost.Config {
	services := append([]cost.Service(nil), c.Volumes.Services...)
	for i := range services {
		t := &services[i].Traces
		if !t.FromRules {
			continue
		}
		rule, ok := sampling.RateFor(rules, sampling.Request{ServiceName: services[i].Name})
		if !ok {
			rule = sampling.Rule{FixedRate: 0.05, ReservoirSize: 1}
		}
		t.BaselineRate, t.ReservoirPerSecond, t.FromRules = rule.FixedRate, float64(rule.ReservoirSize), false
	}
	c.Volumes.Services = services
	return c
}
