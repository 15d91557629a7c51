package platform

import (
	"errors"
	"fmt"
	"math"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/governance/cost/chart"
	"github.com/o11yscale/o11yscale/constructs/review"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// estimateCost runs the cost model and the budget guard. New calls it
// before creating any construct, so an over-budget platform costs no
// bundling and writes nothing.
func (p *Platform) estimateCost() error {
	c, err := p.Props.CostConfig()
	if err != nil {
		return err
	}
	return p.priceCost(c)
}

// priceCost estimates c and runs the budget guard on it: the platform's
// budget and every workload account's own (accounts[i].budget.monthlyUSD),
// all problems at once.
func (p *Platform) priceCost(c cost.Config) error {
	report, err := c.Estimate()
	if err != nil {
		return fmt.Errorf("cost: %w", err)
	}
	warning, err := c.Budget.Check(report)
	errs := []error{err}
	var accountWarnings []string
	for i, a := range p.Props.Accounts {
		if a.Budget.MonthlyUSD == 0 || a.Budget.Disabled {
			continue
		}
		b := cost.Budget{MonthlyUSD: a.Budget.MonthlyUSD, WarnShare: c.Budget.WarnShare}
		w, err := b.CheckAccount(report, validation.Index("accounts", i)+".budget.monthlyUSD", a.Name)
		errs = append(errs, err)
		if w != "" {
			accountWarnings = append(accountWarnings, w)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	p.CostConfig, p.CostReport, p.CostWarning, p.AccountCostWarnings = c, report, warning, accountWarnings
	return nil
}

// AccountBudgetProps completes workload account i's budget props:
// MonthlyUSD from accounts[i].budget, else the account's declared
// estimate in report plus 25%, rounded up to a dollar (at least $1);
// Emails from the account, else Billing.Emails; the notification shares
// from Billing. ok is false without an amount (no report and none set).
func (p Props) AccountBudgetProps(i int, report *cost.Report) (props governance.AccountBudgetProps, ok bool) {
	p = p.withDefaults()
	a := p.Accounts[i]
	b := p.Billing.BillingProps
	props = governance.AccountBudgetProps{Name: p.Name, Account: a.Name, MonthlyUSD: a.Budget.MonthlyUSD, Emails: a.Budget.Emails,
		ActualShare: b.ActualShare, ForecastShare: b.ForecastShare}
	if len(props.Emails) == 0 {
		props.Emails = b.Emails
	}
	if props.MonthlyUSD == 0 && report != nil {
		row, _ := report.AccountTotal(a.Name)
		props.MonthlyUSD = math.Max(1, math.Ceil(row.Declared*1.25))
	}
	return props, props.MonthlyUSD != 0
}

// addAccountBudgets gives each workload account its budget, in its stack
// of its first region (budgets are global to an account).
func (p *Platform) addAccountBudgets() error {
	for i, a := range p.Props.Accounts {
		if a.Budget.Disabled {
			continue
		}
		props, ok := p.Props.AccountBudgetProps(i, p.CostReport)
		if !ok {
			return fmt.Errorf("%s: 0 is not allowed; a monthly USD amount, or a cost estimate to derive it from", validation.Index("accounts", i)+".budget.monthlyUSD")
		}
		var stack awscdk.Stack
		for _, r := range p.Regional {
			if r.AccountName == a.Name && r.Region == a.Regions[0] {
				stack = r.Stack
			}
		}
		if stack == nil {
			return fmt.Errorf("accounts[%d]: no stack of account %s in %s for its budget", i, a.Name, a.Regions[0])
		}
		budget, err := governance.NewAccountBudget(stack, "AccountBudget", props)
		if err != nil {
			return err
		}
		if p.AccountBudgets == nil {
			p.AccountBudgets = map[string]*governance.AccountBudget{}
		}
		p.AccountBudgets[a.Name] = budget
	}
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
	if props.MonthlyUSD == 0 && report != nil && p.Cost != nil {
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

// addCostReview registers (or replaces) the cost report's review files.
func (p *Platform) addCostReview() error {
	report := p.CostReport
	if report == nil {
		return nil
	}
	js, err := report.JSON()
	if err != nil {
		return err
	}
	svg, err := chart.SVG(report, p.CostConfig.Budget.MonthlyUSD)
	if err != nil {
		return err
	}
	for name, content := range map[string][]byte{
		"cost/report.json": js,
		"cost/report.md":   append(report.Markdown(), chart.Mermaid(report)...),
		"cost/cost.svg":    svg,
	} {
		if err := review.Replace(p.reviewScope, name, content); err != nil {
			return err
		}
	}
	return nil
}

// repriceFromTree prices the alarms the construct tree holds now (see
// reconcileTreeAlarms) and, when they changed the estimate, runs the budget
// guard again and replaces the cost review files. Synth calls it before
// the assembly is written.
func (p *Platform) repriceFromTree() error {
	if p.CostReport == nil || p.reviewScope == nil {
		return nil
	}
	changed, err := p.reconcileTreeAlarms()
	if err != nil || !changed {
		return err
	}
	return p.addCostReview()
}

// underivedMonthlyUSD is what billing.monthlyUSD allows when nothing
// derives it.
const underivedMonthlyUSD = "a monthly USD threshold for the billing alarm and budget; or declare cost volumes or a cost budget to derive it from, or disable billing"

// addGovernance registers the cost report for review and creates the
// billing alarm and budget.
func (p *Platform) addGovernance(scope constructs.Construct) error {
	p.reviewScope = scope
	if err := p.addCostReview(); err != nil {
		return err
	}
	if p.Props.Billing.Disabled {
		return nil
	}
	if err := p.addAccountBudgets(); err != nil {
		return err
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
