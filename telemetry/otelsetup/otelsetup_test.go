package otelsetup_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/codes"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/o11yscale/o11yscale/telemetry/otelsetup"
	"github.com/o11yscale/o11yscale/telemetry/sampler"
)

// receiver is an OTLP/HTTP traces receiver, as the collector's otlp
// receiver on port 4318: it decodes each ExportTraceServiceRequest.
type receiver struct {
	mu    sync.Mutex
	names []string
	attrs map[string]string // span name -> service.name
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path != "/v1/traces" || req.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "want protobuf on /v1/traces", http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(req.Body)
	var msg coltrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &msg); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rs := range msg.ResourceSpans {
		service := ""
		for _, kv := range rs.Resource.Attributes {
			if kv.Key == "service.name" {
				service = kv.Value.GetStringValue()
			}
		}
		for _, ss := range rs.ScopeSpans {
			for _, sp := range ss.Spans {
				r.names = append(r.names, sp.Name)
				r.attrs[sp.Name] = service
			}
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(nil)
}

func TestTracesReachTheCollectorOverOTLPWithOurSampler(t *testing.T) {
	rcv := &receiver{attrs: map[string]string{}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	ctx := context.Background()
	tracing, err := otelsetup.New(ctx, otelsetup.Config{
		ServiceName: "checkout-api",
		Endpoint:    strings.TrimPrefix(srv.URL, "http://"),
		// Never picked by the rate: only the error trace may arrive.
		Sampler: sampler.Config{Rand: func() float64 { return 0.999999 }},
	})
	if err != nil {
		t.Fatal(err)
	}
	tr := tracing.TracerProvider.Tracer("shop")
	_, ok := tr.Start(ctx, "GET /ok")
	ok.End()
	c, failed := tr.Start(ctx, "POST /orders")
	_, db := tr.Start(c, "INSERT order")
	db.SetStatus(codes.Error, "deadlock")
	db.End()
	failed.End()
	if err := tracing.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown (flushes to the receiver): %v", err)
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	got := strings.Join(rcv.names, ",")
	if got != "INSERT order,POST /orders" {
		t.Errorf("received spans %q, want the error trace only (child first, as it ended first)", got)
	}
	if rcv.attrs["POST /orders"] != "checkout-api" {
		t.Errorf("service.name = %q", rcv.attrs["POST /orders"])
	}
	if st := tracing.Processor.Stats(); st.Kept != 2 || st.Dropped != 1 {
		t.Errorf("stats %+v, want 2 kept (the error trace) and 1 dropped (the normal request)", st)
	}
}

func TestNewNamesEveryInvalidField(t *testing.T) {
	_, err := otelsetup.New(context.Background(), otelsetup.Config{Endpoint: "localhost", MaxBufferedSpans: -1, Sampler: sampler.Config{BaseRate: 2}})
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{"Config.ServiceName", `Config.Endpoint "localhost"`, "Config.MaxBufferedSpans -1", "Config.BaseRate 2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
