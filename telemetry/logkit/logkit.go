// Package logkit is a log/slog Handler for services at scale, exported for
// application teams as well as used by our own Lambdas. It does what the
// seed's logging advice asks for, without its snippets' bugs:
//
//   - JSON lines through slog's own JSON encoder;
//   - the level comes from LOG_LEVEL (LevelFromEnv), and a bad value is an
//     error naming the variable, not a silent default (Mistake 1);
//   - records below WARN are sampled at a configurable rate; WARN and ERROR
//     are always kept (the seed's SampledLogger sampled everything logged
//     through info, whatever its level);
//   - one request can be raised to DEBUG by a debug token checked in
//     constant time against a configured secret, and only records logged
//     with that request's context are raised (the seed flipped the global
//     logger level on a plain header and never reset it);
//   - records are written by a background goroutine through a bounded
//     queue: logging never blocks the caller, records that do not fit are
//     counted, and Flush/Close drain what was accepted (Mistake 5).
package logkit

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// LevelEnv is the environment variable LevelFromEnv reads.
const LevelEnv = "LOG_LEVEL"

// ParseLevel parses DEBUG, INFO, WARN, WARNING or ERROR, case-insensitively.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "DEBUG":
		return slog.LevelDebug, nil
	case "INFO":
		return slog.LevelInfo, nil
	case "WARN", "WARNING":
		return slog.LevelWarn, nil
	case "ERROR":
		return slog.LevelError, nil
	}
	return slog.LevelInfo, fmt.Errorf("log level %q: allowed (case-insensitive) DEBUG, INFO, WARN, WARNING, ERROR", s)
}

// LevelFromEnv returns the level named by LOG_LEVEL, or INFO when it is
// unset or empty. On a bad value it returns INFO and an error naming the
// variable, the value and the allowed set, so the caller can log it.
func LevelFromEnv() (slog.Level, error) {
	v, ok := os.LookupEnv(LevelEnv)
	if !ok || strings.TrimSpace(v) == "" {
		return slog.LevelInfo, nil
	}
	lvl, err := ParseLevel(v)
	if err != nil {
		return slog.LevelInfo, fmt.Errorf("%s=%q is not a log level; allowed (case-insensitive) DEBUG, INFO, WARN, WARNING, ERROR; using INFO", LevelEnv, v)
	}
	return lvl, nil
}

// Options configures a Handler. Zero values mean the documented defaults.
type Options struct {
	// Level is the minimum level written. Default INFO; see LevelFromEnv.
	Level slog.Leveler
	// SampleRate is the share, from 0 (exclusive) to 1, of records below
	// WARN that are kept. Default 1 (keep all). To drop every INFO record,
	// raise Level to WARN instead.
	SampleRate float64
	// Rand returns uniform numbers in [0, 1) for sampling decisions and must
	// be safe for concurrent use. Default math/rand/v2.Float64. Tests inject
	// a seeded generator.
	Rand func() float64
	// DebugSecret is the token that raises a request to DEBUG (see
	// WithDebugToken). At least 16 bytes. Default empty: no request is raised.
	DebugSecret string
	// QueueSize bounds the records waiting for the writer. Default 10,000.
	QueueSize int
	// FlushInterval is the longest a record waits before the writer wakes
	// up for it. Default 100ms. A batch of 64 KiB wakes it sooner; Flush
	// and Close write at once.
	FlushInterval time.Duration
	// AddSource and ReplaceAttr are passed to slog's JSON encoder.
	AddSource   bool
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr
}

// Defaults for Options.
const (
	DefaultQueueSize     = 10_000
	DefaultFlushInterval = 100 * time.Millisecond
	// batchBytes of pending lines wake the writer before FlushInterval.
	batchBytes = 64 << 10
	// MinDebugSecretLength keeps debug secrets out of guessing range.
	MinDebugSecretLength = 16
)

// Stats counts what happened to records handed to the Handler.
type Stats struct {
	// Written records reached the writer without error.
	Written uint64
	// Dropped records found the queue full and were discarded.
	Dropped uint64
	// SampledOut records below WARN were discarded by sampling.
	SampledOut uint64
	// WriteErrors counts records whose Write to the underlying writer failed.
	WriteErrors uint64
}

// Handler is a slog.Handler that samples, raises debug requests, and writes
// asynchronously. Handlers derived with WithAttrs and WithGroup share the
// queue, the counters and the writer.
type Handler struct {
	c     *core
	inner slog.Handler // slog's JSON handler, writing into the queue
}

