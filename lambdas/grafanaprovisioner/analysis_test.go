package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/opensearchserverless"
	"github.com/aws/aws-sdk-go-v2/service/opensearchserverless/types"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/internal/lambdatest"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/internal/workspacedouble"
)

var moto *lambdatest.Moto

func TestMain(m *testing.M) { os.Exit(lambdatest.RunWithMoto(m, &moto)) }

// createCollection makes a collection in moto the way the regional stack
// does (encryption policy first, which moto requires too) and returns its
// endpoint.
func createCollection(t *testing.T, region, name string) string {
	t.Helper()
	c := opensearchserverless.New(opensearchserverless.Options{
		Region: region, BaseEndpoint: aws.String(moto.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "testing"),
	})
	ctx := context.Background()
	// A customer key, as the platform uses by default (moto also reads
	// KmsARN unconditionally).
	policy := fmt.Sprintf(`{"Rules":[{"ResourceType":"collection","Resource":["collection/%s"]}],"AWSOwnedKey":false,`+
		`"KmsARN":"arn:aws:kms:%s:123456789012:key/00000000-0000-0000-0000-000000000000"}`, name, region)
	if _, err := c.CreateSecurityPolicy(ctx, &opensearchserverless.CreateSecurityPolicyInput{
		Name: aws.String(name + "-" + region), Type: types.SecurityPolicyTypeEncryption, Policy: aws.String(policy),
	}); err != nil {
		t.Fatal(err)
	}
	out, err := c.CreateCollection(ctx, &opensearchserverless.CreateCollectionInput{Name: aws.String(name), Type: types.CollectionTypeTimeseries})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.BatchGetCollection(ctx, &opensearchserverless.BatchGetCollectionInput{Ids: []string{aws.ToString(out.CreateCollectionDetail.Id)}})
	if err != nil || len(got.CollectionDetails) != 1 {
		t.Fatalf("reading the collection back: %v %+v", err, got)
	}
	return aws.ToString(got.CollectionDetails[0].CollectionEndpoint)
}

