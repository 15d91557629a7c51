package logkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

const secret = "s3cr3t-debug-token-0123456789"

// syncBuf is a goroutine-safe buffer for handler output.
type syncBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines decodes every JSON line written so far.
func (b *syncBuf) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for line := range strings.Lines(b.buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not a JSON line: %v: %q", err, line)
		}
		out = append(out, m)
	}
	return out
}

func newHandler(t *testing.T, w *syncBuf, opts Options) *Handler {
	t.Helper()
	h, err := New(w, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	return h
}

func flush(t *testing.T, h *Handler) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestLevelFromEnv(t *testing.T) {
	tests := []struct {
		value   string
		unset   bool
		want    slog.Level
		wantErr string
	}{
		{unset: true, want: slog.LevelInfo},
		{value: "", want: slog.LevelInfo},
		{value: "debug", want: slog.LevelDebug},
		{value: "Info", want: slog.LevelInfo},
		{value: "WARN", want: slog.LevelWarn},
		{value: "warning", want: slog.LevelWarn},
		{value: " ERROR ", want: slog.LevelError},
		{value: "verbose", want: slog.LevelInfo, wantErr: `LOG_LEVEL="verbose" is not a log level; allowed (case-insensitive) DEBUG, INFO, WARN, WARNING, ERROR; using INFO`},
		{value: "3", want: slog.LevelInfo, wantErr: `LOG_LEVEL="3"`},
	}
	for _, tt := range tests {
		name := tt.value
		if tt.unset {
			name = "unset"
		}
		t.Run(name, func(t *testing.T) {
			t.Setenv(LevelEnv, tt.value)
			if tt.unset {
				unsetenv(t, LevelEnv)
			}
			got, err := LevelFromEnv()
			if got != tt.want {
				t.Errorf("level = %v, want %v", got, tt.want)
			}
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestHandlerWritesJSONLinesWithAttrsAndGroups(t *testing.T) {
	var out syncBuf
	h := newHandler(t, &out, Options{})
	logger := slog.New(h).With("service", "checkout").WithGroup("req")
	logger.Info("request completed", "status", 200, "duration_ms", 12.5)
	flush(t, h)
	lines := out.lines(t)
	if len(lines) != 1 {
		t.Fatalf("got %d lines", len(lines))
	}
	l := lines[0]
	req, _ := l["req"].(map[string]any)
	if l["level"] != "INFO" || l["msg"] != "request completed" || l["service"] != "checkout" || req["status"] != 200.0 || req["duration_ms"] != 12.5 || l["time"] == nil {
		t.Fatalf("line %v", l)
	}
}

func TestHandlerDropsRecordsBelowTheLevel(t *testing.T) {
	var out syncBuf
	h := newHandler(t, &out, Options{Level: slog.LevelWarn})
	logger := slog.New(h)
	logger.Debug("d")
	logger.Info("i")
	logger.Warn("w")
	logger.Error("e")
	flush(t, h)
	var msgs []string
	for _, l := range out.lines(t) {
		msgs = append(msgs, l["msg"].(string))
	}
	if fmt.Sprint(msgs) != "[w e]" {
		t.Fatalf("written %v, want [w e]", msgs)
	}
	if h.Stats().SampledOut != 0 {
		t.Fatalf("level filtering counted as sampling: %+v", h.Stats())
	}
}

// scripted returns the given numbers in turn.
func scripted(vals ...float64) func() float64 {
	var mu sync.Mutex
	return func() float64 {
		mu.Lock()
		defer mu.Unlock()
		v := vals[0]
		vals = vals[1:]
		return v
	}
}

func TestSamplingKeepsARecordWhenTheDrawIsBelowTheRate(t *testing.T) {
	var out syncBuf
	h := newHandler(t, &out, Options{SampleRate: 0.5, Rand: scripted(0.1, 0.9, 0.49, 0.5)})
	logger := slog.New(h)
	for i := range 4 {
		logger.Info("r", "i", i)
	}
	flush(t, h)
	var kept []float64
	for _, l := range out.lines(t) {
		kept = append(kept, l["i"].(float64))
	}
	if fmt.Sprint(kept) != "[0 2]" {
		t.Fatalf("kept %v, want [0 2]", kept)
	}
	if s := h.Stats(); s.SampledOut != 2 || s.Written != 2 {
		t.Fatalf("stats %+v", s)
	}
}

// TestSamplingShares checks the kept share of records below WARN against
// the binomial bound: with n records and rate p, the kept count lies
// within n*p ± 5*sqrt(n*p*(1-p)) except with probability below 1e-6. The
// generator is seeded, so the run is also repeatable.
func TestSamplingShares(t *testing.T) {
	const n = 100_000
	for _, p := range []float64{0.5, 0.1, 0.01, 0.001} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(p*1e6)))
			var mu sync.Mutex
			h := newHandler(t, &syncBuf{}, Options{SampleRate: p, QueueSize: n + 1, Level: slog.LevelDebug,
				Rand: func() float64 { mu.Lock(); defer mu.Unlock(); return rng.Float64() }})
			logger := slog.New(h)
			for i := range n {
				if i%2 == 0 {
					logger.Info("i")
				} else {
					logger.Debug("d")
				}
			}
			flush(t, h)
			kept := float64(h.Stats().Written)
			mean, sd := n*p, math.Sqrt(n*p*(1-p))
			if math.Abs(kept-mean) > 5*sd {
				t.Fatalf("kept %v of %d at rate %v; want %v ± %.1f", kept, n, p, mean, 5*sd)
			}
			if got := h.Stats().SampledOut + h.Stats().Written; got != n {
				t.Fatalf("sampled out + written = %d, want %d", got, n)
			}
		})
	}
}

