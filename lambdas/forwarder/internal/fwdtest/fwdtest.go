// Package fwdtest holds the moto fixtures the forwarder's integration
// tests share: metrics put to CloudWatch, the central stream read back,
// exactly-once checks, and wrappers around the real clients that count
// calls or inject PutRecords failures.
package fwdtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/o11yscale/o11yscale/internal/lambdatest"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/forward"
)

// Fixed identities of the test data.
const (
	Account       = "123456789012"
	CentralRegion = "us-east-1"
	Namespace     = "App/Load"
	// PutMetricDataBatch is the datums per PutMetricData call. AWS takes
	// 1,000, but moto 5.2.1 parses a request in time quadratic in its
	// size: 5,000 datums took 38 s in 1,000-datum calls and 1.9 s in
	// 100-datum calls.
	PutMetricDataBatch = 100
)

// AWSConfig points this process's SDK at moto in region.
func AWSConfig(t testing.TB, moto *lambdatest.Moto, region string) aws.Config {
	t.Helper()
	moto.SetEnv(t, region)
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(region))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// CloudWatch is a real client speaking awsQuery, which moto 5.2.1 serves
// (it does not serve the SDK's default RPC v2 CBOR).
func CloudWatch(cfg aws.Config) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801)
	})
}

// CreateStream creates a Kinesis stream with shards shards.
func CreateStream(t testing.TB, kin *kinesis.Client, name string, shards int32) {
	t.Helper()
	if _, err := kin.CreateStream(context.Background(), &kinesis.CreateStreamInput{StreamName: &name, ShardCount: &shards}); err != nil {
		t.Fatalf("creating stream %s: %v", name, err)
	}
}

// Sample is one datapoint put to CloudWatch: the metric's Service
// dimension, the minute offset in the window and the raw values.
type Sample struct {
	Service string
	Minute  int
	Values  []float64
}

// PutMetrics writes n metrics Latency{Service=s00000...} with one datapoint
// per minute for minutes minutes from w.Start, each of valuesPer values.
func PutMetrics(t testing.TB, cw *cloudwatch.Client, w forward.Window, n, minutes, valuesPer int) []Sample {
	t.Helper()
	var samples []Sample
	var datums []cwtypes.MetricDatum
	flush := func() {
		if len(datums) == 0 {
			return
		}
		if _, err := cw.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{Namespace: aws.String(Namespace), MetricData: datums}); err != nil {
			t.Fatalf("PutMetricData: %v", err)
		}
		datums = nil
	}
	for i := range n {
		for m := range minutes {
			s := Sample{Service: fmt.Sprintf("s%05d", i), Minute: m}
			for v := range valuesPer {
				s.Values = append(s.Values, float64(i*10+m)+float64(v)*0.25)
			}
			samples = append(samples, s)
			// Spread within the minute: the period bucket, not the exact
			// second, decides the datapoint.
			ts := w.Start.Add(time.Duration(m)*time.Minute + time.Duration(i%50)*time.Second)
			datums = append(datums, cwtypes.MetricDatum{
				MetricName: aws.String("Latency"), Timestamp: &ts, Unit: cwtypes.StandardUnitMilliseconds, Values: s.Values,
				Dimensions: []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String(s.Service)}},
			})
			if len(datums) == PutMetricDataBatch {
				flush()
			}
		}
	}
	flush()
	return samples
}

// Config forwards the n metrics PutMetrics wrote to stream.
func Config(stream string, n int, stats []string) contract.Config {
	cfg := contract.Config{StreamName: stream, CentralRegion: CentralRegion}
	for i := range n {
		cfg.Metrics = append(cfg.Metrics, contract.Metric{
			Namespace: Namespace, MetricName: "Latency", Statistics: stats, Unit: "Milliseconds",
			Dimensions: map[string]string{"Service": fmt.Sprintf("s%05d", i)},
		})
	}
	return cfg
}

// ScheduledEvent is an EventBridge scheduled event for eventTime.
func ScheduledEvent(eventTime time.Time, region string) events.CloudWatchEvent {
	return events.CloudWatchEvent{Version: "0", ID: "89d1a02d-5ec7-412e-82f5-13505f849b41", DetailType: "Scheduled Event", Source: "aws.events",
		AccountID: Account, Time: eventTime, Region: region, Resources: []string{"arn:aws:events:" + region + ":" + Account + ":rule/forwarder"},
		Detail: json.RawMessage(`{}`)}
}

// RecentEventTime is a scheduled time on a 5-minute boundary at or before
// now, and its window under the default config.
func RecentEventTime() (time.Time, forward.Window) {
	ev := time.Now().UTC().Truncate(5 * time.Minute)
	return ev, forward.WindowAt(ev, 5*time.Minute, contract.DefaultDelaySeconds*time.Second)
}

// Stream is everything read back from a stream.
type Stream struct {
	Records    int
	PerShard   map[string]int
	Datapoints []forward.Datapoint
}

// ReadStream reads every record of every shard and decodes its lines.
func ReadStream(t testing.TB, kin *kinesis.Client, name string) Stream {
	t.Helper()
	ctx := context.Background()
	shards, err := kin.ListShards(ctx, &kinesis.ListShardsInput{StreamName: &name})
	if err != nil {
		t.Fatalf("ListShards: %v", err)
	}
	c := Stream{PerShard: map[string]int{}}
	for _, sh := range shards.Shards {
		it, err := kin.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: &name, ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatalf("GetShardIterator: %v", err)
		}
		for iter := it.ShardIterator; iter != nil; {
			out, err := kin.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(10000)})
			if err != nil {
				t.Fatalf("GetRecords: %v", err)
			}
			if len(out.Records) == 0 {
				break
			}
			for _, r := range out.Records {
				c.Records++
				c.PerShard[*sh.ShardId]++
				if !bytes.HasSuffix(r.Data, []byte("\n")) {
					t.Fatalf("record does not end in a newline: %q", r.Data)
				}
				for _, line := range bytes.SplitAfter(r.Data, []byte("\n")) {
					if len(line) == 0 {
						continue
					}
					var d forward.Datapoint
					if err := json.Unmarshal(line, &d); err != nil {
						t.Fatalf("line is not JSON: %v\n%s", err, line)
					}
					c.Datapoints = append(c.Datapoints, d)
				}
			}
			iter = out.NextShardIterator
		}
	}
	return c
}

