// Package emf writes CloudWatch Embedded Metric Format (EMF) events and
// aggregates values locally into statistic sets. It is exported for
// application teams as well as used by our own Lambdas: there is no official
// Go EMF library, and the seed's Python snippets skip the spec's limits.
//
// Logger.Emit enforces the EMF and CloudWatch limits (100 metrics per
// directive, 30 dimension keys, 1 MB per event, finite values in ±2^360,
// CloudWatch name rules) and writes one JSON line per event with sorted keys,
// so output is deterministic and cheap to produce (no encoding/json, pooled
// buffers).
//
// Aggregator folds recorded values into SampleCount/Sum/Min/Max per metric and
// dimension set and publishes them on an interval or on Flush, either as EMF
// (Logger is a Publisher) or through PutMetricData (CloudWatchPublisher).
package emf

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Unit is a CloudWatch metric unit.
type Unit string

// The CloudWatch standard units.
const (
	None               Unit = "None"
	Seconds            Unit = "Seconds"
	Microseconds       Unit = "Microseconds"
	Milliseconds       Unit = "Milliseconds"
	Bytes              Unit = "Bytes"
	Kilobytes          Unit = "Kilobytes"
	Megabytes          Unit = "Megabytes"
	Gigabytes          Unit = "Gigabytes"
	Terabytes          Unit = "Terabytes"
	Bits               Unit = "Bits"
	Kilobits           Unit = "Kilobits"
	Megabits           Unit = "Megabits"
	Gigabits           Unit = "Gigabits"
	Terabits           Unit = "Terabits"
	Percent            Unit = "Percent"
	Count              Unit = "Count"
	BytesPerSecond     Unit = "Bytes/Second"
	KilobytesPerSecond Unit = "Kilobytes/Second"
	MegabytesPerSecond Unit = "Megabytes/Second"
	GigabytesPerSecond Unit = "Gigabytes/Second"
	TerabytesPerSecond Unit = "Terabytes/Second"
	BitsPerSecond      Unit = "Bits/Second"
	KilobitsPerSecond  Unit = "Kilobits/Second"
	MegabitsPerSecond  Unit = "Megabits/Second"
	GigabitsPerSecond  Unit = "Gigabits/Second"
	TerabitsPerSecond  Unit = "Terabits/Second"
	CountPerSecond     Unit = "Count/Second"
)

var validUnits = map[Unit]bool{
	None: true, Seconds: true, Microseconds: true, Milliseconds: true,
	Bytes: true, Kilobytes: true, Megabytes: true, Gigabytes: true, Terabytes: true,
	Bits: true, Kilobits: true, Megabits: true, Gigabits: true, Terabits: true,
	Percent: true, Count: true,
	BytesPerSecond: true, KilobytesPerSecond: true, MegabytesPerSecond: true,
	GigabytesPerSecond: true, TerabytesPerSecond: true,
	BitsPerSecond: true, KilobitsPerSecond: true, MegabitsPerSecond: true,
	GigabitsPerSecond: true, TerabitsPerSecond: true, CountPerSecond: true,
}

// Limits from the EMF specification and the CloudWatch API reference.
const (
	// MaxMetricsPerDirective is the most metrics one EMF directive may name.
	MaxMetricsPerDirective = 100
	// MaxDimensions is the most dimension keys in one dimension set.
	MaxDimensions = 30
	// MaxEventBytes is the largest EMF event CloudWatch Logs accepts.
	MaxEventBytes = 1 << 20
	// MaxNameLength bounds namespaces, metric names and dimension names.
	MaxNameLength = 255
	// MaxDimensionValueLength bounds dimension values.
	MaxDimensionValueLength = 1024
)

// maxAbsValue is 2^360: CloudWatch rejects values outside ±2^360.
var maxAbsValue = math.Ldexp(1, 360)

// Metric is one named value in an EMF event. An empty Unit is written
// without a unit (CloudWatch then stores None).
type Metric struct {
	Name  string
	Unit  Unit
	Value float64
}

// Logger writes EMF events as JSON lines. It is safe for concurrent use;
// each event is one Write call, so lines never interleave.
type Logger struct {
	w         io.Writer
	namespace string
	now       func() time.Time

	mu sync.Mutex // serialises writes to w

	// maxEventBytes is MaxEventBytes except in tests that exercise splitting.
	maxEventBytes int
}

