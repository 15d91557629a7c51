package forward

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

func manyMetrics(n int, stats []string) contract.Config {
	cfg := contract.Config{StreamName: "s", CentralRegion: "us-east-1"}
	for i := range n {
		cfg.Metrics = append(cfg.Metrics, contract.Metric{Namespace: "App/Load", MetricName: "Latency",
			Dimensions: map[string]string{"Service": fmt.Sprintf("s%05d", i)}, Statistics: stats})
	}
	return cfg.WithDefaults()
}

func seriesFor(cfg contract.Config) []*series {
	out := make([]*series, len(cfg.Metrics))
	for i, m := range cfg.Metrics {
		out[i] = newSeries("eu-west-1", "123456789012", m.Namespace, m.MetricName, m.Dimensions, m.Statistics, m.PeriodSeconds, m.Unit, "")
	}
	return out
}

func TestPlanCallsPacksQueriesWithinGetMetricDataLimits(t *testing.T) {
	six := []string{"Average", "Maximum", "Minimum", "SampleCount", "Sum", "p99"}
	cases := []struct {
		name      string
		cfg       contract.Config
		wantCalls int
	}{
		{"10,000 metrics, one statistic: 500 per call", manyMetrics(10000, []string{"Sum"}), 20},
		{"10,000 metrics, six statistics: 83 metrics per call", manyMetrics(10000, six), 121},
		{"one metric", manyMetrics(1, six), 1},
		{"a day of minutes caps datapoints: 70 queries per call", func() contract.Config {
			c := manyMetrics(700, []string{"Sum"})
			c.IntervalSeconds = 86400
			return c
		}(), 10},
		{"searches share calls with metrics", func() contract.Config {
			c := manyMetrics(499, []string{"Sum"})
			c.SearchExpressions = []contract.SearchExpression{{Expression: "{AWS/Lambda} Errors", Statistic: "Sum", PeriodSeconds: 60}, {Expression: "{AWS/EC2} CPU", Statistic: "p99", PeriodSeconds: 300}}
			return c
		}(), 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := WindowAt(mustTime(t, "2025-01-02T00:05:00Z"), time.Duration(c.cfg.IntervalSeconds)*time.Second, 3*time.Minute)
			calls := planCalls(c.cfg, seriesFor(c.cfg), w)
			if len(calls) != c.wantCalls {
				t.Fatalf("%d calls, want %d", len(calls), c.wantCalls)
			}
			perMetric := map[int]int{}
			next := 0
			searches := 0
			for ci, call := range calls {
				in := call.input(w)
				if len(in.MetricDataQueries) == 0 || len(in.MetricDataQueries) > MaxQueriesPerCall {
					t.Fatalf("call %d has %d queries", ci, len(in.MetricDataQueries))
				}
				if *in.MaxDatapoints != MaxDatapointsPerCall || !in.StartTime.Equal(w.Start) || !in.EndTime.Equal(w.End) {
					t.Fatalf("call %d input: %+v", ci, in)
				}
				if call.first != next {
					t.Fatalf("call %d starts at metric %d, want %d", ci, call.first, next)
				}
				next = call.end
				points := 0
				for qi, q := range in.MetricDataQueries {
					if *q.Id != fmt.Sprintf("q%d", qi) {
						t.Fatalf("call %d query %d has id %q", ci, qi, *q.Id)
					}
					ref := call.refs[qi]
					if ref.search >= 0 {
						se := c.cfg.SearchExpressions[ref.search]
						if want := fmt.Sprintf("SEARCH('%s', '%s', %d)", se.Expression, se.Statistic, se.PeriodSeconds); *q.Expression != want {
							t.Fatalf("search query %q, want %q", *q.Expression, want)
						}
						searches++
						points += int(w.End.Sub(w.Start).Seconds()) / se.PeriodSeconds
						continue
					}
					m := c.cfg.Metrics[ref.series]
					if ref.series < call.first || ref.series >= call.end {
						t.Fatalf("call %d reads metric %d outside its range [%d, %d)", ci, ref.series, call.first, call.end)
					}
					if *q.MetricStat.Metric.MetricName != m.MetricName || *q.MetricStat.Stat != m.Statistics[ref.stat] || *q.MetricStat.Period != int32(m.PeriodSeconds) {
						t.Fatalf("query %+v does not match metric %+v stat %d", q.MetricStat, m, ref.stat)
					}
					perMetric[ref.series]++
					points += int(w.End.Sub(w.Start).Seconds()) / m.PeriodSeconds
				}
				if points > MaxDatapointsPerCall {
					t.Fatalf("call %d expects %d datapoints, limit %d", ci, points, MaxDatapointsPerCall)
				}
			}
			if next != len(c.cfg.Metrics) || searches != len(c.cfg.SearchExpressions) {
				t.Fatalf("plan covers %d metrics and %d searches, want %d and %d", next, searches, len(c.cfg.Metrics), len(c.cfg.SearchExpressions))
			}
			for i, m := range c.cfg.Metrics {
				if perMetric[i] != len(m.Statistics) {
					t.Fatalf("metric %d has %d queries, want one per statistic (%d)", i, perMetric[i], len(m.Statistics))
				}
			}
		})
	}
}

