package test

import (
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/internal/cdktest"
	"github.com/o11yscale/o11yscale/stacks"
	"github.com/o11yscale/o11yscale/stacks/config"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// synthesized is one synthesized platform.
type synthesized struct {
	dir      string
	asm      cxapi.CloudAssembly
	platform *platform.Platform
	summary  *platform.Summary
	result   *platform.Result
}

var (
	defaultOnce sync.Once
	defaultApp  *synthesized
	defaultErr  error
)

// synthDefault synthesizes the default platform once per test binary,
// with the AwsSolutions nag pack applied, as `cdk synth` would see it on a
// machine without credentials (no account).
func synthDefault(t testing.TB) *synthesized {
	t.Helper()
	defaultOnce.Do(func() {
		dir, err := os.MkdirTemp("", "o11yscale-default-")
		if err != nil {
			defaultErr = err
			return
		}
		defaultApp, defaultErr = synth(dir, config.Default(), "", true)
	})
	if defaultErr != nil {
		t.Fatal(defaultErr)
	}
	return defaultApp
}

func synth(dir string, cfg *config.Platform, account string, withNag bool) (*synthesized, error) {
	ctx, err := cdktest.Context()
	if err != nil {
		return nil, err
	}
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(dir), Context: &ctx})
	p, err := stacks.Build(app, cfg, account)
	if err != nil {
		return nil, err
	}
	if withNag {
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	}
	// The app's own pipeline; a limit breach is the scale test's to report.
	res, err := platform.Synth(app, p)
	if res == nil || res.Summary == nil {
		return nil, err
	}
	return &synthesized{dir: res.Dir, asm: res.Assembly, platform: p, summary: res.Summary, result: res}, nil
}

// templates lists every template file of the assembly (top-level and nested).
func (s *synthesized) templates(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(s.dir, "*.template.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates in %s: %v", s.dir, err)
	}
	return files
}

func TestMain(m *testing.M) {
	if dir := os.Getenv(shutdownHelperEnv); dir != "" {
		os.Exit(runShutdownHelper(dir))
	}
	flag.Parse()
	code := m.Run()
	if defaultApp != nil {
		os.RemoveAll(defaultApp.dir)
	}
	jsii.Close()
	os.Exit(code)
}
