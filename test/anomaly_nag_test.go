package test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
)

// TestAnomalyAloneIsNagClean covers the alerting and service-alarm
// constructs as library users get them, outside our platform: a regional
// stack with the topics and the enricher, and a nested stack of service
// alarms (as the platform shards them).
func TestAnomalyAloneIsNagClean(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("Alerting"), &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("us-east-1")}})
	alerting, err := anomaly.NewAlerting(stack, "Alerting", anomaly.AlertingProps{
		Subscriptions: anomaly.Subscriptions{
			Email: []anomaly.Subscriber{{Endpoint: "oncall@example.com", Severities: []anomaly.Severity{anomaly.SeverityCritical, anomaly.SeverityHigh}}},
			Chat:  []anomaly.Subscriber{{Endpoint: "https://chat-relay.example.com/hooks/ops"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	shard := awscdk.NewNestedStack(stack, jsii.String("Services01"), nil)
	if _, err := anomaly.NewServiceAlarms(shard, "checkout-api", anomaly.ServiceAlarmsProps{
		Service: "checkout-api", APIName: "checkout-api", AlertsTopic: alerting.AlertsTopic}); err != nil {
		t.Fatal(err)
	}
	if _, err := anomaly.NewServiceAlarms(shard, "auth-service", anomaly.ServiceAlarmsProps{
		Service: "auth-service", AlertsTopic: alerting.AlertsTopicIn(shard), Notify: anomaly.NotifyComposite}); err != nil {
		t.Fatal(err)
	}
	requireNagClean(t, app)
}
