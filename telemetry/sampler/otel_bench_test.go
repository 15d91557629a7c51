package sampler

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// BenchmarkOTelShouldSample is one head decision for a new trace through
// the sdktrace.Sampler interface: our adaptive sampler (default config,
// real clock) against the SDK's TraceIDRatioBased at the same 0.1%, in the
// same run. Compare ns/op of the two sub-benchmarks for the ratio.
func BenchmarkOTelShouldSample(b *testing.B) {
	s, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	samplers := []struct {
		name string
		s    sdktrace.Sampler
	}{
		{"o11yscale", s.OTel(OTelOptions{})},
		{"TraceIDRatioBased", sdktrace.TraceIDRatioBased(DefaultBaseRate)},
	}
	for _, c := range samplers {
		b.Run(c.name, func(b *testing.B) {
			p := sdktrace.SamplingParameters{ParentContext: context.Background(), Name: "GET /items", Kind: trace.SpanKindServer}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				n := 0
				var id trace.TraceID
				for i := uint64(0); pb.Next(); i++ {
					id[8], id[9], id[10], id[11] = byte(i), byte(i>>8), byte(i>>16), byte(i>>24)
					p.TraceID = id
					if c.s.ShouldSample(p).Decision == sdktrace.RecordAndSample {
						n++
					}
				}
				sink(n)
			})
		})
	}
}
