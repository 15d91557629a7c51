package provision

import (
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/grafana"
	"github.com/aws/aws-sdk-go-v2/service/grafana/types"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
)

func TestLifecycleCreateUpdateDeleteLeavesExactlyWhatPropertiesSay(t *testing.T) {
	hs := newHarness(t)

	// GIVEN the seed platform WHEN Create runs
	created := seed()
	resp := hs.invoke(hs.event(RequestCreate, hs.props(created), nil))
	if resp.Status != StatusSuccess || resp.PhysicalResourceID != "grafana-provisioning-"+workspaceID {
		t.Fatalf("Create answered %s %q (%s)", resp.Status, resp.PhysicalResourceID, resp.Reason)
	}
	// THEN every data source, folder and dashboard exists, and no token is left
	st := hs.ws.Snapshot()
	wantDS := []string{"cw-ap-southeast-1", "cw-eu-west-1", "cw-us-east-1", "xray"}
	if got := slices.Sorted(maps.Keys(st.DataSources)); !slices.Equal(got, wantDS) {
		t.Errorf("data sources %v, want %v", got, wantDS)
	}
	for uid, ds := range st.DataSources {
		jd := ds["jsonData"].(map[string]any)
		if jd["authType"] != "ec2_iam_role" || jd["defaultRegion"] == "" {
			t.Errorf("data source %s jsonData %v, want workspace IAM role auth with a default region", uid, jd)
		}
	}
	if got := slices.Sorted(maps.Keys(st.Folders)); !slices.Equal(got, []string{"o11yscale", "o11yscale-services"}) {
		t.Errorf("folders %v", got)
	}
	wantDash := uids(t, created)
	if got := slices.Sorted(maps.Keys(st.Dashboards)); !slices.Equal(got, wantDash) {
		t.Errorf("dashboards %v, want %v", got, wantDash)
	}
	if st.Dashboards[dashboard.GlobalAPIUID(dashboard.Platform{})]["folderUid"] != "o11yscale" || st.Dashboards[dashboard.ServiceUID(dashboard.Platform{}, "checkout-api")]["folderUid"] != "o11yscale-services" {
		t.Error("dashboards are not filed in their folders")
	}
	if len(st.Tokens) != 0 {
		t.Errorf("%d tokens left after Create, want 0", len(st.Tokens))
	}
	if resp.Data["ContentHash"] != contentHash(created) || resp.Data["Dashboards"] != "7" {
		t.Errorf("answer data %v", resp.Data)
	}

	// WHEN Update drops health-check and adds payments
	updated := seed()
	updated.Services = []string{"checkout-api", "auth-service", "order-service", "payments"}
	resp = hs.invoke(hs.event(RequestUpdate, hs.props(updated), hs.props(created)))
	if resp.Status != StatusSuccess || resp.PhysicalResourceID != "grafana-provisioning-"+workspaceID {
		t.Fatalf("Update answered %s %q (%s)", resp.Status, resp.PhysicalResourceID, resp.Reason)
	}
	// THEN the removed service's dashboard is gone, the new one exists and
	// the unchanged ones were not rewritten
	after := hs.ws.Snapshot()
	if got := slices.Sorted(maps.Keys(after.Dashboards)); !slices.Equal(got, uids(t, updated)) {
		t.Errorf("dashboards after Update %v, want %v", got, uids(t, updated))
	}
	if v := after.Dashboards[dashboard.ServiceUID(dashboard.Platform{}, "checkout-api")]["version"]; v != 1 {
		t.Errorf("unchanged dashboard rewritten: version %v", v)
	}
	if len(after.Tokens) != 0 || len(after.ServiceAccounts) != 1 {
		t.Errorf("after Update: %d tokens, service accounts %v", len(after.Tokens), after.ServiceAccounts)
	}

	// WHEN Delete runs THEN nothing the provisioner created is left
	resp = hs.invoke(hs.event(RequestDelete, hs.props(updated), nil))
	if resp.Status != StatusSuccess {
		t.Fatalf("Delete answered %s (%s)", resp.Status, resp.Reason)
	}
	end := hs.ws.Snapshot()
	if len(end.DataSources)+len(end.Folders)+len(end.Dashboards)+len(end.ServiceAccounts)+len(end.Tokens) != 0 {
		t.Errorf("after Delete the workspace still holds %+v", end)
	}
}

