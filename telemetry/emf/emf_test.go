package emf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

var fixedTime = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return fixedTime }

func TestEmitWritesOneSortedEventLine(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "O11yscale/Pipeline", WithClock(fixedClock))
	err := l.Emit(map[string]string{"Function": "forwarder", "Az": "use1-az1"},
		Metric{Name: "RecordsIn", Unit: Count, Value: 42},
		Metric{Name: "Duration", Unit: Milliseconds, Value: 12.5},
	)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"_aws":{"CloudWatchMetrics":[{"Dimensions":[["Az","Function"]],"Metrics":[{"Name":"Duration","Unit":"Milliseconds"},{"Name":"RecordsIn","Unit":"Count"}],"Namespace":"O11yscale/Pipeline"}],"Timestamp":1740830400000},"Az":"use1-az1","Duration":12.5,"Function":"forwarder","RecordsIn":42}` + "\n"
	if got := buf.String(); got != want {
		t.Fatalf("event differs\n got: %s\nwant: %s", got, want)
	}
}

// event is the decoded shape of an EMF line, for structural assertions.
type event struct {
	AWS struct {
		Timestamp         int64
		CloudWatchMetrics []struct {
			Namespace  string
			Dimensions [][]string
			Metrics    []struct{ Name, Unit string }
		}
	} `json:"_aws"`
	root map[string]any
}

func decodeEvents(t *testing.T, out string) []event {
	t.Helper()
	var evs []event
	for line := range strings.Lines(out) {
		var ev event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("line is not JSON: %v\n%s", err, line)
		}
		if err := json.Unmarshal([]byte(line), &ev.root); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	return evs
}

// checkTargets asserts that every metric and dimension a directive names
// is present at the root, as the spec requires.
func checkTargets(t *testing.T, ev event) {
	t.Helper()
	for _, d := range ev.AWS.CloudWatchMetrics {
		if len(d.Metrics) > MaxMetricsPerDirective {
			t.Errorf("directive has %d metrics, limit %d", len(d.Metrics), MaxMetricsPerDirective)
		}
		for _, m := range d.Metrics {
			if _, ok := ev.root[m.Name].(float64); !ok {
				t.Errorf("metric %q has no numeric root member", m.Name)
			}
		}
		for _, set := range d.Dimensions {
			for _, k := range set {
				if _, ok := ev.root[k].(string); !ok {
					t.Errorf("dimension %q has no string root member", k)
				}
			}
		}
	}
}

func TestEmitSplitsBatchesIntoEventsOfAtMost100Metrics(t *testing.T) {
	tests := []struct {
		name       string
		metrics    int
		wantEvents []int
	}{
		{"one metric", 1, []int{1}},
		{"exactly 100", 100, []int{100}},
		{"101 spills one", 101, []int{100, 1}},
		{"250", 250, []int{100, 100, 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := New(&buf, "NS", WithClock(fixedClock))
			ms := make([]Metric, tt.metrics)
			for i := range ms {
				ms[i] = Metric{Name: fmt.Sprintf("M%03d", i), Unit: Count, Value: float64(i)}
			}
			if err := l.Emit(map[string]string{"Function": "f"}, ms...); err != nil {
				t.Fatal(err)
			}
			evs := decodeEvents(t, buf.String())
			var got []int
			seen := map[string]float64{}
			for _, ev := range evs {
				checkTargets(t, ev)
				d := ev.AWS.CloudWatchMetrics[0]
				got = append(got, len(d.Metrics))
				for _, m := range d.Metrics {
					seen[m.Name] = ev.root[m.Name].(float64)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.wantEvents) {
				t.Fatalf("metrics per event = %v, want %v", got, tt.wantEvents)
			}
			for i, m := range ms {
				if v, ok := seen[m.Name]; !ok || v != float64(i) {
					t.Errorf("metric %s: got %v (present %v), want %d", m.Name, v, ok, i)
				}
			}
		})
	}
}

func TestEmitPutsRepeatedMetricNameInALaterEvent(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "NS", WithClock(fixedClock))
	err := l.Emit(nil,
		Metric{Name: "Latency", Unit: Milliseconds, Value: 1},
		Metric{Name: "Errors", Unit: Count, Value: 0},
		Metric{Name: "Latency", Unit: Milliseconds, Value: 2},
	)
	if err != nil {
		t.Fatal(err)
	}
	evs := decodeEvents(t, buf.String())
	if len(evs) != 2 {
		t.Fatalf("got %d events, want 2:\n%s", len(evs), buf.String())
	}
	if evs[0].root["Latency"] != 1.0 || evs[0].root["Errors"] != 0.0 || evs[1].root["Latency"] != 2.0 {
		t.Fatalf("values misplaced:\n%s", buf.String())
	}
	if _, ok := evs[1].root["Errors"]; ok {
		t.Fatal("second event repeats Errors")
	}
}

func TestEmitWithoutDimensionsWritesEmptyDimensionSet(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "NS", WithClock(fixedClock))
	if err := l.Emit(nil, Metric{Name: "Up", Value: 1}); err != nil {
		t.Fatal(err)
	}
	want := `{"_aws":{"CloudWatchMetrics":[{"Dimensions":[[]],"Metrics":[{"Name":"Up"}],"Namespace":"NS"}],"Timestamp":1740830400000},"Up":1}` + "\n"
	if buf.String() != want {
		t.Fatalf("got %s want %s", buf.String(), want)
	}
}

func TestEmitRejectsInvalidInputWithoutWriting(t *testing.T) {
	manyDims := map[string]string{}
	for i := range MaxDimensions + 1 {
		manyDims[fmt.Sprintf("D%02d", i)] = "v"
	}
	tests := []struct {
		name      string
		namespace string
		dims      map[string]string
		metrics   []Metric
		wantErr   string
	}{
		{"NaN names the metric", "NS", nil, []Metric{{Name: "Ok", Value: 1}, {Name: "Lat", Value: math.NaN()}}, `metric "Lat": value NaN`},
		{"+Inf", "NS", nil, []Metric{{Name: "Lat", Value: math.Inf(1)}}, `metric "Lat": value +Inf`},
		{"-Inf", "NS", nil, []Metric{{Name: "Lat", Value: math.Inf(-1)}}, `metric "Lat": value -Inf`},
		{"beyond 2^360", "NS", nil, []Metric{{Name: "Big", Value: math.Ldexp(1, 361)}}, `metric "Big": value`},
		{"31 dimension keys", "NS", manyDims, []Metric{{Name: "M", Value: 1}}, "31 dimension keys given, at most 30"},
		{"empty dimension value", "NS", map[string]string{"Function": ""}, []Metric{{Name: "M", Value: 1}}, `dimension "Function": value length 0`},
		{"non-ASCII dimension value", "NS", map[string]string{"City": "Zürich"}, []Metric{{Name: "M", Value: 1}}, `dimension "City": value "Zürich" must be printable ASCII`},
		{"dimension key with colon", "NS", map[string]string{":k": "v"}, []Metric{{Name: "M", Value: 1}}, `dimension key ":k"`},
		{"dimension key _aws", "NS", map[string]string{"_aws": "v"}, []Metric{{Name: "M", Value: 1}}, `"_aws" is reserved`},
		{"metric named like a dimension", "NS", map[string]string{"Function": "f"}, []Metric{{Name: "Function", Value: 1}}, `metric "Function" has the same name as a dimension key`},
		{"empty metric name", "NS", nil, []Metric{{Name: "", Value: 1}}, `metric name "": length 0`},
		{"metric name _aws", "NS", nil, []Metric{{Name: "_aws", Value: 1}}, `"_aws" is reserved`},
		{"metric name with newline", "NS", nil, []Metric{{Name: "a\nb", Value: 1}}, "without control characters"},
		{"unknown unit", "NS", nil, []Metric{{Name: "M", Unit: "ms", Value: 1}}, `unit "ms" is not a CloudWatch unit`},
		{"empty namespace", "", nil, []Metric{{Name: "M", Value: 1}}, `namespace "": length 0`},
		{"AWS namespace", "AWS/Lambda", nil, []Metric{{Name: "M", Value: 1}}, `reserved "AWS/"`},
		{"256-char metric name", "NS", nil, []Metric{{Name: strings.Repeat("m", 256), Value: 1}}, "length 256, allowed 1-255"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := New(&buf, tt.namespace).Emit(tt.dims, tt.metrics...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if buf.Len() != 0 {
				t.Fatalf("wrote %q despite the error", buf.String())
			}
		})
	}
}

func TestEmitEscapesQuotesAndBackslashesInNames(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, `NS"x`, WithClock(fixedClock))
	if err := l.Emit(map[string]string{`k\`: `v"`}, Metric{Name: `m"é\`, Value: 1}); err != nil {
		t.Fatal(err)
	}
	evs := decodeEvents(t, buf.String())
	if evs[0].root[`k\`] != `v"` || evs[0].root[`m"é\`] != 1.0 || evs[0].AWS.CloudWatchMetrics[0].Namespace != `NS"x` {
		t.Fatalf("escaping broke round trip: %s", buf.String())
	}
}

