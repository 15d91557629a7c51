package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/o11yscale/o11yscale/internal/lambdatest"
	"github.com/o11yscale/o11yscale/lambdas/logrouter/router"
	"github.com/o11yscale/o11yscale/telemetry/emf"
)

const region = "us-east-1"

var moto *lambdatest.Moto

func TestMain(m *testing.M) { os.Exit(lambdatest.RunWithMoto(m, &moto)) }

// clients are aws-sdk-go-v2 clients pointed at moto.
type clients struct {
	firehose *firehose.Client
	s3       *s3.Client
}

func newClients(t *testing.T) clients {
	t.Helper()
	moto.SetEnv(t, region)
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return clients{
		firehose: firehose.NewFromConfig(cfg),
		s3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.UsePathStyle = true
			o.DisableLogOutputChecksumValidationSkipped = true // moto sends none
		}),
	}
}

// deliveryStream creates a DirectPut Firehose stream writing to a new S3
// bucket, both named after the test, and returns the stream name and bucket.
func deliveryStream(t *testing.T, c clients) (stream, bucket string) {
	t.Helper()
	return deliveryStreamFor(t, c, t.Name())
}

// deliveryStreamFor is deliveryStream named after name.
func deliveryStreamFor(t *testing.T, c clients, name string) (stream, bucket string) {
	t.Helper()
	name = strings.ToLower(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(name, "-"))
	name = strings.Trim(name[max(0, len(name)-50):], "-")
	stream, bucket = "logs-"+name, "archive-"+name
	ctx := context.Background()
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("creating bucket %s: %v", bucket, err)
	}
	_, err := c.firehose.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: &stream,
		DeliveryStreamType: fhtypes.DeliveryStreamTypeDirectPut,
		ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::" + bucket),
			RoleARN:   aws.String("arn:aws:iam::123456789012:role/firehose-delivery"),
			Prefix:    aws.String("critical/"),
		},
	})
	if err != nil {
		t.Fatalf("creating delivery stream %s: %v", stream, err)
	}
	return stream, bucket
}

// deliveredRecord is a record as read back from S3.
type deliveredRecord struct {
	LogGroup  string   `json:"logGroup"`
	LogStream string   `json:"logStream"`
	Owner     string   `json:"owner"`
	ID        string   `json:"id"`
	Timestamp int64    `json:"timestamp"`
	Tier      string   `json:"tier"`
	Status    *float64 `json:"status"`
	Message   string   `json:"message"`
}

// delivered reads every object in the bucket and returns the records by id
// with how often each arrived.
func delivered(t *testing.T, c clients, bucket string) (map[string]deliveredRecord, map[string]int) {
	t.Helper()
	ctx := context.Background()
	records, counts := map[string]deliveredRecord{}, map[string]int{}
	p := s3.NewListObjectsV2Paginator(c.s3, &s3.ListObjectsV2Input{Bucket: &bucket})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, obj := range page.Contents {
			out, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: obj.Key})
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(out.Body)
			out.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(*obj.Key, "critical/") {
				t.Errorf("object %s outside the stream's prefix", *obj.Key)
			}
			for _, line := range bytes.SplitAfter(body, []byte("\n")) {
				if len(line) == 0 {
					continue
				}
				var r deliveredRecord
				if line[len(line)-1] != '\n' || json.Unmarshal(line, &r) != nil {
					t.Fatalf("object %s holds a line that is not a newline-terminated JSON record: %q", *obj.Key, line)
				}
				records[r.ID] = r
				counts[r.ID]++
			}
		}
	}
	return records, counts
}

// errorWords are the level words of the ERROR tier (package router doc).
var errorWords = []string{"ERROR", "ERR", "CRITICAL", "CRIT", "FATAL", "PANIC", "ALERT", "EMERG", "EMERGENCY", "SEVERE"}

func isErrorWord(w string) bool {
	for _, e := range errorWords {
		if strings.EqualFold(w, e) {
			return true
		}
	}
	return false
}

