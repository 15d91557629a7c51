package sampler

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// ReasonAttribute is the span attribute that says why a span was kept:
// the Reason's name (Baseline, Boosted, Error, Slow, Parent, Head).
const ReasonAttribute = "o11yscale.sampling.reason"

// OTelOptions configures OTel.
type OTelOptions struct {
	// Head, when set, makes the head decision for new traces instead of
	// the Sampler's rate: typically the X-Ray remote sampler, which reads
	// the account's X-Ray sampling rules (the head-sampling control plane
	// that constructs/sampling defines). A trace it does not sample is
	// still recorded, so errors and slow requests are kept (see
	// SpanProcessor). Default: nil (the Sampler's baseline and boost).
	Head sdktrace.Sampler
	// DropUnsampled returns Drop instead of RecordOnly for traces the head
	// decision does not sample: cheaper, but then SpanProcessor cannot keep
	// their errors and slow requests. Default: false.
	DropUnsampled bool
}

// OTelSampler is a Sampler as the OpenTelemetry Go SDK's sdktrace.Sampler.
// At span start the outcome is unknown, so it samples new traces at the
// Sampler's rate (boosted while the error rate is high) and records the
// others without sampling them; a SpanProcessor from NewSpanProcessor then
// keeps the traces that fail or are slow and feeds every request's outcome
// back into the error-rate window. A child follows its parent's decision,
// so a trace is kept or dropped whole across services.
type OTelSampler struct {
	s    *Sampler
	opts OTelOptions
	now  func() time.Time
}

var _ sdktrace.Sampler = (*OTelSampler)(nil)

// OTel returns s as an sdktrace.Sampler.
func (s *Sampler) OTel(opts OTelOptions) *OTelSampler {
	return &OTelSampler{s: s, opts: opts, now: s.cfg.Now}
}

var reasonAttrs = func() [len(reasonNames)][]attribute.KeyValue {
	var out [len(reasonNames)][]attribute.KeyValue
	for i, n := range reasonNames {
		out[i] = []attribute.KeyValue{attribute.String(ReasonAttribute, n)}
	}
	return out
}()

var headReason = attribute.String(ReasonAttribute, "Head")

// ShouldSample implements sdktrace.Sampler.
func (o *OTelSampler) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	psc := trace.SpanContextFromContext(p.ParentContext)
	if psc.IsValid() {
		if psc.IsSampled() {
			return sdktrace.SamplingResult{Decision: sdktrace.RecordAndSample, Tracestate: psc.TraceState()}
		}
		return o.unsampled(psc.TraceState())
	}
	if o.opts.Head != nil {
		r := o.opts.Head.ShouldSample(p)
		if r.Decision == sdktrace.RecordAndSample {
			// A copy: the head sampler may share its slice between calls.
			r.Attributes = append(append(make([]attribute.KeyValue, 0, len(r.Attributes)+1), r.Attributes...), headReason)
			return r
		}
		return o.unsampled(r.Tracestate)
	}
	if reason := o.s.Head(o.now()); reason.Sampled() {
		return sdktrace.SamplingResult{Decision: sdktrace.RecordAndSample, Attributes: reasonAttrs[reason]}
	}
	return o.unsampled(trace.TraceState{})
}

func (o *OTelSampler) unsampled(ts trace.TraceState) sdktrace.SamplingResult {
	if o.opts.DropUnsampled {
		return sdktrace.SamplingResult{Decision: sdktrace.Drop, Tracestate: ts}
	}
	return sdktrace.SamplingResult{Decision: sdktrace.RecordOnly, Tracestate: ts}
}

// Description implements sdktrace.Sampler.
func (o *OTelSampler) Description() string {
	d := "o11yscale.AdaptiveSampler{errors,slow,baseline,boost}"
	if o.opts.Head != nil {
		d += "{head=" + o.opts.Head.Description() + "}"
	}
	return d
}

// DefaultMaxBufferedSpans bounds the spans SpanProcessor holds for traces
// whose local root has not ended.
const DefaultMaxBufferedSpans = 4096

// SpanProcessor completes OTelSampler: it passes sampled spans to Next,
// records each local root span's outcome (status Error, duration over
// SlowThreshold) in the Sampler's window, and keeps recorded but unsampled
// traces that turn out to fail or be slow: their local root and the spans
// of the trace that ended before it go to Next, marked sampled, with
// ReasonAttribute Error or Slow. Spans of other processes are theirs to
// keep; the collector's tail sampling sees the whole trace.
type SpanProcessor struct {
	s    *Sampler
	next sdktrace.SpanProcessor
	max  int

	mu       sync.Mutex
	buffered map[trace.TraceID]*pending
	held     int

	kept, dropped, overflow atomic.Uint64
}