// CheckExactlyOnce asserts that every sample of every region arrived once
// with the right statistics, and nothing else arrived.
func CheckExactlyOnce(t testing.TB, got []forward.Datapoint, w forward.Window, samples map[string][]Sample, stats []string) {
	t.Helper()
	type key struct {
		region, service string
		minute          int
	}
	seen := map[key]forward.Datapoint{}
	ids := map[string]bool{}
	for _, d := range got {
		k := key{d.Region, d.Dimensions["Service"], int(d.Timestamp.Sub(w.Start) / time.Minute)}
		if prev, dup := seen[k]; dup {
			t.Fatalf("datapoint %+v arrived twice (ids %s, %s)", k, prev.ID, d.ID)
		}
		seen[k] = d
		if ids[d.ID] {
			t.Fatalf("id %s used by two datapoints", d.ID)
		}
		ids[d.ID] = true
	}
	want := 0
	for region, ss := range samples {
		for _, s := range ss {
			want++
			d, ok := seen[key{region, s.Service, s.Minute}]
			if !ok {
				t.Fatalf("datapoint %s %s minute %d never arrived", region, s.Service, s.Minute)
			}
			if d.Account != Account || d.Namespace != Namespace || d.Metric != "Latency" || d.Unit != "Milliseconds" || d.PeriodSeconds != 60 {
				t.Fatalf("datapoint has the wrong identity: %+v", d)
			}
			sum, lo, hi := 0.0, s.Values[0], s.Values[0]
			for _, v := range s.Values {
				sum += v
				lo, hi = min(lo, v), max(hi, v)
			}
			expect := map[string]float64{"Sum": sum, "Minimum": lo, "Maximum": hi, "SampleCount": float64(len(s.Values)), "Average": sum / float64(len(s.Values))}
			for _, st := range stats {
				if d.Values[st] != expect[st] {
					t.Fatalf("%s %s minute %d: %s = %v, want %v", region, s.Service, s.Minute, st, d.Values[st], expect[st])
				}
			}
		}
	}
	if len(got) != want {
		t.Fatalf("%d datapoints arrived, want %d", len(got), want)
	}
}

// CountingCloudWatch counts GetMetricData calls (pages) made through the
// real client it wraps.
type CountingCloudWatch struct {
	forward.GetMetricDataAPI
	Calls atomic.Int64
}

// GetMetricData counts and forwards the call.
func (c *CountingCloudWatch) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, o ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	c.Calls.Add(1)
	return c.GetMetricDataAPI.GetMetricData(ctx, in, o...)
}

// CountingKinesis counts PutRecords calls made through the real client it
// wraps.
type CountingKinesis struct {
	forward.PutRecordsAPI
	Calls atomic.Int64
}

// PutRecords counts and forwards the call.
func (c *CountingKinesis) PutRecords(ctx context.Context, in *kinesis.PutRecordsInput, o ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error) {
	c.Calls.Add(1)
	return c.PutRecordsAPI.PutRecords(ctx, in, o...)
}

// FailingKinesis wraps the real Kinesis client and fails a share of the
// entries of every PutRecords call with one of codes, without sending
// them, the way Kinesis reports a partial failure: index-aligned results,
// FailedRecordCount set, no error.
type FailingKinesis struct {
	Inner forward.PutRecordsAPI
	Share float64
	Codes []string

	mu  sync.Mutex
	rng *rand.Rand
	// Injected counts the entries failed on purpose, Calls the calls.
	Injected, Calls int
}

// NewFailingKinesis fails share of the entries with codes, chosen by a
// generator seeded with seed.
func NewFailingKinesis(inner forward.PutRecordsAPI, share float64, seed uint64, codes ...string) *FailingKinesis {
	return &FailingKinesis{Inner: inner, Share: share, Codes: codes, rng: rand.New(rand.NewPCG(seed, seed))}
}

// PutRecords sends the entries it does not fail and merges the results.
func (f *FailingKinesis) PutRecords(ctx context.Context, in *kinesis.PutRecordsInput, o ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error) {
	f.mu.Lock()
	f.Calls++
	fail := make([]string, len(in.Records))
	var pass []types.PutRecordsRequestEntry
	for i := range in.Records {
		if f.rng.Float64() < f.Share {
			fail[i] = f.Codes[f.rng.IntN(len(f.Codes))]
			f.Injected++
		} else {
			pass = append(pass, in.Records[i])
		}
	}
	f.mu.Unlock()
	var sent *kinesis.PutRecordsOutput
	if len(pass) > 0 {
		var err error
		if sent, err = f.Inner.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: in.StreamName, Records: pass}, o...); err != nil {
			return nil, err
		}
	}
	out := &kinesis.PutRecordsOutput{FailedRecordCount: aws.Int32(0)}
	j := 0
	for i := range in.Records {
		if fail[i] != "" {
			out.Records = append(out.Records, types.PutRecordsResultEntry{ErrorCode: aws.String(fail[i]), ErrorMessage: aws.String("injected by FailingKinesis")})
			*out.FailedRecordCount++
			continue
		}
		out.Records = append(out.Records, sent.Records[j])
		j++
	}
	return out, nil
}
