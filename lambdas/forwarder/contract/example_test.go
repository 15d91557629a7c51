package contract_test

import (
	"fmt"

	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

// The construct writes a Config into the forwarder's environment; the
// Lambda parses it back with the same rules.
func ExampleConfig() {
	cfg := contract.Config{
		StreamName:    "acme-metrics",
		CentralRegion: "us-east-1",
		Metrics:       []contract.Metric{{Namespace: "AWS/Lambda", MetricName: "Duration", Unit: "Milliseconds"}},
	}
	fmt.Println(cfg.Validate())
	fmt.Println(cfg.ScheduleExpression())
	fmt.Println(cfg.WithDefaults().Metrics[0].Statistics)
	// Output:
	// <nil>
	// cron(0/5 * * * ? *)
	// [Average Maximum Minimum]
}