type core struct {
	w      io.Writer
	level  slog.Leveler
	rate   float64
	rand   func() float64
	secret [sha256.Size]byte
	hasKey bool

	// The queue is a buffer of whole JSON lines: callers append under mu;
	// the writer swaps the buffer out every FlushInterval, or when a batch
	// has filled up, and writes it with one Write. A caller's cost is a copy;
	// it wakes the writer only once per full batch, not once per record.
	mu       sync.Mutex
	pending  []byte
	pendingN int // records in pending
	waiters  []chan struct{}
	inflight bool // the writer is writing a batch
	closed   bool
	limit    int // QueueSize

	wake chan struct{} // capacity 1: a pending nudge
	done chan struct{} // closed when the writer goroutine has exited

	writeMu sync.Mutex // serialises writes to w
	notice  slog.Handler

	written, dropped, sampledOut, writeErrors atomic.Uint64
	unreported                                uint64 // under mu: drops since the last batch was taken
}

// New returns a Handler writing JSON lines to w and starts its writer
// goroutine. Records are written in batches of whole lines, one Write per
// batch. Call Close on shutdown (or Flush at the end of each Lambda
// invocation) so queued records are written.
func New(w io.Writer, opts Options) (*Handler, error) {
	if w == nil {
		return nil, errors.New("logkit: writer is nil")
	}
	if math.IsNaN(opts.SampleRate) || opts.SampleRate < 0 || opts.SampleRate > 1 {
		return nil, fmt.Errorf("logkit: Options.SampleRate %v: allowed 0 (meaning 1) to 1", opts.SampleRate)
	}
	if opts.QueueSize < 0 {
		return nil, fmt.Errorf("logkit: Options.QueueSize %d: must be positive (0 means %d)", opts.QueueSize, DefaultQueueSize)
	}
	if opts.FlushInterval < 0 {
		return nil, fmt.Errorf("logkit: Options.FlushInterval %v: must be positive (0 means %v)", opts.FlushInterval, DefaultFlushInterval)
	}
	if opts.DebugSecret != "" && len(opts.DebugSecret) < MinDebugSecretLength {
		return nil, fmt.Errorf("logkit: Options.DebugSecret: length %d, at least %d bytes", len(opts.DebugSecret), MinDebugSecretLength)
	}
	c := &core{
		w:     w,
		level: opts.Level,
		rate:  opts.SampleRate,
		rand:  opts.Rand,
		limit: opts.QueueSize,
		wake:  make(chan struct{}, 1),
		done:  make(chan struct{}),
	}
	if c.level == nil {
		c.level = slog.LevelInfo
	}
	if c.rate == 0 {
		c.rate = 1
	}
	if c.rand == nil {
		c.rand = rand.Float64
	}
	if c.limit == 0 {
		c.limit = DefaultQueueSize
	}
	interval := opts.FlushInterval
	if interval == 0 {
		interval = DefaultFlushInterval
	}
	if opts.DebugSecret != "" {
		c.secret, c.hasKey = sha256.Sum256([]byte(opts.DebugSecret)), true
	}
	jsonOpts := &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: opts.AddSource, ReplaceAttr: opts.ReplaceAttr}
	c.notice = slog.NewJSONHandler(lockedWriter{c}, jsonOpts)
	go c.run(interval)
	return &Handler{c: c, inner: slog.NewJSONHandler(queueWriter{c}, jsonOpts)}, nil
}

type debugTokenKey struct{}

// WithDebugToken returns a context carrying the debug token a request
// presented (for example from a header). Records logged with this context
// are written at every level and never sampled, but only if the token
// equals the Handler's DebugSecret. The token is hashed here and compared in
// constant time, so neither its content nor its length leaks through timing.
func WithDebugToken(ctx context.Context, presented string) context.Context {
	if presented == "" {
		return ctx
	}
	sum := sha256.Sum256([]byte(presented))
	return context.WithValue(ctx, debugTokenKey{}, &sum)
}

func (c *core) debugRaised(ctx context.Context) bool {
	if !c.hasKey || ctx == nil {
		return false
	}
	sum, _ := ctx.Value(debugTokenKey{}).(*[sha256.Size]byte)
	return sum != nil && subtle.ConstantTimeCompare(sum[:], c.secret[:]) == 1
}

// Enabled reports whether a record at level would be written: at or above
// the configured level, or any level for a context with a valid debug token.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.c.level.Level() || h.c.debugRaised(ctx)
}

// Handle samples records below WARN, formats the rest as JSON on the
// caller's goroutine (so values are captured as they are now) and queues
// them without blocking. It returns nil even when the record is dropped;
// see Stats.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	c := h.c
	if r.Level < slog.LevelWarn && !c.debugRaised(ctx) {
		if r.Level < c.level.Level() {
			return nil
		}
		if c.rate < 1 && c.rand() >= c.rate {
			c.sampledOut.Add(1)
			return nil
		}
	}
	return h.inner.Handle(ctx, r)
}

// WithAttrs returns a Handler whose records carry attrs.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{c: h.c, inner: h.inner.WithAttrs(attrs)}
}

