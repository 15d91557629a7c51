package emf

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/o11yscale/o11yscale/internal/lambdatest"
)

var moto *lambdatest.Moto

func TestMain(m *testing.M) { os.Exit(lambdatest.RunWithMoto(m, &moto)) }

// newCloudWatch resets moto and returns a real client pointed at it.
func newCloudWatch(t *testing.T) *cloudwatch.Client {
	t.Helper()
	moto.Reset(t)
	moto.SetEnv(t, "us-east-1")
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// moto 5.2.1 answers CloudWatch only in the awsQuery protocol.
	return cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801)
	})
}

// recordingAPI wraps the real client, counting calls and datums, and fails
// the calls fail chooses: fault injection around moto, not a stand-in.
type recordingAPI struct {
	PutMetricDataAPI
	mu     sync.Mutex
	datums []int
	fail   func(call int) error
}

func (r *recordingAPI) PutMetricData(ctx context.Context, in *cloudwatch.PutMetricDataInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error) {
	r.mu.Lock()
	call := len(r.datums)
	r.datums = append(r.datums, len(in.MetricData))
	r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(call); err != nil {
			return nil, err
		}
	}
	return r.PutMetricDataAPI.PutMetricData(ctx, in, optFns...)
}

// getStats reads SampleCount, Sum, Minimum and Maximum of one metric over
// the minute containing ts.
func getStats(t *testing.T, cw *cloudwatch.Client, ns, name string, dims map[string]string, ts time.Time) map[string]float64 {
	t.Helper()
	var cwDims []types.Dimension
	for k, v := range dims {
		cwDims = append(cwDims, types.Dimension{Name: aws.String(k), Value: aws.String(v)})
	}
	stats := []string{"SampleCount", "Sum", "Minimum", "Maximum"}
	var queries []types.MetricDataQuery
	for i, s := range stats {
		queries = append(queries, types.MetricDataQuery{
			Id: aws.String(fmt.Sprintf("q%d", i)),
			MetricStat: &types.MetricStat{
				Metric: &types.Metric{Namespace: aws.String(ns), MetricName: aws.String(name), Dimensions: cwDims},
				Period: aws.Int32(60),
				Stat:   aws.String(s),
			},
		})
	}
	start := ts.Truncate(time.Minute)
	out, err := cw.GetMetricData(context.Background(), &cloudwatch.GetMetricDataInput{
		MetricDataQueries: queries,
		StartTime:         aws.Time(start),
		EndTime:           aws.Time(start.Add(time.Minute)),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, r := range out.MetricDataResults {
		var i int
		fmt.Sscanf(aws.ToString(r.Id), "q%d", &i)
		if len(r.Values) != 1 {
			t.Fatalf("%s %s: %d datapoints, want 1", name, stats[i], len(r.Values))
		}
		got[stats[i]] = r.Values[0]
	}
	return got
}

func TestCloudWatchPublisherStatisticSetsReadBackFromMoto(t *testing.T) {
	cw := newCloudWatch(t)
	ns := "O11yscale/Test"
	pub, err := NewCloudWatchPublisher(cw, ns)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Minute).Add(10 * time.Second)
	a := newTestAggregator(t, pub, AggregatorOptions{Now: func() time.Time { return now }})
	fn := map[string]string{"Function": "forwarder"}
	for _, v := range []float64{12, 3, 40, 5} {
		if err := a.Record("Latency", fn, Milliseconds, v); err != nil {
			t.Fatal(err)
		}
	}
	for range 250 {
		_ = a.Record("Records", fn, Count, 2)
	}
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		metric string
		want   map[string]float64
	}{
		{"Latency", map[string]float64{"SampleCount": 4, "Sum": 60, "Minimum": 3, "Maximum": 40}},
		{"Records", map[string]float64{"SampleCount": 250, "Sum": 500, "Minimum": 2, "Maximum": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.metric, func(t *testing.T) {
			got := getStats(t, cw, ns, tt.metric, fn, now)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("GetMetricData gave %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCloudWatchPublisherBatchesAtTheRequestLimits(t *testing.T) {
	tests := []struct {
		name       string
		sets       int
		maxDatums  int
		maxBytes   int
		wantDatums string
	}{
		{"real limit: 1001 metrics need two calls", 1001, MaxDatumsPerRequest, MaxRequestBytes, "[1000 1]"},
		{"25 metrics at 10 per call", 25, 10, MaxRequestBytes, "[10 10 5]"},
		{"byte limit splits first", 10, MaxDatumsPerRequest, 5 * 400, "[5 5]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cw := newCloudWatch(t)
			api := &recordingAPI{PutMetricDataAPI: cw}
			pub, err := NewCloudWatchPublisher(api, "NS")
			if err != nil {
				t.Fatal(err)
			}
			pub.maxDatums, pub.maxRequestBytes = tt.maxDatums, tt.maxBytes
			ts := time.Now().UTC()
			sets := make([]StatisticSet, tt.sets)
			for i := range sets {
				sets[i] = StatisticSet{Name: fmt.Sprintf("M%04d", i), Unit: Count, Dimensions: map[string]string{"F": "f"},
					SampleCount: 1, Sum: float64(i), Min: float64(i), Max: float64(i), Timestamp: ts}
			}
			if err := pub.Publish(context.Background(), sets); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(api.datums); got != tt.wantDatums {
				t.Fatalf("datums per call %s, want %s", got, tt.wantDatums)
			}
			last := len(sets) - 1
			got := getStats(t, cw, "NS", sets[last].Name, map[string]string{"F": "f"}, ts)
			if got["Sum"] != float64(last) {
				t.Fatalf("last metric of the last batch reads back %v", got)
			}
		})
	}
}

func TestCloudWatchPublisherSortsFailuresIntoRetryAndReject(t *testing.T) {
	tests := []struct {
		name         string
		err          error
		wantFailed   int
		wantRejected int
	}{
		{"throttling is retried next flush", errors.New("Throttling: rate exceeded"), 10, 0},
		{"invalid parameter is rejected", &types.InvalidParameterValueException{Message: aws.String("bad")}, 0, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &recordingAPI{PutMetricDataAPI: newCloudWatch(t), fail: func(call int) error {
				if call == 1 {
					return tt.err
				}
				return nil
			}}
			pub, _ := NewCloudWatchPublisher(api, "NS")
			pub.maxDatums = 10
			ts := time.Now().UTC()
			sets := make([]StatisticSet, 25)
			for i := range sets {
				sets[i] = StatisticSet{Name: fmt.Sprintf("M%02d", i), SampleCount: 1, Sum: 1, Min: 1, Max: 1, Timestamp: ts}
			}
			sets = append(sets, StatisticSet{Name: "Empty", Timestamp: ts})
			err := pub.Publish(context.Background(), sets)
			var pe *PublishError
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want *PublishError", err)
			}
			if len(pe.Failed) != tt.wantFailed || len(pe.Rejected) != tt.wantRejected+1 {
				t.Fatalf("Failed %d Rejected %d, want %d and %d", len(pe.Failed), len(pe.Rejected), tt.wantFailed, tt.wantRejected+1)
			}
			empty := 0
			for _, s := range append(pe.Failed, pe.Rejected...) {
				if s.Name == "Empty" {
					empty++
				} else if s.Name < "M10" || s.Name >= "M20" {
					t.Fatalf("set %s was not in the failed second call", s.Name)
				}
			}
			if empty != 1 || !strings.Contains(err.Error(), `"Empty": SampleCount 0`) {
				t.Fatalf("invalid set not rejected once by name (%d times): %v", empty, err)
			}
		})
	}
}

func TestAggregatorRepublishesAfterAFailedPutMetricDataWithoutLossOrDuplicates(t *testing.T) {
	cw := newCloudWatch(t)
	api := &recordingAPI{PutMetricDataAPI: cw, fail: func(call int) error {
		if call == 0 {
			return errors.New("connection reset")
		}
		return nil
	}}
	pub, err := NewCloudWatchPublisher(api, "NS")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Minute).Add(5 * time.Second)
	a := newTestAggregator(t, pub, AggregatorOptions{Now: func() time.Time { return now }})
	dims := map[string]string{"Function": "f"}
	for _, v := range []float64{1, 2, 3} {
		_ = a.Record("Latency", dims, Milliseconds, v)
	}
	if err := a.Flush(context.Background()); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("first flush error = %v", err)
	}
	_ = a.Record("Latency", dims, Milliseconds, 10)
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := getStats(t, cw, "NS", "Latency", dims, now)
	want := map[string]float64{"SampleCount": 4, "Sum": 16, "Minimum": 1, "Maximum": 10}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("read back %v, want %v", got, want)
	}
}
