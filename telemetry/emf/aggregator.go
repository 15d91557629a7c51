package emf

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Publisher sends flushed statistic sets somewhere: Logger writes them as
// EMF, CloudWatchPublisher calls PutMetricData.
//
// On failure Publish returns a *PublishError saying which sets may be retried
// (Failed) and which never can be (Rejected). Any other error means none of
// the sets were published; the Aggregator then keeps all of them.
type Publisher interface {
	Publish(ctx context.Context, sets []StatisticSet) error
}

// PublishError reports a partly or wholly failed Publish.
type PublishError struct {
	// Failed sets hit a transient error; the Aggregator merges them back
	// into its series so the next flush sends them again.
	Failed []StatisticSet
	// Rejected sets can never be published (CloudWatch refused their
	// parameters); the Aggregator counts and drops them.
	Rejected []StatisticSet
	Err      error
}

func (e *PublishError) Error() string {
	return fmt.Sprintf("%d statistic sets failed, %d rejected: %v", len(e.Failed), len(e.Rejected), e.Err)
}

func (e *PublishError) Unwrap() error { return e.Err }

// AggregatorOptions configures an Aggregator. Zero values mean the
// documented defaults.
type AggregatorOptions struct {
	// Interval between flushes once Start is called. Default 60s, CloudWatch's
	// standard resolution.
	Interval time.Duration
	// MaxSeries caps the distinct metric+unit+dimension sets. Each series is
	// kept for the aggregator's life, so unbounded dimension values (user
	// IDs, URLs: the seed's Mistake 2) would grow memory and cost without
	// end; past the cap Record returns an error. Default 10,000.
	MaxSeries int
	// Now is the clock for StatisticSet timestamps. Default time.Now.
	Now func() time.Time
	// OnFlushError receives errors of background flushes. Default logs them
	// with slog.Default at ERROR.
	OnFlushError func(error)
}

// Defaults for AggregatorOptions.
const (
	DefaultInterval  = 60 * time.Second
	DefaultMaxSeries = 10_000
)

// AggregatorStats counts what the Aggregator could not keep.
type AggregatorStats struct {
	Series int
	// RejectedValues were refused by Record (NaN, Inf, out of range, bad
	// names, MaxSeries reached).
	RejectedValues uint64
	// DroppedSets were refused permanently by the Publisher.
	DroppedSets uint64
}

// Aggregator folds recorded values into one statistic set per metric, unit
// and dimension set, and publishes the sets on Flush or every Interval after
// Start. Unlike the seed's MetricAggregator it keeps four numbers per series
// instead of every value, flushes without waiting for the next Record, sends
// up to 1,000 series per PutMetricData call, is safe for concurrent use, and
// keeps sets whose publishing failed for the next flush.
//
// In Lambda, call Flush before returning from each invocation: the execution
// environment is frozen between invocations, so a ticker cannot be relied on.
type Aggregator struct {
	pub          Publisher
	interval     time.Duration
	maxSeries    int
	now          func() time.Time
	onFlushError func(error)
	cellMask     uint32

	seed    maphash.Seed
	shards  [seriesShards]seriesShard
	nseries atomic.Int64

	rejected atomic.Uint64
	dropped  atomic.Uint64

	flushMu sync.Mutex

	startOnce sync.Once
	stopOnce  sync.Once
	stop      chan struct{}
	done      chan struct{}
	// newTicker is swapped by tests to drive background flushes by hand.
	newTicker func(time.Duration) (<-chan time.Time, func())
}

const seriesShards = 32

// seriesShard is a copy-on-write map: Record only loads a pointer, so
// lookups of existing series take no lock (new series are rare and copy
// 1/32 of the map).
type seriesShard struct {
	mu sync.Mutex // serialises writers
	m  atomic.Pointer[map[string]*Series]
	_  [48]byte // keep neighbouring shards off one cache line
}

func (sh *seriesShard) lookup(key []byte) *Series {
	return (*sh.m.Load())[string(key)]
}

// NewAggregator returns an Aggregator publishing to p.
func NewAggregator(p Publisher, opts AggregatorOptions) (*Aggregator, error) {
	if p == nil {
		return nil, errors.New("emf: NewAggregator: Publisher is nil")
	}
	if opts.Interval < 0 {
		return nil, fmt.Errorf("emf: AggregatorOptions.Interval %v: must be positive (0 means %v)", opts.Interval, DefaultInterval)
	}
	if opts.MaxSeries < 0 {
		return nil, fmt.Errorf("emf: AggregatorOptions.MaxSeries %d: must be positive (0 means %d)", opts.MaxSeries, DefaultMaxSeries)
	}
	a := &Aggregator{
		pub:          p,
		interval:     cmp.Or(opts.Interval, DefaultInterval),
		maxSeries:    cmp.Or(opts.MaxSeries, DefaultMaxSeries),
		now:          opts.Now,
		onFlushError: opts.OnFlushError,
		seed:         maphash.MakeSeed(),
		stop:         make(chan struct{}),
		done:         make(chan struct{}),
		newTicker: func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		},
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.onFlushError == nil {
		a.onFlushError = func(err error) { slog.Error("emf: background flush failed", "error", err) }
	}
	// Several cells per series spread concurrent Records of one hot series
	// over separate locks; a power of two lets Record pick one with a mask.
	// At most 16 (1 KiB per series) bounds memory on large machines.
	cells := min(16, 1<<bits.Len(uint(4*runtime.GOMAXPROCS(0)-1)))
	a.cellMask = uint32(cells - 1)
	for i := range a.shards {
		a.shards[i].m.Store(&map[string]*Series{})
	}
	return a, nil
}

