package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/o11yscale/o11yscale/internal/lambdatest"
	"github.com/o11yscale/o11yscale/lambdas/logrouter/router"
	"github.com/o11yscale/o11yscale/telemetry/emf"
)

// The analysis tier's stream delivers to OpenSearch Serverless; which
// destination a stream has is Firehose's concern, so moto's Firehose with
// an S3 destination stands in for it and lets the test read the records
// back (moto emulates no OpenSearch Serverless destination).

// tiered builds a payload of n JSON events cycling ERROR, WARN, INFO,
// DEBUG, with ids unique to prefix, and returns it with the ids by level.
func tiered(t *testing.T, prefix string, n int) (string, map[string][]string) {
	t.Helper()
	type logEvent struct {
		ID        string `json:"id"`
		Timestamp int64  `json:"timestamp"`
		Message   string `json:"message"`
	}
	doc := struct {
		MessageType string     `json:"messageType"`
		Owner       string     `json:"owner"`
		LogGroup    string     `json:"logGroup"`
		LogStream   string     `json:"logStream"`
		LogEvents   []logEvent `json:"logEvents"`
	}{"DATA_MESSAGE", "123456789012", "/o11yscale/orders/error", "orders/app/" + prefix, nil}
	ids := map[string][]string{}
	levels := []string{"ERROR", "WARN", "INFO", "DEBUG"}
	for i := range n {
		level := levels[i%len(levels)]
		id := fmt.Sprintf("%s-%06d", prefix, i)
		msg, _ := json.Marshal(map[string]any{"level": level, "msg": fmt.Sprintf("event %d \"q\"\n", i)})
		doc.LogEvents = append(doc.LogEvents, logEvent{id, 1715681493000 + int64(i), string(msg)})
		ids[level] = append(ids[level], id)
	}
	return awslogsData(t, doc), ids
}

// selected returns the events of data whose ids are listed, by id.
func selected(t *testing.T, data string, ids ...[]string) map[string]events.CloudwatchLogsLogEvent {
	t.Helper()
	d, err := events.CloudwatchLogsRawData{Data: data}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, list := range ids {
		for _, id := range list {
			want[id] = true
		}
	}
	out := map[string]events.CloudwatchLogsLogEvent{}
	for _, ev := range d.LogEvents {
		if want[ev.ID] {
			out[ev.ID] = ev
		}
	}
	if len(out) != len(want) {
		t.Fatalf("%d of %d ids found in the payload", len(out), len(want))
	}
	return out
}

func TestBootstrapSendsErrorsAndWarningsToTheAnalysisStreamExactlyOnce(t *testing.T) {
	c := newClients(t)
	archive, archiveBucket := deliveryStream(t, c)
	errors, errorsBucket := analysisStream(t, c, "errors")
	warnings, warningsBucket := analysisStream(t, c, "warnings")
	bin := lambdatest.Build(t, "github.com/o11yscale/o11yscale/lambdas/logrouter")
	env := moto.Env(region)
	// The archive takes INFO only here, so each stream's expected set is
	// disjoint and an event on the wrong stream shows.
	env["DELIVERY_STREAM_NAME"], env["FORWARD_TIERS"], env["FORWARD_MIN_STATUS"] = archive, "INFO", "0"
	env["ANALYSIS_STREAMS"] = "ERROR=" + errors + ",WARN=" + warnings // an index per tier
	rt := lambdatest.StartRuntime(t, bin, env)

	// 2,400 events: 1,200 ERROR and WARN, more than two batches of 500.
	data, ids := tiered(t, "both", 2400)
	ev, _ := json.Marshal(events.CloudwatchLogsEvent{AWSLogs: events.CloudwatchLogsRawData{Data: data}})
	res, err := rt.Invoke(ev)
	if err != nil {
		t.Fatal(err)
	}
	if res.Error != nil {
		t.Fatalf("invocation failed: %+v\n%s", res.Error, rt.Output())
	}
	checkExactlyOnce(t, c, errorsBucket, selected(t, data, ids["ERROR"]))
	checkExactlyOnce(t, c, warningsBucket, selected(t, data, ids["WARN"]))
	checkExactlyOnce(t, c, archiveBucket, selected(t, data, ids["INFO"]))

	m := emfTotals(t, waitOutput(t, rt, 4))
	for name, want := range map[string]float64{
		"EventsIn":                         2400,
		"EventsForwarded":                  1800,
		"AnalysisEventsForwarded":          1200,
		"AnalysisEventsFailed":             0,
		"EventsDropped/tier-not-forwarded": 600,
		"RecordsFailed":                    0,
	} {
		if m[name] != want {
			t.Errorf("EMF %s = %v, want %v", name, m[name], want)
		}
	}
}

// analysisStream is another Firehose stream into its own bucket.
func analysisStream(t *testing.T, c clients, label string) (stream, bucket string) {
	t.Helper()
	return deliveryStreamFor(t, c, t.Name()+"-"+label)
}

