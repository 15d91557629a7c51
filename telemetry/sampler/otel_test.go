package sampler

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// clock is a settable fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// pipeline is a tracer provider with the sampler and processor, exporting
// into memory.
func pipeline(t *testing.T, cfg Config, opts OTelOptions) (*Sampler, *SpanProcessor, *tracetest.InMemoryExporter, trace.Tracer) {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	exp := tracetest.NewInMemoryExporter()
	proc := NewSpanProcessor(s, sdktrace.NewSimpleSpanProcessor(exp), 0)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(s.OTel(opts)), sdktrace.WithSpanProcessor(proc))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return s, proc, exp, tp.Tracer("test")
}

func never() float64  { return 0.999999 }
func always() float64 { return 0 }

// request runs one local root span with a child; the child fails if
// failChild, the request takes dur on the fake clock.
func request(tr trace.Tracer, c *clock, dur time.Duration, failRoot, failChild bool) trace.SpanContext {
	ctx, root := tr.Start(context.Background(), "GET /items", trace.WithTimestamp(c.Now()))
	_, child := tr.Start(ctx, "SELECT items", trace.WithTimestamp(c.Now()))
	if failChild {
		child.SetStatus(codes.Error, "timeout")
	}
	child.End(trace.WithTimestamp(c.Now().Add(dur / 2)))
	if failRoot {
		root.SetStatus(codes.Error, "500")
	}
	c.Add(dur)
	root.End(trace.WithTimestamp(c.Now()))
	return root.SpanContext()
}

func reasons(spans tracetest.SpanStubs) map[string]string {
	out := map[string]string{}
	for _, s := range spans {
		for _, a := range s.Attributes {
			if a.Key == ReasonAttribute {
				out[s.Name] = a.Value.AsString()
			}
		}
	}
	return out
}

func TestOTelKeepsErrorAndSlowTracesWholeAndDropsNormalOnes(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	_, proc, exp, tr := pipeline(t, Config{Now: c.Now, Rand: never}, OTelOptions{})

	request(tr, c, 10*time.Millisecond, false, false)
	if n := len(exp.GetSpans()); n != 0 {
		t.Fatalf("a normal request not picked by the rate exported %d spans", n)
	}
	request(tr, c, 10*time.Millisecond, false, true) // a failed child fails the trace
	got := exp.GetSpans()
	if len(got) != 2 || !got[0].SpanContext.IsSampled() || !got[1].SpanContext.IsSampled() {
		t.Fatalf("error trace: exported %d spans %+v, want root and child, sampled", len(got), got)
	}
	if r := reasons(got); r["GET /items"] != "Error" || r["SELECT items"] != "Error" {
		t.Errorf("reasons = %v, want Error on both", r)
	}
	exp.Reset()
	request(tr, c, 1500*time.Millisecond, false, false) // over the 1s default
	if r := reasons(exp.GetSpans()); len(exp.GetSpans()) != 2 || r["GET /items"] != "Slow" {
		t.Errorf("slow trace: %d spans, reasons %v", len(exp.GetSpans()), r)
	}
	st := proc.Stats()
	if st.Kept != 4 || st.Dropped != 2 || st.Pending != 0 || st.Overflowed != 0 {
		t.Errorf("stats = %+v, want 4 kept, 2 dropped", st)
	}
}

func TestOTelSamplesAtTheRateAndChildrenFollowTheParent(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	_, _, exp, tr := pipeline(t, Config{Now: c.Now, Rand: always}, OTelOptions{})
	sc := request(tr, c, time.Millisecond, false, false)
	got := exp.GetSpans()
	if !sc.IsSampled() || len(got) != 2 {
		t.Fatalf("a request the rate picks: sampled %v, %d spans", sc.IsSampled(), len(got))
	}
	if r := reasons(got); r["GET /items"] != "Baseline" {
		t.Errorf("root reason = %v, want Baseline", r)
	}
	if _, ok := reasons(got)["SELECT items"]; ok {
		t.Error("a child follows its parent and needs no reason of its own")
	}
}

