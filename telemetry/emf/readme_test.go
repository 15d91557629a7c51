package emf_test

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/o11yscale/o11yscale/telemetry/emf"
)

// readmeEmit compiles the Go snippet of telemetry/README.md line 17 (TestEveryReadmeGoSnippetIsCompiledByATest in test/ checks it is here verbatim); it is not run.
func readmeEmit() error {
	l := emf.New(os.Stdout, "O11yscale/Pipeline")
	err := l.Emit(map[string]string{"Function": "forwarder"},
		emf.Metric{Name: "RecordsIn", Unit: emf.Count, Value: 500},
		emf.Metric{Name: "Duration", Unit: emf.Milliseconds, Value: 12.5})
	return err
}

// readmeAggregator compiles the Go snippet of telemetry/README.md line 31 (TestEveryReadmeGoSnippetIsCompiledByATest in test/ checks it is here verbatim); it is not run.
func readmeAggregator(ctx context.Context, cfg aws.Config) {
	pub, _ := emf.NewCloudWatchPublisher(cloudwatch.NewFromConfig(cfg), "MyApp") // or emf.New(os.Stdout, "MyApp")
	agg, _ := emf.NewAggregator(pub, emf.AggregatorOptions{})                    // 60 s interval, at most 10,000 series
	latency, _ := agg.Series("ResponseTime", emf.Milliseconds, map[string]string{"Endpoint": "/checkout"})
	_ = latency.Record(123) // hot path: no map lookup, no allocation
	_ = agg.Record("Errors", map[string]string{"Endpoint": "/checkout"}, emf.Count, 1)
	agg.Start() // servers; in Lambda call agg.Flush(ctx) per invocation
	defer agg.Close(ctx)
}
