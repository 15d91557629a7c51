package emf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

// capture is a Publisher that keeps what it was given and can be told to
// fail, to test how the Aggregator reacts.
type capture struct {
	mu    sync.Mutex
	calls [][]StatisticSet
	fail  func(sets []StatisticSet) error
}

func (c *capture) Publish(_ context.Context, sets []StatisticSet) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, append([]StatisticSet(nil), sets...))
	if c.fail != nil {
		return c.fail(sets)
	}
	return nil
}

func (c *capture) last(t *testing.T) []StatisticSet {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.calls) == 0 {
		t.Fatal("Publish was not called")
	}
	return c.calls[len(c.calls)-1]
}

func newTestAggregator(t *testing.T, p Publisher, opts AggregatorOptions) *Aggregator {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedClock
	}
	a, err := NewAggregator(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// summary renders sets compactly for comparison.
func summary(sets []StatisticSet) string {
	var b strings.Builder
	for _, s := range sets {
		fmt.Fprintf(&b, "%s|%s|%v n=%v sum=%v min=%v max=%v\n", s.Name, s.Unit, s.Dimensions, s.SampleCount, s.Sum, s.Min, s.Max)
	}
	return b.String()
}

func TestAggregatorFlushSummarisesEachSeries(t *testing.T) {
	type rec struct {
		name string
		dims map[string]string
		unit Unit
		v    float64
	}
	fn := map[string]string{"Function": "f"}
	tests := []struct {
		name string
		recs []rec
		want string
	}{
		{
			name: "one series",
			recs: []rec{{"Latency", fn, Milliseconds, 3}, {"Latency", fn, Milliseconds, 1}, {"Latency", fn, Milliseconds, 8}},
			want: "Latency|Milliseconds|map[Function:f] n=3 sum=12 min=1 max=8\n",
		},
		{
			name: "negative values keep min and max right",
			recs: []rec{{"Delta", nil, None, -5}, {"Delta", nil, None, -1}},
			want: "Delta|None|map[] n=2 sum=-6 min=-5 max=-1\n",
		},
		{
			name: "dimension values split series",
			recs: []rec{{"Errors", map[string]string{"Function": "a"}, Count, 1}, {"Errors", map[string]string{"Function": "b"}, Count, 2}, {"Errors", map[string]string{"Function": "a"}, Count, 3}},
			want: "Errors|Count|map[Function:a] n=2 sum=4 min=1 max=3\nErrors|Count|map[Function:b] n=1 sum=2 min=2 max=2\n",
		},
		{
			name: "same name with another unit is another series",
			recs: []rec{{"Size", fn, Bytes, 10}, {"Size", fn, Kilobytes, 1}},
			want: "Size|Bytes|map[Function:f] n=1 sum=10 min=10 max=10\nSize|Kilobytes|map[Function:f] n=1 sum=1 min=1 max=1\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &capture{}
			a := newTestAggregator(t, p, AggregatorOptions{})
			for _, r := range tt.recs {
				if err := a.Record(r.name, r.dims, r.unit, r.v); err != nil {
					t.Fatal(err)
				}
			}
			if err := a.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			sets := p.last(t)
			if got := summary(sets); got != tt.want {
				t.Fatalf("got\n%swant\n%s", got, tt.want)
			}
			for _, s := range sets {
				if !s.Timestamp.Equal(fixedTime) {
					t.Errorf("timestamp %v, want flush time %v", s.Timestamp, fixedTime)
				}
			}
		})
	}
}

