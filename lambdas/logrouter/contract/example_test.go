package contract_test

import (
	"fmt"
	"maps"
	"slices"

	"github.com/o11yscale/o11yscale/lambdas/logrouter/contract"
)

// The deploying construct fills in every field, validates, and renders the
// router's environment; the router reads the same variable names.
func ExampleConfig_Env() {
	c := contract.Config{
		DeliveryStreamName: "o11yscale-logs-archive",
		ForwardTiers:       []string{contract.TierError, contract.TierWarn},
		MinStatus:          500, // and any event with status_code >= 500
		LogLevel:           "INFO",
	}
	if err := c.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	env := c.Env()
	for _, k := range slices.Sorted(maps.Keys(env)) {
		fmt.Printf("%s=%s\n", k, env[k])
	}
	// Output:
	// DELIVERY_STREAM_NAME=o11yscale-logs-archive
	// FORWARD_MIN_STATUS=500
	// FORWARD_TIERS=ERROR,WARN
	// LOG_LEVEL=INFO
}

// Validate reports every bad field at once, named after the fields.
func ExampleConfig_Validate() {
	err := contract.Config{
		ForwardTiers: []string{"ERROR", "FATAL"},
		MinStatus:    700,
		LogLevel:     "INFO",
	}.Validate()
	fmt.Println(err)
	// Output:
	// deliveryStreamName: "" is not allowed; the name of the Firehose delivery stream
	// forwardTiers[1]: "FATAL" is not allowed; one of ERROR, WARN, INFO, DEBUG, UNKNOWN
	// minStatus: 700 is not allowed; 0 (no status rule) or an HTTP status in 100-599
}

// Dashboards and alarms name the router's metrics through the contract,
// so a rename on either side is a compile error.
func Example_metrics() {
	fmt.Printf("%s %s{%s=%s}\n", contract.Namespace, contract.MetricEventsForwarded, contract.DimensionFunction, contract.FunctionName)
	fmt.Printf("%s by %s: %v\n", contract.MetricEventsDropped, contract.DimensionReason, contract.DropReasons)
	// Output:
	// O11yscale/Pipeline EventsForwarded{Function=logrouter}
	// EventsDropped by Reason: [control-message tier-not-forwarded record-too-large]
}
