// Package governance applies the seed's principle 8, "monitor your
// monitoring costs": an AWS/Billing EstimatedCharges alarm over the
// observability services and an AWS Budgets budget filtered to them, both
// notifying an encrypted cost-alerts topic. The synth-time cost model and
// budget guard live in the cost subpackage.
package governance

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsbudgets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// BillingRegion is the only region that publishes AWS/Billing metrics.
const BillingRegion = "us-east-1"

// Service is one AWS service the platform pays for, named as each billing
// API names it. Services is the one table the billing alarm and the budget
// both read, so they always watch the same services.
type Service struct {
	// BillingName is the AWS/Billing EstimatedCharges metric's ServiceName
	// dimension value
	// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/monitor_estimated_charges_with_cloudwatch.html
	// describes the metric but lists no values: unverified, see the
	// README).
	BillingName string
	// CostExplorerNames are the values of the Cost Explorer SERVICE
	// dimension, which an AWS Budgets FilterExpression matches exactly
	// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-budgets-budget-expressiondimensionvalues.html).
	// A service renamed by AWS is listed under both names: a value with
	// no cost simply matches nothing.
	CostExplorerNames []string
}

// Services are the services an observability platform pays for.
//
// Cost Explorer names CloudWatch "AmazonCloudWatch" (no space), unlike its
// other services; Firehose appears as "Amazon Kinesis Firehose" and, since
// its rename, "Amazon Data Firehose"
// (https://docs.aws.amazon.com/cli/latest/reference/firehose/index.html:
// "Amazon Data Firehose was previously known as Amazon Kinesis Data Firehose").
// No AWS page lists the SERVICE values: they are unverified against AWS
// documentation, so the README says how to check them with
// `aws ce get-dimension-values --dimension SERVICE`.
var Services = []Service{
	{BillingName: "AmazonCloudWatch", CostExplorerNames: []string{"AmazonCloudWatch"}},
	{BillingName: "AWSXRay", CostExplorerNames: []string{"AWS X-Ray"}},
	{BillingName: "AmazonKinesis", CostExplorerNames: []string{"Amazon Kinesis"}},
	{BillingName: "AmazonKinesisFirehose", CostExplorerNames: []string{"Amazon Kinesis Firehose", "Amazon Data Firehose"}},
}

// BillingServices are the alarm's ServiceName dimension values, in the
// order of Services.
func BillingServices() []string {
	var out []string
	for _, s := range Services {
		out = append(out, s.BillingName)
	}
	return out
}

// BudgetServices are the budget filter's SERVICE values, in the order of
// Services.
func BudgetServices() []string {
	var out []string
	for _, s := range Services {
		out = append(out, s.CostExplorerNames...)
	}
	return out
}

// BudgetFilter is the budget's FilterExpression: the cost of Services,
// by the non-deprecated FilterExpression rather than CostFilters
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-budgets-budget-budgetdata.html).
func BudgetFilter() *awsbudgets.CfnBudget_ExpressionProperty {
	return &awsbudgets.CfnBudget_ExpressionProperty{
		Dimensions: &awsbudgets.CfnBudget_ExpressionDimensionValuesProperty{
			Key:    jsii.String("SERVICE"),
			Values: jsii.Strings(BudgetServices()...),
		},
	}
}

// DefaultName is the platform name BillingProps.Name defaults to.
const DefaultName = "o11yscale"

// BillingProps configures the billing alarm and budget.
type BillingProps struct {
	// Name is the platform name, 1-64 letters, digits, '-', '_' or '.';
	// the default BudgetName derives from it. Default: "o11yscale"
	// (DefaultName).
	Name string
	// MonthlyUSD is the budget and the alarm threshold in USD. Required,
	// > 0; there is no default (a platform derives it from its cost
	// estimate before calling NewBilling).
	MonthlyUSD float64
	// ForecastShare notifies when the forecast exceeds this share of the
	// budget. Default: 1.0.
	ForecastShare float64
	// ActualShare notifies when actual spend exceeds this share. Default: 0.8.
	ActualShare float64
	// Emails subscribe to the topic: they receive the billing alarm and
	// the budget notifications (at most 10). Default: none, and synth
	// warns that billing alerts reach nobody.
	Emails []string
	// BudgetName names the AWS Budgets budget, at most 100 characters
	// without ':' or '\\'. Default: "<Name>-observability", e.g.
	// "o11yscale-observability".
	BudgetName string
}