// critical is the default routing rule written out independently of the
// router, from its documentation: a JSON message (json.Unmarshal into a
// map) with an ERROR-tier "level" or a "status_code" >= 500, or a plain
// line with an ERROR-tier word in its first four fields.
func critical(msg string) bool {
	var m map[string]any
	if json.Unmarshal([]byte(msg), &m) == nil {
		level, _ := m["level"].(string)
		status, _ := m["status_code"].(float64)
		return isErrorWord(level) || status >= 500
	}
	fields := strings.Fields(msg)
	for _, f := range fields[:min(4, len(fields))] {
		f = strings.TrimPrefix(f, "level=")
		f = strings.TrimPrefix(f, "[")
		f = strings.TrimSuffix(strings.TrimSuffix(f, "]"), ":")
		if isErrorWord(f) {
			return true
		}
	}
	return false
}

// expected returns the events of the payloads that must be forwarded, by
// id, decoded with aws-lambda-go's encoding/json parser.
func expected(t *testing.T, payloads ...string) map[string]events.CloudwatchLogsLogEvent {
	t.Helper()
	want := map[string]events.CloudwatchLogsLogEvent{}
	for _, data := range payloads {
		d, err := events.CloudwatchLogsRawData{Data: data}.Parse()
		if err != nil || d.MessageType != router.DataMessage {
			continue
		}
		for _, ev := range d.LogEvents {
			if critical(ev.Message) {
				if _, dup := want[ev.ID]; dup {
					t.Fatalf("test payloads reuse id %s", ev.ID)
				}
				want[ev.ID] = ev
			}
		}
	}
	return want
}

// generated builds a payload of n JSON events, every third an ERROR and
// every seventh an INFO with status 503, with ids unique to prefix.
func generated(t *testing.T, prefix string, n int) string {
	t.Helper()
	type logEvent struct {
		ID        string `json:"id"`
		Timestamp int64  `json:"timestamp"`
		Message   string `json:"message"`
	}
	doc := struct {
		MessageType         string     `json:"messageType"`
		Owner               string     `json:"owner"`
		LogGroup            string     `json:"logGroup"`
		LogStream           string     `json:"logStream"`
		SubscriptionFilters []string   `json:"subscriptionFilters"`
		LogEvents           []logEvent `json:"logEvents"`
	}{"DATA_MESSAGE", "123456789012", "/ecs/orders", "orders/app/" + prefix, []string{"o11yscale-critical"}, nil}
	for i := range n {
		level, status := "INFO", 200
		switch {
		case i%3 == 0:
			level = "ERROR"
		case i%7 == 0:
			status = 503
		case i%5 == 0:
			level = "DEBUG"
		}
		msg, _ := json.Marshal(map[string]any{"level": level, "status_code": status, "msg": fmt.Sprintf("event %d: caf\u00e9 \"quoted\"\n", i), "i": i})
		doc.LogEvents = append(doc.LogEvents, logEvent{fmt.Sprintf("%s-%06d", prefix, i), 1715681493000 + int64(i), string(msg)})
	}
	return awslogsData(t, doc)
}

// awslogsData encodes doc as CloudWatch Logs delivers a subscription
// payload: JSON, gzipped, base64.
func awslogsData(t *testing.T, doc any) string {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// testdataPayloads returns the awslogs.data of the router's real payloads.
func testdataPayloads(t *testing.T) []string {
	t.Helper()
	paths, _ := filepath.Glob("router/testdata/events/*.json")
	paths = append(paths, "router/testdata/aws-lambda-go-cloudwatch-logs-event.json")
	var out []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var ev events.CloudwatchLogsEvent
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatal(err)
		}
		out = append(out, ev.AWSLogs.Data)
	}
	return out
}

