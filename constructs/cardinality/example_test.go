package cardinality_test

import (
	"fmt"

	"github.com/o11yscale/o11yscale/constructs/cardinality"
)

// A construct that makes metrics checks each dimension name before it
// creates anything, and rejects the ones that carry unbounded values.
func ExampleHigh() {
	for _, dim := range []string{"Service", "StatusClass", "user_id", "$.request.id", "ImageURL", "Runtime", "timestamp"} {
		if kind, bad := cardinality.High(dim); bad {
			fmt.Printf("%s: a %s dimension; %s\n", dim, kind, cardinality.Advice)
			continue
		}
		fmt.Printf("%s: ok\n", dim)
	}
	// Output:
	// Service: ok
	// StatusClass: ok
	// user_id: a user id dimension; keep high-cardinality data in logs, not metrics
	// $.request.id: a request id dimension; keep high-cardinality data in logs, not metrics
	// ImageURL: a full URL dimension; keep high-cardinality data in logs, not metrics
	// Runtime: ok
	// timestamp: a timestamp dimension; keep high-cardinality data in logs, not metrics
}

// Normalize is the form in which names are compared, so every spelling of
// one name is caught the same way.
func ExampleNormalize() {
	for _, n := range []string{"UserID", "user_id", "USER-ID", "$.user.id"} {
		fmt.Println(cardinality.Normalize(n))
	}
	// Output:
	// userid
	// userid
	// userid
	// userid
}
