package logkit

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"
)

// logOne logs the benchmark record: a request summary with five attributes.
func logOne(ctx context.Context, l *slog.Logger) {
	l.LogAttrs(ctx, slog.LevelInfo, "request completed",
		slog.String("request_id", "7f3c9a2e-41d2-4b8e-9f00-2d1c5e6a7b80"),
		slog.String("user_id", "u-123456"),
		slog.String("action", "checkout"),
		slog.Int("status", 200),
		slog.Duration("duration", 245*time.Millisecond),
	)
}

func benchLogkit(b *testing.B, w io.Writer, opts Options) {
	h, err := New(w, opts)
	if err != nil {
		b.Fatal(err)
	}
	l := slog.New(h)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		logOne(ctx, l)
	}
	b.StopTimer()
	if err := h.Close(ctx); err != nil {
		b.Fatal(err)
	}
	s := h.Stats()
	b.ReportMetric(float64(s.Dropped)/float64(b.N), "dropped/op")
}

func benchSlogJSON(b *testing.B, w io.Writer) {
	l := slog.New(slog.NewJSONHandler(w, nil))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		logOne(ctx, l)
	}
}

func devNull(b *testing.B) *os.File {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return f
}

// BenchmarkHandler measures the caller's cost of one INFO record through
// logkit (every record kept, async writer) to io.Discard and to /dev/null
// (a real write syscall per line, paid by the writer goroutine).
func BenchmarkHandler(b *testing.B) {
	b.Run("discard", func(b *testing.B) { benchLogkit(b, io.Discard, Options{}) })
	b.Run("devnull", func(b *testing.B) { benchLogkit(b, devNull(b), Options{}) })
	b.Run("discard_sampled_0.1", func(b *testing.B) { benchLogkit(b, io.Discard, Options{SampleRate: 0.1}) })
}

// BenchmarkHandlerBaselineSlogJSON is the baseline for BenchmarkHandler:
// the same record through slog.NewJSONHandler, written synchronously.
func BenchmarkHandlerBaselineSlogJSON(b *testing.B) {
	b.Run("discard", func(b *testing.B) { benchSlogJSON(b, io.Discard) })
	b.Run("devnull", func(b *testing.B) { benchSlogJSON(b, devNull(b)) })
}