// TestBootstrapProvisionsOpenSearchDataSourcesFromMotoCollections runs the
// built bootstrap under the Runtime API harness with the analysis tier on.
// The real opensearchserverless client of the binary looks the collections
// up in moto, per region; the Grafana control plane and HTTP API are the
// workspace double (moto emulates neither the Grafana HTTP API nor service
// account tokens).
func TestBootstrapProvisionsOpenSearchDataSourcesFromMotoCollections(t *testing.T) {
	moto.Reset(t)
	bin := lambdatest.Build(t, "github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner")
	regions := []string{"us-east-1", "eu-west-1"}
	endpoints := map[string]string{}
	for _, r := range regions {
		endpoints[r] = createCollection(t, r, "o11yscale-logs")
	}
	// An unrelated collection in the same region must not confuse the
	// lookup by name.
	createCollection(t, "us-east-1", "someone-else")
	ws := workspacedouble.New("g-0123456789")
	defer ws.Close()
	cfn := newAnswers(t)
	rt := lambdatest.StartRuntime(t, bin, map[string]string{
		"AWS_ENDPOINT_URL":                      ws.URL,
		"AWS_ENDPOINT_URL_OPENSEARCHSERVERLESS": moto.Endpoint,
		"AWS_ACCESS_KEY_ID":                     "testing",
		"AWS_SECRET_ACCESS_KEY":                 "testing",
		"AWS_REGION":                            "us-east-1",
		"AWS_EC2_METADATA_DISABLED":             "true",
		"GRAFANA_HOST_SUFFIX":                   "",
		"GRAFANA_ENDPOINT_SCHEME":               "http",
	})
	p := dashboard.Platform{Regions: regions, Services: []string{"checkout-api"},
		Analysis: dashboard.Analysis{Collection: "o11yscale-logs", ErrorIndex: "o11yscale-error"}}
	props := map[string]any{
		"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:provisioner", "WorkspaceId": "g-0123456789",
		"WorkspaceEndpoint": ws.Host(), "Region": "us-east-1",
		"DataSources": mustJSON(t, dashboard.DataSources(p)), "Folders": mustJSON(t, dashboard.Folders(p)), "Platform": mustJSON(t, p.Contract()),
	}
	ev := map[string]any{
		"RequestType": "Create", "ResponseURL": cfn.URL + "/answer/0",
		"StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/central/1", "RequestId": "0",
		"LogicalResourceId": "GrafanaProvisioning", "ResourceProperties": props,
	}
	res, err := rt.Invoke([]byte(mustJSON(t, ev)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Error != nil {
		t.Fatalf("invocation error %+v\n%s", res.Error, rt.Output())
	}
	if a := cfn.last(t); a["Status"] != "SUCCESS" {
		t.Fatalf("answered %v\n%s", a, rt.Output())
	}
	state := ws.Snapshot()
	for _, r := range regions {
		ds, ok := state.DataSources[dashboard.OpenSearchUID(r)]
		if !ok {
			t.Fatalf("no OpenSearch data source for %s; have %v", r, keys(state.DataSources))
		}
		if ds["url"] != endpoints[r] {
			t.Errorf("%s: url %v, want the collection endpoint %s", r, ds["url"], endpoints[r])
		}
		jd, _ := ds["jsonData"].(map[string]any)
		if jd["sigV4Region"] != r || jd["database"] != "o11yscale-error" || jd["serverless"] != true {
			t.Errorf("%s: jsonData %v", r, jd)
		}
	}
	for _, v := range ws.Violations() {
		t.Errorf("protocol violation: %s", v)
	}
}

// TestBootstrapLeavesAMissingCollectionPending: the collection of
// eu-west-1 does not exist yet (the central stack deploys before the
// regional ones), so CloudFormation gets SUCCESS naming the pending data
// source, and the us-east-1 data source and the dashboards are provisioned.
func TestBootstrapLeavesAMissingCollectionPending(t *testing.T) {
	moto.Reset(t)
	bin := lambdatest.Build(t, "github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner")
	createCollection(t, "us-east-1", "o11yscale-logs")
	ws := workspacedouble.New("g-0123456789")
	defer ws.Close()
	cfn := newAnswers(t)
	rt := lambdatest.StartRuntime(t, bin, map[string]string{
		"AWS_ENDPOINT_URL": ws.URL, "AWS_ENDPOINT_URL_OPENSEARCHSERVERLESS": moto.Endpoint,
		"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
		"AWS_EC2_METADATA_DISABLED": "true", "GRAFANA_HOST_SUFFIX": "", "GRAFANA_ENDPOINT_SCHEME": "http",
	})
	p := dashboard.Platform{Regions: []string{"us-east-1", "eu-west-1"}, Services: []string{"checkout-api"},
		Analysis: dashboard.Analysis{Collection: "o11yscale-logs", ErrorIndex: "o11yscale-error"}}
	ev := map[string]any{
		"RequestType": "Create", "ResponseURL": cfn.URL + "/answer/0",
		"StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/central/1", "RequestId": "0",
		"LogicalResourceId": "GrafanaProvisioning", "ResourceProperties": map[string]any{
			"WorkspaceId": "g-0123456789", "WorkspaceEndpoint": ws.Host(), "Region": "us-east-1",
			"DataSources": mustJSON(t, dashboard.DataSources(p)), "Folders": mustJSON(t, dashboard.Folders(p)), "Platform": mustJSON(t, p.Contract()),
		},
	}
	if _, err := rt.Invoke([]byte(mustJSON(t, ev))); err != nil {
		t.Fatal(err)
	}
	a := cfn.last(t)
	data, _ := a["Data"].(map[string]any)
	if a["Status"] != "SUCCESS" || data["PendingDataSources"] != "aoss-eu-west-1" {
		t.Fatalf("answered %v\n%s", a, rt.Output())
	}
	s := ws.Snapshot()
	if s.DataSources["aoss-us-east-1"] == nil || s.DataSources["aoss-eu-west-1"] != nil || len(s.Dashboards) == 0 {
		t.Errorf("data sources %v, %d dashboards", keys(s.DataSources), len(s.Dashboards))
	}
	for _, want := range []string{`"DataSourcesPending":1`, `collection \"o11yscale-logs\" in eu-west-1: not found`} {
		if out := outputWith(rt, want); !strings.Contains(out, want) {
			t.Errorf("no %s in output:\n%s", want, out)
		}
	}
}

// outputWith returns the function's output once it holds want: the
// harness copies the binary's stdout asynchronously, so the last lines may
// arrive just after the invocation's answer. It gives up after 5 s.
func outputWith(rt *lambdatest.Runtime, want string) string {
	deadline := time.Now().Add(5 * time.Second)
	for {
		out := rt.Output()
		if strings.Contains(out, want) || time.Now().After(deadline) {
			return out
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestBootstrapFirstDeployEndsWithTheDataSources replays a first
// `cdk deploy --all` with the built bootstrap: the central stack's
// provisioning runs before any collection exists (its OpenSearch data
// sources stay pending), the regional stacks then create the collections
// (in moto), and the last stack's sync sends only the OpenSearch data
// sources, which are then provisioned with the endpoints without touching
// the dashboards. Deleting the sync removes exactly those data sources.
func TestBootstrapFirstDeployEndsWithTheDataSources(t *testing.T) {
	moto.Reset(t)
	bin := lambdatest.Build(t, "github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner")
	ws := workspacedouble.New("g-0123456789")
	defer ws.Close()
	cfn := newAnswers(t)
	rt := lambdatest.StartRuntime(t, bin, map[string]string{
		"AWS_ENDPOINT_URL": ws.URL, "AWS_ENDPOINT_URL_OPENSEARCHSERVERLESS": moto.Endpoint,
		"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
		"AWS_EC2_METADATA_DISABLED": "true", "GRAFANA_HOST_SUFFIX": "", "GRAFANA_ENDPOINT_SCHEME": "http",
	})
	regions := []string{"us-east-1", "eu-west-1"}
	p := dashboard.Platform{Regions: regions, Services: []string{"checkout-api"},
		Analysis: dashboard.Analysis{Collection: "o11yscale-logs", ErrorIndex: "o11yscale-error"}}
	var openSearch []dashboard.DataSource
	for _, ds := range dashboard.DataSources(p) {
		if ds.Type == dashboard.OpenSearchType {
			openSearch = append(openSearch, ds)
		}
	}
	invoke := func(n int, requestType, stack, logical string, props map[string]any) map[string]any {
		t.Helper()
		ev := map[string]any{
			"RequestType": requestType, "ResponseURL": fmt.Sprintf("%s/answer/%d", cfn.URL, n),
			"StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/" + stack + "/1", "RequestId": fmt.Sprint(n),
			"LogicalResourceId": logical, "PhysicalResourceId": "grafana-provisioning-g-0123456789", "ResourceProperties": props,
		}
		if _, err := rt.Invoke([]byte(mustJSON(t, ev))); err != nil {
			t.Fatal(err)
		}
		a := cfn.last(t)
		if a["Status"] != "SUCCESS" {
			t.Fatalf("%s %s answered %v\n%s", requestType, logical, a, rt.Output())
		}
		return a
	}

	// 1. The central stack: no collection yet.
	a := invoke(0, "Create", "o11yscale-central", "GrafanaProvisioning", map[string]any{
		"WorkspaceId": "g-0123456789", "WorkspaceEndpoint": ws.Host(), "Region": "us-east-1",
		"DataSources": mustJSON(t, dashboard.DataSources(p)), "Folders": mustJSON(t, dashboard.Folders(p)), "Platform": mustJSON(t, p.Contract()),
	})
	if data, _ := a["Data"].(map[string]any); data["PendingDataSources"] != "aoss-us-east-1,aoss-eu-west-1" {
		t.Fatalf("central answer %v: want both OpenSearch data sources pending", a)
	}
	dashboards := len(ws.Snapshot().Dashboards)
	if dashboards == 0 {
		t.Fatal("the central run provisioned no dashboards")
	}
	// 2. The regional stacks create the collections.
	endpoints := map[string]string{}
	for _, r := range regions {
		endpoints[r] = createCollection(t, r, "o11yscale-logs")
	}
	// 3. The last stack's sync, with the properties the construct writes.
	sync := map[string]any{"WorkspaceId": "g-0123456789", "WorkspaceEndpoint": ws.Host(), "Region": "us-east-1", "DataSources": mustJSON(t, openSearch)}
	a = invoke(1, "Create", "o11yscale-grafana-datasources", "OpenSearchDataSources", sync)
	if data, _ := a["Data"].(map[string]any); data["PendingDataSources"] != nil {
		t.Errorf("sync answer %v: nothing may stay pending", a)
	}
	s := ws.Snapshot()
	for _, r := range regions {
		if ds := s.DataSources[dashboard.OpenSearchUID(r)]; ds == nil || ds["url"] != endpoints[r] {
			t.Errorf("%s: data source %v, want url %s", r, ds, endpoints[r])
		}
	}
	if len(s.Dashboards) != dashboards {
		t.Errorf("the sync changed the dashboards: %d, want %d", len(s.Dashboards), dashboards)
	}
	// 4. Deleting the sync removes its data sources only.
	invoke(2, "Delete", "o11yscale-grafana-datasources", "OpenSearchDataSources", sync)
	s = ws.Snapshot()
	for _, r := range regions {
		if s.DataSources[dashboard.OpenSearchUID(r)] != nil {
			t.Errorf("%s: the OpenSearch data source survived the sync's deletion", r)
		}
	}
	if len(s.Dashboards) != dashboards || s.DataSources[dashboard.XRayUID] == nil {
		t.Errorf("the sync's deletion removed more: %d dashboards, data sources %v", len(s.Dashboards), keys(s.DataSources))
	}
	for _, v := range ws.Violations() {
		t.Errorf("protocol violation: %s", v)
	}
}