func uids(t *testing.T, p dashboard.Platform) []string {
	ds, err := dashboard.All(p)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range ds {
		out = append(out, d.UID)
	}
	slices.Sort(out)
	return out
}

func TestReplayedEventsChangeNothing(t *testing.T) {
	updated := seed()
	updated.Services = []string{"checkout-api", "payments"}
	tests := []struct {
		name  string
		setup func(*harness) // brings the workspace to the state before the event
		event func(*harness) []byte
	}{
		{"Create", func(*harness) {}, func(hs *harness) []byte { return hs.event(RequestCreate, hs.props(seed()), nil) }},
		{"Update", func(hs *harness) { hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil)) },
			func(hs *harness) []byte { return hs.event(RequestUpdate, hs.props(updated), hs.props(seed())) }},
		{"Delete", func(hs *harness) { hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil)) },
			func(hs *harness) []byte { return hs.event(RequestDelete, hs.props(seed()), nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t)
			tt.setup(hs)
			ev := tt.event(hs)
			// GIVEN the event was handled once
			if r := hs.invoke(ev); r.Status != StatusSuccess {
				t.Fatalf("first delivery: %s %s", r.Status, r.Reason)
			}
			before := hs.ws.Snapshot()
			from := len(hs.ws.Requests())
			// WHEN CloudFormation (or Lambda's async retry) delivers it again
			r := hs.invoke(ev)
			// THEN it succeeds and Grafana's objects are untouched
			if r.Status != StatusSuccess {
				t.Fatalf("replay: %s %s", r.Status, r.Reason)
			}
			after := hs.ws.Snapshot()
			before.Tokens, after.Tokens = nil, nil
			if !reflect.DeepEqual(before, after) {
				t.Errorf("replay changed the workspace:\nbefore %v\nafter  %v", before, after)
			}
			for _, w := range hs.writes(from) {
				if strings.Contains(w, " /api/") {
					t.Errorf("replay wrote to Grafana: %s", w)
				}
			}
			if len(hs.ws.Snapshot().Tokens) != 0 {
				t.Error("replay left a token behind")
			}
		})
	}
}

func TestRetriesThrottledAndFailedGrafanaCalls(t *testing.T) {
	hs := newHarness(t)
	// GIVEN Grafana throttles and fails some calls once or twice
	hs.ws.Fail("POST /api/dashboards/db", 429, 500)
	hs.ws.Fail("GET /api/datasources/uid/", 503)
	hs.ws.Fail("POST /api/folders", 502)
	// WHEN Create runs THEN it succeeds with everything provisioned
	resp := hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil))
	if resp.Status != StatusSuccess {
		t.Fatalf("Create answered %s: %s", resp.Status, resp.Reason)
	}
	if n := len(hs.ws.Snapshot().Dashboards); n != 7 {
		t.Errorf("%d dashboards, want 7", n)
	}
	if v, ok := hs.metric("GrafanaRetries"); !ok || v != 4 {
		t.Errorf("GrafanaRetries metric = %v (found %v), want 4", v, ok)
	}
	if !strings.Contains(hs.logs.String(), `"msg":"retrying grafana call"`) {
		t.Error("retries are not logged")
	}
}

