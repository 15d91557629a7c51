package governance_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

func TestAccountBudgetValidateNamesEveryBadField(t *testing.T) {
	err := governance.AccountBudgetProps{Account: "Payments!", MonthlyUSD: 0, ActualShare: 20, Emails: []string{"nobody"}}.Validate()
	for _, want := range []string{`account: "Payments!"`, "monthlyUSD: 0", "actualShare: 20", `emails[0]: "nobody"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

// The budget may live in any region (budgets are global to the account),
// and only this account's budgets may use its topic and key.
func TestAccountBudgetNotifiesATopicOnlyItsAccountsBudgetsMayUse(t *testing.T) {
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "Workload", "eu-west-1")
	b, err := governance.NewAccountBudget(stack, "AccountBudget", governance.AccountBudgetProps{Name: "acme", Account: "payments", MonthlyUSD: 812.345})
	if err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::Budgets::Budget"), map[string]any{
		"Budget": assertions.Match_ObjectLike(&map[string]any{
			"BudgetName": "acme-payments-observability", "BudgetType": "COST", "TimeUnit": "MONTHLY",
			"BudgetLimit":      map[string]any{"Amount": 812.35, "Unit": "USD"},
			"FilterExpression": map[string]any{"Dimensions": map[string]any{"Key": "SERVICE", "Values": jsii.Strings(governance.BudgetServices()...)}},
		}),
		"NotificationsWithSubscribers": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Notification": map[string]any{"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80, "ThresholdType": "PERCENTAGE"},
		}), assertions.Match_ObjectLike(&map[string]any{
			"Notification": map[string]any{"NotificationType": "FORECASTED", "ComparisonOperator": "GREATER_THAN", "Threshold": 100, "ThresholdType": "PERCENTAGE"},
		})}),
	})
	account := *stack.Account()
	policies := tpl.FindResources(jsii.String("AWS::SNS::TopicPolicy"), nil)
	if len(*policies) != 1 {
		t.Fatalf("%d topic policies", len(*policies))
	}
	for _, p := range *policies {
		statements := (*p)["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any)
		services := 0
		for _, s := range statements {
			st := s.(map[string]any)
			principal, _ := st["Principal"].(map[string]any)
			if principal["Service"] == nil {
				continue // the TLS-only deny
			}
			services++
			if principal["Service"] != "budgets.amazonaws.com" {
				t.Errorf("topic policy lets %v publish; only budgets may", principal["Service"])
			}
			cond := st["Condition"].(map[string]any)
			if cond["StringEquals"].(map[string]any)["aws:SourceAccount"] != account ||
				!strings.Contains(strings.ReplaceAll(strings.Join(flatten(cond["ArnLike"]), ""), " ", ""), ":budgets::") {
				t.Errorf("budgets statement not scoped to this account's budgets: %v", cond)
			}
		}
		if services != 1 {
			t.Errorf("%d service statements, want budgets only", services)
		}
	}
	// The budget waits for the topic policy (AddDependency).
	for _, r := range *tpl.FindResources(jsii.String("AWS::Budgets::Budget"), nil) {
		if deps := (*r)["DependsOn"]; deps == nil || !strings.Contains(strings.Join(flatten(deps), ","), "Policy") {
			t.Errorf("budget DependsOn %v, want the topic policy", deps)
		}
	}
	if b.Topic == nil || b.Key == nil {
		t.Error("topic or key missing from the construct")
	}
}

// flatten renders a JSON value's strings, for substring checks of
// intrinsic functions.
func flatten(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, flatten(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for k, e := range x {
			out = append(out, k)
			out = append(out, flatten(e)...)
		}
		return out
	}
	return nil
}
