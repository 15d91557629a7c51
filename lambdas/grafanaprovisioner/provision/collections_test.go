package provision

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/opensearchserverless"
	"github.com/aws/aws-sdk-go-v2/service/opensearchserverless/types"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
)

// collectionsDouble answers BatchGetCollection from a fixed table. It is a
// fault-injection double: the binary test (../analysis_test.go) reads real
// collections from moto; this one returns the states and errors moto
// cannot be made to produce (FAILED, CREATING without an endpoint, an API
// error).
type collectionsDouble struct {
	mu     sync.Mutex
	byName map[string]types.CollectionDetail // "<region>/<name>"
	err    error
	calls  []string
}

func (d *collectionsDouble) client(region string) Collections { return regionalDouble{d, region} }

type regionalDouble struct {
	d      *collectionsDouble
	region string
}

func (r regionalDouble) BatchGetCollection(_ context.Context, in *opensearchserverless.BatchGetCollectionInput, _ ...func(*opensearchserverless.Options)) (*opensearchserverless.BatchGetCollectionOutput, error) {
	r.d.mu.Lock()
	defer r.d.mu.Unlock()
	r.d.calls = append(r.d.calls, r.region+":"+strings.Join(in.Names, ","))
	if r.d.err != nil {
		return nil, r.d.err
	}
	out := &opensearchserverless.BatchGetCollectionOutput{}
	for _, n := range in.Names {
		if c, ok := r.d.byName[r.region+"/"+n]; ok {
			out.CollectionDetails = append(out.CollectionDetails, c)
		} else {
			out.CollectionErrorDetails = append(out.CollectionErrorDetails, types.CollectionErrorDetail{Name: aws.String(n), ErrorCode: aws.String("NOT_FOUND")})
		}
	}
	return out, nil
}

func active(name, region string) types.CollectionDetail {
	return types.CollectionDetail{Name: aws.String(name), Status: types.CollectionStatusActive,
		CollectionEndpoint: aws.String("https://id-" + region + "." + region + ".aoss.amazonaws.com")}
}

func analysisSeed() dashboard.Platform {
	p := seed()
	p.Analysis = dashboard.Analysis{Collection: "o11yscale-logs", ErrorIndex: "o11yscale-error"}
	return p
}

func TestOpenSearchDataSourcesGetTheirRegionsCollectionEndpointAndSigV4(t *testing.T) {
	hs := newHarness(t)
	p := analysisSeed()
	d := &collectionsDouble{byName: map[string]types.CollectionDetail{}}
	for _, r := range p.Regions {
		d.byName[r+"/o11yscale-logs"] = active("o11yscale-logs", r)
	}
	hs.h.Collections = d.client
	if resp := hs.invoke(hs.event(RequestCreate, hs.props(p), nil)); resp.Status != StatusSuccess {
		t.Fatalf("create: %s %s", resp.Status, resp.Reason)
	}
	// One lookup per region, all names at once.
	if len(d.calls) != len(p.Regions) {
		t.Errorf("BatchGetCollection calls %v, want one per region", d.calls)
	}
	st := hs.ws.Snapshot()
	for _, r := range p.Regions {
		ds := st.DataSources[dashboard.OpenSearchUID(r)]
		if ds == nil {
			t.Fatalf("no OpenSearch data source for %s", r)
		}
		if want := "https://id-" + r + "." + r + ".aoss.amazonaws.com"; ds["url"] != want {
			t.Errorf("%s: url %v, want %s", r, ds["url"], want)
		}
		jd := ds["jsonData"].(map[string]any)
		for k, want := range map[string]any{"serverless": true, "sigV4Auth": true, "sigV4AuthType": "ec2_iam_role",
			"sigV4Region": r, "database": "o11yscale-error", "timeField": "timestamp", "flavor": "opensearch"} {
			if jd[k] != want {
				t.Errorf("%s: jsonData.%s = %v, want %v", r, k, jd[k], want)
			}
		}
	}
	// A replay finds every data source as desired and writes nothing.
	from := len(hs.ws.Requests())
	if resp := hs.invoke(hs.event(RequestCreate, hs.props(p), nil)); resp.Status != StatusSuccess {
		t.Fatalf("replay: %s %s", resp.Status, resp.Reason)
	}
	if w := grafanaWrites(hs.writes(from)); len(w) != 0 {
		t.Errorf("replay wrote %v", w)
	}
	// A collection replaced in one region (new endpoint) is repaired.
	d.byName["eu-west-1/o11yscale-logs"] = types.CollectionDetail{Name: aws.String("o11yscale-logs"), Status: types.CollectionStatusActive,
		CollectionEndpoint: aws.String("https://new.eu-west-1.aoss.amazonaws.com")}
	from = len(hs.ws.Requests())
	if resp := hs.invoke(hs.event(RequestUpdate, hs.props(p), hs.props(p))); resp.Status != StatusSuccess {
		t.Fatalf("update: %s %s", resp.Status, resp.Reason)
	}
	if w := grafanaWrites(hs.writes(from)); len(w) != 1 || !strings.HasPrefix(w[0], "PUT /api/datasources/") {
		t.Errorf("update wrote %v, want one data source PUT", w)
	}
	if got := hs.ws.Snapshot().DataSources[dashboard.OpenSearchUID("eu-west-1")]["url"]; got != "https://new.eu-west-1.aoss.amazonaws.com" {
		t.Errorf("eu-west-1 url after update %v", got)
	}
}

