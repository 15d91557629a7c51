package observe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/o11yscale/o11yscale/telemetry/sampler"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// clock advances by step on every read, so each invocation lasts step.
func clock(step time.Duration) func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(step)
		return t
	}
}

func traces(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if m["msg"] == "invocation trace" {
			recs = append(recs, m)
		}
	}
	return recs
}

func TestTraceRecordsFollowTheHeadSampler(t *testing.T) {
	cases := []struct {
		name     string
		step     time.Duration
		fail     bool
		want     int
		becauses string
	}{
		{"fast successes are not traced at a zero baseline", 10 * time.Millisecond, false, 0, ""},
		{"every failure is traced", 10 * time.Millisecond, true, 5, "Error"},
		{"every slow invocation is traced", 2 * time.Second, false, 5, "Slow"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := &syncBuf{}
			k, err := New("test", out, Options{Now: clock(c.step), Sampler: sampler.Config{BaseRate: 1e-9, Rand: func() float64 { return 0.5 }}})
			if err != nil {
				t.Fatal(err)
			}
			h := k.Wrap(lambda.NewHandler(func(ctx context.Context) error {
				defer Span(ctx, "work")()
				if c.fail {
					return errors.New("boom")
				}
				return nil
			}))
			for range 5 {
				_, _ = h.Invoke(context.Background(), []byte(`{}`))
			}
			got := traces(t, out.String())
			if len(got) != c.want {
				t.Fatalf("%d trace records, want %d:\n%s", len(got), c.want, out.String())
			}
			for _, r := range got {
				if r["sampledBecause"] != c.becauses || r["function"] != "test" {
					t.Errorf("record %v", r)
				}
				if _, ok := r["steps"].(map[string]any)["workMs"]; !ok {
					t.Errorf("record lacks the work step: %v", r)
				}
			}
		})
	}
}

func TestWrapFlushesLogsBeforeReturning(t *testing.T) {
	out := &syncBuf{}
	k, err := New("test", out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := k.Wrap(lambda.NewHandler(func(ctx context.Context) error {
		k.Log.ErrorContext(ctx, "written before the response")
		return nil
	}))
	if _, err := h.Invoke(context.Background(), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "written before the response") {
		t.Fatal("the record was still queued when the invocation returned")
	}
}

func TestSpanOutsideAnInvocationIsHarmless(t *testing.T) {
	Span(context.Background(), "nothing")()
}
