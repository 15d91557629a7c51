package enrich

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/o11yscale/o11yscale/internal/lambdatest"
	"github.com/o11yscale/o11yscale/lambdas/enricher/internal/enrichtest"
	"github.com/o11yscale/o11yscale/telemetry/emf"
)

const namespace = "O11yscale/Pipeline"

var moto *lambdatest.Moto

func TestMain(m *testing.M) { os.Exit(lambdatest.RunWithMoto(m, &moto)) }

// countingCloudWatch wraps the real client to count GetMetricData calls.
type countingCloudWatch struct {
	GetMetricDataAPI
	calls int
}

func (c *countingCloudWatch) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	c.calls++
	return c.GetMetricDataAPI.GetMetricData(ctx, in, opts...)
}

// failingCloudWatch injects a GetMetricData failure.
type failingCloudWatch struct{ GetMetricDataAPI }

func (failingCloudWatch) GetMetricData(context.Context, *cloudwatch.GetMetricDataInput, ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	return nil, errors.New("injected: Throttling: Rate exceeded")
}

// flakyPublisher fails the first failures Publish calls, then passes
// calls to the real client.
type flakyPublisher struct {
	PublishAPI
	failures int
}

func (p *flakyPublisher) Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error) {
	if p.failures > 0 {
		p.failures--
		return nil, errors.New("injected: SNS InternalError")
	}
	return p.PublishAPI.Publish(ctx, in, opts...)
}

type harness struct {
	clients     enrichtest.Clients
	topic       string
	table       string
	cw          *countingCloudWatch
	h           *Handler
	emf, logs   bytes.Buffer
	base        time.Time // start of the minute the alarm changed state in
	name, apiID string
}

// newHarness starts from an empty moto, so tests (and -count repeats)
// never see each other's data; the tests in this package are sequential.
func newHarness(t *testing.T) *harness {
	moto.Reset(t)
	moto.SetEnv(t, "us-east-1")
	c := enrichtest.NewClients(t)
	hs := &harness{clients: c, topic: c.CreateTopic(t, enrichtest.Name(t, "incidents")), table: enrichtest.Name(t, "claims")}
	c.CreateClaimsTable(t, hs.table)
	hs.cw = &countingCloudWatch{GetMetricDataAPI: c.CloudWatch}
	hs.h = &Handler{
		CloudWatch: hs.cw,
		SNS:        c.SNS,
		Claims:     &Claims{API: c.DynamoDB, Table: hs.table},
		Metrics:    emf.New(&hs.emf, namespace),
		Log:        slog.New(slog.NewJSONHandler(&hs.logs, nil)),
		TopicARN:   hs.topic,
		Links:      Links{RunbookBaseURL: "https://wiki.example.com/runbooks"},
	}
	hs.base = time.Now().UTC().Truncate(time.Minute)
	hs.name = enrichtest.Name(t, "alarm")
	hs.apiID = enrichtest.Name(t, "api")
	return hs
}

// event is the testdata anomaly-band payload file moved to this test's
// alarm, metric and time.
func (hs *harness) event(t *testing.T, file string) []byte {
	return enrichtest.Event(t, filepath.Join("testdata", file), func(a map[string]any) {
		enrichtest.Retarget(a, hs.name, hs.apiID, hs.base.Add(30*time.Second))
	})
}

func (hs *harness) putLatency(t *testing.T, values ...float64) {
	hs.clients.PutMinutes(t, "AWS/ApiGateway", "Latency", []string{"ApiName", hs.apiID}, hs.base.Add(time.Minute), values)
}

func (hs *harness) sent(t *testing.T) []enrichtest.Notification {
	return enrichtest.Sent(t, moto.Endpoint, hs.topic)
}

func (hs *harness) metrics(t *testing.T) map[string]float64 {
	return lambdatest.MetricTotals(t, hs.emf.String(), namespace)
}

