package stacks

import (
	"fmt"

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
	c, ok := cfg.CostConfig()
	if !ok {
		return nil
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
	props, err := cfg.BillingProps(p.CostReport)
	if err != nil {
		return err
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
	p.Billing, err = governance.NewBilling(stack, "Billing", props)
	return err
}

// ResolveTraceSampling fills the trace sampling of every service declared
// with fromRules from the X-Ray rule an ordinary request of that service
// matches; see config.ResolveTraceSampling.
func ResolveTraceSampling(c cost.Config, rules []sampling.Rule) cost.Config {
	return config.ResolveTraceSampling(c, rules)
}