// Option configures a Logger.
type Option func(*Logger)

// WithClock sets the clock used for event timestamps (default time.Now).
// Tests use it to get byte-identical output.
func WithClock(now func() time.Time) Option {
	return func(l *Logger) { l.now = now }
}

// New returns a Logger writing EMF JSON lines to w under namespace. It is
// safe for concurrent use. The namespace is checked on each Emit, so a bad
// one surfaces as an error where metrics are written.
func New(w io.Writer, namespace string, opts ...Option) *Logger {
	l := &Logger{w: w, namespace: namespace, now: time.Now, maxEventBytes: MaxEventBytes}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Emit writes one EMF event with one dimension set made of all keys of
// dims. More than 100 metrics, or a metric name given twice, are split over
// several events (a repeated name goes to the next event, so no value is
// merged or lost). Emit checks everything before writing anything: NaN or
// Inf values, values outside ±2^360, more than 30 dimension keys, names that
// CloudWatch rejects, and events over 1 MB are errors naming the culprit.
func (l *Logger) Emit(dims map[string]string, metrics ...Metric) error {
	if len(metrics) == 0 {
		return nil
	}
	s := getScratch()
	defer putScratch(s)
	s.entries = s.entries[:0]
	for _, m := range metrics {
		if err := checkValue(m.Name, m.Value); err != nil {
			return err
		}
		s.entries = append(s.entries, entry{name: m.Name, unit: m.Unit, value: m.Value})
	}
	_, err := l.write(s, dims, l.now())
	return err
}

// write validates and encodes s.entries under dims and timestamp ts and
// writes the resulting events. It reorders s.entries into event order and
// returns how many of them (a prefix) were written; a failure of the writer
// is a *writeError.
func (l *Logger) write(s *scratch, dims map[string]string, ts time.Time) (int, error) {
	if err := checkNamespace(l.namespace); err != nil {
		return 0, err
	}
	if err := s.sortedDims(dims); err != nil {
		return 0, err
	}
	slices.SortStableFunc(s.entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	for i := range s.entries {
		e := &s.entries[i]
		if err := checkMetric(e.name, e.unit); err != nil {
			return 0, err
		}
		if _, clash := dims[e.name]; clash {
			return 0, fmt.Errorf("emf: metric %q has the same name as a dimension key; EMF needs distinct root members", e.name)
		}
		// A repeated name must go to a later event: EMF allows each member once.
		e.round = 0
		if i > 0 && s.entries[i-1].name == e.name {
			e.round = s.entries[i-1].round + 1
		}
	}
	// Events in order: round 0 chunks, round 1 chunks, ... each sorted by name.
	slices.SortStableFunc(s.entries, func(a, b entry) int { return a.round - b.round })
	s.events = s.events[:0]
	for start := 0; start < len(s.entries); {
		end := start
		for end < len(s.entries) && end-start < MaxMetricsPerDirective && s.entries[end].round == s.entries[start].round {
			end++
		}
		// Within one round names are unique and sorted, so the merge with
		// sorted dimension keys gives sorted root members.
		var err error
		s.events, err = l.encodeSplit(s, s.events, start, end, dims, ts)
		if err != nil {
			return 0, err
		}
		start = end
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	written := 0
	for _, ev := range s.events {
		if _, err := l.w.Write(s.buf[ev.start:ev.end]); err != nil {
			return written, &writeError{fmt.Errorf("emf: writing event: %w", err)}
		}
		written = ev.entriesEnd
	}
	return written, nil
}

// encodeSplit appends the encoding of s.entries[from:to] to s.buf, halving
// the chunk while an event would exceed the size limit.
func (l *Logger) encodeSplit(s *scratch, events []span, from, to int, dims map[string]string, ts time.Time) ([]span, error) {
	start := len(s.buf)
	s.buf = appendEvent(s.buf, l.namespace, s.keys, dims, s.entries[from:to], ts)
	if len(s.buf)-start <= l.maxEventBytes {
		return append(events, span{start, len(s.buf), to}), nil
	}
	s.buf = s.buf[:start]
	if to-from == 1 {
		return events, fmt.Errorf("emf: metric %q: event would be larger than %d bytes", s.entries[from].name, l.maxEventBytes)
	}
	half := from + (to-from)/2
	events, err := l.encodeSplit(s, events, from, half, dims, ts)
	if err != nil {
		return events, err
	}
	return l.encodeSplit(s, events, half, to, dims, ts)
}

// entry is a metric to encode: a plain value or, when stats is set, a
// statistic set.
type entry struct {
	name  string
	unit  Unit
	value float64
	stats *StatisticSet
	round int
}

// span is one encoded event: its bytes in scratch.buf and the end of its
// entries in scratch.entries.
type span struct{ start, end, entriesEnd int }

// scratch holds the per-call buffers reused through a sync.Pool.
type scratch struct {
	buf     []byte
	keys    []string
	entries []entry
	events  []span
}

var scratchPool = sync.Pool{New: func() any { return &scratch{buf: make([]byte, 0, 1024)} }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(s *scratch) {
	// Do not let one huge batch pin megabytes in the pool.
	if cap(s.buf) > 256<<10 || cap(s.entries) > 4096 {
		return
	}
	s.buf = s.buf[:0]
	clear(s.entries[:cap(s.entries)])
	s.entries = s.entries[:0]
	s.keys = s.keys[:0]
	scratchPool.Put(s)
}

// sortedDims validates dims and stores its keys, sorted, in s.keys.
func (s *scratch) sortedDims(dims map[string]string) error {
	if len(dims) > MaxDimensions {
		return fmt.Errorf("emf: %d dimension keys given, at most %d allowed per dimension set", len(dims), MaxDimensions)
	}
	s.keys = s.keys[:0]
	for k, v := range dims {
		if err := checkDimension(k, v); err != nil {
			return err
		}
		s.keys = append(s.keys, k)
	}
	slices.Sort(s.keys)
	return nil
}

func checkValue(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("emf: metric %q: value %v is not a finite number (NaN and ±Inf are rejected)", name, v)
	}
	if math.Abs(v) > maxAbsValue {
		return fmt.Errorf("emf: metric %q: value %g is outside the CloudWatch range ±2^360", name, v)
	}
	return nil
}

func checkNamespace(ns string) error {
	switch {
	case ns == "" || len(ns) > MaxNameLength:
		return fmt.Errorf("emf: namespace %q: length %d, allowed 1-%d", ns, len(ns), MaxNameLength)
	case strings.HasPrefix(ns, ":") || strings.HasPrefix(ns, "AWS/"):
		return fmt.Errorf("emf: namespace %q: must not start with \":\" or the reserved \"AWS/\"", ns)
	case !isPrintableASCII(ns):
		return fmt.Errorf("emf: namespace %q: only printable ASCII is allowed", ns)
	}
	return nil
}

func checkMetric(name string, unit Unit) error {
	switch {
	case name == "" || len(name) > MaxNameLength:
		return fmt.Errorf("emf: metric name %q: length %d, allowed 1-%d", name, len(name), MaxNameLength)
	case name == "_aws":
		return errors.New(`emf: metric name "_aws" is reserved for EMF metadata`)
	case !utf8.ValidString(name) || hasControl(name):
		return fmt.Errorf("emf: metric name %q: must be valid UTF-8 without control characters", name)
	case unit != "" && !validUnits[unit]:
		return fmt.Errorf("emf: metric %q: unit %q is not a CloudWatch unit (e.g. Count, Milliseconds, Bytes, None)", name, unit)
	}
	return nil
}

// checkDimension applies the CloudWatch Dimension rules: ASCII without
// control characters, at least one non-space, names not starting with ":".
func checkDimension(k, v string) error {
	switch {
	case k == "" || len(k) > MaxNameLength:
		return fmt.Errorf("emf: dimension key %q: length %d, allowed 1-%d", k, len(k), MaxNameLength)
	case k == "_aws":
		return errors.New(`emf: dimension key "_aws" is reserved for EMF metadata`)
	case k[0] == ':' || !isPrintableASCII(k) || strings.TrimSpace(k) == "":
		return fmt.Errorf("emf: dimension key %q: must be printable ASCII, not blank, not starting with \":\"", k)
	case v == "" || len(v) > MaxDimensionValueLength:
		return fmt.Errorf("emf: dimension %q: value length %d, allowed 1-%d", k, len(v), MaxDimensionValueLength)
	case !isPrintableASCII(v) || strings.TrimSpace(v) == "":
		return fmt.Errorf("emf: dimension %q: value %q must be printable ASCII and not blank", k, v)
	}
	return nil
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}
