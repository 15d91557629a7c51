package lambdatest

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
)

// MetricTotals sums, per metric name, the values of every EMF event in
// output whose namespace is namespace: only the metrics an event declares
// in its _aws metadata count. Lines that are not EMF are skipped.
func MetricTotals(t testing.TB, output, namespace string) map[string]float64 {
	t.Helper()
	return MetricTotalsBy(t, output, namespace, "")
}

// MetricTotalsBy is MetricTotals keyed "<metric>/<value>" for the events
// that carry the dimension field (e.g. a drop Reason), "<metric>" for the
// others; with field "" it is MetricTotals.
func MetricTotalsBy(t testing.TB, output, namespace, field string) map[string]float64 {
	t.Helper()
	totals := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(output))
	sc.Buffer(make([]byte, 1<<20), 1<<21)
	for sc.Scan() {
		line := sc.Bytes()
		var ev map[string]json.RawMessage
		if json.Unmarshal(line, &ev) != nil || ev["_aws"] == nil {
			continue
		}
		var meta struct {
			CloudWatchMetrics []struct {
				Namespace string `json:"Namespace"`
				Metrics   []struct {
					Name string `json:"Name"`
				} `json:"Metrics"`
			} `json:"CloudWatchMetrics"`
		}
		if err := json.Unmarshal(ev["_aws"], &meta); err != nil {
			t.Fatalf("EMF metadata in %s: %v", line, err)
		}
		suffix := ""
		if raw, ok := ev[field]; ok && field != "" {
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatalf("EMF dimension %s in %s: %v", field, line, err)
			}
			suffix = "/" + v
		}
		for _, d := range meta.CloudWatchMetrics {
			if d.Namespace != namespace {
				continue
			}
			for _, m := range d.Metrics {
				var v float64
				if err := json.Unmarshal(ev[m.Name], &v); err != nil {
					t.Fatalf("EMF value of %s in %s: %v", m.Name, line, err)
				}
				totals[m.Name+suffix] += v
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading EMF output: %v", err)
	}
	return totals
}
