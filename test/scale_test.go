package test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// largePlatform generates a platform of n services across the six regions
// the seed's Example 2 spans.
func largePlatform(t testing.TB, n int) *config.Platform {
	t.Helper()
	doc := "billing: {monthlyUsd: 50000}\ncentralRegion: us-east-1\nregions: [us-east-1, us-west-2, eu-west-1, eu-central-1, ap-southeast-1, ap-northeast-1]\nservices:\n"
	for i := range n {
		doc += fmt.Sprintf("  - name: service-%03d\n", i)
	}
	cfg, err := config.Parse("generated", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestTwoHundredServicesInSixRegionsStayUnderCloudFormationLimits(t *testing.T) {
	dir := t.TempDir()
	s, err := synth(dir, largePlatform(t, 200), "123456789012", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.summary.LimitsError(); err != nil {
		t.Fatal(err)
	}
	var largestRes, largestBytes platform.TemplateStats
	for _, ts := range s.summary.All() {
		if ts.Resources > largestRes.Resources {
			largestRes = ts
		}
		if ts.Bytes > largestBytes.Bytes {
			largestBytes = ts
		}
	}
	// Guard the guard: the check above must have seen real templates.
	if len(s.summary.Stacks) != 7 || largestRes.Resources == 0 {
		t.Fatalf("expected 7 stacks with resources, got %d stacks", len(s.summary.Stacks))
	}
	t.Logf("largest by resources: %s (%d resources, %d bytes); largest by bytes: %s (%d bytes)",
		largestRes.File, largestRes.Resources, largestRes.Bytes, largestBytes.File, largestBytes.Bytes)
	fmt.Fprint(os.Stderr, s.summary.String())
}

func TestLimitsErrorNamesTheStackAccountRegionTemplateAndTheFix(t *testing.T) {
	s := &platform.Summary{Stacks: []platform.StackSummary{{Name: "acme-eu-west-1", Account: "111122223333", Region: "eu-west-1",
		Template: platform.TemplateStats{File: "x.template.json", Resources: 501, Bytes: 1_200_000}}}}
	err := s.LimitsError()
	if err == nil {
		t.Fatal("over-limit template accepted")
	}
	for _, want := range []string{"stack acme-eu-west-1 (account 111122223333, region eu-west-1), x.template.json: 501 resources", "limit of 500", "1200000 bytes", "servicesPerShard"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}

func BenchmarkSynth(b *testing.B) {
	for _, n := range []int{50, 100, 200} {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			cfg := largePlatform(b, n)
			for b.Loop() {
				if _, err := synth(b.TempDir(), cfg, "123456789012", false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