// WithGroup returns a Handler that nests later attributes under name.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{c: h.c, inner: h.inner.WithGroup(name)}
}

// Stats returns the record counters.
func (h *Handler) Stats() Stats {
	c := h.c
	return Stats{Written: c.written.Load(), Dropped: c.dropped.Load(), SampledOut: c.sampledOut.Load(), WriteErrors: c.writeErrors.Load()}
}

// Dropped returns how many records were discarded because the queue was
// full.
func (h *Handler) Dropped() uint64 { return h.c.dropped.Load() }

// Flush waits until every record accepted before the call is written, or
// ctx ends.
func (h *Handler) Flush(ctx context.Context) error {
	c := h.c
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return c.wait(ctx, "flush") // Close drains the queue
	}
	if c.pendingN == 0 && !c.inflight {
		c.mu.Unlock()
		return nil
	}
	done := make(chan struct{})
	c.waiters = append(c.waiters, done)
	c.mu.Unlock()
	c.nudge()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("logkit: flush: %w", ctx.Err())
	}
}

// Close writes every accepted record and stops the writer goroutine, or
// returns when ctx ends (call it again to keep waiting). Records logged
// after Close are written synchronously, so late shutdown messages are not
// lost.
func (h *Handler) Close(ctx context.Context) error {
	c := h.c
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.nudge()
	return c.wait(ctx, "close")
}

func (c *core) wait(ctx context.Context, op string) error {
	select {
	case <-c.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("logkit: %s: %w", op, ctx.Err())
	}
}

func (c *core) nudge() {
	select {
	case c.wake <- struct{}{}:
	default: // a nudge is already pending
	}
}

// run is the writer goroutine: it takes the whole pending buffer, writes
// it, and repeats until nothing is pending, then sleeps until the next tick
// or nudge.
func (c *core) run(interval time.Duration) {
	defer close(c.done)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var spare []byte
	for {
		select {
		case <-c.wake:
		case <-tick.C:
		}
		for {
			c.mu.Lock()
			batch, n, waiters, closed, drops := c.pending, c.pendingN, c.waiters, c.closed, c.unreported
			c.pending, c.pendingN, c.waiters, c.unreported = spare[:0], 0, nil, 0
			c.inflight = n > 0
			c.mu.Unlock()
			if n > 0 {
				if err := c.writeLine(batch); err != nil {
					c.writeErrors.Add(uint64(n))
				} else {
					c.written.Add(uint64(n))
				}
			}
			c.reportDrops(drops)
			c.mu.Lock()
			c.inflight = false
			c.mu.Unlock()
			for _, w := range waiters {
				close(w)
			}
			if cap(batch) <= 4<<20 { // do not keep a burst's buffer for ever
				spare = batch
			}
			if closed {
				// closed was set before this take, so no caller appends after it.
				return
			}
			if n == 0 {
				break
			}
		}
	}
}

func (c *core) writeLine(b []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_, err := c.w.Write(b)
	return err
}

// reportDrops writes one WARN line counting n records dropped after the
// batch just written, so drops are visible in the log where they happened.
func (c *core) reportDrops(n uint64) {
	if n == 0 {
		return
	}
	r := slog.NewRecord(time.Now(), slog.LevelWarn, "logkit: log queue was full; records dropped", 0)
	r.AddAttrs(slog.Uint64("dropped", n), slog.Uint64("dropped_total", c.dropped.Load()))
	_ = c.notice.Handle(context.Background(), r)
}

// queueWriter receives each formatted record from slog's JSON handler (one
// Write per record) and appends it to the pending buffer.
type queueWriter struct{ c *core }

func (q queueWriter) Write(p []byte) (int, error) {
	c := q.c
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		// Wait for the final batch so lines stay in order, then write here.
		<-c.done
		if err := c.writeLine(p); err != nil {
			c.writeErrors.Add(1)
		} else {
			c.written.Add(1)
		}
		return len(p), nil
	}
	if c.pendingN >= c.limit {
		c.unreported++
		c.mu.Unlock()
		c.dropped.Add(1)
		return len(p), nil
	}
	// Wake the writer once per batch: when the bytes cross batchBytes or the
	// queue is half full, whichever comes first.
	full := len(c.pending) < batchBytes && len(c.pending)+len(p) >= batchBytes
	c.pending = append(c.pending, p...)
	c.pendingN++
	full = full || c.pendingN == (c.limit+1)/2
	c.mu.Unlock()
	if full {
		c.nudge()
	}
	return len(p), nil
}

// lockedWriter writes straight to w, for the drop notices.
type lockedWriter struct{ c *core }

func (l lockedWriter) Write(p []byte) (int, error) {
	if err := l.c.writeLine(p); err != nil {
		return 0, err
	}
	return len(p), nil
}