func TestAggregatorFlushResetsAndSkipsEmptyIntervals(t *testing.T) {
	p := &capture{}
	a := newTestAggregator(t, p, AggregatorOptions{})
	ctx := context.Background()
	if err := a.Flush(ctx); err != nil || len(p.calls) != 0 {
		t.Fatalf("flush of nothing: err %v, %d publish calls", err, len(p.calls))
	}
	_ = a.Record("A", nil, Count, 1)
	_ = a.Record("B", nil, Count, 1)
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	_ = a.Record("A", nil, Count, 5)
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := summary(p.last(t)), "A|Count|map[] n=1 sum=5 min=5 max=5\n"; got != want {
		t.Fatalf("second flush\n%swant\n%s", got, want)
	}
	if err := a.Flush(ctx); err != nil || len(p.calls) != 2 {
		t.Fatalf("third flush with nothing new: err %v, %d publish calls, want 2", err, len(p.calls))
	}
}

func TestAggregatorSeriesHandleAndRecordShareTheSeries(t *testing.T) {
	p := &capture{}
	a := newTestAggregator(t, p, AggregatorOptions{})
	dims := map[string]string{"Function": "f", "Stage": "prod"}
	s, err := a.Series("Latency", Milliseconds, dims)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Record(2)
	_ = a.Record("Latency", map[string]string{"Stage": "prod", "Function": "f"}, Milliseconds, 4)
	dims["Function"] = "changed after registration"
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := summary(p.last(t)), "Latency|Milliseconds|map[Function:f Stage:prod] n=2 sum=6 min=2 max=4\n"; got != want {
		t.Fatalf("got\n%swant\n%s", got, want)
	}
	if a.Stats().Series != 1 {
		t.Fatalf("series = %d, want 1", a.Stats().Series)
	}
}

func TestAggregatorConcurrentRecordsLoseNothing(t *testing.T) {
	p := &capture{}
	a := newTestAggregator(t, p, AggregatorOptions{})
	const goroutines, perG = 8, 5000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			s, _ := a.Series("Handle", Count, nil)
			for i := range perG {
				v := float64(g*perG + i)
				if err := a.Record("Map", map[string]string{"K": "v"}, Count, v); err != nil {
					t.Error(err)
				}
				_ = s.Record(v)
				if i%1000 == 0 {
					if err := a.Flush(context.Background()); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := float64(goroutines * perG)
	for _, name := range []string{"Map", "Handle"} {
		var count, sum float64
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, call := range p.calls {
			for _, s := range call {
				if s.Name == name {
					count += s.SampleCount
					sum += s.Sum
					lo, hi = min(lo, s.Min), max(hi, s.Max)
				}
			}
		}
		if count != n || sum != n*(n-1)/2 || lo != 0 || hi != n-1 {
			t.Errorf("%s: count %v sum %v min %v max %v; want %v %v 0 %v", name, count, sum, lo, hi, n, n*(n-1)/2, n-1)
		}
	}
}

func TestAggregatorRecordRejectsBadInputAndCountsIt(t *testing.T) {
	a := newTestAggregator(t, &capture{}, AggregatorOptions{MaxSeries: 2})
	tests := []struct {
		name    string
		metric  string
		dims    map[string]string
		unit    Unit
		v       float64
		wantErr string
	}{
		{"NaN", "Lat", nil, Milliseconds, math.NaN(), `metric "Lat": value NaN`},
		{"Inf", "Lat", nil, Milliseconds, math.Inf(-1), `metric "Lat": value -Inf`},
		{"bad unit", "Lat", nil, "msec", 1, `unit "msec"`},
		{"blank dimension", "Lat", map[string]string{"Function": " "}, Milliseconds, 1, `dimension "Function"`},
		{"first series fits", "A", nil, Count, 1, ""},
		{"second series fits", "B", nil, Count, 1, ""},
		{"third series exceeds MaxSeries", "C", nil, Count, 1, "MaxSeries=2"},
		{"existing series still records", "A", nil, Count, 2, ""},
	}
	wantRejected := uint64(0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Record(tt.metric, tt.dims, tt.unit, tt.v)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantRejected++
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if got := a.Stats().RejectedValues; got != wantRejected {
				t.Fatalf("RejectedValues = %d, want %d", got, wantRejected)
			}
		})
	}
}

