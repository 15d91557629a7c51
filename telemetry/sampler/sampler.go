// Package sampler is an application-side sampler that decides whether to
// keep a request's trace or detailed telemetry. It is exported for
// application teams; it is the seed's AdaptiveSampler done right:
//
//   - errors and slow requests are always sampled;
//   - normal requests are sampled at a baseline rate (0.1% by default);
//   - the rate rises (to 10%) while the error rate over a sliding window
//     (60 s, a ring of buckets) exceeds a threshold (1%). The seed used
//     all-time counters, so an old error burst raised sampling for ever and
//     a new one after a long healthy run never did;
//   - decisions are lock-free (atomic counters, striped to keep cores off
//     each other's cache lines) and safe for concurrent use; the seed's
//     counters were unsynchronised.
package sampler

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"time"
)

// Config configures a Sampler. Zero values mean the documented defaults.
type Config struct {
	// BaseRate is the share of normal requests sampled, 0 to 1. Default 0.001.
	BaseRate float64
	// BoostedRate replaces BaseRate while the error rate is above
	// ErrorRateThreshold, 0 to 1. Default 0.1.
	BoostedRate float64
	// ErrorRateThreshold is the error share over Window above which the
	// rate is boosted, 0 to 1. Default 0.01.
	ErrorRateThreshold float64
	// SlowThreshold: requests taking longer are always sampled. Default 1s.
	SlowThreshold time.Duration
	// Window is the sliding window for the error rate. Default 60s.
	Window time.Duration
	// Buckets divides Window; the rate is re-evaluated once per bucket.
	// Default 60 (one-second buckets for the default window).
	Buckets int
	// MinRequests is the least number of requests in the window for the
	// error rate to count, so 1 error in 3 requests does not boost. Default 100.
	MinRequests int
	// Now is the clock. Default time.Now. Tests inject a fake clock.
	Now func() time.Time
	// Rand returns uniform numbers in [0, 1) and must be safe for concurrent
	// use. Default math/rand/v2.Float64 (lock-free per-thread state).
	Rand func() float64
}

// Defaults for Config.
const (
	DefaultBaseRate           = 0.001
	DefaultBoostedRate        = 0.1
	DefaultErrorRateThreshold = 0.01
	DefaultSlowThreshold      = time.Second
	DefaultWindow             = 60 * time.Second
	DefaultBuckets            = 60
	DefaultMinRequests        = 100
)

// Reason says why a request was or was not sampled.
type Reason int

// Reasons, in the order the rules are applied.
const (
	NotSampled Reason = iota
	Error
	Slow
	Boosted  // normal request, sampled at BoostedRate
	Baseline // normal request, sampled at BaseRate
)

var reasonNames = [...]string{"NotSampled", "Error", "Slow", "Boosted", "Baseline"}

func (r Reason) String() string {
	if r < 0 || int(r) >= len(reasonNames) {
		return fmt.Sprintf("Reason(%d)", int(r))
	}
	return reasonNames[r]
}

// Sampled reports whether the request is sampled.
func (r Reason) Sampled() bool { return r != NotSampled }

// Each bucket is one atomic word: the low 24 bits of its epoch (so a
// bucket left over from an earlier lap of the ring is recognised as stale)
// and 20-bit request and error counts. A bucket stops counting at 2^20-1
// requests per stripe, which keeps its error share representative.
const (
	countBits = 20
	countMax  = 1<<countBits - 1
	tagBits   = 64 - 2*countBits
	tagMask   = 1<<tagBits - 1
)

// Sampler makes sampling decisions. It is safe for concurrent use.
type Sampler struct {
	cfg     Config
	width   time.Duration // of one bucket
	start   time.Time
	slots   int64    // Buckets+1: the window's completed buckets plus the current one
	stripes []uint64 // atomically accessed: stripe-major rings of packed buckets
	mask    uint32   // stripe count - 1
	// state caches the boost decision: epoch<<1 | boosted.
	state atomic.Uint64
	// lastRate holds the last evaluated window as requests<<32 | errors
	// (saturated at 2^32-1 each), for ErrorRate.
	lastRate atomic.Uint64
}

