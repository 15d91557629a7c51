package test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/stacks/config"
)

// The example platform declares an availability and a latency SLO on
// checkout-api: its templates hold Application Signals resources and
// burn-rate alarms, which the default platform has none of. They must pass
// cfn-lint (which knows AWS::ApplicationSignals::*) and cdk-nag like the
// rest.
func TestSLOPlatformExampleIsNagCleanAndPassesCfnLint(t *testing.T) {
	cfg, err := config.Load(filepath.Join("..", "platform.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := synth(t.TempDir(), cfg, "", true)
	if err != nil {
		t.Fatal(err)
	}
	regionsWithCentral := append([]string{s.platform.Props.CentralRegion}, s.platform.Props.Regions...)
	lint := startCfnLint(t, regionsWithCentral, s.templates(t))
	findings := platformFindings(s.asm)
	if len(findings) > 0 {
		t.Errorf("%d cdk-nag findings:\n%s", len(findings), strings.Join(findings, "\n"))
	}

	counts := map[string]int{}
	for _, f := range s.templates(t) {
		resources, _ := readJSON(t, f)["Resources"].(map[string]any)
		for _, r := range resources {
			counts[r.(map[string]any)["Type"].(string)]++
		}
	}
	regions := len(cfg.Regions)
	// Per region: Discovery, 2 SLOs, 3 alerts each of 2 window alarms and
	// a composite.
	for typ, want := range map[string]int{
		"AWS::ApplicationSignals::Discovery":             regions,
		"AWS::ApplicationSignals::ServiceLevelObjective": 2 * regions,
	} {
		if counts[typ] != want {
			t.Errorf("%d %s, want %d", counts[typ], typ, want)
		}
	}
	t.Parallel() // cfn-lint runs while the serial tests synthesize
	lint.wait(t)
}
