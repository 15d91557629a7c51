// Package otelsetup is an optional one-call OpenTelemetry tracing setup for
// Go services on an o11yscale platform: a tracer provider whose sampler is
// telemetry/sampler's adaptive head sampler (errors and slow requests
// always kept, a baseline boosted while errors are frequent) and whose
// exporter sends OTLP/HTTP to the local collector, which tail-samples and
// exports to X-Ray's OTLP endpoint (constructs/sampling generates its
// configuration).
package otelsetup

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/o11yscale/o11yscale/telemetry/sampler"
)

// DefaultEndpoint is the collector's OTLP/HTTP receiver as a sidecar
// (constructs/sampling's default receiver host and port 4318).
const DefaultEndpoint = "localhost:4318"

// Config configures New. Zero values mean the documented defaults.
type Config struct {
	// ServiceName is the service.name resource attribute, which the
	// collector's X-Ray rules and the X-Ray service map use. Required.
	ServiceName string
	// Endpoint is host:port of the collector's OTLP/HTTP receiver.
	// Default: "localhost:4318".
	Endpoint string
	// TLS sends to the collector over HTTPS. Default: false (plain HTTP to
	// a sidecar on localhost; the collector signs and encrypts onwards).
	TLS bool
	// Sampler configures the adaptive head sampler.
	Sampler sampler.Config
	// Head, when set, takes the head decision for new traces, typically
	// the X-Ray remote sampler that reads the account's sampling rules;
	// errors and slow requests are still kept. Default: nil (the
	// Sampler's rate).
	Head sdktrace.Sampler
	// MaxBufferedSpans bounds the unsampled spans held until their local
	// root ends. Default: sampler.DefaultMaxBufferedSpans.
	MaxBufferedSpans int
	// Attributes are added to the resource (for example
	// deployment.environment.name).
	Attributes []attribute.KeyValue
}

// Tracing is what New built. Register TracerProvider with
// otel.SetTracerProvider and Propagator with otel.SetTextMapPropagator,
// or pass them explicitly, and call Shutdown before the process exits.
type Tracing struct {
	TracerProvider *sdktrace.TracerProvider
	// Propagator carries W3C trace context and baggage, which the X-Ray
	// OTLP endpoint accepts.
	Propagator propagation.TextMapPropagator
	Sampler    *sampler.Sampler
	Processor  *sampler.SpanProcessor
}

// New validates cfg and builds the tracer provider. Errors name each
// invalid field.
func New(ctx context.Context, cfg Config) (*Tracing, error) {
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	var errs []error
	if cfg.ServiceName == "" {
		errs = append(errs, errors.New(`otelsetup: Config.ServiceName "": required, the service.name of the spans`))
	}
	if host, port, err := net.SplitHostPort(cfg.Endpoint); err != nil || host == "" || !validPort(port) {
		errs = append(errs, fmt.Errorf("otelsetup: Config.Endpoint %q: allowed host:port such as %s", cfg.Endpoint, DefaultEndpoint))
	}
	if cfg.MaxBufferedSpans < 0 {
		errs = append(errs, fmt.Errorf("otelsetup: Config.MaxBufferedSpans %d: allowed 0 (default %d) or more", cfg.MaxBufferedSpans, sampler.DefaultMaxBufferedSpans))
	}
	s, err := sampler.New(cfg.Sampler)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	opts := []otlptracehttp.Option{otlptracehttp.WithEndpoint(cfg.Endpoint)}
	if !cfg.TLS {
		opts = append(opts, otlptracehttp.WithInsecure())
	}
	exp, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("otelsetup: OTLP exporter: %w", err)
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
		append([]attribute.KeyValue{attribute.String("service.name", cfg.ServiceName)}, cfg.Attributes...)...))
	if err != nil {
		return nil, fmt.Errorf("otelsetup: resource: %w", err)
	}
	proc := sampler.NewSpanProcessor(s, sdktrace.NewBatchSpanProcessor(exp), cfg.MaxBufferedSpans)
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(s.OTel(sampler.OTelOptions{Head: cfg.Head})),
		sdktrace.WithSpanProcessor(proc),
		sdktrace.WithResource(res),
	)
	return &Tracing{
		TracerProvider: tp,
		Propagator:     propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
		Sampler:        s,
		Processor:      proc,
	}, nil
}

// Shutdown flushes the spans still batched and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error { return t.TracerProvider.Shutdown(ctx) }

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n < 65536
}