// New returns a Sampler for cfg.
func New(cfg Config) (*Sampler, error) {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&cfg.BaseRate, DefaultBaseRate)
	def(&cfg.BoostedRate, DefaultBoostedRate)
	def(&cfg.ErrorRateThreshold, DefaultErrorRateThreshold)
	if cfg.SlowThreshold == 0 {
		cfg.SlowThreshold = DefaultSlowThreshold
	}
	if cfg.Window == 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.Buckets == 0 {
		cfg.Buckets = DefaultBuckets
	}
	if cfg.MinRequests == 0 {
		cfg.MinRequests = DefaultMinRequests
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	var errs []error
	for _, f := range []struct {
		name string
		v    float64
	}{{"BaseRate", cfg.BaseRate}, {"BoostedRate", cfg.BoostedRate}, {"ErrorRateThreshold", cfg.ErrorRateThreshold}} {
		if math.IsNaN(f.v) || f.v < 0 || f.v > 1 {
			errs = append(errs, fmt.Errorf("sampler: Config.%s %v: allowed 0 (meaning the default) to 1", f.name, f.v))
		}
	}
	if cfg.SlowThreshold < 0 {
		errs = append(errs, fmt.Errorf("sampler: Config.SlowThreshold %v: must be positive", cfg.SlowThreshold))
	}
	if cfg.Buckets < 0 || cfg.Buckets > 3600 {
		errs = append(errs, fmt.Errorf("sampler: Config.Buckets %d: allowed 1-3600", cfg.Buckets))
	}
	if cfg.MinRequests < 0 {
		errs = append(errs, fmt.Errorf("sampler: Config.MinRequests %d: must be positive", cfg.MinRequests))
	}
	if cfg.Window < 0 || (cfg.Buckets > 0 && cfg.Window/time.Duration(cfg.Buckets) < time.Millisecond) {
		errs = append(errs, fmt.Errorf("sampler: Config.Window %v with %d buckets: each bucket must span at least 1ms", cfg.Window, cfg.Buckets))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	stripes := min(64, 1<<bits.Len(uint(4*runtime.GOMAXPROCS(0)-1)))
	s := &Sampler{
		cfg:     cfg,
		width:   cfg.Window / time.Duration(cfg.Buckets),
		start:   cfg.Now(),
		slots:   int64(cfg.Buckets + 1),
		mask:    uint32(stripes - 1),
		stripes: make([]uint64, stripes*(cfg.Buckets+1)),
	}
	s.state.Store(math.MaxUint64) // no epoch evaluated yet
	return s, nil
}

// ShouldSample records the request's outcome and reports whether to sample
// it: always for errors and requests slower than SlowThreshold, otherwise
// at BaseRate, or BoostedRate while the windowed error rate is above
// ErrorRateThreshold.
func (s *Sampler) ShouldSample(isError bool, latency time.Duration) bool {
	return s.Decide(isError, latency).Sampled()
}

// Decide is ShouldSample that also says which rule decided.
func (s *Sampler) Decide(isError bool, latency time.Duration) Reason {
	return s.DecideAt(s.cfg.Now(), isError, latency)
}

// DecideAt is Decide for a request that ended at now. Callers that measured
// the latency already hold the end time; passing it saves a clock read,
// which is most of a decision's cost.
func (s *Sampler) DecideAt(now time.Time, isError bool, latency time.Duration) Reason {
	epoch := s.epochAt(now)
	s.count(epoch, isError)
	if isError {
		return Error
	}
	if latency > s.cfg.SlowThreshold {
		return Slow
	}
	return s.rate(epoch)
}

// rate decides a normal request of epoch at the current rate.
func (s *Sampler) rate(epoch int64) Reason {
	if s.boosted(epoch) {
		if s.cfg.Rand() < s.cfg.BoostedRate {
			return Boosted
		}
		return NotSampled
	}
	if s.cfg.Rand() < s.cfg.BaseRate {
		return Baseline
	}
	return NotSampled
}

// Head decides for a request that starts at now, before its outcome is
// known, as a head sampler at span start must: Boosted or Baseline at the
// current rate, else NotSampled. It records nothing; call Observe when the
// request ends, so the window counts each request once.
func (s *Sampler) Head(now time.Time) Reason { return s.rate(s.epochAt(now)) }

// Observe records the outcome of a request that ended at now in the
// error-rate window, without deciding anything (see Head).
func (s *Sampler) Observe(now time.Time, isError bool) { s.count(s.epochAt(now), isError) }

// Tail is the decision once the outcome is known, for a request that Head
// did not sample: Error or Slow, else NotSampled. It records nothing.
func (s *Sampler) Tail(isError bool, latency time.Duration) Reason {
	switch {
	case isError:
		return Error
	case latency > s.cfg.SlowThreshold:
		return Slow
	}
	return NotSampled
}

// ErrorRate returns the error share and request count of the window as
// last evaluated (the completed buckets before the current one).
func (s *Sampler) ErrorRate() (rate float64, requests uint64) {
	s.boosted(s.epoch())
	v := s.lastRate.Load()
	requests, errs := v>>32, v&math.MaxUint32
	if requests == 0 {
		return 0, 0
	}
	return float64(errs) / float64(requests), requests
}

func (s *Sampler) epoch() int64 { return s.epochAt(s.cfg.Now()) }

func (s *Sampler) epochAt(now time.Time) int64 {
	d := now.Sub(s.start)
	if d < 0 {
		return 0 // clock stepped back before start
	}
	return int64(d / s.width)
}

// count adds one request to the current bucket of a random stripe.
func (s *Sampler) count(epoch int64, isError bool) {
	stripe := int64(rand.Uint32() & s.mask)
	p := &s.stripes[stripe*s.slots+epoch%s.slots]
	tag := uint64(epoch) & tagMask
	inc := uint64(1) << countBits
	if isError {
		inc++
	}
	for {
		old := atomic.LoadUint64(p)
		var next uint64
		if old>>(2*countBits) != tag {
			next = tag<<(2*countBits) | inc // a new lap: start the bucket afresh
		} else if (old>>countBits)&countMax == countMax {
			return // saturated
		} else {
			next = old + inc
		}
		if atomic.CompareAndSwapUint64(p, old, next) {
			return
		}
	}
}

// boosted evaluates the error rate over the Buckets completed buckets
// before epoch, once per epoch, and caches the answer.
func (s *Sampler) boosted(epoch int64) bool {
	st := s.state.Load()
	if st != math.MaxUint64 && int64(st>>1) == epoch {
		return st&1 == 1
	}
	var requests, errs uint64
	for k := int64(1); k <= int64(s.cfg.Buckets) && k <= epoch; k++ {
		e := epoch - k
		tag := uint64(e) & tagMask
		for stripe := int64(0); stripe <= int64(s.mask); stripe++ {
			v := atomic.LoadUint64(&s.stripes[stripe*s.slots+e%s.slots])
			if v>>(2*countBits) == tag {
				requests += (v >> countBits) & countMax
				errs += v & countMax
			}
		}
	}
	boost := requests >= uint64(s.cfg.MinRequests) && requests > 0 &&
		float64(errs) > s.cfg.ErrorRateThreshold*float64(requests)
	s.lastRate.Store(min(requests, math.MaxUint32)<<32 | min(errs, math.MaxUint32))
	next := uint64(epoch) << 1
	if boost {
		next |= 1
	}
	// Two goroutines may evaluate the same epoch; both store the same answer.
	s.state.Store(next)
	return boost
}
