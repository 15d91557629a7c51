package test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/stacks/config"
)

// quotaPlatform is a two-region platform with n services, every one given
// an X-Ray group, and rules sampling rules, plus extra config.
func quotaPlatform(t *testing.T, n, rules int, extra string) *config.Platform {
	t.Helper()
	doc := "billing: {monthlyUSD: 1000}\nregions: [us-east-1, eu-west-1]\nservices:\n"
	var names []string
	for i := range n {
		doc += fmt.Sprintf("  - name: svc-%02d\n", i)
		names = append(names, fmt.Sprintf("svc-%02d", i))
	}
	doc += "sampling:\n  groups: {services: [" + strings.Join(names, ", ") + "]}\n  rules:\n"
	for i := range rules {
		doc += fmt.Sprintf("    - {serviceName: svc-%02d, priority: %d, fixedRate: 0.1, reservoirSize: 1}\n", i, i+1)
	}
	cfg, err := config.Parse("generated", []byte(doc+extra))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestPlatformOverAQuotaStopsSynthNamingAccountRegionQuotaSourceAndFix(t *testing.T) {
	dir := t.TempDir()
	// 24 per-service groups + errors + slow = 26 X-Ray groups per region.
	_, err := synth(dir, quotaPlatform(t, 24, 3, ""), "123456789012", false)
	if err == nil {
		t.Fatal("26 X-Ray groups per region synthesized")
	}
	for _, want := range []string{
		"account 123456789012, region us-east-1: 26 of X-Ray groups is over the quota of 25 per account-region (https://docs.aws.amazon.com/general/latest/gr/xray.html)",
		"account 123456789012, region eu-west-1: 26 of X-Ray groups",
		"fix: list fewer services under sampling.groups.services",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, statErr := os.Stat(filepath.Join(dir, "manifest.json")); statErr == nil {
		t.Error("a cloud assembly manifest was written")
	}
	if templates, _ := filepath.Glob(filepath.Join(dir, "*.template.json")); len(templates) > 0 {
		t.Errorf("templates were written: %v", templates)
	}
}

func TestRaisedSamplingRuleQuotaInConfigLetsSynthPass(t *testing.T) {
	// 26 custom rules exceed 25 per region. The collector config of so
	// many rules would not fit its SSM parameter, so it is turned off.
	noTail := "  tailSampling: {disabled: true}\n"
	_, err := synth(t.TempDir(), quotaPlatform(t, 26, 26, noTail), "123456789012", false)
	if err == nil || !strings.Contains(err.Error(), "of X-Ray sampling rules is over the quota of 25") {
		t.Fatalf("26 sampling rules per region: %v", err)
	}
	raised := "quotas: {overrides: [{service: xray, quota: samplingRules, value: 60}]}\n"
	cfg := quotaPlatform(t, 26, 26, noTail+raised)
	cfg.Sampling.Groups.Services = []string{"svc-00"}
	s, err := synth(t.TempDir(), cfg, "123456789012", false)
	if err != nil {
		t.Fatalf("raised quota still fails: %v", err)
	}
	if len(s.summary.Stacks) == 0 {
		t.Fatal("no stacks synthesized")
	}
}