func TestPlanCallsPassesUnitOnlyWhenSet(t *testing.T) {
	cfg := manyMetrics(2, []string{"Sum"})
	cfg.Metrics[1].Unit = "Count"
	calls := planCalls(cfg, seriesFor(cfg), WindowAt(time.Unix(3600, 0), 5*time.Minute, 0))
	q := calls[0].queries
	if q[0].MetricStat.Unit != "" || q[1].MetricStat.Unit != types.StandardUnitCount {
		t.Fatalf("units %q, %q; want none and Count", q[0].MetricStat.Unit, q[1].MetricStat.Unit)
	}
}

func result(id, label string, status types.StatusCode, ts []time.Time, vals []float64) types.MetricDataResult {
	return types.MetricDataResult{Id: &id, Label: &label, StatusCode: status, Timestamps: ts, Values: vals}
}

func TestAssemblyMergesStatisticsAndPagesIntoRows(t *testing.T) {
	cfg := manyMetrics(2, []string{"Average", "Sum"})
	cfg.SearchExpressions = []contract.SearchExpression{{Expression: "{App/Load,Service} Errors", Statistic: "Sum", PeriodSeconds: 60}}
	ms := seriesFor(cfg)
	w := WindowAt(mustTime(t, "2025-01-01T12:05:00Z"), 5*time.Minute, 3*time.Minute)
	calls := planCalls(cfg, ms, w)
	if len(calls) != 1 {
		t.Fatalf("%d calls", len(calls))
	}
	c := &calls[0]
	at := func(min int) time.Time { return w.Start.Add(time.Duration(min) * time.Minute) }
	pages := []*cloudwatch.GetMetricDataOutput{
		{MetricDataResults: []types.MetricDataResult{
			// Out of order across queries and a timestamp only Sum has.
			result("q1", "Sum", types.StatusCodePartialData, []time.Time{at(0), at(1)}, []float64{10, 11}),
			result("q0", "Average", types.StatusCodeComplete, []time.Time{at(1)}, []float64{1.1}),
			result("q4", "s1 Errors", types.StatusCodeComplete, []time.Time{at(0)}, []float64{7}),
			result("q4", "s0 Errors", types.StatusCodeComplete, []time.Time{at(2)}, []float64{3}),
		}},
		{MetricDataResults: []types.MetricDataResult{
			// The second page continues q1 and inserts an earlier q0 row.
			result("q1", "Sum", types.StatusCodeComplete, []time.Time{at(2)}, []float64{12}),
			result("q0", "Average", types.StatusCodeComplete, []time.Time{at(0)}, []float64{1.0}),
			result("q3", "Sum", types.StatusCodeComplete, []time.Time{at(4)}, []float64{40}),
		}},
	}
	a := newAssembly(c, ms, w)
	for _, p := range pages {
		if err := a.add(c, p); err != nil {
			t.Fatal(err)
		}
	}
	entries, n := encodeCall(a, c, ms, cfg, "eu-west-1", "123456789012")
	if n != 6 || len(entries) != 4 {
		t.Fatalf("%d datapoints in %d records, want 6 in 4 (one record per series)", n, len(entries))
	}
	var got []string
	for _, e := range entries {
		for _, line := range bytes.SplitAfter(e.Data, []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			d := decodeLine(t, line)
			key := d.Metric
			if s := d.Dimensions["Service"]; s != "" {
				key += "/" + s
			}
			got = append(got, fmt.Sprintf("%s@%d=%v", key, d.Timestamp.Sub(w.Start)/time.Minute, d.Values))
		}
	}
	want := []string{
		"Latency/s00000@0=map[Average:1 Sum:10]",
		"Latency/s00000@1=map[Average:1.1 Sum:11]",
		"Latency/s00000@2=map[Sum:12]",
		"Latency/s00001@4=map[Sum:40]",
		"s0 Errors@2=map[Sum:3]",
		"s1 Errors@0=map[Sum:7]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("datapoints\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAssemblyRejectsResultsItDidNotAskFor(t *testing.T) {
	cfg := manyMetrics(1, []string{"Sum"})
	ms := seriesFor(cfg)
	w := WindowAt(time.Unix(3600, 0), 5*time.Minute, 0)
	c := &planCalls(cfg, ms, w)[0]
	cases := map[string]types.MetricDataResult{
		"unknown id":        result("q7", "", types.StatusCodeComplete, nil, nil),
		"foreign id":        result("m0", "", types.StatusCodeComplete, nil, nil),
		"length mismatch":   result("q0", "", types.StatusCodeComplete, []time.Time{time.Unix(3600, 0)}, nil),
		"non-numeric index": result("qx", "", types.StatusCodeComplete, nil, nil),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			err := newAssembly(c, ms, w).add(c, &cloudwatch.GetMetricDataOutput{MetricDataResults: []types.MetricDataResult{r}})
			if err == nil {
				t.Fatal("accepted a result that matches no query")
			}
		})
	}
}

