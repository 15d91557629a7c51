// Package otelcol is the wire format of the OpenTelemetry Collector
// configuration that constructs/sampling generates: typed structs whose YAML
// keys come out in a fixed, reviewable order, and their encoding.
//
// Key names are those of the OpenTelemetry Collector contrib components
// (otlp receiver, memory_limiter, tail_sampling and batch processors,
// awsxray exporter), all of which the ADOT Collector ships. See
// https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/config-advanced
// and the tail sampling processor's documentation,
// https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/processor/tailsamplingprocessor.
//
// The package has no CDK dependency; it only knows the YAML shape.
package otelcol

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Config is a collector configuration with one traces pipeline.
type Config struct {
	Receivers  Receivers  `yaml:"receivers"`
	Processors Processors `yaml:"processors"`
	Exporters  Exporters  `yaml:"exporters"`
	Service    Service    `yaml:"service"`
}

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

// Exporters holds the awsxray exporter.
type Exporters struct {
	AWSXRay struct{} `yaml:"awsxray"`
}

// Service holds the pipelines.
type Service struct {
	Pipelines struct {
		Traces Pipeline `yaml:"traces"`
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