// Series is a handle on one metric+unit+dimension set. Recording through it
// skips the map lookup of Aggregator.Record.
type Series struct {
	name  string
	unit  Unit
	dims  map[string]string
	key   string
	agg   *Aggregator
	cells []cell
}

type cell struct {
	mu                   sync.Mutex
	count, sum, min, max float64
	_                    [24]byte // one cell per 64-byte cache line
}

// Series returns the handle for name, unit and dims, creating the series if
// needed. The dims map is copied.
func (a *Aggregator) Series(name string, unit Unit, dims map[string]string) (*Series, error) {
	var kb [256]byte
	var ps [8]dimPair
	return a.series(appendSeriesKey(kb[:0], ps[:0], name, unit, dims), name, unit, dims)
}

// Record adds value to the series of name, unit and dims. It allocates
// nothing once the series exists.
func (a *Aggregator) Record(name string, dims map[string]string, unit Unit, value float64) error {
	if err := checkValue(name, value); err != nil {
		a.rejected.Add(1)
		return err
	}
	// Stack buffers: the key is only needed for the lookup.
	var kb [256]byte
	var ps [8]dimPair
	key := appendSeriesKey(kb[:0], ps[:0], name, unit, dims)
	ser := a.shards[maphash.Bytes(a.seed, key)%seriesShards].lookup(key)
	if ser == nil {
		var err error
		if ser, err = a.series(key, name, unit, dims); err != nil {
			return err
		}
	}
	ser.add(value)
	return nil
}

// Record adds value to the series.
func (s *Series) Record(value float64) error {
	if err := checkValue(s.name, value); err != nil {
		s.agg.rejected.Add(1)
		return err
	}
	s.add(value)
	return nil
}

func (s *Series) add(v float64) {
	c := &s.cells[rand.Uint32()&s.agg.cellMask]
	c.mu.Lock()
	if c.count == 0 {
		c.min, c.max = v, v
	} else {
		c.min, c.max = min(c.min, v), max(c.max, v)
	}
	c.count++
	c.sum += v
	c.mu.Unlock()
}

// merge adds a whole statistic set back, after a failed publish.
func (s *Series) merge(st *StatisticSet) {
	c := &s.cells[0]
	c.mu.Lock()
	if c.count == 0 {
		c.min, c.max = st.Min, st.Max
	} else {
		c.min, c.max = min(c.min, st.Min), max(c.max, st.Max)
	}
	c.count += st.SampleCount
	c.sum += st.Sum
	c.mu.Unlock()
}

// take returns the series' statistic set and resets it; ok is false when
// nothing was recorded since the last take.
func (s *Series) take() (st StatisticSet, ok bool) {
	for i := range s.cells {
		c := &s.cells[i]
		c.mu.Lock()
		if c.count > 0 {
			if !ok {
				st.Min, st.Max = c.min, c.max
				ok = true
			} else {
				st.Min, st.Max = min(st.Min, c.min), max(st.Max, c.max)
			}
			st.SampleCount += c.count
			st.Sum += c.sum
			c.count, c.sum, c.min, c.max = 0, 0, 0, 0
		}
		c.mu.Unlock()
	}
	st.Name, st.Unit, st.Dimensions, st.series = s.name, s.unit, s.dims, s
	return st, ok
}

