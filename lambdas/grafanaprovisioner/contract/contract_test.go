package contract_test

import (
	"encoding/json"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"
)

func TestResourcePropertiesValidateNamesEveryBadScalar(t *testing.T) {
	valid := contract.ResourceProperties{
		WorkspaceID: "g-0123456789", WorkspaceEndpoint: "g-0123456789.grafana-workspace.us-east-1.amazonaws.com", Region: "us-east-1",
	}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid properties rejected: %v", err)
	}
	got := validation.Fields(contract.ResourceProperties{WorkspaceID: "ws-1", WorkspaceEndpoint: "a/b", Region: "mars"}.Validate())
	want := []string{contract.PropWorkspaceID, contract.PropWorkspaceEndpoint, contract.PropRegion}
	if len(got) != len(want) {
		t.Fatalf("got %v, want errors at %v", got, want)
	}
	for i, w := range want {
		if got[i].Path != w {
			t.Errorf("error %d at %s, want %s", i, got[i].Path, w)
		}
	}
}

// The JSON keys are what the construct writes into templates and the
// Lambda reads: renaming one breaks deployed stacks.
func TestWireKeysAreStable(t *testing.T) {
	b, err := json.Marshal(contract.ResourceProperties{
		WorkspaceID: "g-0123456789", WorkspaceEndpoint: "h", Region: "us-east-1", DataSources: "[]",
		Folders: "[]", Dashboards: "[]", Platform: "{}", ContentHash: "x",
	})
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]any
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{contract.PropWorkspaceID, contract.PropWorkspaceEndpoint, contract.PropRegion, contract.PropDataSources,
		contract.PropFolders, contract.PropDashboards, contract.PropPlatform, contract.PropContentHash} {
		if _, ok := keys[k]; !ok {
			t.Errorf("property %s missing from %s", k, b)
		}
	}
	p, err := json.Marshal(contract.Platform{Regions: []string{"us-east-1"}, Services: []string{"a"}, APIName: "api", ServiceMetrics: contract.ServiceMetrics{Namespace: "N"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"regions":["us-east-1"],"services":["a"],"apiName":"api","serviceMetrics":{"namespace":"N"}}`; string(p) != want {
		t.Errorf("platform wire form %s, want %s", p, want)
	}
}

func TestJSONTextAcceptsAStringOrAnInlineDocument(t *testing.T) {
	for raw, want := range map[string]string{`"[1]"`: "[1]", `[1]`: "[1]", `null`: ""} {
		var got contract.JSONText
		if err := json.Unmarshal([]byte(raw), &got); err != nil || string(got) != want {
			t.Errorf("JSONText(%s) = %q, %v; want %q", raw, got, err, want)
		}
	}
}
