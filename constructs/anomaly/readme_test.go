package anomaly_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
)

// readmeAlerting compiles the Go snippet of anomaly/README.md line 16 (TestEveryReadmeGoSnippetIsCompiledByATest in test/ checks it is here verbatim); it is not run.
func readmeAlerting(regionalStack awscdk.Stack, regionalKey awskms.IKey) error {
	alerting, err := anomaly.NewAlerting(regionalStack, "Alerting", anomaly.AlertingProps{
		Key:            regionalKey, // optional; a rotating key is created when nil
		RunbookBaseURL: "https://wiki.example.com/runbooks",
		Subscriptions: anomaly.Subscriptions{
			Email: []anomaly.Subscriber{{Endpoint: "oncall@example.com",
				Severities: []anomaly.Severity{anomaly.SeverityCritical, anomaly.SeverityHigh}}},
			Chat: []anomaly.Subscriber{{Endpoint: "https://chat-relay.example.com/hooks/ops"}},
		},
		Budget: anomaly.Budget{Services: 20, Regions: 4},
		EmfMetrics: []anomaly.MetricDeclaration{{Namespace: "Shop", Name: "RequestDuration", Dimensions: []anomaly.Dimension{
			{Name: "Service"}, {Name: "Region"}, {Name: "Tier", Cardinality: 3}, {Name: "StatusClass", Cardinality: 5}}}},
	})
	if err != nil {
		return err
	}
	shard := awscdk.NewNestedStack(regionalStack, jsii.String("Services01"), nil)
	_, err = anomaly.NewServiceAlarms(shard, "checkout-api", anomaly.ServiceAlarmsProps{
		Service: "checkout-api", APIName: "checkout-api",
		// The topic imported into the shard by its deterministic ARN keeps the
		// nested stack free of a parameter; alerting.AlertsTopic works too.
		AlertsTopic: alerting.AlertsTopicIn(shard),
		RunbookURL:  "https://wiki.example.com/runbooks/checkout-api",
		Anomaly:     anomaly.Anomaly{TimeZone: "Europe/Berlin", TreatMissingData: awscloudwatch.TreatMissingData_IGNORE},
		Budget:      anomaly.Budget{Services: 20, Regions: 4},
	})
	return err
}
