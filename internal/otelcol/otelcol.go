// Package otelcol is the wire format of the OpenTelemetry Collector
// configuration that constructs/sampling generates: typed structs whose YAML
// keys come out in a fixed, reviewable order, and their encoding.
//
// Key names are those of the OpenTelemetry Collector components (otlp
// receiver, memory_limiter, tail_sampling and batch processors, otlphttp
// and awsxray exporters, sigv4auth extension), all of which the ADOT
// Collector ships. See
// https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/config-advanced,
// the tail sampling processor's documentation,
// https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/processor/tailsamplingprocessor,
// and the sigv4auth extension's,
// https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/extension/sigv4authextension.
//
// The package has no CDK dependency; it only knows the YAML shape.
package otelcol

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Config is a collector configuration with a traces pipeline and an
// optional logs pipeline.
type Config struct {
	Receivers  Receivers   `yaml:"receivers"`
	Processors Processors  `yaml:"processors"`
	Exporters  Exporters   `yaml:"exporters"`
	Extensions *Extensions `yaml:"extensions,omitempty"`
	Service    Service     `yaml:"service"`
}

// Component IDs of the exporters and extensions, as pipelines and the
// service's extension list name them.
const (
	ExporterXRay       = "otlphttp/xray"
	ExporterLogs       = "otlphttp/logs"
	ExporterXRayLegacy = "awsxray"
	AuthXRay           = "sigv4auth/xray"
	AuthLogs           = "sigv4auth/logs"
)

// Receivers holds the OTLP receiver.
type Receivers struct {
	OTLP struct {
		Protocols struct {
			GRPC Endpoint `yaml:"grpc"`
			HTTP Endpoint `yaml:"http"`
		} `yaml:"protocols"`
	} `yaml:"otlp"`
}

// Endpoint is a receiver protocol's listen address, host:port.
type Endpoint struct {
	Endpoint string `yaml:"endpoint"`
}

// Processors holds the memory_limiter, tail_sampling and batch processors.
type Processors struct {
	MemoryLimiter MemoryLimiter `yaml:"memory_limiter"`
	TailSampling  TailSampling  `yaml:"tail_sampling"`
	Batch         struct{}      `yaml:"batch"`
}

// MemoryLimiter is the memory_limiter processor's configuration.
type MemoryLimiter struct {
	CheckInterval        string `yaml:"check_interval"`
	LimitPercentage      int    `yaml:"limit_percentage"`
	SpikeLimitPercentage int    `yaml:"spike_limit_percentage"`
}

// TailSampling is the tail_sampling processor's configuration.
type TailSampling struct {
	DecisionWait  string `yaml:"decision_wait"`
	NumTraces     int    `yaml:"num_traces"`
	DecisionCache struct {
		SampledCacheSize int `yaml:"sampled_cache_size"`
	} `yaml:"decision_cache"`
	Policies []Policy `yaml:"policies"`
}

// Policy is one tail sampling policy. Type names the policy kind and the
// one matching field carries its settings.
type Policy struct {
	Name          string               `yaml:"name"`
	Type          string               `yaml:"type"`
	StatusCode    *StatusCodePolicy    `yaml:"status_code,omitempty,flow"`
	Latency       *LatencyPolicy       `yaml:"latency,omitempty,flow"`
	Probabilistic *ProbabilisticPolicy `yaml:"probabilistic,omitempty,flow"`
	OTTL          *OTTLPolicy          `yaml:"ottl_condition,omitempty"`
	And           *AndPolicy           `yaml:"and,omitempty"`
	Drop          *DropPolicy          `yaml:"drop,omitempty"`
	Not           *NotPolicy           `yaml:"not,omitempty"`
}

// StatusCodePolicy samples traces with a span of one of StatusCodes.
type StatusCodePolicy struct {
	StatusCodes []string `yaml:"status_codes"`
}

