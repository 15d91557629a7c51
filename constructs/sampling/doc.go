// Package sampling decides which traces are kept at scale. It defines X-Ray
// sampling rules from a rule table (with shadowed-rule detection and
// optional adaptive boosts), X-Ray groups for faults and errors, slow
// requests and each listed service, and an OpenTelemetry Collector
// configuration that tail-samples (keeps every error and slow trace,
// applies the rule table, and keeps a small baseline of the rest),
// published as an SSM parameter for ADOT collectors.
//
// NewTracing takes Props, plain Go values whose zero values are the
// documented defaults; Props.Validate checks complete props and names
// every invalid field by its path. RateFor answers which rule X-Ray
// applies to a request, and CollectorConfig returns the collector
// configuration without creating anything.
//
// The platform config's "sampling:" YAML section is not part of this
// package: stacks/config holds it and maps it to Props.
package sampling
