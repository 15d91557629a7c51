package metricstream_test

import (
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/metricstream"
)

// The central stack creates the stream and archive; each regional stack
// gets the central construct itself, so names and region cannot drift.
func Example() {
	app := awscdk.NewApp(nil)
	env := func(region string) *awscdk.StackProps {
		return &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String(region)}}
	}
	centralStack := awscdk.NewStack(app, jsii.String("Central"), env("us-east-1"))
	central, err := metricstream.NewCentral(centralStack, "Metrics", metricstream.CentralProps{
		Name: "acme", Mode: awskinesis.StreamMode_PROVISIONED, RecordsPerSecond: 2500,
	})
	if err != nil {
		log.Fatal(err)
	}

	regional := awscdk.NewStack(app, jsii.String("EuWest1"), env("eu-west-1"))
	regional.AddDependency(centralStack, jsii.String("regional stacks send data to the central stack"))
	if _, err := metricstream.NewStream(regional, "MetricStream", metricstream.StreamProps{
		Central:      central,
		OutputFormat: metricstream.OutputFormatJSON,
	}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(central.Capacity)
	fmt.Println(central.CentralNames().Stream(), central.CentralRegion())
	// Output:
	// provisioned: shards = ceil(max(2500 records/s / 1000, 0 B/s / 1048576) x headroom 1.50) = ceil(max(2.500, 0.000) x 1.50) = 4
	// acme-metrics us-east-1
}

// A forwarder reads a metric set every Schedule and puts it on the central
// stream through the central's writer role (NewForwarder bundles the Go
// Lambda at synth, so this example only compiles).
func ExampleNewForwarder() {
	app := awscdk.NewApp(nil)
	inRegion := func(r string) *awscdk.StackProps {
		return &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String(r)}}
	}
	central, err := metricstream.NewCentral(awscdk.NewStack(app, jsii.String("Central"), inRegion("us-east-1")), "Metrics", metricstream.CentralProps{})
	if err != nil {
		log.Fatal(err)
	}
	_, err = metricstream.NewForwarder(awscdk.NewStack(app, jsii.String("Regional"), inRegion("eu-west-1")), "Forwarder", metricstream.ForwarderProps{
		Central:  central,
		Schedule: 5 * time.Minute,
		Metrics: []metricstream.Metric{{Namespace: "AWS/Lambda", MetricName: "Duration",
			Dimensions: map[string]string{"FunctionName": "checkout-api"}, Statistics: []string{"Average", "p99"},
			Unit: awscloudwatch.Unit_MILLISECONDS}},
		Searches: []metricstream.Search{{Expression: `{AWS/ApiGateway,ApiName} MetricName="Latency"`, Statistic: "p99"}},
	})
	if err != nil {
		log.Fatal(err)
	}
}

// A central deployed by another app is addressed by its deterministic
// names.
func ExampleRemoteCentral() {
	target := metricstream.RemoteCentral{Names: metricstream.Names{Platform: "acme"}, Region: "us-east-1", Account: "111122223333"}
	err := metricstream.StreamProps{Central: target}.Validate()
	fmt.Println(target.CentralNames().Stream(), target.CentralNames().WriterRole(), err)
	// Output: acme-metrics acme-metrics-writer <nil>
}