func TestAggregatorKeepsSetsWhosePublishFailed(t *testing.T) {
	ctx := context.Background()
	t.Run("plain error keeps every set for the next flush", func(t *testing.T) {
		p := &capture{fail: func([]StatisticSet) error { return errors.New("network down") }}
		a := newTestAggregator(t, p, AggregatorOptions{})
		_ = a.Record("A", nil, Count, 1)
		_ = a.Record("A", nil, Count, 9)
		if err := a.Flush(ctx); err == nil || !strings.Contains(err.Error(), "network down") {
			t.Fatalf("flush error = %v", err)
		}
		p.fail = nil
		_ = a.Record("A", nil, Count, 5)
		if err := a.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got, want := summary(p.last(t)), "A|Count|map[] n=3 sum=15 min=1 max=9\n"; got != want {
			t.Fatalf("got\n%swant\n%s", got, want)
		}
	})
	t.Run("PublishError retries Failed and drops Rejected", func(t *testing.T) {
		p := &capture{}
		p.fail = func(sets []StatisticSet) error {
			pe := &PublishError{Err: errors.New("partial")}
			for _, s := range sets {
				if s.Name == "Retry" {
					pe.Failed = append(pe.Failed, s)
				} else if s.Name == "Bad" {
					pe.Rejected = append(pe.Rejected, s)
				}
			}
			return pe
		}
		a := newTestAggregator(t, p, AggregatorOptions{})
		for _, n := range []string{"Bad", "Ok", "Retry"} {
			_ = a.Record(n, nil, Count, 1)
		}
		if err := a.Flush(ctx); err == nil {
			t.Fatal("want error")
		}
		p.fail = nil
		if err := a.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got, want := summary(p.last(t)), "Retry|Count|map[] n=1 sum=1 min=1 max=1\n"; got != want {
			t.Fatalf("got\n%swant\n%s", got, want)
		}
		if a.Stats().DroppedSets != 1 {
			t.Fatalf("DroppedSets = %d, want 1", a.Stats().DroppedSets)
		}
	})
}

func TestAggregatorBackgroundFlushAndClose(t *testing.T) {
	p := &capture{}
	a := newTestAggregator(t, p, AggregatorOptions{Interval: time.Hour})
	tick := make(chan time.Time)
	stopped := make(chan struct{})
	a.newTicker = func(d time.Duration) (<-chan time.Time, func()) {
		if d != time.Hour {
			t.Errorf("ticker interval %v, want 1h", d)
		}
		return tick, func() { close(stopped) }
	}
	a.Start()
	a.Start() // second call is a no-op
	_ = a.Record("A", nil, Count, 1)
	tick <- time.Now()
	tick <- time.Now() // handed over only after the first flush finished
	if got := summary(p.last(t)); got != "A|Count|map[] n=1 sum=1 min=1 max=1\n" {
		t.Fatalf("tick flush published\n%s", got)
	}
	_ = a.Record("B", nil, Count, 2)
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-stopped
	if got := summary(p.last(t)); got != "B|Count|map[] n=1 sum=2 min=2 max=2\n" {
		t.Fatalf("Close published\n%s", got)
	}
}

func TestAggregatorCloseWithoutStartFlushes(t *testing.T) {
	p := &capture{}
	a := newTestAggregator(t, p, AggregatorOptions{})
	_ = a.Record("A", nil, Count, 1)
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(p.calls) != 1 {
		t.Fatalf("publish calls = %d, want 1", len(p.calls))
	}
}

