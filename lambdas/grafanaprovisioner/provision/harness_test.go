package provision

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/grafana"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/internal/workspacedouble"
	"github.com/o11yscale/o11yscale/telemetry/emf"
)

const workspaceID = "g-0123456789"

// cfnServer stands in for the pre-signed S3 URL CloudFormation waits on.
type cfnServer struct {
	*httptest.Server
	mu        sync.Mutex
	responses []Response
	raw       []string
	at        []time.Time
}

func newCFNServer(t *testing.T) *cfnServer {
	c := &cfnServer{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		defer c.mu.Unlock()
		if r.Method != http.MethodPut {
			t.Errorf("CloudFormation answer sent with %s, want PUT", r.Method)
		}
		if ct := r.Header.Get("Content-Type"); ct != "" {
			t.Errorf("CloudFormation answer sent with Content-Type %q; the pre-signed URL is signed without one", ct)
		}
		var resp Response
		if err := json.Unmarshal(b, &resp); err != nil {
			t.Errorf("CloudFormation answer is not JSON: %v", err)
		}
		c.responses = append(c.responses, resp)
		c.raw = append(c.raw, string(b))
		c.at = append(c.at, time.Now())
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *cfnServer) last(t *testing.T) Response {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.responses) == 0 {
		t.Fatal("no answer reached CloudFormation")
	}
	return c.responses[len(c.responses)-1]
}

type harness struct {
	t       *testing.T
	ws      *workspacedouble.Server
	cfn     *cfnServer
	h       *Handler
	logs    *bytes.Buffer
	metrics *bytes.Buffer
	cp      ControlPlane
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ws := workspacedouble.New(workspaceID)
	t.Cleanup(ws.Close)
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		BaseEndpoint: aws.String(ws.URL),
	}
	cp := grafana.NewFromConfig(cfg)
	hs := &harness{t: t, ws: ws, cfn: newCFNServer(t), logs: &bytes.Buffer{}, metrics: &bytes.Buffer{}, cp: cp}
	hs.h = &Handler{
		ControlPlane: func(region string) ControlPlane { return hs.cp },
		Scheme:       "http",
		Retry:        Retry{Base: time.Millisecond, Max: 2 * time.Millisecond},
		Log:          slog.New(slog.NewJSONHandler(hs.logs, nil)),
		Metrics:      emf.New(hs.metrics, "O11yscale/Pipeline"),
	}
	t.Cleanup(func() {
		for _, v := range ws.Violations() {
			t.Errorf("workspace double saw a protocol violation: %s", v)
		}
	})
	return hs
}

// props builds resource properties the way the CDK construct will: lists
// as JSON strings, dashboards generated from the platform.
func (hs *harness) props(p dashboard.Platform) map[string]any {
	return map[string]any{
		"ServiceToken":      "arn:aws:lambda:us-east-1:123456789012:function:provisioner",
		"WorkspaceId":       workspaceID,
		"WorkspaceEndpoint": hs.ws.Host(),
		"Region":            "us-east-1",
		"DataSources":       mustJSON(dashboard.DataSources(p)),
		"Folders":           mustJSON(dashboard.Folders(p)),
		"Platform":          mustJSON(p.Contract()),
		"ContentHash":       contentHash(p),
	}
}

func contentHash(p dashboard.Platform) string {
	h, err := dashboard.ContentHash(p)
	if err != nil {
		panic(err)
	}
	return h
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func seed() dashboard.Platform {
	return dashboard.Platform{
		CentralRegion: "us-east-1",
		Regions:       []string{"us-east-1", "eu-west-1", "ap-southeast-1"},
		Services:      []string{"checkout-api", "auth-service", "order-service", "health-check"},
	}
}

var requestSeq int

// event builds a CloudFormation request.
func (hs *harness) event(requestType string, props, old map[string]any) []byte {
	requestSeq++
	ev := map[string]any{
		"RequestType":       requestType,
		"ResponseURL":       fmt.Sprintf("%s/cloudformation-response/%d?X-Amz-Signature=abc", hs.cfn.URL, requestSeq),
		"StackId":           "arn:aws:cloudformation:us-east-1:123456789012:stack/central/1e2f",
		"RequestId":         fmt.Sprintf("req-%d", requestSeq),
		"ResourceType":      "Custom::GrafanaProvisioning",
		"LogicalResourceId": "GrafanaProvisioning",
	}
	if props != nil {
		ev["ResourceProperties"] = props
	}
	if requestType != RequestCreate {
		ev["PhysicalResourceId"] = PhysicalID(workspaceID)
	}
	if old != nil {
		ev["OldResourceProperties"] = old
	}
	return []byte(mustJSON(ev))
}

// invoke runs the handler with a Lambda-like deadline.
func (hs *harness) invoke(raw []byte) Response {
	hs.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.h.Handle(ctx, raw); err != nil {
		hs.t.Fatalf("Handle returned %v although CloudFormation could be answered", err)
	}
	return hs.cfn.last(hs.t)
}

// writes lists the successful state-changing calls since index from (a
// DELETE answered 404 changed nothing).
func (hs *harness) writes(from int) []string {
	var out []string
	for _, r := range hs.ws.Requests()[from:] {
		if r.Method != "GET" && r.Status >= 200 && r.Status < 300 {
			out = append(out, r.String())
		}
	}
	return out
}

// metric returns the last EMF value of name.
func (hs *harness) metric(name string) (float64, bool) {
	var v float64
	found := false
	for _, line := range strings.Split(strings.TrimSpace(hs.metrics.String()), "\n") {
		var ev map[string]any
		if json.Unmarshal([]byte(line), &ev) != nil || ev["Function"] != FunctionName {
			continue
		}
		if x, ok := ev[name].(float64); ok {
			v, found = x, true
		}
	}
	return v, found
}
