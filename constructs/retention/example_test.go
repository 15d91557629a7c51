package retention_test

import (
	"fmt"

	"github.com/o11yscale/o11yscale/constructs/retention"
)

// A construct validates a requested retention at synth and names the
// nearest allowed value, instead of letting CloudFormation reject it at
// deploy; a valid value converts to the CDK enum for awslogs.LogGroupProps.
func ExampleValid() {
	for _, days := range []int{14, 10, 45} {
		if !retention.Valid(days) {
			fmt.Printf("retentionDays: %d is not allowed; nearest allowed: %d\n", days, retention.Nearest(days))
			continue
		}
		fmt.Printf("retentionDays: %d -> %s\n", days, retention.Enum(days))
	}
	// Output:
	// retentionDays: 14 -> TWO_WEEKS
	// retentionDays: 10 is not allowed; nearest allowed: 7
	// retentionDays: 45 is not allowed; nearest allowed: 60
}

// Allowed is the "what is allowed" part of a validation message.
func ExampleAllowed() {
	fmt.Println(retention.Allowed(10))
	// Output:
	// one of [1 3 5 7 14 30 60 90 120 150 180 365 400 545 731 1096 1827 2192 2557 2922 3288 3653] days (nearest allowed: 7)
}
