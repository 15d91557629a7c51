package otelcol

import (
	"strings"
	"testing"
)

func TestMarshalWritesHeaderThenKeysInDeclarationOrder(t *testing.T) {
	var c Config
	c.Receivers.OTLP.Protocols.GRPC.Endpoint = "0.0.0.0:4317"
	c.Processors.TailSampling.Policies = []Policy{
		{Name: "slow", Type: "latency", Latency: &LatencyPolicy{ThresholdMs: 2000}},
	}
	c.Service.Pipelines.Traces = Pipeline{Receivers: []string{"otlp"}, Exporters: []string{"awsxray"}}
	b, err := Marshal([]string{"first", "  second"}, c)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.HasPrefix(s, "# first\n#   second\nreceivers:\n") {
		t.Errorf("header or first key wrong:\n%s", s)
	}
	last := -1
	for _, key := range []string{"receivers:", "processors:", "exporters:", "service:"} {
		i := strings.Index(s, "\n"+key)
		if i <= last {
			t.Errorf("%s out of order:\n%s", key, s)
		}
		last = i
	}
	for _, want := range []string{
		"      - name: slow\n        type: latency\n        latency: {threshold_ms: 2000}\n",
		"      receivers: [otlp]\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "status_code") || strings.Contains(s, "ottl_condition") {
		t.Errorf("unset policy kinds must be omitted:\n%s", s)
	}
}

func TestUnmarshalReadsWhatMarshalWrote(t *testing.T) {
	var c Config
	c.Processors.TailSampling.NumTraces = 50000
	c.Processors.TailSampling.Policies = []Policy{{Name: "r", Type: "and", And: &AndPolicy{SubPolicies: []Policy{
		{Name: "m", Type: "ottl_condition", OTTL: &OTTLPolicy{ErrorMode: "ignore", Span: []string{"true"}}},
		{Name: "rate", Type: "probabilistic", Probabilistic: &ProbabilisticPolicy{SamplingPercentage: 25}},
	}}}}
	b, err := Marshal(nil, c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	ts := got.Processors.TailSampling
	if ts.NumTraces != 50000 || len(ts.Policies) != 1 || ts.Policies[0].And == nil ||
		ts.Policies[0].And.SubPolicies[1].Probabilistic.SamplingPercentage != 25 ||
		ts.Policies[0].And.SubPolicies[0].OTTL.Span[0] != "true" {
		t.Errorf("round trip lost data: %+v", ts)
	}
	if _, err := Unmarshal([]byte("receivers: [")); err == nil {
		t.Error("want an error for invalid YAML")
	}
}