func TestSamplingNeverDropsWarnOrError(t *testing.T) {
	var out syncBuf
	h := newHandler(t, &out, Options{SampleRate: 0.001, Rand: func() float64 { return 0.99 }})
	logger := slog.New(h)
	for range 500 {
		logger.Warn("w")
		logger.Error("e")
		logger.Info("i")
	}
	flush(t, h)
	if got := len(out.lines(t)); got != 1000 {
		t.Fatalf("wrote %d lines, want all 1000 WARN and ERROR", got)
	}
	if h.Stats().SampledOut != 500 {
		t.Fatalf("SampledOut = %d, want the 500 INFO", h.Stats().SampledOut)
	}
}

func TestDebugTokenRaisesOnlyItsOwnRequest(t *testing.T) {
	tests := []struct {
		name      string
		secret    string
		presented string
		wantDebug bool
	}{
		{"right token", secret, secret, true},
		{"wrong token of the same length", secret, strings.Repeat("x", len(secret)), false},
		{"wrong length (prefix of the secret)", secret, secret[:len(secret)-1], false},
		{"longer than the secret", secret, secret + "x", false},
		{"empty token", secret, "", false},
		{"no secret configured", "", secret, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out syncBuf
			// Rate 0.001 and draws of 0.99: without a valid token, every INFO is sampled out.
			h := newHandler(t, &out, Options{DebugSecret: tt.secret, SampleRate: 0.001, Rand: func() float64 { return 0.99 }})
			logger := slog.New(h)
			raised := WithDebugToken(context.Background(), tt.presented)
			if got := h.Enabled(raised, slog.LevelDebug); got != tt.wantDebug {
				t.Fatalf("Enabled(DEBUG) = %v, want %v", got, tt.wantDebug)
			}
			logger.DebugContext(raised, "debug in raised request")
			logger.InfoContext(raised, "info in raised request")
			logger.DebugContext(context.Background(), "debug elsewhere")
			logger.InfoContext(context.Background(), "info elsewhere")
			flush(t, h)
			var msgs []string
			for _, l := range out.lines(t) {
				msgs = append(msgs, l["msg"].(string))
			}
			want := "[]"
			if tt.wantDebug {
				want = "[debug in raised request info in raised request]"
			}
			if fmt.Sprint(msgs) != want {
				t.Fatalf("written %v, want %s", msgs, want)
			}
		})
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"rate above 1", Options{SampleRate: 1.5}, "SampleRate 1.5"},
		{"negative rate", Options{SampleRate: -0.1}, "SampleRate -0.1"},
		{"NaN rate", Options{SampleRate: math.NaN()}, "SampleRate NaN"},
		{"negative queue", Options{QueueSize: -1}, "QueueSize -1"},
		{"short secret", Options{DebugSecret: "short"}, "DebugSecret: length 5, at least 16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(&syncBuf{}, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// gateWriter blocks every Write until released, and says when a Write has
// started.
type gateWriter struct {
	syncBuf
	entered chan struct{}
	release chan struct{}
}

func (g *gateWriter) Write(p []byte) (int, error) {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	<-g.release
	return g.syncBuf.Write(p)
}

func TestQueueOverflowIsCountedAndNeverBlocksTheCaller(t *testing.T) {
	w := &gateWriter{entered: make(chan struct{}, 1), release: make(chan struct{})}
	h, err := New(w, Options{QueueSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(h)
	logger.Info("first") // taken by the writer, which then blocks in Write
	<-w.entered
	for i := range 5 { // the queue holds 2; 3 must be dropped, without blocking here
		logger.Info("queued", "i", i)
	}
	if got := h.Dropped(); got != 3 {
		t.Fatalf("Dropped = %d, want 3", got)
	}
	close(w.release)
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	lines := w.lines(t)
	var msgs []string
	for _, l := range lines {
		msgs = append(msgs, fmt.Sprintf("%v %v %v", l["msg"], l["i"], l["dropped"]))
	}
	want := "[first <nil> <nil> queued 0 <nil> queued 1 <nil> logkit: log queue was full; records dropped <nil> 3]"
	if fmt.Sprint(msgs) != want {
		t.Fatalf("lines %v\nwant %s", msgs, want)
	}
	if s := h.Stats(); s.Written != 3 || s.Dropped != 3 {
		t.Fatalf("stats %+v", s)
	}
}

func TestCloseWritesEverythingAccepted(t *testing.T) {
	var out syncBuf
	h, err := New(&out, Options{QueueSize: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(h)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				logger.Info("r", "g", g, "i", i)
			}
		})
	}
	wg.Wait()
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, l := range out.lines(t) {
		seen[fmt.Sprint(l["g"], "/", l["i"])] = true
	}
	if len(seen) != 16000 || h.Dropped() != 0 {
		t.Fatalf("wrote %d distinct records, dropped %d; want 16000 and 0", len(seen), h.Dropped())
	}
	logger.Error("after close")
	lines := out.lines(t)
	if last := lines[len(lines)-1]; last["msg"] != "after close" {
		t.Fatalf("record logged after Close was not written synchronously: %v", last)
	}
	if err := h.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := h.Flush(context.Background()); err != nil {
		t.Fatalf("Flush after Close: %v", err)
	}
}

func TestConcurrentLoggingAccountsForEveryRecord(t *testing.T) {
	var out syncBuf
	h, err := New(&out, Options{QueueSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(h)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5000 {
				logger.Info("r")
			}
		})
	}
	wg.Wait()
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	written := 0
	for _, l := range out.lines(t) {
		if l["msg"] == "r" {
			written++
		}
	}
	if s := h.Stats(); uint64(written) != s.Written || s.Written+s.Dropped != 20000 {
		t.Fatalf("%d lines, stats %+v; written + dropped must be 20000", written, s)
	}
}

func TestFlushAndCloseGiveUpWhenContextEnds(t *testing.T) {
	w := &gateWriter{entered: make(chan struct{}, 1), release: make(chan struct{})}
	h, err := New(w, Options{QueueSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Info("stuck")
	<-w.entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.Flush(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Flush error = %v", err)
	}
	if err := h.Close(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Close error = %v", err)
	}
	close(w.release)
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(w.lines(t)); got != 1 {
		t.Fatalf("%d lines after release, want 1", got)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestWriteErrorsAreCounted(t *testing.T) {
	h, err := New(failingWriter{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Info("lost")
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := h.Stats(); s.WriteErrors != 1 || s.Written != 0 {
		t.Fatalf("stats %+v", s)
	}
}

// unsetenv removes k for the rest of the test; a preceding t.Setenv
// restores it afterwards.
func unsetenv(t *testing.T, k string) {
	t.Helper()
	if err := os.Unsetenv(k); err != nil {
		t.Fatal(err)
	}
}