func TestOTelBoostsWhileTheWindowedErrorRateIsHigh(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	// 0.05 falls between BaseRate 0.001 and BoostedRate 0.1.
	s, _, exp, tr := pipeline(t, Config{Now: c.Now, Rand: func() float64 { return 0.05 }, MinRequests: 10}, OTelOptions{})
	for i := range 20 {
		request(tr, c, time.Millisecond, i%2 == 0, false) // 50% errors, observed at the root's end
	}
	c.Add(time.Second) // the bucket completes
	exp.Reset()
	if rate, n := s.ErrorRate(); n != 20 || rate != 0.5 {
		t.Fatalf("window: rate %g of %d requests, want 0.5 of 20 (each request counted once)", rate, n)
	}
	request(tr, c, time.Millisecond, false, false)
	if r := reasons(exp.GetSpans()); r["GET /items"] != "Boosted" {
		t.Errorf("reasons = %v, want Boosted", r)
	}
}

func TestOTelRemoteParentDecidesAndDropUnsampledDrops(t *testing.T) {
	s, err := New(Config{Rand: always})
	if err != nil {
		t.Fatal(err)
	}
	o := s.OTel(OTelOptions{DropUnsampled: true})
	parent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}, Remote: true})
	p := sdktrace.SamplingParameters{ParentContext: trace.ContextWithRemoteSpanContext(context.Background(), parent), TraceID: trace.TraceID{1}}
	if d := o.ShouldSample(p).Decision; d != sdktrace.Drop {
		t.Errorf("unsampled remote parent with DropUnsampled: %v, want Drop", d)
	}
	p.ParentContext = trace.ContextWithRemoteSpanContext(context.Background(), parent.WithTraceFlags(trace.FlagsSampled))
	if d := o.ShouldSample(p).Decision; d != sdktrace.RecordAndSample {
		t.Errorf("sampled remote parent: %v, want RecordAndSample", d)
	}
}

func TestOTelHeadSamplerDecidesNewTracesAndErrorsAreStillKept(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	// A stand-in for the X-Ray remote sampler that samples nothing.
	_, _, exp, tr := pipeline(t, Config{Now: c.Now, Rand: always}, OTelOptions{Head: sdktrace.NeverSample()})
	request(tr, c, time.Millisecond, false, false)
	if n := len(exp.GetSpans()); n != 0 {
		t.Fatalf("head says no: %d spans exported, want 0 (the Sampler's own rate is not used)", n)
	}
	request(tr, c, time.Millisecond, true, false)
	if r := reasons(exp.GetSpans()); r["GET /items"] != "Error" {
		t.Errorf("an error under a head sampler that says no: reasons %v", r)
	}
	_, _, exp, tr = pipeline(t, Config{Now: c.Now, Rand: never}, OTelOptions{Head: sdktrace.AlwaysSample()})
	request(tr, c, time.Millisecond, false, false)
	if r := reasons(exp.GetSpans()); r["GET /items"] != "Head" {
		t.Errorf("head says yes: reasons %v", r)
	}
}

func TestSpanProcessorBoundsWhatItHolds(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	s, err := New(Config{Now: c.Now, Rand: never})
	if err != nil {
		t.Fatal(err)
	}
	exp := tracetest.NewInMemoryExporter()
	proc := NewSpanProcessor(s, sdktrace.NewSimpleSpanProcessor(exp), 3)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(s.OTel(OTelOptions{})), sdktrace.WithSpanProcessor(proc))
	tr := tp.Tracer("test")
	ctx, root := tr.Start(context.Background(), "root")
	for range 5 {
		_, ch := tr.Start(ctx, "child")
		ch.End()
	}
	if st := proc.Stats(); st.Pending != 3 || st.Overflowed != 2 {
		t.Errorf("stats = %+v, want 3 held and 2 overflowed", st)
	}
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	root.End()
	if st := proc.Stats(); st.Pending != 0 || st.Dropped != 3 {
		t.Errorf("after shutdown: %+v, want the 3 held spans counted as dropped", st)
	}
}

func TestOTelDescription(t *testing.T) {
	s, _ := New(Config{})
	if d := s.OTel(OTelOptions{Head: sdktrace.AlwaysSample()}).Description(); d != "o11yscale.AdaptiveSampler{errors,slow,baseline,boost}{head=AlwaysOnSampler}" {
		t.Errorf("Description() = %s", d)
	}
}