// LatencyPolicy samples traces longer than ThresholdMs.
type LatencyPolicy struct {
	ThresholdMs int64 `yaml:"threshold_ms"`
}

// ProbabilisticPolicy samples SamplingPercentage of the traces.
type ProbabilisticPolicy struct {
	SamplingPercentage float64 `yaml:"sampling_percentage"`
}

// OTTLPolicy samples traces with a span matching one of the Span conditions.
type OTTLPolicy struct {
	ErrorMode string   `yaml:"error_mode"`
	Span      []string `yaml:"span"`
}

// AndPolicy samples traces that every sub-policy samples.
type AndPolicy struct {
	SubPolicies []Policy `yaml:"and_sub_policy"`
}

// DropPolicy drops traces that every sub-policy matches.
type DropPolicy struct {
	SubPolicies []Policy `yaml:"drop_sub_policy"`
}

// NotPolicy inverts SubPolicy.
type NotPolicy struct {
	SubPolicy Policy `yaml:"not_sub_policy"`
}

// Exporters holds the OTLP/HTTP exporters to the X-Ray traces and
// CloudWatch Logs endpoints, or the legacy awsxray exporter.
type Exporters struct {
	XRay    *OTLPHTTP `yaml:"otlphttp/xray,omitempty"`
	Logs    *OTLPHTTP `yaml:"otlphttp/logs,omitempty"`
	AWSXRay *AWSXRay  `yaml:"awsxray,omitempty"`
}

// OTLPHTTP is an otlphttp exporter's configuration: one signal's endpoint,
// extra request headers and the authenticator extension that signs it.
type OTLPHTTP struct {
	TracesEndpoint string            `yaml:"traces_endpoint,omitempty"`
	LogsEndpoint   string            `yaml:"logs_endpoint,omitempty"`
	Headers        map[string]string `yaml:"headers,omitempty"`
	Auth           Auth              `yaml:"auth"`
}

// Auth names the authenticator extension of a client.
type Auth struct {
	Authenticator string `yaml:"authenticator"`
}

// AWSXRay is the legacy awsxray exporter's configuration.
type AWSXRay struct {
	Region string `yaml:"region,omitempty"`
}

// Extensions holds one sigv4auth extension per AWS service signed for.
type Extensions struct {
	SigV4XRay *SigV4Auth `yaml:"sigv4auth/xray,omitempty"`
	SigV4Logs *SigV4Auth `yaml:"sigv4auth/logs,omitempty"`
}

// SigV4Auth is a sigv4auth extension's configuration: the region and
// service the requests are signed for.
type SigV4Auth struct {
	Region  string `yaml:"region"`
	Service string `yaml:"service"`
}

// Service holds the extensions in use and the pipelines.
type Service struct {
	Extensions []string `yaml:"extensions,flow,omitempty"`
	Pipelines  struct {
		Traces Pipeline  `yaml:"traces"`
		Logs   *Pipeline `yaml:"logs,omitempty"`
	} `yaml:"pipelines"`
}

// Pipeline lists the components of one pipeline, by name.
type Pipeline struct {
	Receivers  []string `yaml:"receivers,flow"`
	Processors []string `yaml:"processors,flow"`
	Exporters  []string `yaml:"exporters,flow"`
}

// Marshal returns c as YAML indented by two spaces, preceded by one
// "# "-comment line per header line.
func Marshal(header []string, c Config) ([]byte, error) {
	var buf bytes.Buffer
	for _, h := range header {
		fmt.Fprintf(&buf, "# %s\n", h)
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("otelcol: encode collector configuration: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("otelcol: encode collector configuration: %w", err)
	}
	return buf.Bytes(), nil
}

// Unmarshal decodes a configuration written by Marshal (or by hand).
func Unmarshal(b []byte) (Config, error) {
	var c Config
	if err := yaml.Unmarshal(b, &c); err != nil {
		return Config{}, fmt.Errorf("otelcol: decode collector configuration: %w", err)
	}
	return c, nil
}
