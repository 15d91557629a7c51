package contract_test

import (
	"fmt"

	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

// The construct writes the environment and the description lines; the
// Lambda reads them back with the same names.
func Example() {
	cfg := contract.Config{IncidentsTopicArn: "arn:aws:sns:eu-west-1:123456789012:o11yscale-incidents", IdempotencyTableName: "claims"}
	env := cfg.Env()
	back := contract.FromEnv(func(k string) string { return env[k] })
	fmt.Println(back.Validate() == nil, env[contract.EnvLogLevel])
	fmt.Println(contract.DescriptionLine(contract.DescriptionDashboard,
		contract.ConsoleAlarmURL(contract.PartitionOfRegion("eu-west-1"), "eu-west-1", "o11yscale-checkout-api-health")))
	// Output:
	// true INFO
	// Dashboard: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/o11yscale-checkout-api-health
}