func TestAssemblyRecordsQueriesCloudWatchFailed(t *testing.T) {
	cfg := manyMetrics(1, []string{"Sum"})
	ms := seriesFor(cfg)
	w := WindowAt(time.Unix(3600, 0), 5*time.Minute, 0)
	c := &planCalls(cfg, ms, w)[0]
	a := newAssembly(c, ms, w)
	code, msg := "Forbidden", "no access"
	r := result("q0", "", types.StatusCodeForbidden, nil, nil)
	r.Messages = []types.MessageData{{Code: &code, Value: &msg}}
	if err := a.add(c, &cloudwatch.GetMetricDataOutput{MetricDataResults: []types.MetricDataResult{r}}); err != nil {
		t.Fatal(err)
	}
	if len(a.failed) != 1 || !strings.Contains(a.failed[0], "no access") {
		t.Fatalf("failed = %v", a.failed)
	}
}

func TestRowsSetKeepsTimestampsSortedAndUnique(t *testing.T) {
	r := rows{n: 2}
	for _, p := range []struct {
		t    int64
		stat int
		v    float64
	}{{120, 0, 2}, {60, 0, 1}, {180, 1, 30}, {60, 1, 10}, {0, 1, 0}, {120, 1, 20}} {
		r.set(p.t, p.stat, p.v)
	}
	if fmt.Sprint(r.ts) != "[0 60 120 180]" {
		t.Fatalf("timestamps %v", r.ts)
	}
	want := []float64{math.NaN(), 0, 1, 10, 2, 20, math.NaN(), 30}
	for i := range want {
		if !(r.vals[i] == want[i] || math.IsNaN(r.vals[i]) && math.IsNaN(want[i])) {
			t.Fatalf("values %v, want %v", r.vals, want)
		}
	}
}