func (hs *harness) claimItem(t *testing.T) map[string]ddbtypes.AttributeValue {
	out, err := hs.clients.DynamoDB.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName:      aws.String(hs.table),
		Key:            map[string]ddbtypes.AttributeValue{AttrKey: &ddbtypes.AttributeValueMemberS{Value: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + hs.name + "|" + hs.base.Add(30*time.Second).Format("2006-01-02T15:04:05.000-0700")}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Item
}

func wantMetrics(t *testing.T, got map[string]float64, want map[string]float64) {
	t.Helper()
	for name, v := range want {
		if got[name] != v {
			t.Errorf("metric %s = %v, want %v (all: %v)", name, got[name], v, got)
		}
	}
}

func TestHandlerPublishesOneEnrichedIncidentFromOneMetricRead(t *testing.T) {
	hs := newHarness(t)
	hs.putLatency(t, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 400, 400, 400, 400, 400)

	if err := hs.h.Handle(context.Background(), hs.event(t, "anomaly-band-alarm.json")); err != nil {
		t.Fatalf("Handle: %v\n%s", err, hs.logs.String())
	}
	sent := hs.sent(t)
	if len(sent) != 1 {
		t.Fatalf("incidents topic received %d messages, want 1", len(sent))
	}
	if hs.cw.calls != 1 {
		t.Errorf("GetMetricData called %d times, want 1 (series and band in one call)", hs.cw.calls)
	}
	for _, want := range []string{
		"15 of 15 datapoints present",
		"Current: 400.00 (mean of the last 5 datapoints)",
		"Baseline: 100.00 (mean of 10 earlier datapoints)",
		"Change: +300.0%",
		"Anomaly band: not available (CloudWatch returned no band values for ANOMALY_DETECTION_BAND(m1, 2))",
	} {
		if !strings.Contains(sent[0].Message, want) {
			t.Errorf("message lacks %q:\n%s", want, sent[0].Message)
		}
	}
	want := map[string]string{"severity": "critical", "service": "checkout-api", "region": "us-east-1"}
	for k, v := range want {
		if sent[0].Attributes[k] != v {
			t.Errorf("attribute %s = %q, want %q", k, sent[0].Attributes[k], v)
		}
	}
	if sent[0].Subject != Subject("ALARM [critical] "+hs.name+" in us-east-1") {
		t.Errorf("subject %q", sent[0].Subject)
	}
	wantMetrics(t, hs.metrics(t), map[string]float64{
		MetricAlertsReceived: 1, MetricIncidentsPublished: 1, MetricDuplicatesSkipped: 0, MetricMalformedMessages: 0, MetricFailures: 0,
	})
	if item := hs.claimItem(t); item[AttrStatus].(*ddbtypes.AttributeValueMemberS).Value != statusPublished || item[AttrExpiresAt] == nil {
		t.Errorf("claim item %v is not marked published with a TTL", item)
	}
}

func TestHandlerPublishesCompositeAlarmsWithoutReadingMetrics(t *testing.T) {
	tests := []struct {
		file, subject, severity string
		says                    []string
	}{
		{"composite-alarm.json", "ALARM [high] ", SeverityHigh, []string{
			"Triggered by:\n  - o11yscale-checkout-api-latency-anomaly: ALARM at 2026-03-14T09:26:53Z\n",
			"Runbook: https://runbooks.example.com/checkout-api\n",
		}},
		{"composite-ok.json", "RESOLVED [info] ", SeverityInfo, []string{
			"Resolved: the composite alarm's rule no longer holds.\n",
			"  - o11yscale-checkout-api-latency-anomaly: OK at 2026-03-14T09:58:20Z\n",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			hs := newHarness(t)
			ev := enrichtest.Event(t, filepath.Join("testdata", tc.file), func(a map[string]any) {
				enrichtest.RetargetComposite(a, hs.name, hs.base.Add(30*time.Second))
			})
			for i := range 2 { // the second delivery is an SNS duplicate
				if err := hs.h.Handle(context.Background(), ev); err != nil {
					t.Fatalf("delivery %d: %v\n%s", i, err, hs.logs.String())
				}
			}
			sent := hs.sent(t)
			if len(sent) != 1 {
				t.Fatalf("incidents topic received %d messages, want 1", len(sent))
			}
			if hs.cw.calls != 0 {
				t.Errorf("GetMetricData called %d times for a composite alarm, want 0", hs.cw.calls)
			}
			if sent[0].Subject != Subject(tc.subject+hs.name+" in us-east-1") {
				t.Errorf("subject %q, want %q", sent[0].Subject, tc.subject+hs.name+" in us-east-1")
			}
			for k, v := range map[string]string{"severity": tc.severity, "service": "checkout-api", "region": "us-east-1"} {
				if sent[0].Attributes[k] != v {
					t.Errorf("attribute %s = %q, want %q", k, sent[0].Attributes[k], v)
				}
			}
			for _, want := range tc.says {
				if !strings.Contains(sent[0].Message, want) {
					t.Errorf("message lacks %q:\n%s", want, sent[0].Message)
				}
			}
			wantMetrics(t, hs.metrics(t), map[string]float64{
				MetricAlertsReceived: 2, MetricIncidentsPublished: 1, MetricDuplicatesSkipped: 1, MetricMalformedMessages: 0, MetricFailures: 0, MetricDataErrors: 0,
			})
			if item := hs.claimItem(t); item[AttrStatus].(*ddbtypes.AttributeValueMemberS).Value != statusPublished {
				t.Errorf("claim item %v is not marked published", item)
			}
		})
	}
}

func TestHandlerSkipsDuplicateDeliveriesOfTheSameStateChange(t *testing.T) {
	hs := newHarness(t)
	hs.putLatency(t, 1, 2, 3)
	ev := hs.event(t, "anomaly-band-alarm.json")
	for i := range 3 {
		if err := hs.h.Handle(context.Background(), ev); err != nil {
			t.Fatalf("delivery %d: %v", i, err)
		}
	}
	if n := len(hs.sent(t)); n != 1 {
		t.Fatalf("three deliveries published %d incidents, want 1", n)
	}
	wantMetrics(t, hs.metrics(t), map[string]float64{MetricAlertsReceived: 3, MetricIncidentsPublished: 1, MetricDuplicatesSkipped: 2})
}

func TestHandlerReleasesTheClaimWhenPublishFailsSoTheRetryPublishes(t *testing.T) {
	hs := newHarness(t)
	hs.putLatency(t, 5, 5, 5, 5, 5, 5)
	hs.h.SNS = &flakyPublisher{PublishAPI: hs.clients.SNS, failures: 1}
	ev := hs.event(t, "anomaly-band-alarm.json")

	err := hs.h.Handle(context.Background(), ev)
	if err == nil || !strings.Contains(err.Error(), "injected: SNS InternalError") || IsMalformed(err) {
		t.Fatalf("first attempt returned %v, want the publish error", err)
	}
	if n := len(hs.sent(t)); n != 0 {
		t.Fatalf("failed attempt published %d messages", n)
	}
	if item := hs.claimItem(t); item != nil {
		t.Fatalf("claim still held after a failed publish: %v", item)
	}
	if err := hs.h.Handle(context.Background(), ev); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if n := len(hs.sent(t)); n != 1 {
		t.Fatalf("retry published %d messages, want 1", n)
	}
	wantMetrics(t, hs.metrics(t), map[string]float64{MetricAlertsReceived: 2, MetricFailures: 1, MetricIncidentsPublished: 1})
}

func TestHandlerPublishesWithoutFiguresWhenMetricDataFails(t *testing.T) {
	hs := newHarness(t)
	hs.h.CloudWatch = failingCloudWatch{}
	if err := hs.h.Handle(context.Background(), hs.event(t, "anomaly-band-alarm.json")); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	sent := hs.sent(t)
	if len(sent) != 1 || !strings.Contains(sent[0].Message, "Figures: not available, reading the metric failed: GetMetricData for m1") {
		t.Fatalf("want one incident saying the figures are unavailable, got %+v", sent)
	}
	wantMetrics(t, hs.metrics(t), map[string]float64{MetricIncidentsPublished: 1, MetricDataErrors: 1, MetricFailures: 0})
}

func TestHandlerFailsWithoutPublishingWhenTheClaimCannotBeStored(t *testing.T) {
	hs := newHarness(t)
	hs.h.Claims.Table = "no-such-table"
	err := hs.h.Handle(context.Background(), hs.event(t, "anomaly-band-alarm.json"))
	if err == nil || !strings.Contains(err.Error(), "claiming") {
		t.Fatalf("Handle returned %v, want the claim error", err)
	}
	if n := len(hs.sent(t)); n != 0 {
		t.Fatalf("published %d messages without a claim", n)
	}
	wantMetrics(t, hs.metrics(t), map[string]float64{MetricAlertsReceived: 1, MetricFailures: 1, MetricIncidentsPublished: 0})
}

func TestHandlerPublishesOKAndInsufficientDataWithTheirSeverity(t *testing.T) {
	tests := []struct {
		file, severity, subject string
	}{
		{"anomaly-band-ok.json", SeverityInfo, "RESOLVED"},
		{"anomaly-band-insufficient-data.json", SeverityLow, "DATA MISSING"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			hs := newHarness(t)
			if err := hs.h.Handle(context.Background(), hs.event(t, tc.file)); err != nil {
				t.Fatal(err)
			}
			sent := hs.sent(t)
			if len(sent) != 1 || sent[0].Attributes["severity"] != tc.severity || !strings.HasPrefix(sent[0].Subject, tc.subject) {
				t.Fatalf("got %+v, want one %s message with severity %s", sent, tc.subject, tc.severity)
			}
		})
	}
}

