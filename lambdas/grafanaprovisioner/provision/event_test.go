package provision

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"
)

func readEvent(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeEventAcceptsCloudFormationRequests(t *testing.T) {
	tests := []struct {
		file, requestType string
		dashboards        int
	}{
		{"create.json", RequestCreate, 7},
		{"update.json", RequestUpdate, 5},
		{"delete.json", RequestDelete, 5},
		{"create-explicit-dashboards.json", RequestCreate, 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev, err := DecodeEvent(readEvent(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if ev.RequestType != tt.requestType || !strings.HasPrefix(ev.ResponseURL, "https://") {
				t.Errorf("decoded %s %q", ev.RequestType, ev.ResponseURL)
			}
			d, err := DecodeProperties(ev.ResourceProperties)
			if err != nil {
				t.Fatal(err)
			}
			if d.WorkspaceID != "g-0123456789" || len(d.DataSources) != 4 || len(d.Folders) != 2 || len(d.Dashboards) != tt.dashboards {
				t.Errorf("desired %s: %d data sources, %d folders, %d dashboards", d.WorkspaceID, len(d.DataSources), len(d.Folders), len(d.Dashboards))
			}
		})
	}
}

func TestDecodeEventReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		fields []string
		keeps  string // ResponseURL still decoded for an answer
	}{
		{"not JSON", `{"RequestType":`, nil, ""},
		{"wrong type keeps the URL", `{"RequestType":"Create","ResponseURL":"https://x/y","StackId":7}`, nil, "https://x/y"},
		{"unknown request type", `{"RequestType":"Replace","ResponseURL":"https://x/y","StackId":"s","RequestId":"r","LogicalResourceId":"l"}`, []string{"RequestType"}, "https://x/y"},
		{"everything missing", `{}`, []string{"RequestType", "ResponseURL", "StackId", "RequestId", "LogicalResourceId"}, ""},
		{"delete without physical id", `{"RequestType":"Delete","ResponseURL":"https://x/y","StackId":"s","RequestId":"r","LogicalResourceId":"l"}`, []string{"PhysicalResourceId"}, "https://x/y"},
		{"relative response URL", `{"RequestType":"Create","ResponseURL":"/y","StackId":"s","RequestId":"r","LogicalResourceId":"l"}`, []string{"ResponseURL"}, "/y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := DecodeEvent([]byte(tt.raw))
			if err == nil {
				t.Fatal("accepted")
			}
			if ev.ResponseURL != tt.keeps {
				t.Errorf("ResponseURL %q, want %q kept for the answer", ev.ResponseURL, tt.keeps)
			}
			if tt.fields == nil {
				return
			}
			var got []string
			for _, fe := range validation.Fields(errors.Unwrap(err)) {
				got = append(got, fe.Path)
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields %v, want %v (%v)", got, tt.fields, err)
			}
		})
	}
}

func TestJSONTextAcceptsStringOrInlineDocument(t *testing.T) {
	for raw, want := range map[string]string{
		`"[1,2]"`: `[1,2]`, `[1, 2]`: `[1, 2]`, `null`: ``, `{"a":1}`: `{"a":1}`,
	} {
		var got JSONText
		if err := json.Unmarshal([]byte(raw), &got); err != nil || string(got) != want {
			t.Errorf("JSONText(%s) = %q, %v; want %q", raw, got, err, want)
		}
	}
}

// FuzzDecodeEvent feeds arbitrary bytes through the event and property
// decoders: they must never panic, and whatever they accept must be
// answerable and internally consistent.
func FuzzDecodeEvent(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"RequestType":"Delete","ResponseURL":"https://x/y","ResourceProperties":{"DataSources":[{"uid":1}]}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, err := DecodeEvent(raw)
		if err == nil {
			if checkResponseURL(ev.ResponseURL) != nil {
				t.Fatalf("accepted an event without a usable ResponseURL: %q", ev.ResponseURL)
			}
			if ev.RequestType != RequestCreate && ev.RequestType != RequestUpdate && ev.RequestType != RequestDelete {
				t.Fatalf("accepted RequestType %q", ev.RequestType)
			}
		}
		for _, props := range []json.RawMessage{ev.ResourceProperties, ev.OldResourceProperties} {
			d, err := DecodeProperties(props)
			if err != nil {
				continue
			}
			if !contract.IsWorkspaceID(d.WorkspaceID) || len(d.DataSources) == 0 {
				t.Fatalf("accepted properties without a workspace id or data sources: %+v", d)
			}
			seen := map[string]bool{}
			for _, db := range d.Dashboards {
				if seen[db.UID] || !uidPattern.MatchString(db.UID) {
					t.Fatalf("accepted dashboard uid %q twice or invalid", db.UID)
				}
				seen[db.UID] = true
			}
		}
	})
}