func TestUnauthorizedFailsWithClearReasonWithoutRetry(t *testing.T) {
	hs := newHarness(t)
	// GIVEN Grafana rejects the token
	hs.ws.Fail("GET /api/datasources/uid/", 401)
	// WHEN Create runs
	resp := hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil))
	// THEN CloudFormation gets FAILED with a reason that says why
	if resp.Status != StatusFailed {
		t.Fatalf("Create answered %s, want FAILED", resp.Status)
	}
	for _, want := range []string{"HTTP 401", "token was rejected", "not retried", "/api/datasources/uid/cw-us-east-1"} {
		if !strings.Contains(resp.Reason, want) {
			t.Errorf("reason %q does not say %q", resp.Reason, want)
		}
	}
	if resp.PhysicalResourceID != PhysicalID(workspaceID) {
		t.Errorf("physical id %q", resp.PhysicalResourceID)
	}
	n := 0
	for _, r := range hs.ws.Requests() {
		if r.String() == "GET /api/datasources/uid/cw-us-east-1" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the rejected call was sent %d times, want 1 (no retry on 401)", n)
	}
	if len(hs.ws.Snapshot().Tokens) != 0 {
		t.Error("the token was not deleted after the failure")
	}
	if v, _ := hs.metric("ProvisioningFailed"); v != 1 {
		t.Errorf("ProvisioningFailed = %v, want 1", v)
	}
}

func TestPersistentServerErrorsFailAfterTheRetryBudget(t *testing.T) {
	hs := newHarness(t)
	hs.ws.Fail("POST /api/datasources", 500, 500, 500, 500, 500, 500)
	resp := hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil))
	if resp.Status != StatusFailed || !strings.Contains(resp.Reason, "gave up after 6 attempts") || !strings.Contains(resp.Reason, "HTTP 500") {
		t.Errorf("answer %s %q, want FAILED after 6 attempts with HTTP 500", resp.Status, resp.Reason)
	}
}

func TestHungWorkspaceIsAnsweredFailedBeforeTheDeadline(t *testing.T) {
	hs := newHarness(t)
	hs.h.ResponseReserve = 500 * time.Millisecond
	// GIVEN Grafana never answers
	hs.ws.Hang("GET /api/datasources/uid/")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	deadline, _ := ctx.Deadline()
	// WHEN Create runs with a Lambda deadline
	if err := hs.h.Handle(ctx, hs.event(RequestCreate, hs.props(seed()), nil)); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	// THEN CloudFormation hears FAILED before the deadline, and the token is gone
	resp := hs.cfn.last(t)
	if resp.Status != StatusFailed || !strings.Contains(resp.Reason, "deadline") {
		t.Errorf("answer %s %q, want FAILED naming the deadline", resp.Status, resp.Reason)
	}
	hs.cfn.mu.Lock()
	at := hs.cfn.at[len(hs.cfn.at)-1]
	hs.cfn.mu.Unlock()
	if !at.Before(deadline) {
		t.Errorf("answer arrived %v after the deadline", at.Sub(deadline))
	}
	if len(hs.ws.Snapshot().Tokens) != 0 {
		t.Error("token left behind after the deadline")
	}
}

func TestTokenNeverAppearsInLogsMetricsOrAnswers(t *testing.T) {
	hs := newHarness(t)
	// GIVEN a successful Create, then a failure whose error echoes the
	// Authorization header
	hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil))
	hs.ws.FailEchoingAuth("GET /api/folders/", 400)
	resp := hs.invoke(hs.event(RequestUpdate, hs.props(seed()), hs.props(seed())))
	if resp.Status != StatusFailed || !strings.Contains(resp.Reason, "[redacted]") {
		t.Fatalf("answer %s %q, want FAILED with the echoed token redacted", resp.Status, resp.Reason)
	}
	keys := hs.ws.IssuedKeys()
	if len(keys) != 2 {
		t.Fatalf("%d tokens issued, want 2", len(keys))
	}
	outputs := map[string]string{"logs": hs.logs.String(), "metrics": hs.metrics.String(), "answers": strings.Join(hs.cfn.raw, "\n")}
	for _, key := range keys {
		for name, out := range outputs {
			if strings.Contains(out, key) {
				t.Errorf("token appears in %s", name)
			}
		}
	}
}