func TestHandlerCountsMalformedNotificationsAndPublishesNothing(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "malformed-*.json"))
	if len(files) == 0 {
		t.Fatal("no malformed testdata")
	}
	hs := newHarness(t)
	for _, f := range files {
		payload, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			hs.emf.Reset()
			hs.logs.Reset()
			err := hs.h.Handle(context.Background(), payload)
			if err == nil || !IsMalformed(err) {
				t.Fatalf("Handle returned %v, want a malformed error", err)
			}
			wantMetrics(t, hs.metrics(t), map[string]float64{MetricAlertsReceived: 1, MetricMalformedMessages: 1, MetricIncidentsPublished: 0})
			if !strings.Contains(hs.logs.String(), `"level":"ERROR","msg":"malformed`) {
				t.Errorf("no error log for the malformed notification:\n%s", hs.logs.String())
			}
		})
	}
	if n := len(hs.sent(t)); n != 0 {
		t.Fatalf("malformed notifications published %d messages", n)
	}
	if hs.cw.calls != 0 {
		t.Fatalf("malformed notifications made %d GetMetricData calls", hs.cw.calls)
	}
}

func TestHandlerKeepsGoodRecordsWhenOneRecordIsMalformed(t *testing.T) {
	hs := newHarness(t)
	good := hs.event(t, "anomaly-band-alarm.json")
	// Two records: the good one and one whose Sns.Message is not JSON.
	payload := strings.Replace(string(good), `"Records":[`, `"Records":[{"EventSource":"aws:sns","Sns":{"MessageId":"bad","Message":"not json"}},`, 1)
	err := hs.h.Handle(context.Background(), []byte(payload))
	if err == nil || !IsMalformed(err) || !strings.Contains(err.Error(), "1 of 2 records failed") {
		t.Fatalf("Handle returned %v, want 1 of 2 records failed", err)
	}
	if n := len(hs.sent(t)); n != 1 {
		t.Fatalf("published %d messages, want the good record's 1", n)
	}
	wantMetrics(t, hs.metrics(t), map[string]float64{MetricAlertsReceived: 2, MetricMalformedMessages: 1, MetricIncidentsPublished: 1})
}