func (p BillingProps) withDefaults() BillingProps {
	if p.Name == "" {
		p.Name = DefaultName
	}
	if p.ForecastShare == 0 {
		p.ForecastShare = 1
	}
	if p.ActualShare == 0 {
		p.ActualShare = 0.8
	}
	if p.BudgetName == "" {
		p.BudgetName = p.Name + "-observability"
	}
	return p
}

// Validate reports every invalid field.
func (p BillingProps) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	if !nameRE.MatchString(p.Name) {
		v.Add("name", p.Name, "1-64 letters, digits, '-', '_' or '.'")
	}
	if !(p.MonthlyUSD > 0) || math.IsInf(p.MonthlyUSD, 0) {
		v.Add("monthlyUSD", p.MonthlyUSD, "a positive monthly amount in USD")
	}
	for _, s := range []struct {
		name  string
		share float64
	}{{"forecastShare", p.ForecastShare}, {"actualShare", p.ActualShare}} {
		if s.share <= 0 || s.share > 10 {
			v.Add(s.name, s.share, "a share of the budget above 0 and at most 10 (1.0 = 100%%)")
		}
	}
	if len(p.Emails) > 10 {
		v.Add("emails", len(p.Emails), "at most 10 addresses")
	}
	for i, e := range p.Emails {
		if !strings.Contains(e, "@") || strings.ContainsAny(e, " \t\n") {
			v.Add(validation.Index("emails", i), e, "an email address")
		}
	}
	if len(p.BudgetName) > 100 || strings.ContainsAny(p.BudgetName, ":\\") {
		v.Add("budgetName", p.BudgetName, "at most 100 characters without ':' or '\\'")
	}
	return v.Err()
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Billing is the billing alarm, budget and their topic.
type Billing struct {
	constructs.Construct
	Topic  awssns.Topic
	Key    awskms.Key
	Alarm  awscloudwatch.Alarm
	Budget awsbudgets.CfnBudget
}

// NewBilling creates the alarm and budget. The stack must be in us-east-1,
// where AWS/Billing metrics exist ("Receive Billing Alerts" must be on).
func NewBilling(scope constructs.Construct, id string, props BillingProps) (*Billing, error) {
	path := *scope.Node().Path() + "/" + id
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("governance %s: %w", path, err)
	}
	stack := awscdk.Stack_Of(scope)
	if r := *stack.Region(); !*awscdk.Token_IsUnresolved(stack.Region()) && r != BillingRegion {
		return nil, fmt.Errorf("governance %s: stack region %q is not allowed; billing metrics exist only in %s", path, r, BillingRegion)
	}
	p := props.withDefaults()
	c := constructs.NewConstruct(scope, &id)
	out := &Billing{Construct: c}

	out.Key, out.Topic = alertTopic(c, stack, p.Name+" cost alerts", "cloudwatch.amazonaws.com", "budgets.amazonaws.com")

	// One alarm on the sum of the observability services' charges.
	metrics := map[string]awscloudwatch.IMetric{}
	var ids []string
	for i, svc := range BillingServices() {
		id := fmt.Sprintf("s%d", i)
		ids = append(ids, id)
		metrics[id] = awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String("AWS/Billing"), MetricName: jsii.String("EstimatedCharges"),
			DimensionsMap: &map[string]*string{"Currency": jsii.String("USD"), "ServiceName": jsii.String(svc)},
			Statistic:     jsii.String("Maximum"), Period: awscdk.Duration_Hours(jsii.Number(6)),
		})
	}
	total := awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression:   jsii.String(strings.Join(ids, " + ")),
		UsingMetrics: &metrics,
		Label:        jsii.String("Observability estimated charges (USD)"),
		Period:       awscdk.Duration_Hours(jsii.Number(6)),
	})
	out.Alarm = awscloudwatch.NewAlarm(c, jsii.String("EstimatedCharges"), &awscloudwatch.AlarmProps{
		Metric:             total,
		Threshold:          jsii.Number(p.MonthlyUSD),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		AlarmDescription: jsii.String(fmt.Sprintf("Month-to-date charges of %s exceed the observability budget of $%.2f. "+
			"Runbook: review cdk.out/review/cost/report.md against Cost Explorer.", strings.Join(BillingServices(), ", "), p.MonthlyUSD)),
	})
	out.Alarm.AddAlarmAction(awscloudwatchactions.NewSnsAction(out.Topic))

	// The emails subscribe to the topic, so they receive the alarm as
	// well as the budget's notifications (which the topic relays; a
	// direct EMAIL subscriber of the budget would get those twice).
	for _, e := range p.Emails {
		out.Topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(e), nil))
	}
	out.Budget = newBudget(c, out.Topic, p.BudgetName, p.MonthlyUSD, p.ActualShare, p.ForecastShare, BudgetFilter())
	return out, nil
}

