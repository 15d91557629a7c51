package sampler_test

import (
	"time"

	"github.com/o11yscale/o11yscale/telemetry/sampler"
)

// readmeSampler compiles the Go snippet of telemetry/README.md line 83 (TestEveryReadmeGoSnippetIsCompiledByATest in test/ checks it is here verbatim); it is not run.
func readmeSampler[R any](handle func(R) error, req R, keepTrace func()) {
	s, _ := sampler.New(sampler.Config{}) // defaults: BaseRate 0.001, BoostedRate 0.1,
	// ErrorRateThreshold 0.01, SlowThreshold 1s, Window 60s in 60 buckets
	start := time.Now()
	err := handle(req)
	end := time.Now()
	if s.DecideAt(end, err != nil, end.Sub(start)).Sampled() { // DecideAt saves a clock read; ShouldSample reads it
		keepTrace()
	}
}