type pending struct {
	spans  []sdktrace.ReadOnlySpan
	failed bool
}

var _ sdktrace.SpanProcessor = (*SpanProcessor)(nil)

// NewSpanProcessor returns a SpanProcessor for s that forwards to next
// (usually sdktrace.NewBatchSpanProcessor of an OTLP exporter). maxBuffered
// bounds the unsampled spans held; 0 means DefaultMaxBufferedSpans.
func NewSpanProcessor(s *Sampler, next sdktrace.SpanProcessor, maxBuffered int) *SpanProcessor {
	if maxBuffered <= 0 {
		maxBuffered = DefaultMaxBufferedSpans
	}
	return &SpanProcessor{s: s, next: next, max: maxBuffered, buffered: map[trace.TraceID]*pending{}}
}

// OnStart implements sdktrace.SpanProcessor.
func (p *SpanProcessor) OnStart(ctx context.Context, s sdktrace.ReadWriteSpan) {
	p.next.OnStart(ctx, s)
}

// OnEnd implements sdktrace.SpanProcessor.
func (p *SpanProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	sc := s.SpanContext()
	localRoot := !s.Parent().IsValid() || s.Parent().IsRemote()
	failed := s.Status().Code == codes.Error
	if localRoot {
		p.s.Observe(s.EndTime(), failed)
	}
	if sc.IsSampled() {
		p.next.OnEnd(s)
		return
	}
	if !localRoot {
		p.hold(sc.TraceID(), s, failed)
		return
	}
	p.mu.Lock()
	pend := p.buffered[sc.TraceID()]
	delete(p.buffered, sc.TraceID())
	if pend != nil {
		p.held -= len(pend.spans)
	}
	p.mu.Unlock()
	reason := p.s.Tail(failed || (pend != nil && pend.failed), s.EndTime().Sub(s.StartTime()))
	if !reason.Sampled() {
		if pend != nil {
			p.dropped.Add(uint64(len(pend.spans)))
		}
		p.dropped.Add(1)
		return
	}
	if pend != nil {
		for _, c := range pend.spans {
			p.next.OnEnd(keptSpan{c, reason})
		}
		p.kept.Add(uint64(len(pend.spans)))
	}
	p.next.OnEnd(keptSpan{s, reason})
	p.kept.Add(1)
}

func (p *SpanProcessor) hold(id trace.TraceID, s sdktrace.ReadOnlySpan, failed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held >= p.max {
		p.overflow.Add(1)
		return
	}
	pend := p.buffered[id]
	if pend == nil {
		pend = &pending{}
		p.buffered[id] = pend
	}
	pend.spans = append(pend.spans, s)
	pend.failed = pend.failed || failed
	p.held++
}

// SpanStats counts what SpanProcessor did with unsampled spans.
type SpanStats struct {
	// Kept were forwarded because their trace failed or was slow.
	Kept uint64
	// Dropped belonged to traces that ended fine.
	Dropped uint64
	// Overflowed could not be held (MaxBufferedSpans reached) and were
	// lost; Pending are held now, waiting for their local root.
	Overflowed, Pending uint64
}

// Stats returns the counts so far.
func (p *SpanProcessor) Stats() SpanStats {
	p.mu.Lock()
	held := p.held
	p.mu.Unlock()
	return SpanStats{Kept: p.kept.Load(), Dropped: p.dropped.Load(), Overflowed: p.overflow.Load(), Pending: uint64(held)}
}

// Shutdown implements sdktrace.SpanProcessor. Spans still held (their
// local root never ended) are dropped and counted.
func (p *SpanProcessor) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	p.dropped.Add(uint64(p.held))
	p.buffered, p.held = map[trace.TraceID]*pending{}, 0
	p.mu.Unlock()
	return p.next.Shutdown(ctx)
}

// ForceFlush implements sdktrace.SpanProcessor.
func (p *SpanProcessor) ForceFlush(ctx context.Context) error { return p.next.ForceFlush(ctx) }

// keptSpan is an unsampled span the processor keeps: sampled, with the
// reason among its attributes.
type keptSpan struct {
	sdktrace.ReadOnlySpan
	reason Reason
}

func (k keptSpan) SpanContext() trace.SpanContext {
	sc := k.ReadOnlySpan.SpanContext()
	return sc.WithTraceFlags(sc.TraceFlags().WithSampled(true))
}

func (k keptSpan) Attributes() []attribute.KeyValue {
	return append(k.ReadOnlySpan.Attributes(), reasonAttrs[k.reason]...)
}