// grafanaWrites drops the token calls of the control plane.
func grafanaWrites(w []string) []string {
	var out []string
	for _, s := range w {
		if strings.Contains(s, " /api/") {
			out = append(out, s)
		}
	}
	return out
}

// TestUnusableCollectionsArePendingAndTheRestIsProvisioned: on a first
// deployment the central stack (and this provisioner) runs before the
// regional stacks create their collections, so a missing or unusable
// collection leaves its data source pending, counted and named in the
// answer, instead of failing the central stack.
func TestUnusableCollectionsArePendingAndTheRestIsProvisioned(t *testing.T) {
	hs := newHarness(t)
	p := analysisSeed()
	d := &collectionsDouble{byName: map[string]types.CollectionDetail{
		"us-east-1/o11yscale-logs": active("o11yscale-logs", "us-east-1"),
		"eu-west-1/o11yscale-logs": {Name: aws.String("o11yscale-logs"), Status: types.CollectionStatusFailed, FailureMessage: aws.String("KMS key disabled")},
		// ap-southeast-1: CREATING without an endpoint yet.
		"ap-southeast-1/o11yscale-logs": {Name: aws.String("o11yscale-logs"), Status: types.CollectionStatusCreating},
	}}
	hs.h.Collections = d.client
	resp := hs.invoke(hs.event(RequestCreate, hs.props(p), nil))
	if resp.Status != StatusSuccess {
		t.Fatalf("status %s %s, want SUCCESS with pending data sources", resp.Status, resp.Reason)
	}
	if got := resp.Data["PendingDataSources"]; got != "aoss-eu-west-1,aoss-ap-southeast-1" {
		t.Errorf("PendingDataSources %q", got)
	}
	if v, ok := hs.metric("DataSourcesPending"); !ok || v != 2 {
		t.Errorf("DataSourcesPending metric %v (found %v), want 2", v, ok)
	}
	for _, want := range []string{`status FAILED: KMS key disabled`, `status CREATING and no endpoint yet`} {
		if !strings.Contains(hs.logs.String(), want) {
			t.Errorf("logs lack %q", want)
		}
	}
	st := hs.ws.Snapshot()
	if st.DataSources["aoss-us-east-1"] == nil {
		t.Error("the usable us-east-1 collection got no data source")
	}
	for _, uid := range []string{"aoss-eu-west-1", "aoss-ap-southeast-1"} {
		if st.DataSources[uid] != nil {
			t.Errorf("%s created without an endpoint", uid)
		}
	}
	if len(st.Dashboards) == 0 {
		t.Error("dashboards not provisioned")
	}
	// Once the regions are deployed, the next run creates the rest.
	d.byName["eu-west-1/o11yscale-logs"] = active("o11yscale-logs", "eu-west-1")
	d.byName["ap-southeast-1/o11yscale-logs"] = active("o11yscale-logs", "ap-southeast-1")
	if resp := hs.invoke(hs.event(RequestUpdate, hs.props(p), hs.props(p))); resp.Status != StatusSuccess || resp.Data["PendingDataSources"] != "" {
		t.Fatalf("update: %s %q pending %q", resp.Status, resp.Reason, resp.Data["PendingDataSources"])
	}
	for _, uid := range []string{"aoss-eu-west-1", "aoss-ap-southeast-1"} {
		if hs.ws.Snapshot().DataSources[uid] == nil {
			t.Errorf("%s still missing after the collections exist", uid)
		}
	}
}

func TestCollectionLookupErrorsFailTheRequestNamingRegionAndCollection(t *testing.T) {
	hs := newHarness(t)
	hs.h.Collections = (&collectionsDouble{err: errors.New("AccessDeniedException: not authorized to perform aoss:BatchGetCollection")}).client
	resp := hs.invoke(hs.event(RequestCreate, hs.props(analysisSeed()), nil))
	if resp.Status != StatusFailed || !strings.Contains(resp.Reason, "looking up OpenSearch Serverless collections o11yscale-logs in ") ||
		!strings.Contains(resp.Reason, "aoss:BatchGetCollection") {
		t.Fatalf("answered %s %q", resp.Status, resp.Reason)
	}
}

func TestWithoutTheAnalysisTierNoCollectionIsLookedUp(t *testing.T) {
	hs := newHarness(t)
	d := &collectionsDouble{}
	hs.h.Collections = d.client
	if resp := hs.invoke(hs.event(RequestCreate, hs.props(seed()), nil)); resp.Status != StatusSuccess {
		t.Fatalf("create: %s %s", resp.Status, resp.Reason)
	}
	if len(d.calls) != 0 {
		t.Errorf("BatchGetCollection called %v with the tier off", d.calls)
	}
	for uid := range hs.ws.Snapshot().DataSources {
		if strings.HasPrefix(uid, "aoss-") {
			t.Errorf("OpenSearch data source %s with the tier off", uid)
		}
	}
}

func TestOpenSearchDataSourceFieldsAreValidated(t *testing.T) {
	ds := []dashboard.DataSource{{UID: "aoss-x", Name: "x", Type: dashboard.OpenSearchType, Region: "us-east-1", Collection: "A", Index: ""}}
	_, err := desired(ResourceProperties{WorkspaceID: workspaceID, WorkspaceEndpoint: "h.example", Region: "us-east-1", DataSources: JSONText(mustJSON(ds))})
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"DataSources[0].collection", `"A"`, "DataSources[0].index", "DataSources[0].timeField"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
