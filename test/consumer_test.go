package test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestConsumerModuleSynthesizesFromItsOwnDirectory runs test/consumer, a
// separate module that requires ours, the way a user's app runs: from its
// own directory, with our source reached through the module graph.
func TestConsumerModuleSynthesizesFromItsOwnDirectory(t *testing.T) {
	out := t.TempDir()
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = "consumer"
	cmd.Env = append(os.Environ(), "CDK_OUTDIR="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("consumer app failed: %v\n%s", err, b)
	}
	tpl := readJSON(t, filepath.Join(out, "ConsumerStack.template.json"))
	var fns []map[string]any
	for _, r := range tpl["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] == "AWS::Lambda::Function" {
			fns = append(fns, r["Properties"].(map[string]any))
		}
	}
	if len(fns) != 2 {
		t.Fatalf("want 2 functions, got %d", len(fns))
	}
	for _, fn := range fns {
		key := fn["Code"].(map[string]any)["S3Key"].(string)
		bin := filepath.Join(out, "asset."+strings.TrimSuffix(key, ".zip"), "bootstrap")
		if st, err := os.Stat(bin); err != nil || st.Size() == 0 {
			t.Errorf("function %v: no bootstrap built at %s: %v", fn["Description"], bin, err)
		}
	}
	counts := map[string]int{}
	for _, r := range tpl["Resources"].(map[string]any) {
		counts[r.(map[string]any)["Type"].(string)]++
	}
	if counts["AWS::XRay::SamplingRule"] != 3 || counts["AWS::KinesisFirehose::DeliveryStream"] != 1 {
		t.Errorf("consumer app lacks our constructs' resources: %v", counts)
	}
	runCfnLint(t, []string{"eu-west-1"}, []string{filepath.Join(out, "ConsumerStack.template.json")})
}
