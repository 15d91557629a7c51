package governance_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

// readmeNewBilling compiles the Go snippet of governance/README.md line 20 (TestEveryReadmeGoSnippetIsCompiledByATest in test/ checks it is here verbatim); it is not run.
func readmeNewBilling(stack awscdk.Stack) error {
	billing, err := governance.NewBilling(stack, "Billing", governance.BillingProps{
		MonthlyUSD: 2500,                                  // required, > 0
		Emails:     []string{"platform-team@example.com"}, // at most 10
	})
	if err != nil {
		return err // "governance <construct path>: <field>: <value> is not allowed; ..."
	}
	_ = billing.Topic // subscribe more endpoints here
	return nil
}

// readmeCostModel compiles the Go snippet of governance/README.md line 65 (TestEveryReadmeGoSnippetIsCompiledByATest in test/ checks it is here verbatim); it is not run.
func readmeCostModel() error {
	c := cost.DefaultConfig() // the seed's four services in three regions
	c.Budget = cost.Budget{MonthlyUSD: 5000}
	report, err := c.Estimate() // validates, resolves prices, prices both architectures
	warning, err := c.Budget.Check(report)
	js, err := report.JSON() // cdk.out/review/cost/report.json
	md := report.Markdown()  // cdk.out/review/cost/report.md
	_, _, _ = warning, js, md
	return err
}

// readmeNewAccountBudget compiles the Go snippet of governance/README.md's
// organization section (TestEveryReadmeGoSnippetIsCompiledByATest in test/
// checks it is here verbatim); it is not run.
func readmeNewAccountBudget(workloadStack awscdk.Stack) error {
	budget, err := governance.NewAccountBudget(workloadStack, "AccountBudget", governance.AccountBudgetProps{
		Name:       "acme",
		Account:    "payments", // budget "acme-payments-observability"
		MonthlyUSD: 800,        // required, > 0
		Emails:     []string{"payments@example.com"},
	})
	if err != nil {
		return err
	}
	_ = budget.Topic // only this account's budgets may publish to it
	return nil
}
