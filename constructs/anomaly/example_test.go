package anomaly_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
)

// One region's alerting and, in a nested stack, one service's alarms that
// notify its alerts topic.
func Example() {
	app := awscdk.NewApp(nil)
	regional := awscdk.NewStack(app, jsii.String("Regional"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")},
	})
	alerting, err := anomaly.NewAlerting(regional, "Alerting", anomaly.AlertingProps{
		RunbookBaseURL: "https://wiki.example.com/runbooks",
		Subscriptions: anomaly.Subscriptions{
			Email: []anomaly.Subscriber{{Endpoint: "oncall@example.com", Severities: []anomaly.Severity{anomaly.SeverityCritical, anomaly.SeverityHigh}}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	shard := awscdk.NewNestedStack(regional, jsii.String("Services01"), nil)
	alarms, err := anomaly.NewServiceAlarms(shard, "checkout-api", anomaly.ServiceAlarmsProps{
		Service:     "checkout-api",
		APIName:     "checkout-api",
		AlertsTopic: alerting.AlertsTopicIn(shard), // by ARN: no nested-stack parameter
		Anomaly: anomaly.Anomaly{
			TimeZone:         "Europe/Berlin",
			TreatMissingData: awscloudwatch.TreatMissingData_IGNORE,
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(alarms.AlarmNames)
	// Output: [o11yscale-checkout-api-latency-anomaly o11yscale-checkout-api-error-rate-anomaly o11yscale-checkout-api-api-latency-anomaly o11yscale-checkout-api-error-rate-threshold o11yscale-checkout-api-health]
}

// Props that are not complete are rejected with the construct path.
func ExampleNewServiceAlarms_error() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Shard"), nil)
	_, err := anomaly.NewServiceAlarms(stack, "checkout-api", anomaly.ServiceAlarmsProps{Notify: anomaly.NotifyNone})
	fmt.Println(err)
	// Output: anomaly Shard/checkout-api: service: "" is not allowed; 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit
}

// The cardinality budget shows its arithmetic.
func ExampleCheckCardinality() {
	s, err := anomaly.CheckCardinality([]anomaly.Dimension{
		{Name: "Service"}, {Name: "Region"}, {Name: "Tier", Cardinality: 3}, {Name: "Status", Cardinality: 5},
	}, anomaly.Budget{Services: 20, Regions: 4})
	fmt.Println(s, err)
	// Output: Service(20) x Region(4) x Tier(3) x Status(5) = 1,200 series <nil>
}
