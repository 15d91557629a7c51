package platform

import (
	"fmt"
	"math"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/governance/cost/chart"
	"github.com/o11yscale/o11yscale/constructs/review"
	"github.com/o11yscale/o11yscale/constructs/sampling"
)

// CostConfig is Props.Cost completed: the central region defaults to the
// platform's and each service declared with FromRules takes its trace
// sampling from the platform's X-Ray rules. ok is false without Cost.
func (p Props) CostConfig() (c cost.Config, ok bool) {
	if p.Cost == nil {
		return cost.Config{}, false
	}
	p = p.withDefaults()
	c = *p.Cost
	if c.Architecture.CentralRegion == "" {
		c.Architecture.CentralRegion = p.CentralRegion
	}
	return ResolveTransactionSearch(ResolveTraceSampling(c, p.Sampling.Rules), p.Sampling), true
}

// ResolveTransactionSearch prices Transaction Search as the platform
// configures it: off when sampling turns it off, at sampling's indexing
// percentage unless the cost architecture names one.
func ResolveTransactionSearch(c cost.Config, s sampling.Props) cost.Config {
	ts := &c.Architecture.TransactionSearch
	if s.TransactionSearch.Disabled {
		ts.Disabled = true
	}
	if ts.IndexingPercentage == 0 {
		ts.IndexingPercentage = s.TransactionSearch.IndexingPercentage
	}
	return c
}

// ResolveTraceSampling fills the trace sampling of every service declared
// with FromRules from the X-Ray rule an ordinary request of that service
// matches (any method and path, so method-specific rules are skipped).
// With no matching rule X-Ray's built-in default applies: one request a
// second, then 5%
// (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html).
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

// estimateCost runs the cost model and the budget guard. New calls it
// before creating any construct, so an over-budget platform costs no
// bundling and writes nothing.
func (p *Platform) estimateCost() error {
	c, ok := p.Props.CostConfig()
	if !ok {
		return nil
	}
	report, err := c.Estimate()
	if err != nil {
		return fmt.Errorf("cost: %w", err)
	}
	if t, ok := p.Props.CostAnalysisTier(); ok {
		// The budget guard sees the analysis tier's floor too.
		if err := report.AddAnalysis(c.Volumes, t); err != nil {
			return fmt.Errorf("cost: %w", err)
		}
	}
	warning, err := c.Budget.Check(report)
	if err != nil {
		return err
	}
	p.CostReport, p.CostWarning = report, warning
	return nil
}

// BillingProps completes the billing props: MonthlyUSD from Props.Billing,
// else Cost.Budget.MonthlyUSD, else the declared estimate plus 25% (report
// may be nil); BudgetName "<name>-observability". ok is false when no
// amount can be derived.
func (p Props) BillingProps(report *cost.Report) (props governance.BillingProps, ok bool) {
	p = p.withDefaults()
	props = p.Billing.BillingProps
	props.Name = p.Name
	if props.MonthlyUSD == 0 && p.Cost != nil && p.Cost.Budget.MonthlyUSD > 0 {
		props.MonthlyUSD = p.Cost.Budget.MonthlyUSD
	}
	if props.MonthlyUSD == 0 && report != nil {
		// No budget declared: alarm 25% above what was declared.
		props.MonthlyUSD = math.Ceil(report.Total.Declared * 1.25)
	}
	if props.BudgetName == "" {
		props.BudgetName = p.Name + "-observability"
	}
	// Only an amount nothing derives is missing; a negative one is the
	// caller's, for Validate to report as given.
	return props, props.MonthlyUSD != 0
}

// underivedMonthlyUSD is what billing.monthlyUSD allows when nothing
// derives it.
const underivedMonthlyUSD = "a monthly USD threshold for the billing alarm and budget; or declare cost volumes or a cost budget to derive it from, or disable billing"

// addGovernance registers the cost report for review and creates the
// billing alarm and budget.
func (p *Platform) addGovernance(scope constructs.Construct) error {
	if report := p.CostReport; report != nil {
		js, err := report.JSON()
		if err != nil {
			return err
		}
		if err := review.Add(scope, "cost/report.json", js); err != nil {
			return err
		}
		if err := review.Add(scope, "cost/report.md", append(report.Markdown(), chart.Mermaid(report)...)); err != nil {
			return err
		}
		c, _ := p.Props.CostConfig()
		svg, err := chart.SVG(report, c.Budget.MonthlyUSD)
		if err != nil {
			return err
		}
		if err := review.Add(scope, "cost/cost.svg", svg); err != nil {
			return err
		}
	}
	if p.Props.Billing.Disabled {
		return nil
	}
	props, ok := p.Props.BillingProps(p.CostReport)
	if !ok {
		return fmt.Errorf("billing.monthlyUSD: 0 is not allowed; %s", underivedMonthlyUSD)
	}
	stack := p.Central.Stack
	if p.Props.CentralRegion != governance.BillingRegion {
		id := p.Props.Name + "-billing"
		stack = awscdk.NewStack(scope, jsii.String(id), &awscdk.StackProps{
			Env: p.env(governance.BillingRegion), StackName: jsii.String(id),
			Description: jsii.String("o11yscale " + p.Props.Name + ": billing alarm and budget (billing metrics exist only in us-east-1)"),
		})
		p.BillingStack = stack
	}
	var err error
	p.Billing, err = governance.NewBilling(stack, "Billing", props)
	return err
}
