package emf

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

var (
	benchDims    = map[string]string{"Function": "forwarder", "Stage": "prod"}
	benchMetrics = []Metric{
		{Name: "RecordsIn", Unit: Count, Value: 500},
		{Name: "RecordsOut", Unit: Count, Value: 498},
		{Name: "Failed", Unit: Count, Value: 2},
		{Name: "Duration", Unit: Milliseconds, Value: 123.456},
		{Name: "BytesOut", Unit: Bytes, Value: 1048576},
	}
)

// BenchmarkEmit encodes and writes one event of 5 metrics and 2 dimensions.
func BenchmarkEmit(b *testing.B) {
	l := New(io.Discard, "O11yscale/Pipeline")
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Emit(benchDims, benchMetrics...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEmitBaselineEncodingJSON is the baseline for BenchmarkEmit: the
// same event as a map marshalled with encoding/json (the seed's json.dumps).
// The map is built once outside the loop, which favours the baseline; it
// does no validation.
func BenchmarkEmitBaselineEncodingJSON(b *testing.B) {
	metricDefs := make([]map[string]string, len(benchMetrics))
	event := map[string]any{}
	for i, m := range benchMetrics {
		metricDefs[i] = map[string]string{"Name": m.Name, "Unit": string(m.Unit)}
		event[m.Name] = m.Value
	}
	for k, v := range benchDims {
		event[k] = v
	}
	aws := map[string]any{
		"Timestamp": time.Now().UnixMilli(),
		"CloudWatchMetrics": []any{map[string]any{
			"Namespace":  "O11yscale/Pipeline",
			"Dimensions": [][]string{{"Function", "Stage"}},
			"Metrics":    metricDefs,
		}},
	}
	event["_aws"] = aws
	b.ReportAllocs()
	for b.Loop() {
		aws["Timestamp"] = time.Now().UnixMilli()
		line, err := json.Marshal(event)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Discard.Write(append(line, '\n'))
	}
}

// BenchmarkAggregatorRecordParallel records into 16 series from all
// goroutines, by map lookup and by precomputed Series handle.
func BenchmarkAggregatorRecordParallel(b *testing.B) {
	dimsets := make([]map[string]string, 16)
	for i := range dimsets {
		dimsets[i] = map[string]string{"Function": "forwarder", "Shard": fmt.Sprint(i)}
	}
	b.Run("map", func(b *testing.B) {
		a, _ := NewAggregator(discardPublisher{}, AggregatorOptions{})
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if err := a.Record("Latency", dimsets[i&15], Milliseconds, float64(i)); err != nil {
					b.Error(err)
				}
				i++
			}
		})
	})
	b.Run("handle", func(b *testing.B) {
		a, _ := NewAggregator(discardPublisher{}, AggregatorOptions{})
		series := make([]*Series, len(dimsets))
		for i, d := range dimsets {
			series[i], _ = a.Series("Latency", Milliseconds, d)
		}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				_ = series[i&15].Record(float64(i))
				i++
			}
		})
	})
}

// BenchmarkAggregatorRecordParallelBaselineGlobalMutex is the baseline for
// BenchmarkAggregatorRecordParallel: one mutex around a map of running
// statistics, keyed by a string built per call.
func BenchmarkAggregatorRecordParallelBaselineGlobalMutex(b *testing.B) {
	dimsets := make([]map[string]string, 16)
	for i := range dimsets {
		dimsets[i] = map[string]string{"Function": "forwarder", "Shard": fmt.Sprint(i)}
	}
	type stats struct{ n, sum, lo, hi float64 }
	var mu sync.Mutex
	m := map[string]*stats{}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			d := dimsets[i&15]
			key := "Latency|Milliseconds|Function=" + d["Function"] + "|Shard=" + d["Shard"]
			v := float64(i)
			mu.Lock()
			s := m[key]
			if s == nil {
				s = &stats{lo: v, hi: v}
				m[key] = s
			}
			s.n++
			s.sum += v
			s.lo, s.hi = min(s.lo, v), max(s.hi, v)
			mu.Unlock()
			i++
		}
	})
}

