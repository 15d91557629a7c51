// Package observe gives our Lambdas their own observability, built from the
// telemetry kit we ship to application teams:
//
//   - a telemetry/logkit logger at LOG_LEVEL, flushed before every
//     invocation returns (Lambda may freeze the process right after);
//   - a telemetry/sampler head sampler that decides which invocations get a
//     detailed trace record: every failed and every slow invocation, a
//     baseline share of the rest, and more while failures are frequent.
//
// X-Ray's own segment for the function follows the account's X-Ray sampling
// rules (constructs/sampling); the trace record is ours: the invocation's
// steps and their durations, with the X-Ray trace id to find the segment.
package observe

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/o11yscale/o11yscale/telemetry/logkit"
	"github.com/o11yscale/o11yscale/telemetry/sampler"
)

// Kit is one function's logger and head sampler.
type Kit struct {
	// Log writes JSON records through logkit's bounded queue.
	Log      *slog.Logger
	flush    func(context.Context) error
	sampler  *sampler.Sampler
	function string
	now      func() time.Time
}

// Options tune a Kit; the zero value is what our Lambdas use.
type Options struct {
	// Sampler overrides the head sampler's settings (defaults: errors and
	// invocations over 1s always, 0.1% of the rest, 10% while more than 1%
	// of the last minute's invocations failed).
	Sampler sampler.Config
	// Now replaces the clock, for tests.
	Now func() time.Time
}

// New builds the kit for function, writing to w (os.Stdout in Lambda).
// A bad LOG_LEVEL is reported in the log and INFO is used.
func New(function string, w io.Writer, opts Options) (*Kit, error) {
	level, levelErr := logkit.LevelFromEnv()
	h, err := logkit.New(w, logkit.Options{Level: level})
	if err != nil {
		return nil, err
	}
	s, err := sampler.New(opts.Sampler)
	if err != nil {
		return nil, err
	}
	k := &Kit{Log: slog.New(h).With("function", function), flush: h.Flush, sampler: s, function: function, now: opts.Now}
	if k.now == nil {
		k.now = time.Now
	}
	if levelErr != nil {
		k.Log.Warn("bad LOG_LEVEL, using INFO", "error", levelErr.Error())
	}
	return k, nil
}

// Flush writes every queued log record.
func (k *Kit) Flush(ctx context.Context) error { return k.flush(ctx) }

type spansKey struct{}

type spans struct {
	mu    sync.Mutex
	steps []slog.Attr
}

// Span times one step of the invocation for its trace record:
// `defer observe.Span(ctx, "put-records")()`. Outside Wrap it does nothing.
func Span(ctx context.Context, name string) func() {
	s, ok := ctx.Value(spansKey{}).(*spans)
	if !ok {
		return func() {}
	}
	start := time.Now()
	return func() {
		d := time.Since(start)
		s.mu.Lock()
		s.steps = append(s.steps, slog.Float64(name+"Ms", float64(d.Microseconds())/1000))
		s.mu.Unlock()
	}
}

// Wrap returns h with the trace-record decision and a log flush around
// every invocation.
func (k *Kit) Wrap(h lambda.Handler) lambda.Handler { return &wrapped{k: k, h: h} }

type wrapped struct {
	k *Kit
	h lambda.Handler
}

func (w *wrapped) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	sp := &spans{}
	start := w.k.now()
	out, err := w.h.Invoke(context.WithValue(ctx, spansKey{}, sp), payload)
	end := w.k.now()
	w.k.Trace(ctx, start, end, err, sp)
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	_ = w.k.flush(fctx)
	return out, err
}

// Trace records one invocation with the sampler and, when it is sampled,
// writes its trace record.
func (k *Kit) Trace(ctx context.Context, start, end time.Time, err error, sp *spans) {
	elapsed := end.Sub(start)
	reason := k.sampler.DecideAt(end, err != nil, elapsed)
	if !reason.Sampled() {
		return
	}
	attrs := []any{
		"durationMs", float64(elapsed.Microseconds()) / 1000,
		"sampledBecause", reason.String(),
		"outcome", outcome(err),
		"xrayTraceId", os.Getenv("_X_AMZN_TRACE_ID"),
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		attrs = append(attrs, "requestId", lc.AwsRequestID)
	}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	if sp != nil {
		sp.mu.Lock()
		steps := append([]slog.Attr(nil), sp.steps...)
		sp.mu.Unlock()
		if len(steps) > 0 {
			group := make([]any, len(steps))
			for i, s := range steps {
				group[i] = s
			}
			attrs = append(attrs, slog.Group("steps", group...))
		}
	}
	// WARN so a sampled trace is never itself sampled away by logkit.
	k.Log.WarnContext(ctx, "invocation trace", attrs...)
}

func outcome(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}
