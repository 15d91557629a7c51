package enrich

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/smithy-go"

	"github.com/o11yscale/o11yscale/lambdas/enricher/internal/enrichtest"
)

// bandRejectingCloudWatch answers like CloudWatch when no anomaly model
// can serve a band query: requests holding ANOMALY_DETECTION_BAND fail with
// a validation error, others reach the real client.
type bandRejectingCloudWatch struct {
	GetMetricDataAPI
	calls []int // queries per call
}

func (c *bandRejectingCloudWatch) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	c.calls = append(c.calls, len(in.MetricDataQueries))
	for _, q := range in.MetricDataQueries {
		if strings.HasPrefix(aws.ToString(q.Expression), "ANOMALY_DETECTION_BAND") {
			return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "injected: no anomaly model"}
		}
	}
	return c.GetMetricDataAPI.GetMetricData(ctx, in, opts...)
}

// singleMetricChange decodes the single-metric testdata alarm moved to
// this test's ApiName.
func singleMetricChange(t *testing.T, api string, changedAt time.Time) StateChange {
	ev := enrichtest.Event(t, filepath.Join("testdata", "single-metric-alarm.json"), func(a map[string]any) {
		a["StateChangeTime"] = changedAt.Format("2006-01-02T15:04:05.000-0700")
		a["Trigger"].(map[string]any)["Dimensions"] = []any{
			map[string]any{"name": "ApiName", "value": api}, map[string]any{"name": "Stage", "value": "prod"},
		}
	})
	parsed, err := ParseEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseAlarm(parsed.Records[0].SNS.Message)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFetchReadsASingleMetricAlarmWithItsStatistic(t *testing.T) {
	moto.Reset(t)
	moto.SetEnv(t, "us-east-1")
	clients := enrichtest.NewClients(t)
	api := enrichtest.Name(t, "api")
	minute := time.Now().UTC().Truncate(time.Minute)
	dims := []string{"ApiName", api, "Stage", "prod"}
	// Two datapoints per minute: the alarm's SUM statistic must add them.
	for range 2 {
		clients.PutMinutes(t, "AWS/ApiGateway", "5XXError", dims, minute.Add(time.Minute), []float64{1, 2, 3, 4, 5, 6})
	}
	c := singleMetricChange(t, api, minute.Add(30*time.Second))
	f, err := Fetch(context.Background(), clients.CloudWatch, c.Target, WindowFor(c.Target, c.ChangedAt, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize(f.Points, f.Band, f.Window.Periods)
	// Sums per minute are 2,4,6,8,10,12: current = mean(4..12) = 8, baseline = 2.
	if s.Present != 6 || s.Current != 8 || s.Baseline != 2 || f.Calls != 1 {
		t.Fatalf("present %d current %v baseline %v in %d calls; want 6, 8, 2 in 1", s.Present, s.Current, s.Baseline, f.Calls)
	}
}

func TestFetchRetriesWithoutTheBandOnlyForAlarmsThatAreNotBandAlarms(t *testing.T) {
	moto.Reset(t)
	moto.SetEnv(t, "us-east-1")
	clients := enrichtest.NewClients(t)
	api := enrichtest.Name(t, "api")
	minute := time.Now().UTC().Truncate(time.Minute)
	clients.PutMinutes(t, "AWS/ApiGateway", "5XXError", []string{"ApiName", api, "Stage", "prod"}, minute.Add(time.Minute), []float64{7, 7, 7})

	static := singleMetricChange(t, api, minute)
	cw := &bandRejectingCloudWatch{GetMetricDataAPI: clients.CloudWatch}
	f, err := Fetch(context.Background(), cw, static.Target, WindowFor(static.Target, static.ChangedAt, time.Now()))
	if err != nil {
		t.Fatalf("static alarm: %v", err)
	}
	if len(cw.calls) != 2 || cw.calls[0] != 2 || cw.calls[1] != 1 || len(f.Points) != 3 ||
		!strings.Contains(f.BandNote, "CloudWatch rejected the band query") {
		t.Fatalf("calls %v, %d points, band note %q; want [2 1], 3 points and a note", cw.calls, len(f.Points), f.BandNote)
	}

	anomaly, err := decodeFile(t, "anomaly-band-alarm.json")
	if err != nil {
		t.Fatal(err)
	}
	cw.calls = nil
	_, err = Fetch(context.Background(), cw, anomaly.Target, WindowFor(anomaly.Target, anomaly.ChangedAt, time.Now()))
	if err == nil || len(cw.calls) != 1 {
		t.Fatalf("band alarm: error %v after %d calls; want the band error after 1 call", err, len(cw.calls))
	}
}
