package platform

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// ReceiveBillingAlertsURL documents the account setting without which
// AWS/Billing publishes no EstimatedCharges metric, so the billing alarm
// never fires.
const ReceiveBillingAlertsURL = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/monitor_estimated_charges_with_cloudwatch.html"

// NoSubscriberWarning is the id of the warning annotation Synth records
// on a topic without subscribers (`cdk synth` shows it as "[ack: <id>]").
const NoSubscriberWarning = "o11yscale:noSubscriber"

// Warning is something synth lets through that the user should know:
// Path is the construct it is about, Message what to do.
type Warning struct {
	Path    string
	Message string
	scope   constructs.IConstruct
}

// Warnings lists what the platform, as built so far, publishes to nobody:
// each region's incidents topic and the billing topic without a
// subscriber, naming the config field that adds one. A subscription added
// in code (to Regional.Alerting.IncidentsTopic or Billing.Topic) before
// Synth counts. Synth records each as a CDK warning annotation and prints
// it with the summary.
func (p *Platform) Warnings() []Warning {
	if p == nil {
		return nil
	}
	var out []Warning
	for _, r := range p.Regional {
		if r.Alerting == nil || hasSubscription(r.Alerting.IncidentsTopic) {
			continue
		}
		out = append(out, Warning{Path: *r.Alerting.IncidentsTopic.Node().Path(), scope: r.Alerting.IncidentsTopic, Message: fmt.Sprintf(
			"alerts in %s go nowhere: the incidents topic %s-incidents has no subscriber; set alarms.alerting.subscriptions "+
				"(email, https or chat; Props.Alarms.Alerting.Subscriptions in code) or subscribe to Regional.Alerting.IncidentsTopic",
			r.Region, p.Props.Name)})
	}
	if p.Billing != nil && !hasSubscription(p.Billing.Topic) {
		props, _ := p.Props.BillingProps(p.CostReport)
		out = append(out, Warning{Path: *p.Billing.Topic.Node().Path(), scope: p.Billing.Topic, Message: fmt.Sprintf(
			"billing alerts go nowhere: the billing alarm and the budget %q notify a topic with no subscriber; set billing.emails "+
				"(Props.Billing.Emails in code) or subscribe to Billing.Topic. The alarm also needs \"Receive Billing Alerts\" "+
				"turned on in the account's billing preferences, or AWS/Billing publishes no EstimatedCharges (%s)",
			props.BudgetName, ReceiveBillingAlertsURL)})
	}
	for i, a := range p.Props.Accounts {
		b := p.AccountBudgets[a.Name]
		if b == nil || hasSubscription(b.Topic) {
			continue
		}
		props, _ := p.Props.AccountBudgetProps(i, p.CostReport)
		out = append(out, Warning{Path: *b.Topic.Node().Path(), scope: b.Topic, Message: fmt.Sprintf(
			"budget alerts of account %s (%s) go nowhere: its budget %q notifies a topic with no subscriber; set accounts[%d].budget.emails "+
				"or billing.emails (Props.Accounts[%d].Budget.Emails in code) or subscribe to AccountBudgets[%q].Topic",
			a.Name, a.ID, props.ResolvedBudgetName(), i, i, a.Name)})
	}
	return out
}

// annotate records each warning on its construct, in the cloud assembly's
// metadata, where `cdk synth` prints it.
func annotate(warnings []Warning) {
	for _, w := range warnings {
		awscdk.Annotations_Of(w.scope).AddWarningV2(jsii.String(NoSubscriberWarning), jsii.String(w.Message))
	}
}

// hasSubscription reports whether any SNS subscription was created under
// topic (AddSubscription creates it there when both are in one stack).
func hasSubscription(topic awssns.ITopic) bool {
	for _, c := range *topic.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if *awscdk.CfnResource_IsCfnResource(c) && *c.(awscdk.CfnResource).CfnResourceType() == "AWS::SNS::Subscription" {
			return true
		}
	}
	return false
}
