package forward

import (
	"context"
	"encoding/json"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

// sinkKinesis accepts every record without a network: it isolates the
// marshal and batch path in benchmarks.
type sinkKinesis struct {
	results []types.PutRecordsResultEntry
	records int
}

func (s *sinkKinesis) PutRecords(_ context.Context, in *kinesis.PutRecordsInput, _ ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error) {
	s.records += len(in.Records)
	return &kinesis.PutRecordsOutput{Records: s.results[:len(in.Records)]}, nil
}

var benchStats = []string{"Average", "Maximum", "Minimum", "SampleCount", "Sum", "p99"}

// benchCall is one full GetMetricData call (83 metrics x 6 statistics =
// 498 queries, 5 datapoints each) and its answer.
func benchCall(b *testing.B) (contract.Config, []*series, *call, *cloudwatch.GetMetricDataOutput, Window) {
	cfg := contract.Config{StreamName: "s", CentralRegion: "us-east-1"}
	for i := range 83 {
		cfg.Metrics = append(cfg.Metrics, contract.Metric{Namespace: "AWS/Lambda", MetricName: "Duration", Unit: "Milliseconds", Statistics: benchStats,
			Dimensions: map[string]string{"FunctionName": "checkout-api-" + strconv.Itoa(i), "Resource": "checkout-api-" + strconv.Itoa(i) + ":live"}})
	}
	cfg = cfg.WithDefaults()
	ms := seriesFor(cfg)
	w := WindowAt(time.Date(2025, 1, 1, 12, 5, 0, 0, time.UTC), 5*time.Minute, 3*time.Minute)
	calls := planCalls(cfg, ms, w)
	if len(calls) != 1 {
		b.Fatalf("%d calls", len(calls))
	}
	out := &cloudwatch.GetMetricDataOutput{}
	for q := range calls[0].queries {
		ts := make([]time.Time, 5)
		vals := make([]float64, 5)
		for k := range ts {
			ts[k] = w.Start.Add(time.Duration(k) * time.Minute)
			vals[k] = float64(q*7+k) + 0.125
		}
		out.MetricDataResults = append(out.MetricDataResults, cwtypes.MetricDataResult{
			Id: calls[0].queries[q].Id, Label: calls[0].queries[q].MetricStat.Stat, StatusCode: cwtypes.StatusCodeComplete, Timestamps: ts, Values: vals})
	}
	return cfg, ms, &calls[0], out, w
}

// BenchmarkForwardCall assembles one GetMetricData answer into datapoints,
// encodes them as records, batches and "puts" them to a sink: everything
// the forwarder does per call except the network. Compare its ns/datapoint
// with BenchmarkJSONMarshalDatapoint.
func BenchmarkForwardCall(b *testing.B) {
	cfg, ms, c, out, w := benchCall(b)
	sink := &sinkKinesis{results: make([]types.PutRecordsResultEntry, MaxRecordsPerRequest)}
	p := &putter{client: sink, stream: cfg.StreamName, retry: Retry{}.withDefaults(), now: time.Now, sleep: sleepCtx, rand: defaultRand}
	ctx := context.Background()
	datapoints := 0
	var st putStats
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		a := newAssembly(c, ms, w)
		if err := a.add(c, out); err != nil {
			b.Fatal(err)
		}
		entries, n := encodeCall(a, c, ms, cfg, "eu-west-1", "123456789012")
		datapoints += n
		var batcher Batcher
		for _, e := range entries {
			if err := batcher.Add(e); err != nil {
				b.Fatal(err)
			}
		}
		for _, batch := range batcher.Flush() {
			p.put(ctx, batch, &st)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	if st.failed != 0 || st.put != sink.records {
		b.Fatalf("put %d of %d", st.put, sink.records)
	}
	b.ReportMetric(float64(datapoints)/b.Elapsed().Seconds(), "datapoints/s")
	b.ReportMetric(float64(st.put)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(datapoints), "ns/datapoint")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(datapoints), "allocs/datapoint")
}

// BenchmarkJSONMarshalDatapoint is the baseline: encoding/json of one
// datapoint alone, with no id, assembly, batching or put.
func BenchmarkJSONMarshalDatapoint(b *testing.B) {
	d := Datapoint{
		ID: "9f2c4e0b8d1a7c3e5f6a8b9c0d1e2f3a", Region: "eu-west-1", Account: "123456789012", Namespace: "AWS/Lambda", Metric: "Duration",
		Dimensions:    map[string]string{"FunctionName": "checkout-api-42", "Resource": "checkout-api-42:live"},
		PeriodSeconds: 60, Timestamp: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC), Unit: "Milliseconds",
		Values: map[string]float64{"Average": 12.125, "Maximum": 80.125, "Minimum": 3.125, "SampleCount": 42.125, "Sum": 525.125, "p99": 79.125},
	}
	n := 0
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		line, err := json.Marshal(d)
		if err != nil {
			b.Fatal(err)
		}
		n++
		_ = line
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "datapoints/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/datapoint")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n), "allocs/datapoint")
}