// series finds or creates the series under key (from appendSeriesKey).
func (a *Aggregator) series(key []byte, name string, unit Unit, dims map[string]string) (*Series, error) {
	sh := &a.shards[maphash.Bytes(a.seed, key)%seriesShards]
	if ser := sh.lookup(key); ser != nil {
		return ser, nil
	}
	if err := checkSeries(name, unit, dims); err != nil {
		a.rejected.Add(1)
		return nil, err
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if ser := sh.lookup(key); ser != nil {
		return ser, nil
	}
	if a.nseries.Load() >= int64(a.maxSeries) {
		a.rejected.Add(1)
		return nil, fmt.Errorf("emf: metric %q: aggregator already holds MaxSeries=%d series; high-cardinality dimensions belong in logs, not metrics", name, a.maxSeries)
	}
	ser := &Series{name: name, unit: unit, dims: cloneDims(dims), key: string(key), agg: a, cells: make([]cell, a.cellMask+1)}
	old := *sh.m.Load()
	m := make(map[string]*Series, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[ser.key] = ser
	sh.m.Store(&m)
	a.nseries.Add(1)
	return ser, nil
}

func checkSeries(name string, unit Unit, dims map[string]string) error {
	if err := checkMetric(name, unit); err != nil {
		return err
	}
	if len(dims) > MaxDimensions {
		return fmt.Errorf("emf: metric %q: %d dimension keys given, at most %d allowed", name, len(dims), MaxDimensions)
	}
	for k, v := range dims {
		if err := checkDimension(k, v); err != nil {
			return err
		}
	}
	if _, clash := dims[name]; clash {
		return fmt.Errorf("emf: metric %q has the same name as a dimension key; EMF needs distinct root members", name)
	}
	return nil
}

func cloneDims(d map[string]string) map[string]string {
	c := make(map[string]string, len(d))
	for k, v := range d {
		c[k] = v
	}
	return c
}

type dimPair struct{ k, v string }

// appendSeriesKey appends an unambiguous key (length-prefixed fields,
// dimensions sorted) for name, unit and dims. ps is scratch space.
func appendSeriesKey(b []byte, ps []dimPair, name string, unit Unit, dims map[string]string) []byte {
	b = appendField(b, name)
	b = appendField(b, string(unit))
	return appendDimsKey(b, ps, dims)
}

func appendDimsKey(b []byte, ps []dimPair, dims map[string]string) []byte {
	ps = ps[:0]
	for k, v := range dims {
		ps = append(ps, dimPair{k, v})
	}
	slices.SortFunc(ps, func(x, y dimPair) int { return strings.Compare(x.k, y.k) })
	for _, p := range ps {
		b = appendField(b, p.k)
		b = appendField(b, p.v)
	}
	return b
}

func appendField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Flush publishes the statistic sets of everything recorded since the last
// flush. Sets the Publisher reports as Failed (or all of them, on a plain
// error) are merged back and go out with the next flush, so no value is lost
// or sent twice; Rejected sets are dropped and counted.
func (a *Aggregator) Flush(ctx context.Context) error {
	a.flushMu.Lock()
	defer a.flushMu.Unlock()
	ts := a.now()
	var sets []StatisticSet
	for i := range a.shards {
		for _, ser := range *a.shards[i].m.Load() {
			if st, ok := ser.take(); ok {
				st.Timestamp = ts
				sets = append(sets, st)
			}
		}
	}
	if len(sets) == 0 {
		return nil
	}
	// A stable order makes the publisher's batches and EMF lines repeatable.
	slices.SortFunc(sets, func(x, y StatisticSet) int { return cmp.Compare(x.series.key, y.series.key) })
	err := a.pub.Publish(ctx, sets)
	if err == nil {
		return nil
	}
	retry := sets
	var pe *PublishError
	if errors.As(err, &pe) {
		retry = pe.Failed
		a.dropped.Add(uint64(len(pe.Rejected)))
	}
	for i := range retry {
		a.mergeBack(&retry[i])
	}
	return fmt.Errorf("emf: flushing %d statistic sets: %w", len(sets), err)
}

func (a *Aggregator) mergeBack(st *StatisticSet) {
	ser := st.series
	if ser == nil || ser.agg != a {
		var err error
		if ser, err = a.Series(st.Name, st.Unit, st.Dimensions); err != nil {
			a.dropped.Add(1)
			return
		}
	}
	ser.merge(st)
}

// Start flushes every Interval in a background goroutine until Close.
// Errors go to OnFlushError. Calling Start again has no effect.
func (a *Aggregator) Start() {
	a.startOnce.Do(func() {
		tick, stopTicker := a.newTicker(a.interval)
		go func() {
			defer close(a.done)
			defer stopTicker()
			for {
				select {
				case <-a.stop:
					return
				case <-tick:
					ctx, cancel := context.WithTimeout(context.Background(), a.interval)
					if err := a.Flush(ctx); err != nil {
						a.onFlushError(err)
					}
					cancel()
				}
			}
		}()
	})
}

// Close stops the background flushes, if started, and flushes what is left.
// Values recorded after Close wait for an explicit Flush.
func (a *Aggregator) Close(ctx context.Context) error {
	a.stopOnce.Do(func() { close(a.stop) })
	a.startOnce.Do(func() { close(a.done) }) // never started: nothing to wait for
	select {
	case <-a.done:
	case <-ctx.Done():
		return fmt.Errorf("emf: waiting for the background flush: %w", ctx.Err())
	}
	return a.Flush(ctx)
}

// Stats returns counts of series and of data the Aggregator could not keep.
func (a *Aggregator) Stats() AggregatorStats {
	return AggregatorStats{
		Series:         int(a.nseries.Load()),
		RejectedValues: a.rejected.Load(),
		DroppedSets:    a.dropped.Load(),
	}
}
