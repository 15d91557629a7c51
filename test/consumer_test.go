package test

import (
	"encoding/json"
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
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("consumer app failed: %v\n%s", err, b)
	}
	assertNoAbnormalExit(t, "consumer app", b)
	tpl := readJSON(t, filepath.Join(out, "ConsumerStack.template.json"))
	var fns []map[string]any
	for _, r := range tpl["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] == "AWS::Lambda::Function" {
			fns = append(fns, r["Properties"].(map[string]any))
		}
	}
	if len(fns) != 4 {
		t.Fatalf("want 4 functions (own, echo, forwarder, enricher), got %d", len(fns))
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
	assertTypedWiring(t, tpl)
	lint := startCfnLint(t, []string{"eu-west-1", "us-east-1"}, []string{filepath.Join(out, "ConsumerStack.template.json"), filepath.Join(out, "ConsumerCentral.template.json")})
	t.Parallel() // cfn-lint runs while the serial tests synthesize
	lint.wait(t)
}

// assertTypedWiring checks what the consumer wired by object: the
// forwarder's config names the central construct's stream, region and
// writer role (nothing to keep in step by hand), and the service's
// composite alarm notifies the alerting construct's own topic.
func assertTypedWiring(t *testing.T, tpl map[string]any) {
	t.Helper()
	resources := tpl["Resources"].(map[string]any)
	var forwarderEnv, alarmActions, alertsTopic string
	for id, r := range resources {
		r := r.(map[string]any)
		props, _ := r["Properties"].(map[string]any)
		switch r["Type"] {
		case "AWS::Lambda::Function":
			if props["Description"] == "github.com/o11yscale/o11yscale/lambdas/forwarder" {
				b, _ := json.Marshal(props["Environment"])
				forwarderEnv = string(b)
			}
		case "AWS::CloudWatch::CompositeAlarm":
			b, _ := json.Marshal(props["AlarmActions"])
			alarmActions = string(b)
		case "AWS::SNS::Topic":
			if props["TopicName"] == "acme-alerts" {
				alertsTopic = id
			}
		}
	}
	for _, want := range []string{`\"streamName\":\"acme-metrics\"`, `\"centralRegion\":\"us-east-1\"`, `:role/acme-metrics-writer`} {
		if !strings.Contains(forwarderEnv, want) {
			t.Errorf("forwarder config lacks %s: %s", want, forwarderEnv)
		}
	}
	if alertsTopic == "" || alarmActions != `[{"Ref":"`+alertsTopic+`"}]` {
		t.Errorf("composite alarm actions %s, want a Ref to the alerting topic %q", alarmActions, alertsTopic)
	}
}
