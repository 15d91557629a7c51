package router

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/o11yscale/o11yscale/telemetry/emf"
)

// These tests cover invocations that never reach Firehose (the Handler has
// no client, so a call would panic). Forwarding, retries and failures are
// tested against moto in the logrouter package.

// emfTotals sums the EMF metrics in out by "Name" or "Name/Reason".
func emfTotals(t *testing.T, out string) map[string]float64 {
	t.Helper()
	totals := map[string]float64{}
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, `"_aws"`) {
			continue
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("EMF line %q: %v", line, err)
		}
		if ev["Function"] != FunctionName {
			t.Fatalf("EMF line without Function=%s: %s", FunctionName, line)
		}
		meta := ev["_aws"].(map[string]any)["CloudWatchMetrics"].([]any)[0].(map[string]any)
		if meta["Namespace"] != Namespace {
			t.Fatalf("EMF namespace %v, want %s", meta["Namespace"], Namespace)
		}
		for _, m := range meta["Metrics"].([]any) {
			name := m.(map[string]any)["Name"].(string)
			if r, ok := ev["Reason"].(string); ok {
				name += "/" + r
			}
			totals[name] += ev[m.(map[string]any)["Name"].(string)].(float64)
		}
	}
	return totals
}

func newTestHandler(metrics io.Writer) *Handler {
	return NewHandler(Config{DeliveryStreamName: "unused", Rules: DefaultRules()}, nil,
		emf.New(metrics, Namespace), slog.New(slog.NewJSONHandler(io.Discard, nil)))
}

func TestHandleWithoutForwarding(t *testing.T) {
	evs := readEvents(t)
	infoOnly := encodeData(t, []byte(`{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","message":"{\"level\":\"INFO\"}"},{"id":"2","message":"[DEBUG] x"}]}`))
	tests := []struct {
		name      string
		data      string
		malformed bool
		want      map[string]float64
	}{
		{"control message is skipped", evs["control-message"].AWSLogs.Data, false,
			map[string]float64{"EventsIn": 1, "EventsDropped/control-message": 1, "EventsForwarded": 0, "DecodeErrors": 0}},
		{"events no rule selects are dropped", infoOnly, false,
			map[string]float64{"EventsIn": 2, "EventsDropped/tier-not-forwarded": 2, "EventsForwarded": 0}},
		{"bad base64 fails the invocation", "%%%", true,
			map[string]float64{"DecodeErrors": 1, "EventsIn": 0}},
		{"gzip bomb fails the invocation", encodeData(t, make([]byte, 9<<20)), true,
			map[string]float64{"DecodeErrors": 1}},
		{"unknown messageType fails the invocation", encodeData(t, []byte(`{"messageType":"OTHER","logEvents":[]}`)), true,
			map[string]float64{"DecodeErrors": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			h := newTestHandler(&out)
			err := h.Handle(context.Background(), events.CloudwatchLogsEvent{AWSLogs: events.CloudwatchLogsRawData{Data: tt.data}})
			if tt.malformed != errors.Is(err, ErrMalformed) || (!tt.malformed && err != nil) {
				t.Fatalf("Handle = %v, want malformed %v", err, tt.malformed)
			}
			got := emfTotals(t, out.String())
			for name, want := range tt.want {
				if got[name] != want {
					t.Errorf("metric %s = %v, want %v (all: %v)", name, got[name], want, got)
				}
			}
			for _, r := range DropReasons {
				if _, ok := got["EventsDropped/"+r]; !ok {
					t.Errorf("no EventsDropped metric for reason %s", r)
				}
			}
		})
	}
}