func TestNewAggregatorValidatesOptions(t *testing.T) {
	tests := []struct {
		name    string
		p       Publisher
		opts    AggregatorOptions
		wantErr string
	}{
		{"nil publisher", nil, AggregatorOptions{}, "Publisher is nil"},
		{"negative interval", &capture{}, AggregatorOptions{Interval: -time.Second}, "Interval -1s"},
		{"negative max series", &capture{}, AggregatorOptions{MaxSeries: -1}, "MaxSeries -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewAggregator(tt.p, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoggerPublishWritesStatisticSetsAsEMF(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "O11yscale/Pipeline")
	a := newTestAggregator(t, l, AggregatorOptions{})
	fn := map[string]string{"Function": "f"}
	for _, v := range []float64{4, 1, 7} {
		_ = a.Record("Latency", fn, Milliseconds, v)
	}
	_ = a.Record("Records", fn, Count, 10)
	_ = a.Record("Records", map[string]string{"Function": "g"}, Count, 3)
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := `{"_aws":{"CloudWatchMetrics":[{"Dimensions":[["Function"]],"Metrics":[{"Name":"Latency","Unit":"Milliseconds"},{"Name":"Records","Unit":"Count"}],"Namespace":"O11yscale/Pipeline"}],"Timestamp":1740830400000},"Function":"f","Latency":{"Count":3,"Max":7,"Min":1,"Sum":12},"Records":{"Count":1,"Max":10,"Min":10,"Sum":10}}
{"_aws":{"CloudWatchMetrics":[{"Dimensions":[["Function"]],"Metrics":[{"Name":"Records","Unit":"Count"}],"Namespace":"O11yscale/Pipeline"}],"Timestamp":1740830400000},"Function":"g","Records":{"Count":1,"Max":3,"Min":3,"Sum":3}}
`
	if buf.String() != want {
		t.Fatalf("got\n%swant\n%s", buf.String(), want)
	}
}

// failAfter fails every Write after the first n.
type failAfter struct {
	n   int
	buf bytes.Buffer
}

func (w *failAfter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, errors.New("pipe closed")
	}
	w.n--
	return w.buf.Write(p)
}

func TestLoggerPublishReportsOnlyUnwrittenSetsAsFailed(t *testing.T) {
	w := &failAfter{n: 1}
	l := New(w, "NS")
	sets := make([]StatisticSet, 150) // one dimension set: events of 100 and 50
	for i := range sets {
		sets[i] = StatisticSet{Name: fmt.Sprintf("M%03d", i), Unit: Count, SampleCount: 1, Sum: 1, Min: 1, Max: 1, Timestamp: fixedTime}
	}
	sets = append(sets, StatisticSet{Name: "Broken", SampleCount: 0, Timestamp: fixedTime})
	err := l.Publish(context.Background(), sets)
	var pe *PublishError
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v, want *PublishError", err)
	}
	if len(pe.Failed) != 50 || pe.Failed[0].Name != "M100" {
		t.Fatalf("Failed has %d sets starting %q, want the 50 of the unwritten event", len(pe.Failed), pe.Failed[0].Name)
	}
	if len(pe.Rejected) != 1 || pe.Rejected[0].Name != "Broken" {
		t.Fatalf("Rejected = %v, want the set with SampleCount 0", summary(pe.Rejected))
	}
	if n := strings.Count(w.buf.String(), "\n"); n != 1 {
		t.Fatalf("%d events written, want 1", n)
	}
}

func TestCheckStatsRejectsWhatCloudWatchRefuses(t *testing.T) {
	big := math.Ldexp(1, 360)
	tests := []struct {
		name    string
		set     StatisticSet
		wantErr string
	}{
		{"valid", StatisticSet{Name: "M", SampleCount: 2, Sum: 3, Min: 1, Max: 2}, ""},
		{"no samples", StatisticSet{Name: "M"}, "SampleCount 0 must be positive"},
		{"min above max", StatisticSet{Name: "M", SampleCount: 1, Min: 2, Max: 1}, "Min 2 is above Max 1"},
		{"sum overflowed the range", StatisticSet{Name: "M", SampleCount: 2, Sum: 2 * big, Min: big, Max: big}, "Sum"},
		{"NaN sum", StatisticSet{Name: "M", SampleCount: 1, Sum: math.NaN()}, "Sum NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkStats(&tt.set)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