func TestRetriesDeliverEveryTargetExactlyOnce(t *testing.T) {
	for _, failStream := range []string{"archive", "errors", ""} {
		name := "faults on " + failStream
		if failStream == "" {
			name = "faults on every stream"
		}
		t.Run(name, func(t *testing.T) {
			c := newClients(t)
			archive, archiveBucket := deliveryStream(t, c)
			errors, errorsBucket := analysisStream(t, c, "errors")
			warnings, warningsBucket := analysisStream(t, c, "warnings")
			names := map[string]string{"archive": archive, "errors": errors, "": ""}
			faulty := &faultyFirehose{real: c.firehose, failStream: names[failStream],
				fail: func(id string, attempt int) bool { return attempt <= failuresOf(id) }}
			cfg := router.Config{DeliveryStreamName: archive, Rules: router.Rules{MinStatus: 0}}
			cfg.Rules.Tiers, _ = router.ParseTierList("ERROR,INFO")
			cfg.AnalysisStreams, _ = router.ParseAnalysisStreams("ERROR=" + errors + ",WARN=" + warnings)
			var metrics bytes.Buffer
			h := router.NewHandler(cfg, faulty, emf.New(&metrics, router.Namespace), slog.New(slog.NewJSONHandler(io.Discard, nil)))
			h.Retry = router.Retry{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}
			data, ids := tiered(t, "retry", 1600)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			st, err := h.Route(ctx, data)
			if err != nil {
				t.Fatalf("Route: %v", err)
			}
			// ERROR goes to the archive and its analysis stream, once each.
			checkExactlyOnce(t, c, archiveBucket, selected(t, data, ids["ERROR"], ids["INFO"]))
			checkExactlyOnce(t, c, errorsBucket, selected(t, data, ids["ERROR"]))
			checkExactlyOnce(t, c, warningsBucket, selected(t, data, ids["WARN"]))
			if st.RecordsRetried == 0 || st.RecordsRetried != faulty.injected {
				t.Errorf("RecordsRetried = %d, injected failures = %d", st.RecordsRetried, faulty.injected)
			}
			if st.EventsForwarded != 1200 || st.AnalysisEventsForwarded != 800 || st.EventsFailed != 0 {
				t.Errorf("stats %+v, want 1200 events forwarded, 800 to analysis", st)
			}
		})
	}
}

func TestPermanentAnalysisFailuresFailTheInvocationWithCounts(t *testing.T) {
	c := newClients(t)
	archive, archiveBucket := deliveryStream(t, c)
	errors, errorsBucket := analysisStream(t, c, "errors")
	warnings, warningsBucket := analysisStream(t, c, "warnings")
	// perm-000000 and perm-000004 are ERRORs (archive and errors stream).
	doomed := map[string]bool{"perm-000000": true, "perm-000004": true}
	faulty := &faultyFirehose{real: c.firehose, failStream: errors, fail: func(id string, _ int) bool { return doomed[id] }}
	cfg := router.Config{DeliveryStreamName: archive, Rules: router.DefaultRules()}
	cfg.AnalysisStreams, _ = router.ParseAnalysisStreams("ERROR=" + errors + ",WARN=" + warnings)
	var metrics bytes.Buffer
	h := router.NewHandler(cfg, faulty, emf.New(&metrics, router.Namespace), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	h.Retry = router.Retry{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}
	data, ids := tiered(t, "perm", 400)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := h.Handle(ctx, events.CloudwatchLogsEvent{AWSLogs: events.CloudwatchLogsRawData{Data: data}})
	if err == nil {
		t.Fatal("Handle succeeded although 2 records never reached the errors stream")
	}
	for _, part := range []string{"2 of 100 records (2 of 100 forwarded events)", fmt.Sprintf("%q", errors), "ServiceUnavailableException×2"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not say %q", err, part)
		}
	}
	for _, ok := range []string{archive, warnings} {
		if strings.Contains(err.Error(), fmt.Sprintf("%q", ok)) {
			t.Errorf("error %q blames stream %s, which took everything", err, ok)
		}
	}
	// The archive took every ERROR, the doomed one included.
	checkExactlyOnce(t, c, archiveBucket, selected(t, data, ids["ERROR"]))
	checkExactlyOnce(t, c, warningsBucket, selected(t, data, ids["WARN"]))
	want := selected(t, data, ids["ERROR"])
	for id := range doomed {
		if faulty.byStream[errors+"|"+id] != 3 {
			t.Errorf("record %s was tried %d times on the errors stream, want MaxAttempts 3", id, faulty.byStream[errors+"|"+id])
		}
		delete(want, id)
	}
	checkExactlyOnce(t, c, errorsBucket, want)
	m := emfTotals(t, metrics.String())
	for name, v := range map[string]float64{
		"RecordsFailed": 2, "RecordsRetried": 4, "AnalysisEventsFailed": 2, "AnalysisEventsForwarded": 198,
		"EventsFailed": 2, "EventsForwarded": 198, "EventsDropped/tier-not-forwarded": 200,
	} {
		if m[name] != v {
			t.Errorf("EMF %s = %v, want %v (all: %v)", name, m[name], v, m)
		}
	}
}
