package metricstream_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"

	"github.com/o11yscale/o11yscale/constructs/metricstream"
)

// readmeMetricStream compiles the Go snippet of metricstream/README.md line 9 (TestEveryReadmeGoSnippetIsCompiledByATest in test/ checks it is here verbatim); it is not run.
func readmeMetricStream(centralStack, regionalStack awscdk.Stack) error {
	central, err := metricstream.NewCentral(centralStack, "Metrics", metricstream.CentralProps{
		Name: "acme", Mode: awskinesis.StreamMode_PROVISIONED, RecordsPerSecond: 2500,
	})
	// in each workload region:
	fwd, err := metricstream.NewForwarder(regionalStack, "Forwarder", metricstream.ForwarderProps{
		Central: central,
		Metrics: []metricstream.Metric{{Namespace: "AWS/Lambda", MetricName: "Duration",
			Dimensions: map[string]string{"FunctionName": "checkout-api"}, Unit: awscloudwatch.Unit_MILLISECONDS}},
	})
	stream, err := metricstream.NewStream(regionalStack, "MetricStream", metricstream.StreamProps{Central: central})
	_, _ = fwd, stream
	return err
}
