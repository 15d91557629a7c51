// Package otel checks the collector configuration that constructs/sampling
// generates against the real OpenTelemetry Collector contrib
// tailsamplingprocessor: the configuration must load and validate as the
// collector would load it, and the processor built from it must keep the
// traces the sampling design promises.
package otel

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/tailsamplingprocessor"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
	"gopkg.in/yaml.v3"

	"github.com/o11yscale/o11yscale/constructs/sampling"
)

// loadTailSampling reads the tail_sampling section of a generated
// collector configuration into the processor's own Config, strictly (an
// unknown key is an error), and validates it, as the collector does at
// startup.
func loadTailSampling(t *testing.T, collectorYAML []byte) *tailsamplingprocessor.Config {
	t.Helper()
	var doc struct {
		Processors map[string]map[string]any `yaml:"processors"`
		Service    struct {
			Pipelines map[string]struct {
				Processors []string `yaml:"processors"`
			} `yaml:"pipelines"`
		} `yaml:"service"`
	}
	if err := yaml.Unmarshal(collectorYAML, &doc); err != nil {
		t.Fatalf("generated configuration is not YAML: %v", err)
	}
	section, ok := doc.Processors["tail_sampling"]
	if !ok {
		t.Fatal("generated configuration has no processors.tail_sampling")
	}
	inPipeline := false
	for _, p := range doc.Service.Pipelines["traces"].Processors {
		inPipeline = inPipeline || p == "tail_sampling"
	}
	if !inPipeline {
		t.Fatal("tail_sampling is not in the traces pipeline")
	}
	cfg := tailsamplingprocessor.NewFactory().CreateDefaultConfig().(*tailsamplingprocessor.Config)
	if err := confmap.NewFromStringMap(section).Unmarshal(cfg); err != nil {
		t.Fatalf("tail_sampling does not unmarshal into the processor's Config: %v", err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("tail_sampling does not validate: %v", err)
	}
	return cfg
}

func generate(t *testing.T, props sampling.Props) []byte {
	t.Helper()
	b, err := sampling.CollectorConfig(props)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGeneratedConfigLoadsAndValidatesWithTheRealProcessorConfig(t *testing.T) {
	cfg := loadTailSampling(t, generate(t, sampling.Props{}))
	if cfg.DecisionWait != sampling.DefaultDecisionWait {
		t.Errorf("decision_wait = %s, want %s", cfg.DecisionWait, sampling.DefaultDecisionWait)
	}
	want := []string{sampling.PolicyKeepErrors, sampling.PolicyKeepSlow, "rule-checkout-api-POST", "rule-health-check-GET", sampling.PolicyBaseline}
	var got []string
	for _, p := range cfg.PolicyCfgs {
		got = append(got, p.Name)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("policies = %v, want %v", got, want)
	}
}

// request describes one synthetic trace: a SERVER span for the request
// served and a CLIENT child for a downstream POST, spanning dur in total.
type request struct {
	service, method, path, host string
	attrs                       map[string]string // on the SERVER span
	dur                         time.Duration
	failed                      bool // the CLIENT span has status ERROR
}

// synthTrace is one trace to send and the kind of request it stands for.
type synthTrace struct {
	id   pcommon.TraceID
	kind int
}

func appendTrace(td ptrace.Traces, rng *rand.Rand, id pcommon.TraceID, r request) {
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", r.service)
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	start := time.Unix(1_700_000_000, 0)

	root := spans.AppendEmpty()
	root.SetTraceID(id)
	root.SetSpanID(spanID(rng))
	root.SetName(r.method + " " + r.path)
	root.SetKind(ptrace.SpanKindServer)
	root.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
	root.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(r.dur)))
	root.Attributes().PutStr("http.request.method", r.method)
	root.Attributes().PutStr("url.path", r.path)
	if r.host != "" {
		root.Attributes().PutStr("server.address", r.host)
	}
	for k, v := range r.attrs {
		root.Attributes().PutStr(k, v)
	}

	child := spans.AppendEmpty()
	child.SetTraceID(id)
	child.SetSpanID(spanID(rng))
	child.SetParentSpanID(root.SpanID())
	child.SetName("POST downstream")
	child.SetKind(ptrace.SpanKindClient)
	child.SetStartTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Millisecond)))
	child.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(r.dur / 2)))
	child.Attributes().PutStr("http.request.method", "POST")
	if r.failed {
		child.Status().SetCode(ptrace.StatusCodeError)
	}
}

