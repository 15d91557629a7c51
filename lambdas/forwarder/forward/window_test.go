package forward

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestWindowAtAlignsToIntervalBoundaries(t *testing.T) {
	cases := []struct {
		name            string
		event           string
		interval, delay time.Duration
		start, end      string
	}{
		{"on the boundary", "2025-01-01T12:05:00Z", 5 * time.Minute, 3 * time.Minute, "2025-01-01T11:55:00Z", "2025-01-01T12:00:00Z"},
		{"late within tolerance", "2025-01-01T12:07:59Z", 5 * time.Minute, 3 * time.Minute, "2025-01-01T11:55:00Z", "2025-01-01T12:00:00Z"},
		{"early within tolerance", "2025-01-01T12:03:00Z", 5 * time.Minute, 3 * time.Minute, "2025-01-01T11:55:00Z", "2025-01-01T12:00:00Z"},
		{"late past tolerance moves on", "2025-01-01T12:08:00Z", 5 * time.Minute, 3 * time.Minute, "2025-01-01T12:00:00Z", "2025-01-01T12:05:00Z"},
		{"no delay", "2025-01-01T12:05:00Z", 5 * time.Minute, 0, "2025-01-01T12:00:00Z", "2025-01-01T12:05:00Z"},
		{"delay longer than interval", "2025-01-01T12:05:00Z", 5 * time.Minute, 7 * time.Minute, "2025-01-01T11:50:00Z", "2025-01-01T11:55:00Z"},
		{"hourly across midnight", "2025-01-01T00:10:00Z", time.Hour, 15 * time.Minute, "2024-12-31T22:00:00Z", "2024-12-31T23:00:00Z"},
		{"daily", "2025-03-02T00:00:00Z", 24 * time.Hour, 10 * time.Minute, "2025-02-28T00:00:00Z", "2025-03-01T00:00:00Z"},
		{"sub-second event time", "2025-01-01T12:05:00.999Z", 5 * time.Minute, 3 * time.Minute, "2025-01-01T11:55:00Z", "2025-01-01T12:00:00Z"},
		{"non-UTC event time", "2025-01-01T13:05:00+01:00", 5 * time.Minute, 3 * time.Minute, "2025-01-01T11:55:00Z", "2025-01-01T12:00:00Z"},
		{"before 1970", "1969-12-31T23:59:00Z", 5 * time.Minute, 0, "1969-12-31T23:50:00Z", "1969-12-31T23:55:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := time.Parse(time.RFC3339Nano, c.event)
			if err != nil {
				t.Fatal(err)
			}
			w := WindowAt(ev, c.interval, c.delay)
			if !w.Start.Equal(mustTime(t, c.start)) || !w.End.Equal(mustTime(t, c.end)) {
				t.Fatalf("WindowAt(%s) = [%s, %s), want [%s, %s)", c.event, w.Start, w.End, c.start, c.end)
			}
		})
	}
}

// TestWindowsTileTimeAcrossJitteredAndRetriedInvocations simulates 1,000
// scheduled events on a 5-minute cron with the default 180 s delay. Each
// event time is off its nominal slot by a random jitter inside the stated
// tolerance (120 s early to 179 s late), each invocation runs at a random
// later wall-clock time, and one event in ten is delivered twice. The
// distinct windows must tile time exactly: each starts where the previous
// ended, and a redelivery computes the identical window.
func TestWindowsTileTimeAcrossJitteredAndRetriedInvocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	interval := 300 * time.Second
	delay := contract.DefaultDelaySeconds * time.Second
	base := mustTime(t, "2025-06-01T00:00:00Z")
	var prev Window
	covered := time.Duration(0)
	invocations := 0
	for k := range 1000 {
		nominal := base.Add(time.Duration(k) * interval)
		jitter := time.Duration(rng.IntN(120+179+1)-120) * time.Second
		ev := nominal.Add(jitter)
		w := WindowAt(ev, interval, delay)
		invocations++
		if rng.IntN(10) == 0 {
			// A retried delivery of the same event, possibly much later.
			if again := WindowAt(ev, interval, delay); again != w {
				t.Fatalf("event %d (%s): retry computed %v, first delivery %v", k, ev, again, w)
			}
			invocations++
		}
		if w.End.Sub(w.Start) != interval || w.Start.Unix()%300 != 0 {
			t.Fatalf("event %d (%s): window %v is not one aligned interval", k, ev, w)
		}
		if k > 0 && !w.Start.Equal(prev.End) {
			kind := "gap"
			if w.Start.Before(prev.End) {
				kind = "overlap"
			}
			t.Fatalf("event %d (%s, jitter %s): %s between %v and %v", k, ev, jitter, kind, prev, w)
		}
		if lag := nominal.Sub(w.End); lag < delay || lag >= delay+interval {
			t.Fatalf("event %d: window end %s is %s before the nominal time, want [%s, %s)", k, w.End, lag, delay, delay+interval)
		}
		covered += w.End.Sub(w.Start)
		prev = w
	}
	if covered != 1000*interval {
		t.Fatalf("1,000 events covered %s, want exactly %s", covered, 1000*interval)
	}
	t.Logf("%d invocations (with redeliveries) over 1,000 events tile %s without gap or overlap", invocations, covered)
}

func TestScheduledEventFromTestdataMapsToItsWindow(t *testing.T) {
	b, err := os.ReadFile("testdata/scheduled-event.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.CloudWatchEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	w := WindowAt(ev.Time, contract.DefaultIntervalSeconds*time.Second, contract.DefaultDelaySeconds*time.Second)
	if ev.AccountID != "123456789012" || !w.Start.Equal(mustTime(t, "2025-01-01T11:55:00Z")) || !w.End.Equal(mustTime(t, "2025-01-01T12:00:00Z")) {
		t.Fatalf("event %s (account %q) gave window %v", ev.Time, ev.AccountID, w)
	}
}