// alertTopic creates the KMS key and the TLS-only topic it encrypts, which
// only the given service principals may use, each only for this account
// (and budgets only for this account's budgets).
func alertTopic(c constructs.Construct, stack awscdk.Stack, displayName string, services ...string) (awskms.Key, awssns.Topic) {
	key := awskms.NewKey(c, jsii.String("Key"), &awskms.KeyProps{
		Description:       jsii.String("o11yscale cost alerts topic"),
		EnableKeyRotation: jsii.Bool(true),
	})
	for _, svc := range services {
		key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String(svc), nil)},
			Actions:    jsii.Strings("kms:GenerateDataKey", "kms:Decrypt"),
			Resources:  jsii.Strings("*"),
			Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()}},
		}), nil)
	}
	topic := awssns.NewTopic(c, jsii.String("Topic"), &awssns.TopicProps{
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
		DisplayName: jsii.String(displayName),
	})
	for _, svc := range services {
		conditions := map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()}}
		if svc == "budgets.amazonaws.com" {
			// Only this account's budgets, as the budget-notification guide
			// recommends
			// (https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html).
			conditions["ArnLike"] = map[string]any{"aws:SourceArn": "arn:" + *stack.Partition() + ":budgets::" + *stack.Account() + ":*"}
		}
		topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String(svc), nil)},
			Actions:    jsii.Strings("sns:Publish"),
			Resources:  &[]*string{topic.TopicArn()},
			Conditions: &conditions,
		}))
	}
	return key, topic
}

// newBudget creates the monthly cost budget "Budget" under c, filtered by
// filter, notifying topic when actual spend passes actualShare and the
// forecast passes forecastShare of monthlyUSD.
func newBudget(c constructs.Construct, topic awssns.Topic, name string, monthlyUSD, actualShare, forecastShare float64, filter *awsbudgets.CfnBudget_ExpressionProperty) awsbudgets.CfnBudget {
	notify := func(kind string, share float64) *awsbudgets.CfnBudget_NotificationWithSubscribersProperty {
		return &awsbudgets.CfnBudget_NotificationWithSubscribersProperty{
			Notification: &awsbudgets.CfnBudget_NotificationProperty{NotificationType: jsii.String(kind), ComparisonOperator: jsii.String("GREATER_THAN"),
				Threshold: jsii.Number(share * 100), ThresholdType: jsii.String("PERCENTAGE")},
			Subscribers: &[]any{&awsbudgets.CfnBudget_SubscriberProperty{SubscriptionType: jsii.String("SNS"), Address: topic.TopicArn()}},
		}
	}
	budget := awsbudgets.NewCfnBudget(c, jsii.String("Budget"), &awsbudgets.CfnBudgetProps{
		Budget: &awsbudgets.CfnBudget_BudgetDataProperty{
			BudgetName:       jsii.String(name),
			BudgetType:       jsii.String("COST"),
			TimeUnit:         jsii.String("MONTHLY"),
			BudgetLimit:      &awsbudgets.CfnBudget_SpendProperty{Amount: jsii.Number(math.Round(monthlyUSD*100) / 100), Unit: jsii.String("USD")},
			FilterExpression: filter,
		},
		NotificationsWithSubscribers: &[]any{notify("ACTUAL", actualShare), notify("FORECASTED", forecastShare)},
	})
	// The topic's policy first: a budget whose SNS subscriber may not yet
	// publish fails with the permission error the budget-notification
	// guide lists.
	if policy := topic.Node().TryFindChild(jsii.String("Policy")); policy != nil {
		budget.Node().AddDependency(policy)
	}
	return budget
}
