// Package cdktest creates CDK apps for tests with the same feature flags
// the deployable app gets from cdk.json, so tests synthesize exactly what
// `cdk synth` does.
package cdktest

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
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

// textKeys hold human-readable text, not names: the product name may
// appear there whatever the platform is called.
var textKeys = map[string]bool{"Description": true, "DisplayName": true}

// Leftovers returns "path: value" for every string in the template (logical
// IDs included) that contains word once the allowed substrings are
// removed, skipping Description and DisplayName values. A test of a
// renamed platform passes the old name as word to find the names that did
// not follow.
func Leftovers(template map[string]any, word string, allowed ...string) []string {
	var out []string
	check := func(path, s string) {
		for _, a := range allowed {
			s = strings.ReplaceAll(s, a, "")
		}
		if strings.Contains(s, word) {
			out = append(out, path+": "+s)
		}
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case string:
			check(path, v)
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				if textKeys[k] {
					continue
				}
				check(path+" (key)", k)
				walk(path+"."+k, v[k])
			}
		}
	}
	walk("", template)
	return out
}