func TestTokenIsShortLivedAndAccountIsAdmin(t *testing.T) {
	hs := newHarness(t)
	rec := &recorder{next: hs.cp}
	hs.cp = rec
	hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil))
	for _, c := range rec.calls {
		if c.Op == "CreateWorkspaceServiceAccountToken" && !strings.Contains(string(c.Input), `"SecondsToLive":900`) {
			t.Errorf("token created with %s, want SecondsToLive 900", c.Input)
		}
		if c.Op == "CreateWorkspaceServiceAccount" && !strings.Contains(string(c.Input), `"GrafanaRole":"ADMIN"`) {
			t.Errorf("service account created with %s, want ADMIN (data sources need it)", c.Input)
		}
	}
}

func TestInvalidPropertiesFailWithFieldValueAndAllowed(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(map[string]any)
		want   []string
	}{
		{"missing workspace id", func(p map[string]any) { delete(p, "WorkspaceId") }, []string{"WorkspaceId", "g-0123456789"}},
		{"endpoint with scheme", func(p map[string]any) { p["WorkspaceEndpoint"] = "https://g-1.example.com/" }, []string{"WorkspaceEndpoint", `"https://g-1.example.com/"`, "without scheme"}},
		{"unknown data source type", func(p map[string]any) {
			p["DataSources"] = `[{"uid":"prom","name":"Prometheus","type":"prometheus","region":"us-east-1"}]`
		}, []string{"DataSources[0].type", `"prometheus"`, "cloudwatch, grafana-x-ray-datasource or grafana-opensearch-datasource"}},
		{"data sources not JSON", func(p map[string]any) { p["DataSources"] = "cw-us-east-1" }, []string{"DataSources", "a JSON list"}},
		{"dashboard in unknown folder", func(p map[string]any) {
			delete(p, "Platform")
			p["Dashboards"] = `[{"uid":"x","folder":"nope","model":{"title":"X"}}]`
		}, []string{"Dashboards[0].folder", `"nope"`, "listed in Folders"}},
		{"invalid platform", func(p map[string]any) { p["Platform"] = `{"regions":["mars-1"],"services":["a"]}` }, []string{"Platform.regions[0]", `"mars-1"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t)
			p := hs.props(seed())
			tt.mutate(p)
			resp := hs.invoke(hs.event(RequestCreate, p, nil))
			if resp.Status != StatusFailed {
				t.Fatalf("answered %s, want FAILED", resp.Status)
			}
			for _, w := range tt.want {
				if !strings.Contains(resp.Reason, w) {
					t.Errorf("reason %q does not mention %q", resp.Reason, w)
				}
			}
			if n := len(hs.ws.Requests()); n != 0 {
				t.Errorf("%d calls reached the workspace for invalid properties", n)
			}
		})
	}
}

func TestExplicitDashboardsPropertyIsProvisioned(t *testing.T) {
	hs := newHarness(t)
	p := hs.props(seed())
	delete(p, "Platform")
	// CloudFormation may also pass a list inline rather than as a string.
	p["Dashboards"] = []any{map[string]any{"uid": "team-board", "folder": "o11yscale", "model": map[string]any{"title": "Team", "panels": []any{}}}}
	resp := hs.invoke(hs.event(RequestCreate, p, nil))
	if resp.Status != StatusSuccess {
		t.Fatalf("answered %s %s", resp.Status, resp.Reason)
	}
	d, ok := hs.ws.Snapshot().Dashboards["team-board"]
	if !ok || d["folderUid"] != "o11yscale" || d["dashboard"].(map[string]any)["title"] != "Team" {
		t.Errorf("team-board = %v", d)
	}
}

func TestUpdateRepairsChangedDataSourcesAndFolders(t *testing.T) {
	hs := newHarness(t)
	hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil))
	// WHEN the data source names and a folder title change
	p := hs.props(seed())
	ds := dashboard.DataSources(seed())
	for i := range ds {
		ds[i].Name = "AWS " + ds[i].Name
	}
	p["DataSources"] = mustJSON(ds)
	p["Folders"] = `[{"uid":"o11yscale","title":"Platform"},{"uid":"o11yscale-services","title":"o11yscale services"}]`
	resp := hs.invoke(hs.event(RequestUpdate, p, hs.props(seed())))
	if resp.Status != StatusSuccess {
		t.Fatalf("%s %s", resp.Status, resp.Reason)
	}
	// THEN they are updated in place (same ids, next version)
	st := hs.ws.Snapshot()
	cw := st.DataSources["cw-us-east-1"]
	if cw["name"] != "AWS CloudWatch us-east-1" || cw["version"] != 2.0 {
		t.Errorf("cw-us-east-1 = %v", cw)
	}
	if f := st.Folders["o11yscale"]; f["title"] != "Platform" || f["version"] != 2.0 {
		t.Errorf("folder = %v", f)
	}
	if f := st.Folders["o11yscale-services"]; f["version"] != 1.0 {
		t.Errorf("unchanged folder rewritten: %v", f)
	}
}

func TestDeleteKeepsAFolderHoldingDashboardsOthersMade(t *testing.T) {
	hs := newHarness(t)
	hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil))
	// GIVEN someone saved their own dashboard in our folder
	hs.ws.AddDashboard("hand-made", "o11yscale", "Mine")
	// WHEN the resource is deleted
	resp := hs.invoke(hs.event(RequestDelete, hs.props(seed()), nil))
	if resp.Status != StatusSuccess {
		t.Fatalf("%s %s", resp.Status, resp.Reason)
	}
	// THEN their dashboard and its folder survive, ours are gone
	st := hs.ws.Snapshot()
	if got := slices.Sorted(maps.Keys(st.Dashboards)); !slices.Equal(got, []string{"hand-made"}) {
		t.Errorf("dashboards left %v, want only hand-made", got)
	}
	if got := slices.Sorted(maps.Keys(st.Folders)); !slices.Equal(got, []string{"o11yscale"}) {
		t.Errorf("folders left %v, want the non-empty o11yscale", got)
	}
}

func TestDeleteSucceedsWhenThereIsNothingToRemove(t *testing.T) {
	tests := []struct {
		name  string
		props func(*harness) map[string]any
	}{
		{"properties never valid", func(hs *harness) map[string]any { return map[string]any{"WorkspaceId": "nope"} }},
		{"no properties", func(hs *harness) map[string]any { return nil }},
		{"workspace already deleted", func(hs *harness) map[string]any {
			p := hs.props(seed())
			p["WorkspaceId"] = "g-ffffffffff"
			return p
		}},
		{"nothing was created", func(hs *harness) map[string]any { return hs.props(seed()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t)
			resp := hs.invoke(hs.event(RequestDelete, tt.props(hs), nil))
			if resp.Status != StatusSuccess || resp.PhysicalResourceID != PhysicalID(workspaceID) {
				t.Errorf("answered %s %q (%s), want SUCCESS keeping the physical id", resp.Status, resp.PhysicalResourceID, resp.Reason)
			}
		})
	}
}

func TestUpdateToAnotherWorkspaceLeavesTheOldOneToCloudFormationsDelete(t *testing.T) {
	hs := newHarness(t)
	old := hs.props(seed())
	old["WorkspaceId"] = "g-aaaaaaaaaa"
	resp := hs.invoke(hs.event(RequestUpdate, hs.props(seed()), old))
	if resp.Status != StatusSuccess || resp.PhysicalResourceID != PhysicalID(workspaceID) {
		t.Fatalf("answered %s %q (%s)", resp.Status, resp.PhysicalResourceID, resp.Reason)
	}
	for _, w := range hs.writes(0) {
		if strings.HasPrefix(w, "DELETE /api/") {
			t.Errorf("update deleted %s from the new workspace", w)
		}
	}
}

func TestEndpointOutsideHostSuffixIsRefused(t *testing.T) {
	hs := newHarness(t)
	hs.h.HostSuffix = ".grafana-workspace.us-east-1.amazonaws.com"
	resp := hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil))
	if resp.Status != StatusFailed || !strings.Contains(resp.Reason, "must end with") {
		t.Errorf("answered %s %q, want FAILED naming the host rule", resp.Status, resp.Reason)
	}
	if n := len(hs.ws.Requests()); n != 0 {
		t.Errorf("%d calls made; no token may be created for a foreign host", n)
	}
}

func TestUnanswerableEventReturnsAnError(t *testing.T) {
	hs := newHarness(t)
	for _, raw := range []string{`{}`, `not json`, `{"RequestType":"Create","ResponseURL":"/relative"}`} {
		if err := hs.h.Handle(context.Background(), json.RawMessage(raw)); err == nil {
			t.Errorf("Handle(%s) = nil; without a ResponseURL only an error reaches the Lambda log", raw)
		}
	}
}

func TestMalformedEventWithResponseURLIsAnsweredFailed(t *testing.T) {
	hs := newHarness(t)
	raw := `{"RequestType":"Replace","ResponseURL":"` + hs.cfn.URL + `/r","StackId":"s","RequestId":"r","LogicalResourceId":"L"}`
	if err := hs.h.Handle(context.Background(), json.RawMessage(raw)); err != nil {
		t.Fatal(err)
	}
	resp := hs.cfn.last(t)
	if resp.Status != StatusFailed || !strings.Contains(resp.Reason, "RequestType") || resp.PhysicalResourceID == "" {
		t.Errorf("answer %+v, want FAILED naming RequestType with a physical id", resp)
	}
}

func TestMetricsAreEmittedUnderTheFunctionDimension(t *testing.T) {
	hs := newHarness(t)
	hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil))
	line := strings.TrimSpace(hs.metrics.String())
	var ev struct {
		AWS struct {
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
			}
		} `json:"_aws"`
		Function string
	}
	if err := json.Unmarshal([]byte(line), &ev); err != nil {
		t.Fatalf("EMF line %q: %v", line, err)
	}
	if ev.Function != FunctionName || ev.AWS.CloudWatchMetrics[0].Namespace != "O11yscale/Pipeline" {
		t.Errorf("EMF event %s", line)
	}
	for name, want := range map[string]float64{"ProvisioningFailed": 0, "ObjectsWritten": 4 + 2 + 7, "ObjectsDeleted": 0} {
		if v, _ := hs.metric(name); v != want {
			t.Errorf("%s = %v, want %v", name, v, want)
		}
	}
}

func TestFindsItsServiceAccountBeyondTheFirstPageAndKeepsOthers(t *testing.T) {
	hs := newHarness(t)
	// GIVEN three other service accounts (the double pages two at a time)
	for _, name := range []string{"ci", "grafana-admin", "team"} {
		if _, err := hs.cp.CreateWorkspaceServiceAccount(context.Background(), &grafana.CreateWorkspaceServiceAccountInput{
			WorkspaceId: aws.String(workspaceID), Name: aws.String(name), GrafanaRole: types.RoleViewer,
		}); err != nil {
			t.Fatal(err)
		}
	}
	// WHEN Create runs twice and then Delete
	for range 2 {
		if r := hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil)); r.Status != StatusSuccess {
			t.Fatalf("%s %s", r.Status, r.Reason)
		}
	}
	if got := hs.ws.Snapshot().ServiceAccounts; len(got) != 4 {
		t.Errorf("service accounts %v, want the 3 others plus one of ours", got)
	}
	hs.invoke(hs.event(RequestDelete, hs.props(seed()), nil))
	// THEN only ours is gone
	if got := hs.ws.Snapshot().ServiceAccounts; !slices.Equal(got, []string{"ci", "grafana-admin", "team"}) {
		t.Errorf("service accounts after Delete %v", got)
	}
}