func TestClaimsTakeOverOnlyAbandonedClaims(t *testing.T) {
	hs := newHarness(t)
	now := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	claims := &Claims{API: hs.clients.DynamoDB, Table: hs.table, Now: func() time.Time { return now }}
	ctx := context.Background()

	first, err := claims.Claim(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(DefaultLease - time.Second)
	if _, err := claims.Claim(ctx, "k"); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("claim within the lease: %v, want ErrDuplicate", err)
	}
	// The first delivery crashed before publishing; after its lease a
	// retry takes the claim over.
	now = now.Add(2 * time.Second)
	second, err := claims.Claim(ctx, "k")
	if err != nil {
		t.Fatalf("claim after the lease: %v", err)
	}
	// The first delivery's late release must not drop the new claim.
	if err := claims.Release(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := claims.Confirm(ctx, second, "msg-1"); err != nil {
		t.Fatalf("confirming the taken-over claim: %v", err)
	}
	// A published state change is never claimed again, however late.
	now = now.Add(6 * time.Hour)
	if _, err := claims.Claim(ctx, "k"); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("claim of a published change: %v, want ErrDuplicate", err)
	}
	if err := claims.Confirm(ctx, first, "msg-0"); err == nil {
		t.Fatal("a stale claim confirmed over the new owner's")
	}
}
