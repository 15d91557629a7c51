package sampler_test

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

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

// The adaptive sampler in an OpenTelemetry Go SDK pipeline. OTel samples
// new traces at the rate; the SpanProcessor keeps traces that fail or are
// slow and feeds every request's outcome into the error-rate window.
func ExampleSampler_OTel() {
	s, err := sampler.New(sampler.Config{})
	if err != nil {
		panic(err)
	}
	exporter := tracetest.NewInMemoryExporter() // otlptracehttp.New(ctx) in a service
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(s.OTel(sampler.OTelOptions{})),
		sdktrace.WithSpanProcessor(sampler.NewSpanProcessor(s, sdktrace.NewBatchSpanProcessor(exporter), 0)),
	)
	defer func() { _ = tp.Shutdown(context.Background()) }()

	_, span := tp.Tracer("checkout").Start(context.Background(), "POST /orders")
	span.SetStatus(codes.Error, "payment declined")
	span.End()
	_ = tp.ForceFlush(context.Background())
	for _, sp := range exporter.GetSpans() {
		fmt.Println(sp.Name, "sampled:", sp.SpanContext.IsSampled())
		for _, a := range sp.Attributes {
			fmt.Printf("%s=%s\n", a.Key, a.Value.Emit())
		}
	}
	// Output:
	// POST /orders sampled: true
	// o11yscale.sampling.reason=Error
}

// X-Ray sampling rules stay the head-sampling control plane: an OTel
// remote sampler that reads them (for Go,
// go.opentelemetry.io/contrib/samplers/aws/xray's NewRemoteSampler) becomes
// OTelOptions.Head, and errors and slow requests are still kept. The SDK's
// TraceIDRatioBased stands in for it here.
func ExampleOTelOptions_head() {
	s, err := sampler.New(sampler.Config{})
	if err != nil {
		panic(err)
	}
	exporter := tracetest.NewInMemoryExporter() // otlptracehttp.New(ctx) in a service
	// head, err := xray.NewRemoteSampler(ctx, "checkout-api", "ecs")
	head := sdktrace.TraceIDRatioBased(0.05)
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(s.OTel(sampler.OTelOptions{Head: head})),
		sdktrace.WithSpanProcessor(sampler.NewSpanProcessor(s, sdktrace.NewBatchSpanProcessor(exporter), 0)),
	)
	defer func() { _ = tp.Shutdown(context.Background()) }()
	fmt.Println(s.OTel(sampler.OTelOptions{Head: head}).Description())
	// Output: o11yscale.AdaptiveSampler{errors,slow,baseline,boost}{head=TraceIDRatioBased{0.05}}
}
