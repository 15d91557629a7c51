package test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/internal/cdktest"
)

// TestConsumerPlatformAppMatchesTheAppsDefaultPlatform runs
// test/consumer/platformapp, a user's own app that builds the platform with
// platform.New from code-only props describing our default platform. It
// must produce exactly our app's stacks and review files (the golden
// snapshots), and print the same summary and cost table.
func TestConsumerPlatformAppMatchesTheAppsDefaultPlatform(t *testing.T) {
	out := t.TempDir()
	// The feature flags of our cdk.json, passed as the CDK CLI passes a
	// user's cdk.json context: a `cdk init` app carries the same
	// recommended flags, and they decide how ARNs are rendered.
	ctx, err := cdktest.Context()
	if err != nil {
		t.Fatal(err)
	}
	ctxJSON, err := json.Marshal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "./platformapp")
	cmd.Dir = "consumer"
	cmd.Env = append(os.Environ(), "CDK_OUTDIR="+out, "CDK_CONTEXT_JSON="+string(ctxJSON))
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("consumer platform app failed: %v\n%s", err, b)
	}
	assertNoAbnormalExit(t, "consumer platform app", b)
	for _, want := range []string{"o11yscale-ap-southeast-1", "Lambda binaries bundled", "Estimated monthly cost"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("output lacks %q:\n%s", want, b)
		}
	}
	// The table's first column is as wide as its longest name.
	// The naive total follows the derived model.
	if !regexp.MustCompile(`\ntotal +\$87,205\.74 `).Match(b) {
		t.Errorf("output lacks the total $87,205.74:\n%s", b)
	}
	golden := filepath.Join("testdata", "snapshots")
	var got []string
	_ = filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel := strings.TrimPrefix(path, out+string(filepath.Separator))
		if strings.HasSuffix(rel, ".template.json") && !strings.Contains(rel, string(filepath.Separator)) || strings.HasPrefix(rel, "review"+string(filepath.Separator)) {
			got = append(got, rel)
		}
		return nil
	})
	entries, _ := os.ReadDir(golden)
	if len(got) != len(entries) {
		t.Errorf("consumer wrote %d templates and review files, the app's golden set has %d: %v", len(got), len(entries), got)
	}
	for _, rel := range got {
		name := strings.ReplaceAll(rel, string(filepath.Separator), "__")
		want, err := os.ReadFile(filepath.Join(golden, name))
		if err != nil {
			t.Errorf("%s: not in the app's golden set", rel)
			continue
		}
		b, _ := os.ReadFile(filepath.Join(out, rel))
		if g := normalise(b); !bytes.Equal(g, want) {
			t.Errorf("%s differs from the app's golden file:\n%s", rel, firstDiff(want, g))
		}
	}
}

// TestConsumerMismatchedLogPrefixIsASynthErrorNamingBothSides composes the
// log router and a service by hand with prefixes that disagree: with typed
// wiring the service subscribes to the router object, and the mismatch is
// an error naming both prefixes instead of a deploy without permission.
func TestConsumerMismatchedLogPrefixIsASynthErrorNamingBothSides(t *testing.T) {
	cmd := exec.Command("go", "run", "./platformapp", "-mismatch")
	cmd.Dir = "consumer"
	cmd.Env = append(os.Environ(), "CDK_OUTDIR="+t.TempDir())
	b, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("mismatched prefixes synthesized:\n%s", b)
	}
	for _, want := range []string{"/team-a", "/o11yscale/", "Composed/"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("error lacks %q:\n%s", want, b)
		}
	}
}
