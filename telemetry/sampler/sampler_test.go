package sampler

import (
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for window tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newClock() *fakeClock { return &fakeClock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)} }

func constRand(v float64) func() float64 { return func() float64 { return v } }

func newSampler(t *testing.T, cfg Config) *Sampler {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// feed records n requests of which errs are errors, all fast.
func feed(s *Sampler, n, errs int) {
	for i := range n {
		s.Decide(i < errs, time.Millisecond)
	}
}

func TestDecideAppliesEachRule(t *testing.T) {
	tests := []struct {
		name    string
		isError bool
		latency time.Duration
		draw    float64
		boost   bool // fill the previous bucket with 2% errors first
		want    Reason
	}{
		{"error is always sampled", true, 0, 0.9999, false, Error},
		{"slow request is always sampled", false, time.Second + time.Nanosecond, 0.9999, false, Slow},
		{"exactly the slow threshold is not slow", false, time.Second, 0.9999, false, NotSampled},
		{"normal request under the base rate", false, time.Millisecond, 0.0009, false, Baseline},
		{"normal request at the base rate is dropped", false, time.Millisecond, 0.001, false, NotSampled},
		{"boosted rate while errors are high", false, time.Millisecond, 0.09, true, Boosted},
		{"boosted rate still drops above it", false, time.Millisecond, 0.1, true, NotSampled},
		{"error while boosted is an error", true, time.Millisecond, 0.9999, true, Error},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newClock()
			draw := 0.9999
			s := newSampler(t, Config{Now: clock.Now, Rand: func() float64 { return draw }})
			if tt.boost {
				feed(s, 1000, 20)
				clock.Advance(time.Second)
			}
			draw = tt.draw
			if got := s.Decide(tt.isError, tt.latency); got != tt.want {
				t.Fatalf("Decide = %v, want %v", got, tt.want)
			}
			if got := s.ShouldSample(tt.isError, tt.latency); got != tt.want.Sampled() {
				t.Fatalf("ShouldSample = %v, want %v", got, tt.want.Sampled())
			}
		})
	}
}

func TestBoostNeedsTheErrorRateAboveTheThresholdWithEnoughRequests(t *testing.T) {
	tests := []struct {
		name      string
		requests  int
		errors    int
		wantBoost bool
	}{
		{"2% of 1000", 1000, 20, true},
		{"exactly 1% does not exceed", 1000, 10, false},
		{"1.1% of 1000", 1000, 11, true},
		{"0.5%", 1000, 5, false},
		{"50% of 10 is below MinRequests", 10, 5, false},
		{"2 of 100 meets MinRequests", 100, 2, true},
		{"no traffic", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newClock()
			s := newSampler(t, Config{Now: clock.Now, Rand: constRand(0.05)})
			feed(s, tt.requests, tt.errors)
			clock.Advance(time.Second)
			got := s.Decide(false, 0) == Boosted
			if got != tt.wantBoost {
				rate, n := s.ErrorRate()
				t.Fatalf("boosted = %v, want %v (window rate %v over %d)", got, tt.wantBoost, rate, n)
			}
		})
	}
}

func TestCurrentBucketCountsOnlyAfterItCompletes(t *testing.T) {
	clock := newClock()
	s := newSampler(t, Config{Now: clock.Now, Rand: constRand(0.05)})
	feed(s, 1000, 100)
	if s.Decide(false, 0) == Boosted {
		t.Fatal("boosted on the bucket still being filled")
	}
	clock.Advance(999 * time.Millisecond)
	if s.Decide(false, 0) == Boosted {
		t.Fatal("boosted before the bucket ended")
	}
	clock.Advance(time.Millisecond)
	if s.Decide(false, 0) != Boosted {
		t.Fatal("not boosted once the bucket completed")
	}
}

func TestErrorsExpireFromTheWindow(t *testing.T) {
	clock := newClock()
	s := newSampler(t, Config{Now: clock.Now, Rand: constRand(0.05)})
	feed(s, 1000, 100) // bucket 0: 10% errors
	steps := []struct {
		to        time.Duration // since start
		wantBoost bool
	}{
		{1 * time.Second, true},
		{30 * time.Second, true},
		{60 * time.Second, true},                      // window = buckets 0-59: still in
		{60*time.Second + 999*time.Millisecond, true}, // still bucket 60
		{61 * time.Second, false},                     // bucket 0 left the window
		{62 * time.Second, false},                     // window 2-61 reads bucket 0's slot, which holds a stale epoch
		{1000 * 61 * time.Second, false},              // 1000 laps later, nothing counts
	}
	start := clock.Now()
	for _, st := range steps {
		clock.Advance(start.Add(st.to).Sub(clock.Now()))
		got := s.Decide(false, 0) == Boosted
		if got != st.wantBoost {
			rate, n := s.ErrorRate()
			t.Fatalf("at +%v boosted = %v, want %v (rate %v over %d)", st.to, got, st.wantBoost, rate, n)
		}
	}
}

