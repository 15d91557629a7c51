// Command consumer is a user's own CDK app that composes o11yscale
// constructs, proving the library works from another module.
package main

import (
	"log"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/sampling"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("ConsumerStack"), &awscdk.StackProps{
		Env: &awscdk.Environment{Region: jsii.String("eu-west-1")},
	})
	// A Lambda from the consumer's own module and one from ours, both by
	// import path, from whatever directory the app runs in.
	for id, pkg := range map[string]string{
		"Own":       "example.com/consumer/fn",
		"Forwarder": "github.com/o11yscale/o11yscale/internal/lambdatest/internal/echo",
	} {
		if _, err := golambda.NewFunction(stack, id, golambda.Props{ImportPath: pkg, MemorySize: 128}); err != nil {
			log.Fatal(err)
		}
	}
	// Two capabilities, as a user composes them: sampling rules with the
	// seed's defaults, and a tiered log archive.
	if _, err := sampling.NewTracing(stack, "Tracing", sampling.Props{}); err != nil {
		log.Fatal(err)
	}
	if _, err := logtiers.NewArchive(stack, "Archive", logtiers.ArchiveProps{}); err != nil {
		log.Fatal(err)
	}
	wireTyped(app, stack)
	app.Synth(nil)
}

// wireTyped composes constructs whose collaborators are objects, not names
// or ARNs that must match: the forwarder writes to the central construct it
// is given (stream, region and writer role come from it), and the alarms
// notify the alerting construct's topic.
func wireTyped(app awscdk.App, stack awscdk.Stack) {
	centralStack := awscdk.NewStack(app, jsii.String("ConsumerCentral"), &awscdk.StackProps{
		Env: &awscdk.Environment{Region: jsii.String("us-east-1")},
	})
	central, err := metricstream.NewCentral(centralStack, "Metrics", metricstream.CentralProps{Name: "acme"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := metricstream.NewForwarder(stack, "MetricForwarder", metricstream.ForwarderProps{
		Central: central,
		Metrics: []metricstream.Metric{{Namespace: "AWS/Lambda", MetricName: "Duration", Dimensions: map[string]string{"FunctionName": "checkout-api"}}},
	}); err != nil {
		log.Fatal(err)
	}
	alerting, err := anomaly.NewAlerting(stack, "Alerting", anomaly.AlertingProps{Name: "acme"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := anomaly.NewServiceAlarms(stack, "checkout-api-alarms", anomaly.ServiceAlarmsProps{
		Name: "acme", Service: "checkout-api", AlertsTopic: alerting.AlertsTopic,
	}); err != nil {
		log.Fatal(err)
	}
}