// checkExactlyOnce asserts every wanted event arrived once with its
// fields, and nothing else arrived.
func checkExactlyOnce(t *testing.T, c clients, bucket string, want map[string]events.CloudwatchLogsLogEvent) {
	t.Helper()
	got, counts := delivered(t, c, bucket)
	for id, ev := range want {
		r, ok := got[id]
		switch {
		case !ok:
			t.Errorf("event %s never arrived: %q", id, ev.Message)
		case counts[id] != 1:
			t.Errorf("event %s arrived %d times", id, counts[id])
		case r.Message != ev.Message || r.Timestamp != ev.Timestamp:
			t.Errorf("event %s arrived as %+v, sent %+v", id, r, ev)
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("event %s arrived but no rule selects it: %q", id, got[id].Message)
		}
	}
}

// emfTotals sums the function's EMF metrics in out by "Name" or
// "Name/Reason".
func emfTotals(t *testing.T, out string) map[string]float64 {
	t.Helper()
	return lambdatest.MetricTotalsBy(t, out, router.Namespace, "Reason")
}

// waitOutput waits until the function has printed lines EMF events and
// returns its output.
func waitOutput(t *testing.T, rt *lambdatest.Runtime, lines int) string {
	t.Helper()
	for range 100 {
		if out := rt.Output(); strings.Count(out, `"_aws"`) >= lines {
			return out
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the function printed fewer than %d EMF events:\n%s", lines, rt.Output())
	return ""
}

func TestBootstrapForwardsEveryErrorExactlyOnce(t *testing.T) {
	c := newClients(t)
	stream, bucket := deliveryStream(t, c)
	bin := lambdatest.Build(t, "github.com/o11yscale/o11yscale/lambdas/logrouter")
	env := moto.Env(region)
	env["DELIVERY_STREAM_NAME"] = stream
	rt := lambdatest.StartRuntime(t, bin, env)

	// 1,600 generated events give more than 500 selected records, so the
	// first payload needs two PutRecordBatch calls.
	payloads := append([]string{generated(t, "big", 1600), generated(t, "small", 40)}, testdataPayloads(t)...)
	totalEvents := 0
	for _, data := range payloads {
		d, err := events.CloudwatchLogsRawData{Data: data}.Parse()
		if err != nil {
			t.Fatal(err)
		}
		totalEvents += len(d.LogEvents)
		ev, _ := json.Marshal(events.CloudwatchLogsEvent{AWSLogs: events.CloudwatchLogsRawData{Data: data}})
		res, err := rt.Invoke(ev)
		if err != nil {
			t.Fatal(err)
		}
		if res.Error != nil {
			t.Fatalf("invocation failed: %+v\n%s", res.Error, rt.Output())
		}
	}
	want := expected(t, payloads...)
	if len(want) <= router.MaxBatchRecords {
		t.Fatalf("only %d events selected; the test needs more than one batch", len(want))
	}
	checkExactlyOnce(t, c, bucket, want)

	// A malformed payload fails the invocation, so it reaches the
	// on-failure destination instead of vanishing.
	res, err := rt.Invoke([]byte(`{"awslogs":{"data":"H4sIAAAA-not-gzip"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Error == nil || !strings.Contains(res.Error.ErrorMessage, "malformed") {
		t.Errorf("malformed payload: result %+v, want an invocation error", res)
	}

	// Each invocation writes 4 EMF lines; the pipe may lag the response.
	m := emfTotals(t, waitOutput(t, rt, 4*(len(payloads)+1)))
	dropped := m["EventsDropped/control-message"] + m["EventsDropped/tier-not-forwarded"] + m["EventsDropped/record-too-large"]
	for name, want := range map[string]float64{
		"EventsIn":        float64(totalEvents),
		"EventsForwarded": float64(len(want)),
		"EventsFailed":    0,
		"RecordsFailed":   0,
		"DecodeErrors":    1,
		"EventsDropped":   float64(totalEvents - len(want)),
	} {
		got := m[name]
		if name == "EventsDropped" {
			got = dropped
		}
		if got != want {
			t.Errorf("EMF %s = %v, want %v", name, got, want)
		}
	}
}

// faultyFirehose wraps the real client and fails chosen entries before
// they reach it, answering like Firehose: HTTP 200, FailedPutCount and an
// index-aligned ErrorCode.
type faultyFirehose struct {
	real router.PutRecordBatchAPI
	// fail decides per record id and attempt (1-based) whether to fail it.
	fail func(id string, attempt int) bool
	// failCall makes whole calls fail with a transport error.
	failCall func(call int) bool

	// failStream, when set, limits the injected entry failures to that
	// stream.
	failStream string

	mu       sync.Mutex
	calls    int
	attempts map[string]int // by record id, over every stream
	byStream map[string]int // by stream and record id
	injected int
}

func (f *faultyFirehose) PutRecordBatch(ctx context.Context, in *firehose.PutRecordBatchInput, opts ...func(*firehose.Options)) (*firehose.PutRecordBatchOutput, error) {
	f.mu.Lock()
	f.calls++
	if f.failCall != nil && f.failCall(f.calls) {
		f.mu.Unlock()
		return nil, fmt.Errorf("injected: connection reset by peer")
	}
	if f.attempts == nil {
		f.attempts, f.byStream = map[string]int{}, map[string]int{}
	}
	resp := make([]fhtypes.PutRecordBatchResponseEntry, len(in.Records))
	var pass []fhtypes.Record
	var passIndex []int
	failed := int32(0)
	for k, r := range in.Records {
		var rec struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(r.Data, &rec); err != nil {
			f.mu.Unlock()
			return nil, fmt.Errorf("record %d is not JSON: %v", k, err)
		}
		f.attempts[rec.ID]++
		key := *in.DeliveryStreamName + "|" + rec.ID
		f.byStream[key]++
		if (f.failStream == "" || f.failStream == *in.DeliveryStreamName) && f.fail(rec.ID, f.byStream[key]) {
			resp[k] = fhtypes.PutRecordBatchResponseEntry{ErrorCode: aws.String("ServiceUnavailableException"), ErrorMessage: aws.String("injected: slow down")}
			failed++
			f.injected++
			continue
		}
		pass = append(pass, r)
		passIndex = append(passIndex, k)
	}
	f.mu.Unlock()
	if len(pass) > 0 {
		out, err := f.real.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: in.DeliveryStreamName, Records: pass}, opts...)
		if err != nil {
			return nil, err
		}
		for j, e := range out.RequestResponses {
			resp[passIndex[j]] = e
			if e.ErrorCode != nil {
				failed++
			}
		}
	}
	return &firehose.PutRecordBatchOutput{FailedPutCount: aws.Int32(failed), RequestResponses: resp}, nil
}

// failuresOf returns how many times a record is failed before it may pass:
// 0, 1 or 2 by a hash of its id, so about two thirds fail at first.
func failuresOf(id string) int {
	h := 0
	for _, c := range id {
		h = h*31 + int(c)
	}
	return (h & 0x7fffffff) % 3
}

func TestRetriesDeliverEverythingExactlyOnce(t *testing.T) {
	tests := []struct {
		name      string
		fail      func(id string, attempt int) bool
		failCall  func(call int) bool
		wantRetry bool
	}{
		{"a share of entries fails up to twice", func(id string, attempt int) bool { return attempt <= failuresOf(id) }, nil, true},
		{"every entry fails once", func(_ string, attempt int) bool { return attempt == 1 }, nil, true},
		{"whole calls fail at first", func(string, int) bool { return false }, func(call int) bool { return call <= 2 }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClients(t)
			stream, bucket := deliveryStream(t, c)
			faulty := &faultyFirehose{real: c.firehose, fail: tt.fail, failCall: tt.failCall}
			var metrics bytes.Buffer
			h := router.NewHandler(router.Config{DeliveryStreamName: stream, Rules: router.DefaultRules()}, faulty,
				emf.New(&metrics, router.Namespace), slog.New(slog.NewJSONHandler(io.Discard, nil)))
			h.Retry = router.Retry{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}
			payloads := []string{generated(t, "retry", 1600), generated(t, "retry2", 90)}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			retried := 0
			for _, data := range payloads {
				st, err := h.Route(ctx, data)
				if err != nil {
					t.Fatalf("Route: %v", err)
				}
				retried += st.RecordsRetried
			}
			want := expected(t, payloads...)
			checkExactlyOnce(t, c, bucket, want)
			if tt.wantRetry && retried == 0 {
				t.Errorf("no record was retried; the fault injection did not bite")
			}
			if faulty.failCall == nil && retried != faulty.injected {
				t.Errorf("RecordsRetried = %d, injected failures = %d", retried, faulty.injected)
			}
		})
	}
}

func TestPermanentFailuresFailTheInvocationWithCounts(t *testing.T) {
	c := newClients(t)
	stream, bucket := deliveryStream(t, c)
	doomed := map[string]bool{"perm-000003": true, "perm-000600": true, "perm-001599": true}
	faulty := &faultyFirehose{real: c.firehose, fail: func(id string, _ int) bool { return doomed[id] }}
	var metrics bytes.Buffer
	h := router.NewHandler(router.Config{DeliveryStreamName: stream, Rules: router.DefaultRules()}, faulty,
		emf.New(&metrics, router.Namespace), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	h.Retry = router.Retry{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}
	data := generated(t, "perm", 1600)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := h.Handle(ctx, events.CloudwatchLogsEvent{AWSLogs: events.CloudwatchLogsRawData{Data: data}})
	want := expected(t, data)
	if err == nil {
		t.Fatal("Handle succeeded although 3 records never got in")
	}
	for _, part := range []string{fmt.Sprintf("3 of %d records", len(want)), fmt.Sprintf("3 of %d forwarded events", len(want)), "ServiceUnavailableException×3", stream} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not say %q", err, part)
		}
	}
	for id := range doomed {
		if _, ok := want[id]; !ok {
			t.Fatalf("doomed id %s is not a selected event; fix the test", id)
		}
		if faulty.attempts[id] != 4 {
			t.Errorf("record %s was tried %d times, want MaxAttempts 4", id, faulty.attempts[id])
		}
		delete(want, id)
	}
	checkExactlyOnce(t, c, bucket, want)
	m := emfTotals(t, metrics.String())
	if m["RecordsFailed"] != 3 || m["EventsFailed"] != 3 || m["RecordsRetried"] != 9 || m["EventsForwarded"] != float64(len(want)) {
		t.Errorf("EMF = %v, want RecordsFailed 3, EventsFailed 3, RecordsRetried 9, EventsForwarded %d", m, len(want))
	}
}

func TestRetriesStopAtTheDeadline(t *testing.T) {
	c := newClients(t)
	stream, _ := deliveryStream(t, c)
	faulty := &faultyFirehose{real: c.firehose, fail: func(string, int) bool { return true }}
	h := router.NewHandler(router.Config{DeliveryStreamName: stream, Rules: router.DefaultRules()}, faulty,
		nil, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	// Far more attempts and longer backoff than the deadline allows.
	h.Retry = router.Retry{MaxAttempts: 1000, BaseDelay: 200 * time.Millisecond, MaxDelay: time.Second, Reserve: time.Second}
	data := generated(t, "deadline", 30)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	st, err := h.Route(ctx, data)
	want := len(expected(t, data))
	if err == nil || st.RecordsFailed != want {
		t.Fatalf("Route = %+v, %v; want all %d records failed and an error", st, err, want)
	}
	if ctx.Err() != nil {
		t.Errorf("Route returned after the invocation deadline; it must keep the reserve")
	}
	if faulty.calls >= 1000 {
		t.Errorf("%d calls: retries ignored the deadline", faulty.calls)
	}
}
