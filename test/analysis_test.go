package test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/stacks/config"
)

var (
	analysisOnce sync.Once
	analysisApp  *synthesized
	analysisErr  error
)

// synthAnalysis synthesizes testdata/analysis.yaml (the default platform
// with the analysis tier on and a small cost block) once, with the
// AwsSolutions pack.
func synthAnalysis(t *testing.T) *synthesized {
	t.Helper()
	analysisOnce.Do(func() {
		cfg, err := config.Load(filepath.Join("testdata", "analysis.yaml"))
		if err != nil {
			analysisErr = err
			return
		}
		dir, err := os.MkdirTemp("", "o11yscale-analysis-")
		if err != nil {
			analysisErr = err
			return
		}
		analysisApp, analysisErr = synth(dir, cfg, "", true)
	})
	if analysisErr != nil {
		t.Fatal(analysisErr)
	}
	return analysisApp
}

// The tier-on platform beside the default one: its templates and cost
// report differ from snapshots/ by the analysis tier alone.
func TestSnapshotsOfAnalysisPlatformMatchGolden(t *testing.T) {
	compareSnapshots(t, synthAnalysis(t), filepath.Join("testdata", "snapshots-analysis"))
}

func TestCfnLintAcceptsEveryTemplateOfTheAnalysisPlatform(t *testing.T) {
	s := synthAnalysis(t)
	regions := append([]string{s.platform.Props.CentralRegion}, s.platform.Props.Regions...)
	lint := startCfnLint(t, regions, s.templates(t))
	t.Parallel() // cfn-lint runs while the serial tests synthesize
	lint.wait(t)
}

func TestCdkNagAwsSolutionsHasNoUnsuppressedFindingsWithTheAnalysisTier(t *testing.T) {
	s := synthAnalysis(t)
	findings := platformFindings(s.asm)
	if len(findings) > 0 {
		t.Fatalf("%d cdk-nag findings (fix, or suppress on one resource with a reason):\n%s", len(findings), strings.Join(findings, "\n"))
	}
	if n := len(s.platform.Regional); n != 3 || slices.ContainsFunc(s.platform.Regional, func(r *platform.Regional) bool { return r.Analysis == nil }) {
		t.Fatalf("want an analysis tier in each of the 3 regions")
	}
}

// A public collection is a choice synth shows: the network policy carries
// a warning with the reason, which the nag gate reports like a finding.
func TestAPublicCollectionIsAVisibleFinding(t *testing.T) {
	cfg, err := config.Parse("public.yaml", []byte(`regions: [eu-west-1]
services: [{name: api}]
billing: {monthlyUSD: 500}
logs:
  analysis: {enabled: true, network: public, publicReason: "no VPC in this sandbox account"}
`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := synth(t.TempDir(), cfg, "", true)
	if err != nil {
		t.Fatal(err)
	}
	warnings := platformFindings(s.asm)
	if len(warnings) != 1 || !strings.Contains(warnings[0], "/Analysis/NetworkPolicy") ||
		!strings.Contains(warnings[0], logtiers.PublicCollectionWarning) || !strings.Contains(warnings[0], "no VPC in this sandbox account") {
		t.Fatalf("want exactly the public collection warning with its reason, got:\n%s", strings.Join(warnings, "\n"))
	}
}

// The tier-on platform as deployed by `cdk deploy --all`: its last stack
// provisions the OpenSearch data source after every collection exists,
// and the workspace's VPC has its own endpoint in the network policy of
// the central region's collection (the other regions' private
// collections are not searched by the dashboards).
func TestTheAnalysisPlatformProvisionsItsDataSourcesLast(t *testing.T) {
	s := synthAnalysis(t)
	st := s.asm.GetStackByName(jsii.String(platform.DataSourcesStackName(s.platform.Props.Name)))
	var deps []string
	for _, d := range *st.Dependencies() {
		deps = append(deps, *d.Id())
	}
	for _, r := range s.platform.Regional {
		if !slices.Contains(deps, *r.Stack.StackName()) {
			t.Errorf("%s does not wait for %s (dependencies %v)", *st.StackName(), *r.Stack.StackName(), deps)
		}
	}
	for _, r := range s.platform.Regional {
		want := 0
		if r.Region == s.platform.Props.CentralRegion {
			want = 1
		}
		if n := len(r.Analysis.ReaderVpcEndpoints); n != want {
			t.Errorf("%s: %d endpoints for the Grafana VPC, want %d", r.Region, n, want)
		}
	}
	if got := s.platform.Central.Observability.Workspace.VpcConfiguration(); got == nil {
		t.Error("the workspace has no VPC configuration")
	}
}
