package pattern_test

import (
	"fmt"

	"github.com/o11yscale/o11yscale/constructs/logtiers/pattern"
)

// The subscription filter of the log tiers: errors and server failures,
// built from typed conditions so it always parses.
func ExampleJSON() {
	critical := pattern.JSON(pattern.Eq("$.level", "ERROR").Or(pattern.Ge("$.status_code", 500)))
	if err := critical.Err(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(critical)
	fmt.Println(critical.Kind(), critical.Selectors())

	// Narrowing keeps the reading explicit with parentheses.
	fmt.Println(critical.And(pattern.Eq("$.service", "checkout-api")))
	// Output:
	// { $.level = "ERROR" || $.status_code >= 500 }
	// json [$.level $.status_code]
	// { ($.level = "ERROR" || $.status_code >= 500) && $.service = "checkout-api" }
}

// The seed's space-delimited format: positional fields, one with a
// wildcard condition.
func ExampleSpace() {
	p := pattern.Space("time", "request_id", pattern.Field("level").Like("ERROR*"), "...")
	fmt.Println(p, p.Err())
	fmt.Println(p.HasField("request_id"))
	// Output:
	// [time, request_id, level = ERROR*, ...] <nil>
	// true
}

// Term patterns match text anywhere in the event.
func ExampleAnyTerm() {
	fmt.Println(pattern.AnyTerm("ERROR", "Error Code"))
	fmt.Println(pattern.Terms("timeout", "checkout-api"))
	// Output:
	// ?ERROR ?"Error Code"
	// timeout "checkout-api"
}

// Parse checks hand-written patterns (from config) at synth, where a typo
// would otherwise silently match nothing after deploy.
func ExampleParse() {
	for _, text := range []string{
		`{ $.latency_ms > 0 }`,
		`{ $.level = "ERROR" `,
		`{ $.latency_ms > fast }`,
	} {
		p, err := pattern.Parse(text)
		if err != nil {
			fmt.Println("rejected:", err)
			continue
		}
		fmt.Println("ok:", p.Kind(), p.Selectors())
	}
	// Output:
	// ok: json [$.latency_ms]
	// rejected: pattern "{ $.level = \"ERROR\" ": at offset 20: expected "}" but the pattern ended (unbalanced?)
	// rejected: pattern "{ $.latency_ms > fast }": at offset 21: $.latency_ms > needs a number, found fast
}
