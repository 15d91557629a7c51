package governance_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

func TestValidateNamesEveryBadField(t *testing.T) {
	err := governance.BillingProps{MonthlyUSD: -5, ActualShare: 20, Emails: []string{"not-an-address"}, BudgetName: "a:b"}.Validate()
	for _, want := range []string{"monthlyUSD: -5", "actualShare: 20", `emails[0]: "not-an-address"`, `budgetName: "a:b"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

func TestBillingOutsideUsEast1IsRejected(t *testing.T) {
	app := cdktest.NewApp(t, "")
	_, err := governance.NewBilling(cdktest.NewStack(app, "S", "eu-west-1"), "Billing", governance.BillingProps{MonthlyUSD: 100})
	if err == nil || !strings.Contains(err.Error(), `"eu-west-1" is not allowed`) {
		t.Fatalf("got %v", err)
	}
}

func TestAlarmSumsObservabilityChargesAndBudgetFiltersTheSameServices(t *testing.T) {
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "Billing", "us-east-1")
	if _, err := governance.NewBilling(stack, "Billing", governance.BillingProps{MonthlyUSD: 3000, Emails: []string{"ops@example.com"}}); err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"Threshold": 3000, "ComparisonOperator": "GreaterThanThreshold",
		"Metrics": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{"Expression": "s0 + s1 + s2 + s3"})}),
	})
	tpl.HasResourceProperties(jsii.String("AWS::Budgets::Budget"), map[string]any{
		"Budget": assertions.Match_ObjectLike(&map[string]any{
			"BudgetLimit": map[string]any{"Amount": 3000, "Unit": "USD"},
			// Cost Explorer's names, exactly, by the non-deprecated
			// FilterExpression: "Amazon CloudWatch" matched about $0 of
			// the largest cost line.
			"FilterExpression": map[string]any{"Dimensions": map[string]any{"Key": "SERVICE",
				"Values": []any{"AmazonCloudWatch", "AWS X-Ray", "Amazon Kinesis", "Amazon Kinesis Firehose", "Amazon Data Firehose"}}},
			"CostFilters": assertions.Match_Absent(),
		}),
	})
	// The alarm sums the same services, by their AWS/Billing names.
	tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"Metrics": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{"Id": "s0",
			"MetricStat": assertions.Match_ObjectLike(&map[string]any{"Metric": assertions.Match_ObjectLike(&map[string]any{
				"Dimensions": assertions.Match_ArrayWith(&[]any{map[string]any{"Name": "ServiceName", "Value": "AmazonCloudWatch"}})})})})}),
	})
	tpl.HasResourceProperties(jsii.String("AWS::SNS::Topic"), map[string]any{"KmsMasterKeyId": assertions.Match_AnyValue()})
	// The email gets the alarm too: it subscribes to the topic, and the
	// budget notifies only the topic (which relays to the email once).
	tpl.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), map[string]any{"Protocol": "email", "Endpoint": "ops@example.com"})
	tpl.HasResourceProperties(jsii.String("AWS::Budgets::Budget"), map[string]any{
		"NotificationsWithSubscribers": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Subscribers": []any{map[string]any{"SubscriptionType": "SNS", "Address": assertions.Match_AnyValue()}}})}),
	})
	asm := app.Synth(nil)
	files, _ := filepath.Glob(filepath.Join(*asm.Directory(), "*.template.json"))
	if b, err := exec.Command("cfn-lint", append([]string{"--non-zero-exit-code", "warning", "--regions", "us-east-1", "--"}, files...)...).CombinedOutput(); err != nil {
		t.Fatalf("cfn-lint: %v\n%s", err, b)
	}
}

func TestNewBillingErrorsCarryTheConstructPath(t *testing.T) {
	app := cdktest.NewApp(t, "")
	_, err := governance.NewBilling(cdktest.NewStack(app, "S", "us-east-1"), "Billing", governance.BillingProps{})
	if err == nil || !strings.Contains(err.Error(), "governance S/Billing: monthlyUSD: 0 is not allowed") {
		t.Fatalf("got %v", err)
	}
}

func TestDefaultsApplyAndCompletePropsValidate(t *testing.T) {
	if err := (governance.BillingProps{MonthlyUSD: 0.01}).Validate(); err != nil {
		t.Fatalf("complete props with defaults rejected: %v", err)
	}
	err := governance.BillingProps{MonthlyUSD: 10, ForecastShare: -1, ActualShare: 11}.Validate()
	want := "forecastShare: -1 is not allowed; a share of the budget above 0 and at most 10 (1.0 = 100%%)\n" +
		"actualShare: 11 is not allowed; a share of the budget above 0 and at most 10 (1.0 = 100%%)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestARenamedPlatformNamesItsBudgetAfterIt(t *testing.T) {
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "Billing", "us-east-1")
	if _, err := governance.NewBilling(stack, "Billing", governance.BillingProps{Name: "acme", MonthlyUSD: 10}); err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::Budgets::Budget"), map[string]any{
		"Budget": assertions.Match_ObjectLike(&map[string]any{"BudgetName": "acme-observability"})})
	if left := cdktest.Leftovers(*tpl.ToJSON(), "o11yscale"); len(left) > 0 {
		t.Errorf("o11yscale left in created names:\n%s", strings.Join(left, "\n"))
	}
	if err := (governance.BillingProps{Name: "a:b", MonthlyUSD: 10}).Validate(); err == nil || !strings.HasPrefix(err.Error(), `name: "a:b"`) {
		t.Errorf("err = %v", err)
	}
}

func TestOnlyThisAccountsBudgetsMayPublishAndTheBudgetWaitsForThatPolicy(t *testing.T) {
	// GIVEN a billing construct
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "Billing", "us-east-1")
	if _, err := governance.NewBilling(stack, "Billing", governance.BillingProps{MonthlyUSD: 100}); err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	// THEN Budgets may publish only for this account's budgets
	tpl.HasResourceProperties(jsii.String("AWS::SNS::TopicPolicy"), map[string]any{
		"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
			assertions.Match_ObjectLike(&map[string]any{
				"Principal": map[string]any{"Service": "budgets.amazonaws.com"},
				"Condition": map[string]any{
					"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"},
					"ArnLike":      map[string]any{"aws:SourceArn": "arn:aws:budgets::123456789012:*"},
				},
			}),
		})}),
	})
	// AND the budget is created after the topic policy
	var policyID string
	for id := range *tpl.FindResources(jsii.String("AWS::SNS::TopicPolicy"), nil) {
		policyID = id
	}
	for id, r := range *tpl.FindResources(jsii.String("AWS::Budgets::Budget"), nil) {
		deps, _ := (*r)["DependsOn"].([]any)
		found := false
		for _, d := range deps {
			found = found || d == policyID
		}
		if policyID == "" || !found {
			t.Errorf("budget %s DependsOn %v, want the topic policy %q", id, deps, policyID)
		}
	}
}
