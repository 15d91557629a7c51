package test

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/constructs/platform/diagram"
	"github.com/o11yscale/o11yscale/constructs/quotas"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// largePlatform generates a platform of n services across the six regions
// the seed's Example 2 spans.
func largePlatform(t testing.TB, n int) *config.Platform {
	t.Helper()
	doc := "billing: {monthlyUSD: 50000}\ncentralRegion: us-east-1\nregions: [us-east-1, us-west-2, eu-west-1, eu-central-1, ap-southeast-1, ap-northeast-1]\nservices:\n"
	for i := range n {
		doc += fmt.Sprintf("  - name: service-%03d\n", i)
	}
	cfg, err := config.Parse("generated", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// DiagramNodeBudget bounds the architecture diagram of the 200-service,
// six-region platform.
const DiagramNodeBudget = 150

func TestTwoHundredServicesInSixRegionsStayUnderCloudFormationLimits(t *testing.T) {
	dir := t.TempDir()
	start := time.Now()
	s, err := synth(dir, largePlatform(t, 200), "123456789012", false)
	t.Logf("synth with review files and pictures: %s", time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.summary.LimitsError(); err != nil {
		t.Fatal(err)
	}
	assertWithinEveryQuota(t, s.platform, 6)
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
	// The picture summarizes: one node per kind per stack or shard.
	start = time.Now()
	g, err := diagram.FromAssembly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.SVG(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Logf("reading the assembly and drawing it again: %s", time.Since(start).Round(time.Millisecond))
	if n := g.NodeCount(); n > DiagramNodeBudget || n < 7 {
		t.Errorf("architecture diagram of 200 services in 6 regions has %d nodes; budget %d", n, DiagramNodeBudget)
	} else {
		t.Logf("architecture diagram: %d nodes, %d edges", n, len(g.Edges))
	}
	counted := 0
	for _, m := range regexp.MustCompile(`label="(\d+) log groups"`).FindAllStringSubmatch(string(g.DOT()), -1) {
		n, _ := strconv.Atoi(m[1])
		counted += n
	}
	if counted < 200*6 {
		t.Errorf("the diagram's log group nodes count %d log groups; want one or more per service and region", counted)
	}
	t.Logf("largest by resources: %s (%d resources, %d bytes); largest by bytes: %s (%d bytes)",
		largestRes.File, largestRes.Resources, largestRes.Bytes, largestBytes.File, largestBytes.Bytes)
	fmt.Fprint(os.Stderr, s.summary.String())
}

// assertWithinEveryQuota checks the usages the synth-time quota check saw:
// every account-region within every quota of the table, and the check saw
// each of the regions.
func assertWithinEveryQuota(t *testing.T, p *platform.Platform, regions int) {
	t.Helper()
	if p.QuotaError != nil {
		t.Fatal(p.QuotaError)
	}
	seen := map[string]bool{}
	for _, u := range p.QuotaUsage {
		service, name, _ := strings.Cut(u.Quota, "/")
		q, ok := quotas.Lookup(service, name)
		if !ok {
			t.Fatalf("usage of unknown quota %s", u.Quota)
		}
		limit, _ := p.Props.Quotas.Limit(q, u.Account, u.Region)
		if u.Count > limit {
			t.Errorf("%s in %s/%s %s: %d over %d", u.Quota, u.Account, u.Region, u.Subject, u.Count, limit)
		}
		if u.Quota == "xray/groups" {
			seen[u.Region] = true
		}
	}
	// Guard the guard: the check must have counted every region's groups.
	if len(seen) != regions {
		t.Fatalf("X-Ray groups counted in %d regions, want %d", len(seen), regions)
	}
	t.Logf("highest use of each quota:\n%s", quotas.PeaksTable(p.Props.Quotas.Peaks(p.QuotaUsage)))
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

// BenchmarkQuotaCheck measures the synth-time quota check (Collect and
// Count over every stack) against the whole synth of the same platform in
// the same run; the ratio is the check's share of synth.
func BenchmarkQuotaCheck(b *testing.B) {
	cfg := largePlatform(b, 50)
	var s *synthesized
	b.Run("synth", func(b *testing.B) {
		for b.Loop() {
			var err error
			if s, err = synth(b.TempDir(), cfg, "123456789012", false); err != nil {
				b.Fatal(err)
			}
		}
	})
	if s == nil {
		b.Fatal("the synth sub-benchmark must run first (it builds the platform the check reads)")
	}
	b.Run("check", func(b *testing.B) {
		for b.Loop() {
			if err := s.platform.Props.Quotas.Check(quotas.Count(quotas.Collect(s.platform.Stacks()))); err != nil {
				b.Fatal(err)
			}
		}
	})
}
