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

// The monitoring account's central incidents topic, and a workload
// account's alerting that publishes there instead of a topic of its own.
func ExampleNewCentralIncidents() {
	app := awscdk.NewApp(nil)
	central := awscdk.NewStack(app, jsii.String("Central"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("eu-west-1")},
	})
	incidents, err := anomaly.NewCentralIncidents(central, "Incidents", anomaly.CentralIncidentsProps{
		Name:           "acme",
		Publishers:     []anomaly.IncidentPublisher{{Account: "222222222222", Regions: []string{"us-east-1", "eu-west-1"}}},
		OrganizationID: "o-a1b2c3d4e5",
		Subscriptions:  anomaly.Subscriptions{Email: []anomaly.Subscriber{{Endpoint: "oncall@example.com"}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	workload := awscdk.NewStack(app, jsii.String("Workload"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("222222222222"), Region: jsii.String("us-east-1")},
	})
	alerting, err := anomaly.NewAlerting(workload, "Alerting", anomaly.AlertingProps{
		Name:    "acme",
		Central: anomaly.CentralTarget{Region: "eu-west-1", Account: "111111111111"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(incidents.PublisherRoleArns)
	fmt.Println(alerting.IncidentsTopic == nil, alerting.CentralPublishPolicy != nil)
	// Output:
	// [arn:aws:iam::222222222222:role/acme-enricher-us-east-1 arn:aws:iam::222222222222:role/acme-enricher-eu-west-1]
	// true true
}

func ExampleCentralIncidentsProps_Validate() {
	err := anomaly.CentralIncidentsProps{
		Publishers:     []anomaly.IncidentPublisher{{Account: "2222", Regions: []string{"us-east-1", "us-east-1"}}},
		OrganizationID: "acme",
	}.Validate()
	fmt.Println(err)
	// Output:
	// publishers[0].account: "2222" is not allowed; a 12-digit AWS account id, or empty for the central stack's account
	// publishers[0].regions[1]: "us-east-1" is not allowed; each region once
	// organizationId: "acme" is not allowed; an AWS Organizations id such as o-a1b2c3d4e5
}
