package provision

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/grafana"
)

var update = flag.Bool("update", false, "rewrite the recorded contracts in testdata/contract/")

// call is one recorded control-plane call: the operation and its input as
// the SDK struct marshals (field names as in the API reference).
type call struct {
	Op    string          `json:"op"`
	Input json.RawMessage `json:"input"`
}

// recorder is a ControlPlane that records every input and forwards it.
type recorder struct {
	next  ControlPlane
	mu    sync.Mutex
	calls []call
}

func (r *recorder) record(op string, in any) {
	b, _ := json.Marshal(in)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{Op: op, Input: b})
}

func (r *recorder) ListWorkspaceServiceAccounts(ctx context.Context, in *grafana.ListWorkspaceServiceAccountsInput, o ...func(*grafana.Options)) (*grafana.ListWorkspaceServiceAccountsOutput, error) {
	r.record("ListWorkspaceServiceAccounts", in)
	return r.next.ListWorkspaceServiceAccounts(ctx, in, o...)
}

func (r *recorder) CreateWorkspaceServiceAccount(ctx context.Context, in *grafana.CreateWorkspaceServiceAccountInput, o ...func(*grafana.Options)) (*grafana.CreateWorkspaceServiceAccountOutput, error) {
	r.record("CreateWorkspaceServiceAccount", in)
	return r.next.CreateWorkspaceServiceAccount(ctx, in, o...)
}

func (r *recorder) CreateWorkspaceServiceAccountToken(ctx context.Context, in *grafana.CreateWorkspaceServiceAccountTokenInput, o ...func(*grafana.Options)) (*grafana.CreateWorkspaceServiceAccountTokenOutput, error) {
	r.record("CreateWorkspaceServiceAccountToken", in)
	return r.next.CreateWorkspaceServiceAccountToken(ctx, in, o...)
}

func (r *recorder) DeleteWorkspaceServiceAccountToken(ctx context.Context, in *grafana.DeleteWorkspaceServiceAccountTokenInput, o ...func(*grafana.Options)) (*grafana.DeleteWorkspaceServiceAccountTokenOutput, error) {
	r.record("DeleteWorkspaceServiceAccountToken", in)
	return r.next.DeleteWorkspaceServiceAccountToken(ctx, in, o...)
}

func (r *recorder) DeleteWorkspaceServiceAccount(ctx context.Context, in *grafana.DeleteWorkspaceServiceAccountInput, o ...func(*grafana.Options)) (*grafana.DeleteWorkspaceServiceAccountOutput, error) {
	r.record("DeleteWorkspaceServiceAccount", in)
	return r.next.DeleteWorkspaceServiceAccount(ctx, in, o...)
}

// tokenNameRE matches the per-invocation random token name.
var tokenNameRE = regexp.MustCompile(`provision-[0-9a-f]{12}`)

func TestControlPlaneCallsMatchRecordedContract(t *testing.T) {
	// Each step runs after the previous one on the same workspace, so the
	// contract covers first use, reuse of the service account, and removal.
	hs := newHarness(t)
	rec := &recorder{next: hs.cp}
	hs.cp = rec
	steps := []struct {
		name  string
		event func() []byte
	}{
		{"create", func() []byte { return hs.event(RequestCreate, hs.props(seed()), nil) }},
		{"update", func() []byte { return hs.event(RequestUpdate, hs.props(seed()), hs.props(seed())) }},
		{"delete", func() []byte { return hs.event(RequestDelete, hs.props(seed()), nil) }},
	}
	for _, s := range steps {
		rec.calls = nil
		if resp := hs.invoke(s.event()); resp.Status != StatusSuccess {
			t.Fatalf("%s: %s %s", s.name, resp.Status, resp.Reason)
		}
		got, err := json.MarshalIndent(rec.calls, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(tokenNameRE.ReplaceAll(got, []byte("provision-<random>")), '\n')
		path := filepath.Join("testdata", "contract", s.name+".json")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s (run go test -update to record it): %v", path, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: control-plane calls differ from the recorded contract %s\ngot:\n%s", s.name, path, got)
		}
	}
}
