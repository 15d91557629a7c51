// Package cdktest creates CDK apps for tests with the same feature flags
// the deployable app gets from cdk.json, so tests synthesize exactly what
// `cdk synth` does.
package cdktest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// Context returns the "context" object of the repository's cdk.json.
func Context() (map[string]any, error) {
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "cdk.json"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	return doc.Context, nil
}

// NewApp returns an app writing to outDir (a temp dir when empty) with the
// cdk.json feature flags.
func NewApp(t testing.TB, outDir string) awscdk.App {
	t.Helper()
	ctx, err := Context()
	if err != nil {
		t.Fatalf("reading cdk.json: %v", err)
	}
	if outDir == "" {
		outDir = t.TempDir()
	}
	return awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outDir), Context: &ctx})
}

// NewStack returns a stack in account 123456789012 and the given region.
func NewStack(app awscdk.App, id, region string) awscdk.Stack {
	return awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{Env: &awscdk.Environment{
		Account: jsii.String("123456789012"), Region: jsii.String(region)}})
}
