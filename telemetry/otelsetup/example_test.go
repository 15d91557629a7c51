package otelsetup_test

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"

	"github.com/o11yscale/o11yscale/telemetry/otelsetup"
)

// A Go service's tracing in one call: our adaptive sampler and OTLP/HTTP to
// the collector sidecar on localhost:4318.
func Example() {
	ctx := context.Background()
	tracing, err := otelsetup.New(ctx, otelsetup.Config{ServiceName: "checkout-api"})
	if err != nil {
		panic(err)
	}
	otel.SetTracerProvider(tracing.TracerProvider)
	otel.SetTextMapPropagator(tracing.Propagator)
	defer func() { _ = tracing.Shutdown(ctx) }()

	_, span := otel.Tracer("checkout").Start(ctx, "POST /orders")
	// ... handle the request ...
	span.End()
	rate, requests := tracing.Sampler.ErrorRate()
	fmt.Println(rate, requests)
	// Compiled, not run: it would send to a collector on localhost:4318.
}
