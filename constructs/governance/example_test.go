package governance_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/governance"
)

// A billing alarm and budget of $2,500 a month in us-east-1, where
// AWS/Billing metrics exist.
func ExampleNewBilling() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Billing"), &awscdk.StackProps{
		Env: &awscdk.Environment{Region: jsii.String(governance.BillingRegion)},
	})
	billing, err := governance.NewBilling(stack, "Billing", governance.BillingProps{
		MonthlyUSD:  2500,
		ActualShare: 0.9,
		Emails:      []string{"platform-team@example.com"},
		BudgetName:  "shop-observability",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*billing.Alarm.Node().Path(), *billing.Topic.Node().Path())
	// Output: Billing/Billing/EstimatedCharges Billing/Billing/Topic
}

// Validate reports every bad field, with the value and what is allowed.
func ExampleBillingProps_Validate() {
	err := governance.BillingProps{MonthlyUSD: 100, Emails: []string{"ops"}, BudgetName: "a:b"}.Validate()
	fmt.Println(err)
	// Output:
	// emails[0]: "ops" is not allowed; an email address
	// budgetName: "a:b" is not allowed; at most 100 characters without ':' or '\'
}