func TestEmitSplitsEventsOverTheSizeLimit(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "NS", WithClock(fixedClock))
	l.maxEventBytes = 400 // small enough that 10 metrics need several events
	ms := make([]Metric, 10)
	for i := range ms {
		ms[i] = Metric{Name: fmt.Sprintf("Metric%02d", i), Unit: Count, Value: float64(i)}
	}
	if err := l.Emit(map[string]string{"Function": "f"}, ms...); err != nil {
		t.Fatal(err)
	}
	evs := decodeEvents(t, buf.String())
	if len(evs) < 2 {
		t.Fatalf("expected a split, got %d event(s)", len(evs))
	}
	total := 0
	for line := range strings.Lines(buf.String()) {
		if len(line) > l.maxEventBytes {
			t.Errorf("event of %d bytes exceeds limit %d", len(line), l.maxEventBytes)
		}
	}
	for _, ev := range evs {
		checkTargets(t, ev)
		total += len(ev.AWS.CloudWatchMetrics[0].Metrics)
	}
	if total != len(ms) {
		t.Fatalf("events carry %d metrics, want %d", total, len(ms))
	}

	l.maxEventBytes = 100 // one metric alone cannot fit
	buf.Reset()
	err := l.Emit(nil, Metric{Name: "Alone", Value: 1})
	if err == nil || !strings.Contains(err.Error(), `metric "Alone": event would be larger than 100 bytes`) {
		t.Fatalf("error = %v", err)
	}
}

