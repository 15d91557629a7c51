package governance

import (
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsbudgets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// AccountBudgetProps configures one workload account's budget in an
// organization. The budget is created in the account itself: a budget in
// a member account tracks that account's own costs
// (https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html),
// so it needs no LINKED_ACCOUNT filter and no access to the management
// account. AWS::Budgets::Budget is global to the account
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-budgets-budget.html),
// so any one region's stack may hold it.
type AccountBudgetProps struct {
	// Name is the platform name, Account the workload account's name; the
	// default BudgetName derives from both. Name defaults to DefaultName;
	// Account is required.
	Name, Account string
	// MonthlyUSD is the account's budget in USD. Required, > 0.
	MonthlyUSD float64
	// ActualShare and ForecastShare notify when actual spend or the
	// forecast pass these shares of the budget. Default: 0.8 and 1.0.
	ActualShare, ForecastShare float64
	// Emails subscribe to the account's budget topic, at most 10.
	// Default: none (the platform warns).
	Emails []string
	// BudgetName names the budget, at most 100 characters without ':' or
	// '\\'. Default: "<Name>-<Account>-observability".
	BudgetName string
}

var accountNameRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)

func (p AccountBudgetProps) billing() BillingProps {
	b := BillingProps{Name: p.Name, MonthlyUSD: p.MonthlyUSD, ActualShare: p.ActualShare, ForecastShare: p.ForecastShare,
		Emails: p.Emails, BudgetName: p.BudgetName}
	if b.Name == "" {
		b.Name = DefaultName
	}
	if b.BudgetName == "" {
		b.BudgetName = b.Name + "-" + p.Account + "-observability"
	}
	return b.withDefaults()
}

// Validate reports every invalid field.
func (p AccountBudgetProps) Validate() error {
	var v validation.Errors
	if !accountNameRE.MatchString(p.Account) {
		v.Add("account", p.Account, "a workload account's name: lowercase letters, digits and hyphens, starting with a letter, 1-20 characters")
	}
	v.Merge("", p.billing().Validate())
	return v.Err()
}

// AccountBudget is a workload account's budget and the topic it notifies.
type AccountBudget struct {
	constructs.Construct
	Topic  awssns.Topic
	Key    awskms.Key
	Budget awsbudgets.CfnBudget
}

// NewAccountBudget creates, in the account of scope's stack, an encrypted
// topic only that account's budgets may publish to, the email
// subscriptions, and the monthly budget of the observability services
// (BudgetFilter) notifying the topic.
func NewAccountBudget(scope constructs.Construct, id string, props AccountBudgetProps) (*AccountBudget, error) {
	path := *scope.Node().Path() + "/" + id
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("governance %s: %w", path, err)
	}
	p := props.billing()
	c := constructs.NewConstruct(scope, &id)
	out := &AccountBudget{Construct: c}
	out.Key, out.Topic = alertTopic(c, awscdk.Stack_Of(scope), p.Name+" "+props.Account+" budget alerts", "budgets.amazonaws.com")
	for _, e := range p.Emails {
		out.Topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(e), nil))
	}
	out.Budget = newBudget(c, out.Topic, p.BudgetName, p.MonthlyUSD, p.ActualShare, p.ForecastShare, BudgetFilter())
	return out, nil
}

// ResolvedBudgetName is the budget's name, defaults applied.
func (p AccountBudgetProps) ResolvedBudgetName() string { return p.billing().BudgetName }