func spanID(rng *rand.Rand) pcommon.SpanID {
	var id pcommon.SpanID
	for i := range id {
		id[i] = byte(rng.Uint32())
	}
	return id
}

// plan returns counts[k] traces of each kind k, shuffled, with random trace
// IDs from a fixed seed so every run sends the same traces.
func plan(rng *rand.Rand, counts []int) []synthTrace {
	var out []synthTrace
	for k, n := range counts {
		for range n {
			var id pcommon.TraceID
			for i := range id {
				id[i] = byte(rng.Uint32())
			}
			out = append(out, synthTrace{id: id, kind: k})
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// keptPerKind sends the traces (built by build) through processors made
// from cfg and counts, per kind, the distinct traces forwarded. Traces go
// in waves smaller than num_traces, each through a fresh processor:
// Shutdown makes the pending decisions (drop_pending_traces_on_shutdown is
// false), so no test waits on decision_wait and no trace is evicted
// undecided.
func keptPerKind(t *testing.T, cfg *tailsamplingprocessor.Config, rng *rand.Rand, traces []synthTrace, nkinds int,
	build func(kind int, rng *rand.Rand) request) []int {
	t.Helper()
	const wave, perBatch = 20_000, 500
	if uint64(wave) > cfg.NumTraces {
		t.Fatalf("wave of %d traces exceeds num_traces %d", wave, cfg.NumTraces)
	}
	kindOf := make(map[pcommon.TraceID]int, len(traces))
	for _, tr := range traces {
		kindOf[tr.id] = tr.kind
	}
	factory := tailsamplingprocessor.NewFactory()
	ctx := context.Background()
	kept := map[pcommon.TraceID]bool{}
	for start := 0; start < len(traces); start += wave {
		sink := new(consumertest.TracesSink)
		proc, err := factory.CreateTraces(ctx, processortest.NewNopSettings(factory.Type()), cfg, sink)
		if err != nil {
			t.Fatalf("create processor: %v", err)
		}
		if err := proc.Start(ctx, componenttest.NewNopHost()); err != nil {
			t.Fatalf("start processor (policies, OTTL conditions): %v", err)
		}
		end := min(start+wave, len(traces))
		for b := start; b < end; b += perBatch {
			td := ptrace.NewTraces()
			for _, tr := range traces[b:min(b+perBatch, end)] {
				appendTrace(td, rng, tr.id, build(tr.kind, rng))
			}
			if err := proc.ConsumeTraces(ctx, td); err != nil {
				t.Fatalf("consume: %v", err)
			}
		}
		if err := proc.Shutdown(ctx); err != nil {
			t.Fatalf("shutdown: %v", err)
		}
		for _, td := range sink.AllTraces() {
			for _, rs := range td.ResourceSpans().All() {
				for _, ss := range rs.ScopeSpans().All() {
					for _, sp := range ss.Spans().All() {
						kept[sp.TraceID()] = true
					}
				}
			}
		}
	}
	out := make([]int, nkinds)
	for id := range kept {
		k, ok := kindOf[id]
		if !ok {
			t.Fatalf("processor forwarded unknown trace %s", id)
		}
		out[k]++
	}
	return out
}

// binomialBound is the accepted deviation of a kept count from n*p: five
// standard deviations of Binomial(n, p). A correct sampler falls outside it
// with probability below 1e-6; the IDs are seeded, so a run is repeatable.
func binomialBound(n int, p float64) (lo, hi float64) {
	mean := float64(n) * p
	sd := math.Sqrt(float64(n) * p * (1 - p))
	return mean - 5*sd, mean + 5*sd
}

// expectation is what a kind of trace must get: all kept, none kept, or
// kept at share (checked against binomialBound).
type expectation struct {
	name  string
	count int
	all   bool
	none  bool
	share float64
}

func check(t *testing.T, want []expectation, kept []int) {
	t.Helper()
	for k, w := range want {
		switch {
		case w.all && kept[k] != w.count:
			t.Errorf("%s: kept %d of %d, want all", w.name, kept[k], w.count)
		case w.none && kept[k] != 0:
			t.Errorf("%s: kept %d of %d, want none", w.name, kept[k], w.count)
		case !w.all && !w.none:
			lo, hi := binomialBound(w.count, w.share)
			t.Logf("%s: kept %d of %d = %.4f%% (expected %g%%, 5-sigma bound [%.1f, %.1f])",
				w.name, kept[k], w.count, 100*float64(kept[k])/float64(w.count), 100*w.share, lo, hi)
			if float64(kept[k]) < lo || float64(kept[k]) > hi {
				t.Errorf("%s: kept %d, outside the 5-sigma bound [%.1f, %.1f] of Binomial(%d, %g)",
					w.name, kept[k], lo, hi, w.count, w.share)
			}
		}
	}
}

func counts(want []expectation) []int {
	out := make([]int, len(want))
	for i, w := range want {
		out[i] = w.count
	}
	return out
}

// Kinds of request for the default rule table.
const (
	normal       = iota // subject to the baseline only
	atThreshold         // exactly SlowThreshold long: not "over" it, so baseline only
	failed              // a span with status ERROR
	slow                // longer than SlowThreshold
	checkoutPost        // rule checkout-api POST: 100%
	healthOK            // rule health-check GET: 0%
	healthFailed        // health-check GET with an error: errors win
	healthSlow          // health-check GET over the threshold: slow wins
	defaultKinds
)

// defaultTableRequest builds a request of kind k for the default table.
func defaultTableRequest(k int, rng *rand.Rand) request {
	threshold := sampling.DefaultSlowThreshold
	r := request{service: "catalog", method: "GET", path: "/items", dur: 40 * time.Millisecond}
	switch k {
	case normal:
		// A spread of services, including checkout-api GETs that call a
		// downstream POST: the POST is a CLIENT span, so the checkout rule
		// (about requests served) must not keep them.
		switch rng.IntN(3) {
		case 1:
			r.service = "checkout-api"
		case 2:
			r.service, r.method, r.path = "search", "POST", "/query"
		}
	case atThreshold:
		r.dur = threshold
	case failed:
		r.failed = true
	case slow:
		r.dur = threshold + time.Millisecond + time.Duration(rng.Int64N(int64(4*time.Second)))
	case checkoutPost:
		r.service, r.method, r.path = "checkout-api", "POST", "/orders"
	case healthOK:
		r.service, r.path, r.dur = "health-check", "/ping", 5*time.Millisecond
	case healthFailed:
		r.service, r.path, r.failed = "health-check", "/ping", true
	case healthSlow:
		r.service, r.path, r.dur = "health-check", "/ping", threshold+500*time.Millisecond
	}
	return r
}

func TestTailSamplingKeepsErrorsSlowAndRulesAndABaselineShareOfTheRest(t *testing.T) {
	expect := func(nNormal, nAt, nMust, nHealth int, baseline float64) []expectation {
		return []expectation{
			normal:       {name: "normal", count: nNormal, share: baseline},
			atThreshold:  {name: "at-threshold", count: nAt, share: baseline},
			failed:       {name: "failed", count: nMust, all: true},
			slow:         {name: "slow", count: nMust, all: true},
			checkoutPost: {name: "checkout-POST", count: nMust, all: true},
			healthOK:     {name: "health-ok (rule rate 0 beats the baseline)", count: nHealth, none: true},
			healthFailed: {name: "health-failed", count: nMust / 5, all: true},
			healthSlow:   {name: "health-slow", count: nMust / 5, all: true},
		}
	}
	cases := []struct {
		name  string
		props sampling.Props
		want  []expectation
	}{
		// The default baseline is the catch-all rule's 5% (the collector
		// replaces that rule with the baseline).
		{"default: the catch-all rule's 5%", sampling.Props{}, expect(20_000, 1_000, 500, 2_000, 0.05)},
		// The seed's 0.1%, set explicitly: 400,000 normal traces give about
		// 400 kept, for a 5-sigma bound of [300, 500] (+-25%).
		{"explicit 0.1% baseline", sampling.Props{TailSampling: sampling.TailSamplingProps{BaselinePercent: 0.1}}, expect(400_000, 2_000, 1_000, 5_000, 0.001)},
		// A 10% baseline checks the share much more tightly (about +-10%)
		// with fewer traces, and makes "none kept" for health-ok telling.
		{"10% baseline", sampling.Props{TailSampling: sampling.TailSamplingProps{BaselinePercent: 10}}, expect(20_000, 1_000, 500, 2_000, 0.10)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := loadTailSampling(t, generate(t, tc.props))
			rng := rand.New(rand.NewPCG(2026, 3))
			kept := keptPerKind(t, cfg, rng, plan(rng, counts(tc.want)), defaultKinds, defaultTableRequest)
			check(t, tc.want, kept)
		})
	}
}

// Kinds of request for TestTranslatedRulesKeepFirstMatchSemantics.
const (
	adminWithTenant = iota // api /admin/*: rule 1 (keep) wins over rule 2 (drop)
	tenantAPI              // api-v2 with a tenant: rule 2 drops
	internalHost           // *.internal.example.com: rule 3 keeps 50%
	public                 // no rule: the 10% baseline
	globKinds
)

func globTableRequest(k int, _ *rand.Rand) request {
	r := request{service: "billing", method: "GET", path: "/items", host: "shop.example.com", dur: 40 * time.Millisecond}
	switch k {
	case adminWithTenant:
		r.service, r.path, r.attrs = "api", "/admin/users", map[string]string{"tenant": "t1"}
	case tenantAPI:
		r.service, r.attrs = "api-v2", map[string]string{"tenant": "t2"}
	case internalHost:
		r.host = "ledger.internal.example.com"
	}
	return r
}

// TestTranslatedRulesKeepFirstMatchSemantics runs globs, a host, a
// must-be-present attribute and a partial rate through the real processor,
// including a keep rule that must win over a later drop rule, as X-Ray's
// first match would.
func TestTranslatedRulesKeepFirstMatchSemantics(t *testing.T) {
	props := sampling.Props{
		Rules: []sampling.Rule{
			{ServiceName: "api", URLPath: "/admin/*", Priority: 1, FixedRate: 1},
			{ServiceName: "api*", Attributes: map[string]string{"tenant": "*"}, Priority: 2, FixedRate: 0},
			{Host: "*.internal.example.com", Priority: 3, FixedRate: 0.5},
			{Priority: 9999, FixedRate: 0.05, ReservoirSize: 1},
		},
		TailSampling: sampling.TailSamplingProps{BaselinePercent: 10},
	}
	want := []expectation{
		adminWithTenant: {name: "api /admin with tenant", count: 1_000, all: true},
		tenantAPI:       {name: "api-v2 with tenant", count: 2_000, none: true},
		internalHost:    {name: "internal host", count: 4_000, share: 0.5},
		public:          {name: "public", count: 4_000, share: 0.1},
	}
	cfg := loadTailSampling(t, generate(t, props))
	rng := rand.New(rand.NewPCG(7, 11))
	check(t, want, keptPerKind(t, cfg, rng, plan(rng, counts(want)), globKinds, globTableRequest))
}
