package scaletest

import (
	"context"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/o11yscale/o11yscale/internal/lambdatest"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/forward"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/internal/fwdtest"
)

var (
	moto *lambdatest.Moto
	// singleRegion runs all 10,000 metrics through one forwarder
	// invocation. moto's GetMetricData scans every datapoint stored in the
	// region for every query and period, so that takes minutes there; the
	// default test spreads the same metrics over regional forwarders,
	// which is also how the platform deploys them.
	singleRegion = flag.Bool("forwarder.single-region", false, "also forward 10,000 metrics through one invocation (minutes on moto)")
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(lambdatest.RunWithMoto(m, &moto))
}

// The seed forwards each metric with one GetMetricStatistics call and each
// datapoint with one PutRecord call; the API maxima allow 20 GetMetricData
// and 100 PutRecords calls for the same data.
const (
	seedCalls    = 10000 + 50000
	targetCalls  = 120
	totalMetrics = 10000
)

// forward puts totalMetrics metrics x 5 datapoints spread evenly over
// regions, runs one forwarder per region in-process against moto through
// counting wrappers, reads the central stream back and checks that every
// datapoint arrived once and the calls stay within targetCalls.
func forwardAll(t *testing.T, stream string, regions []string) {
	perRegion := totalMetrics / len(regions)
	kin := kinesis.NewFromConfig(fwdtest.AWSConfig(t, moto, fwdtest.CentralRegion))
	fwdtest.CreateStream(t, kin, stream, 8)
	ev, w := fwdtest.RecentEventTime()
	cw := &fwdtest.CountingCloudWatch{}
	put := &fwdtest.CountingKinesis{PutRecordsAPI: kin}
	all := map[string][]fwdtest.Sample{}
	var took time.Duration
	for _, region := range regions {
		client := fwdtest.CloudWatch(fwdtest.AWSConfig(t, moto, region))
		all[region] = fwdtest.PutMetrics(t, client, w, perRegion, 5, 1)
		cw.GetMetricDataAPI = client
		h := &forward.Handler{Config: fwdtest.Config(stream, perRegion, []string{"Sum"}), Region: region, CloudWatch: cw, Kinesis: put}
		// A generous Lambda deadline: moto needs about a minute per
		// 500-query call when one region holds 50,000 datapoints.
		ctx, cancel := context.WithTimeout(context.Background(), 45*time.Minute)
		start := time.Now()
		sum, err := h.Handle(ctx, fwdtest.ScheduledEvent(ev, region))
		took += time.Since(start)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if sum.DatapointsRead != perRegion*5 || sum.RecordsPut != perRegion || sum.RecordsFailed != 0 {
			t.Fatalf("%s: %+v", region, sum)
		}
	}
	got := fwdtest.ReadStream(t, kin, stream)
	fwdtest.CheckExactlyOnce(t, got.Datapoints, w, all, []string{"Sum"})
	gmd, pr := cw.Calls.Load(), put.Calls.Load()
	t.Logf("%d metrics x 5 datapoints through %d forwarder(s): %d GetMetricData + %d PutRecords = %d calls (target %d; seed %d); %d datapoints in %d records over shards %v; forwarding took %s on moto",
		totalMetrics, len(regions), gmd, pr, gmd+pr, targetCalls, seedCalls, len(got.Datapoints), got.Records, got.PerShard, took.Round(time.Millisecond))
	if gmd+pr > targetCalls {
		t.Fatalf("%d API calls, target at most %d", gmd+pr, targetCalls)
	}
}

// TestTenThousandMetricsFiveDatapointsTakeAtMost120Calls forwards through
// 20 regional forwarders of 500 metrics: each reads with one GetMetricData
// call and puts 500 records with one PutRecords call, the same 20 + 20 a
// single forwarder needs for 10,000 metrics.
func TestTenThousandMetricsFiveDatapointsTakeAtMost120Calls(t *testing.T) {
	regions := []string{"us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
		"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
		"eu-south-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-southeast-1", "ap-southeast-2", "ap-east-1", "me-south-1", "af-south-1"}
	forwardAll(t, "count-central", regions)
}

func TestTenThousandMetricsThroughOneForwarder(t *testing.T) {
	if !*singleRegion {
		t.Skip("about 25 minutes on moto; run with -forwarder.single-region -timeout 60m")
	}
	forwardAll(t, "count-single-central", []string{"ca-west-1"})
}