func TestNewTrafficAfterAnIdleLapStartsBucketsAfresh(t *testing.T) {
	clock := newClock()
	s := newSampler(t, Config{Now: clock.Now, Rand: constRand(0.05)})
	feed(s, 1000, 500) // bucket 0: 50% errors
	clock.Advance(61 * time.Second)
	feed(s, 1000, 0) // bucket 61 reuses bucket 0's slot
	clock.Advance(time.Second)
	rate, n := s.ErrorRate()
	if n != 1000 || rate != 0 {
		t.Fatalf("window holds %d requests at rate %v; want the 1000 healthy ones only", n, rate)
	}
}

func TestWindowErrorRateSumsAllCompletedBuckets(t *testing.T) {
	clock := newClock()
	s := newSampler(t, Config{Now: clock.Now, Window: 10 * time.Second, Buckets: 10, Rand: constRand(0.5)})
	for range 10 {
		feed(s, 100, 1)
		clock.Advance(time.Second)
	}
	rate, n := s.ErrorRate()
	if n != 1000 || rate != 0.01 {
		t.Fatalf("rate %v over %d, want 0.01 over 1000", rate, n)
	}
}

func TestConcurrentDecisionsAreAllCounted(t *testing.T) {
	clock := newClock()
	s := newSampler(t, Config{Now: clock.Now})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range 10_000 {
				s.Decide(i%100 == 0, time.Millisecond)
			}
		})
	}
	wg.Wait()
	clock.Advance(time.Second)
	rate, n := s.ErrorRate()
	if n != 80_000 || rate != 0.01 {
		t.Fatalf("counted %d at rate %v, want 80000 at 0.01", n, rate)
	}
}

// TestBaselineShare checks the sampled share of normal requests against the
// binomial bound n*p ± 5*sqrt(n*p*(1-p)); the generator is seeded.
func TestBaselineShare(t *testing.T) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(7, 11))
	s := newSampler(t, Config{Now: newClock().Now, Rand: rng.Float64})
	kept := 0
	for range n {
		if s.ShouldSample(false, time.Millisecond) {
			kept++
		}
	}
	p := DefaultBaseRate
	if mean, sd := n*p, math.Sqrt(n*p*(1-p)); math.Abs(float64(kept)-mean) > 5*sd {
		t.Fatalf("sampled %d of %d, want %v ± %.0f", kept, n, mean, 5*sd)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"base rate above 1", Config{BaseRate: 2}, "Config.BaseRate 2"},
		{"negative boosted rate", Config{BoostedRate: -0.1}, "Config.BoostedRate -0.1"},
		{"NaN threshold", Config{ErrorRateThreshold: math.NaN()}, "Config.ErrorRateThreshold NaN"},
		{"negative slow threshold", Config{SlowThreshold: -time.Second}, "SlowThreshold -1s"},
		{"too many buckets", Config{Buckets: 5000}, "Buckets 5000"},
		{"buckets under 1ms", Config{Window: time.Millisecond, Buckets: 10}, "at least 1ms"},
		{"negative min requests", Config{MinRequests: -1}, "MinRequests -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
	if _, err := New(Config{BaseRate: 2, Buckets: -1}); err == nil || !strings.Contains(err.Error(), "BaseRate") || !strings.Contains(err.Error(), "Buckets -1") {
		t.Fatalf("want every problem reported at once, got %v", err)
	}
}

func TestDecideAtUsesTheGivenTime(t *testing.T) {
	clock := newClock()
	s := newSampler(t, Config{Now: clock.Now, Rand: constRand(0.05)})
	start := clock.Now()
	for i := range 1000 {
		s.DecideAt(start, i < 50, time.Millisecond)
	}
	if got := s.DecideAt(start.Add(time.Second), false, 0); got != Boosted {
		t.Fatalf("DecideAt one bucket later = %v, want Boosted", got)
	}
}
