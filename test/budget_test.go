package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/internal/cdktest"
	"github.com/o11yscale/o11yscale/stacks"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// TestBudgetGuardStopsSynthBeforeAnyTemplateIsWritten declares the default
// platform with a budget far below its estimate.
func TestBudgetGuardStopsSynthBeforeAnyTemplateIsWritten(t *testing.T) {
	cfg := config.Default()
	c := *cfg.Cost
	c.Budget.MonthlyUSD = 100
	cfg.Cost = &c
	dir := t.TempDir()
	ctx, err := cdktest.Context()
	if err != nil {
		t.Fatal(err)
	}
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(dir), Context: &ctx})
	_, err = stacks.Build(app, cfg, "")
	if err == nil {
		t.Fatal("a platform over its budget was accepted")
	}
	for _, want := range []string{"exceeds the budget of $100.00", "by component:", "traces", "by region:", "us-east-1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	templates, _ := filepath.Glob(filepath.Join(dir, "*.template.json"))
	if len(templates) != 0 {
		t.Fatalf("templates were written: %v", templates)
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		t.Fatal("a cloud assembly manifest was written")
	}
}
