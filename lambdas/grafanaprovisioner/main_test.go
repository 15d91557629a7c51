package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/internal/lambdatest"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/internal/workspacedouble"
)

// TestBootstrapProvisionsAndRemovesThroughTheRealBinary runs the built
// bootstrap under a test-served Runtime API. The AWS SDK's control-plane
// calls and the Grafana HTTP calls both go to the workspace double, and the
// CloudFormation answer to a local ResponseURL.
func TestBootstrapProvisionsAndRemovesThroughTheRealBinary(t *testing.T) {
	bin := lambdatest.Build(t, "github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner")
	ws := workspacedouble.New("g-0123456789")
	defer ws.Close()
	cfn := newAnswers(t)
	rt := lambdatest.StartRuntime(t, bin, map[string]string{
		"AWS_ENDPOINT_URL":          ws.URL,
		"AWS_ACCESS_KEY_ID":         "testing",
		"AWS_SECRET_ACCESS_KEY":     "testing",
		"AWS_REGION":                "us-east-1",
		"AWS_EC2_METADATA_DISABLED": "true",
		"GRAFANA_HOST_SUFFIX":       "",
		"GRAFANA_ENDPOINT_SCHEME":   "http",
	})
	p := dashboard.Platform{Regions: []string{"us-east-1", "eu-west-1"}, Services: []string{"checkout-api"}}
	props := map[string]any{
		"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:provisioner", "WorkspaceId": "g-0123456789",
		"WorkspaceEndpoint": ws.Host(), "Region": "us-east-1",
		"DataSources": mustJSON(t, dashboard.DataSources(p)), "Folders": mustJSON(t, dashboard.Folders(p)), "Platform": mustJSON(t, p.Contract()),
	}
	for i, step := range []struct {
		requestType string
		dashboards  int
	}{{"Create", 4}, {"Delete", 0}} {
		ev := map[string]any{
			"RequestType": step.requestType, "ResponseURL": fmt.Sprintf("%s/answer/%d", cfn.URL, i),
			"StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/central/1", "RequestId": fmt.Sprint(i),
			"LogicalResourceId": "GrafanaProvisioning", "ResourceProperties": props,
		}
		if step.requestType != "Create" {
			ev["PhysicalResourceId"] = "grafana-provisioning-g-0123456789"
		}
		res, err := rt.Invoke([]byte(mustJSON(t, ev)))
		if err != nil {
			t.Fatal(err)
		}
		if res.Error != nil {
			t.Fatalf("%s: invocation error %+v\n%s", step.requestType, res.Error, rt.Output())
		}
		last := cfn.last(t)
		if last["Status"] != "SUCCESS" {
			t.Fatalf("%s answered %v\n%s", step.requestType, last, rt.Output())
		}
		if n := len(ws.Snapshot().Dashboards); n != step.dashboards {
			t.Errorf("after %s: %d dashboards, want %d", step.requestType, n, step.dashboards)
		}
	}
	for _, v := range ws.Violations() {
		t.Errorf("protocol violation: %s", v)
	}
	out := rt.Output()
	if !strings.Contains(out, `"Function":"grafanaprovisioner"`) || !strings.Contains(out, `"ProvisioningFailed":0`) {
		t.Errorf("no EMF metrics with Function=grafanaprovisioner in output:\n%s", out)
	}
	for _, key := range ws.IssuedKeys() {
		if strings.Contains(out, key) {
			t.Error("a token appears in the function's output")
		}
	}
}

// answers stands in for the pre-signed URL CloudFormation waits on.
type answers struct {
	*httptest.Server
	mu   sync.Mutex
	list []map[string]any
}

func newAnswers(t *testing.T) *answers {
	a := &answers{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("answer is not JSON: %s", b)
		}
		a.mu.Lock()
		a.list = append(a.list, m)
		a.mu.Unlock()
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *answers) last(t *testing.T) map[string]any {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.list) == 0 {
		t.Fatal("no answer reached CloudFormation")
	}
	return a.list[len(a.list)-1]
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