type discardPublisher struct{}

func (discardPublisher) Publish(context.Context, []StatisticSet) error { return nil }

// countingAPI counts PutMetricData calls; the publishing logic under it is
// the real one. It also checks the request limits are kept.
type countingAPI struct {
	calls, datums atomic.Int64
	tb            testing.TB
}

func (c *countingAPI) PutMetricData(_ context.Context, in *cloudwatch.PutMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error) {
	if len(in.MetricData) > MaxDatumsPerRequest {
		c.tb.Errorf("request with %d metrics", len(in.MetricData))
	}
	c.calls.Add(1)
	c.datums.Add(int64(len(in.MetricData)))
	return &cloudwatch.PutMetricDataOutput{}, nil
}

// publishIndividually is the seed's publish_individual_metrics: one
// PutMetricData call per value.
func publishIndividually(ctx context.Context, api PutMetricDataAPI, name string, value float64) error {
	_, err := api.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
		Namespace: aws.String("MyApp"),
		MetricData: []types.MetricDatum{{
			MetricName: aws.String(name),
			Value:      aws.Float64(value),
			Timestamp:  aws.Time(time.Now()),
			Unit:       types.StandardUnitMilliseconds,
		}},
	})
	return err
}

// BenchmarkAPICallsPer1MValuesNaive is the baseline for
// BenchmarkAPICallsPer1MValuesAggregated: one call per value.
func BenchmarkAPICallsPer1MValuesNaive(b *testing.B) {
	api := &countingAPI{tb: b}
	ctx := context.Background()
	values := 0
	for b.Loop() {
		if err := publishIndividually(ctx, api, "ResponseTime", float64(values%1000)); err != nil {
			b.Fatal(err)
		}
		values++
	}
	b.ReportMetric(float64(api.calls.Load())*1e6/float64(values), "calls/1M-values")
}

// BenchmarkAPICallsPer1MValuesAggregated records values through the
// Aggregator and CloudWatchPublisher and counts the PutMetricData calls.
// Each case states its assumption: how many series receive values and how
// many values each series gets per flush interval. x-fewer-calls compares
// with the naive one call per value, measured the same way in
// BenchmarkAPICallsPer1MValuesNaive.
func BenchmarkAPICallsPer1MValuesAggregated(b *testing.B) {
	cases := []struct {
		name             string
		series           int
		valuesPerFlush   int // per series per flush interval
		flushesPerSecond float64
	}{
		{"seed_1series_1000perFlush", 1, 1000, 0},
		{"1series_60000perFlush_1000rps_60s", 1, 60_000, 0},
		{"100series_10perFlush", 100, 10, 0},
		{"5000series_10perFlush", 5000, 10, 0},
		{"1series_1perFlush_no_gain", 1, 1, 0},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			api := &countingAPI{tb: b}
			pub, err := NewCloudWatchPublisher(api, "MyApp")
			if err != nil {
				b.Fatal(err)
			}
			a, _ := NewAggregator(pub, AggregatorOptions{MaxSeries: tc.series})
			series := make([]*Series, tc.series)
			for i := range series {
				series[i], _ = a.Series("ResponseTime", Milliseconds, map[string]string{"Endpoint": fmt.Sprintf("/e%d", i)})
			}
			ctx := context.Background()
			perFlush := tc.series * tc.valuesPerFlush
			values := 0
			b.ReportAllocs()
			for b.Loop() {
				_ = series[values%tc.series].Record(float64(values % 1000))
				values++
				if values%perFlush == 0 {
					if err := a.Flush(ctx); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := a.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			if got := api.datums.Load(); got == 0 {
				b.Fatal("nothing published")
			}
			callsPer1M := float64(api.calls.Load()) * 1e6 / float64(values)
			b.ReportMetric(callsPer1M, "calls/1M-values")
			b.ReportMetric(1e6/callsPer1M, "x-fewer-calls")
		})
	}
}
