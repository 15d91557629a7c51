package sampler

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkShouldSample is the cost of one decision for a normal request
// with the default config and the real clock, from all goroutines.
func BenchmarkShouldSample(b *testing.B) {
	s, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		n := 0
		for pb.Next() {
			if s.ShouldSample(false, 20*time.Millisecond) {
				n++
			}
		}
		sink(n)
	})
}

// BenchmarkDecideAt is BenchmarkShouldSample with the end time passed in by
// the caller, who read the clock to measure the latency anyway.
func BenchmarkDecideAt(b *testing.B) {
	s, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	end := time.Now()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		n := 0
		for pb.Next() {
			if s.DecideAt(end, false, 20*time.Millisecond).Sampled() {
				n++
			}
		}
		sink(n)
	})
}

// BenchmarkShouldSampleBaselineRandFloat64 is the baseline for
// BenchmarkShouldSample: the seed's head sampler, rand.Float64() < p alone.
func BenchmarkShouldSampleBaselineRandFloat64(b *testing.B) {
	const p = DefaultBaseRate
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		n := 0
		for pb.Next() {
			if rand.Float64() < p {
				n++
			}
		}
		sink(n)
	})
}

var sunk atomic.Int64

func sink(n int) { sunk.Add(int64(n)) }