func TestEmitMaximalEventStaysUnder1MB(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, strings.Repeat("n", MaxNameLength))
	dims := map[string]string{}
	for i := range MaxDimensions {
		dims[fmt.Sprintf("%0255d", i)] = strings.Repeat(`"`, MaxDimensionValueLength)
	}
	ms := make([]Metric, MaxMetricsPerDirective)
	for i := range ms {
		ms[i] = Metric{Name: fmt.Sprintf("%0254d\"", i), Unit: TerabitsPerSecond, Value: -math.MaxFloat64 / math.Ldexp(1, 700)}
	}
	if err := l.Emit(dims, ms...); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 1 {
		t.Fatalf("got %d events, want 1", n)
	}
	if buf.Len() > MaxEventBytes {
		t.Fatalf("event is %d bytes", buf.Len())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestEmitReturnsWriteErrors(t *testing.T) {
	err := New(failingWriter{}, "NS").Emit(nil, Metric{Name: "M", Value: 1})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("error = %v", err)
	}
}

func TestEmitFromManyGoroutinesKeepsLinesWhole(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "NS")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				if err := l.Emit(map[string]string{"G": fmt.Sprint(g)}, Metric{Name: "I", Value: float64(i)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	evs := decodeEvents(t, buf.String())
	if len(evs) != 8*200 {
		t.Fatalf("got %d whole events, want %d", len(evs), 8*200)
	}
}

func TestEmitOutputIsStableAcrossCalls(t *testing.T) {
	dims := map[string]string{"B": "2", "A": "1", "C": "3", "D": "4", "E": "5"}
	var first string
	for i := range 20 {
		var buf bytes.Buffer
		if err := New(&buf, "NS", WithClock(fixedClock)).Emit(dims, Metric{Name: "Z", Value: 1}, Metric{Name: "Y", Value: 2}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.String()
		} else if buf.String() != first {
			t.Fatalf("output changed between calls:\n%s\n%s", first, buf.String())
		}
	}
}
