package sampler_test

import (
	"fmt"
	"time"

	"github.com/o11yscale/o11yscale/telemetry/sampler"
)

func Example() {
	s, err := sampler.New(sampler.Config{}) // 0.1% baseline, 10% while errors > 1% over 60s
	if err != nil {
		panic(err)
	}
	start := time.Now()
	// ... handle the request ...
	end := time.Now()
	isError := true
	if s.DecideAt(end, isError, end.Sub(start)).Sampled() {
		fmt.Println("keep the detailed trace")
	}
	fmt.Println(s.Decide(false, 2*time.Second)) // slow requests are always kept
	// Output:
	// keep the detailed trace
	// Slow
}
