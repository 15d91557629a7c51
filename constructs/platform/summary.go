package platform

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
)

// CloudFormation limits checked on every synthesized template, nested
// ones included
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
const (
	MaxResources     = 500
	MaxTemplateBytes = 1_000_000 // "1 MB", read conservatively as decimal
	MaxParameters    = 200
	MaxOutputs       = 200
)

// TemplateStats describes one synthesized template file.
type TemplateStats struct {
	File       string
	Resources  int
	Bytes      int
	Parameters int
	Outputs    int
	Lambdas    int
	codeKeys   []string // S3 keys of the Lambda functions' code
}

// StackSummary is one top-level stack with its nested templates.
type StackSummary struct {
	Name, Region string
	// Account is the stack's account, empty for an account-agnostic one.
	Account  string
	Template TemplateStats
	Nested   []TemplateStats
}

// Summary describes a synthesized platform.
type Summary struct {
	Stacks []StackSummary
	// Bundled counts the distinct Lambda binaries staged in the assembly.
	Bundled int
}

// Summarize reads the templates of stacks (and of their nested stacks) in
// the cloud assembly directory dir.
func Summarize(stacks []awscdk.Stack, dir string) (*Summary, error) {
	s := &Summary{}
	for _, st := range stacks {
		name := *st.StackName()
		ts, err := readTemplate(filepath.Join(dir, *st.TemplateFile()))
		if err != nil {
			return nil, err
		}
		ss := StackSummary{Name: name, Region: *st.Region(), Template: ts}
		if acct := *st.Account(); !*awscdk.Token_IsUnresolved(acct) {
			ss.Account = acct
		}
		var nestedFiles []string
		for _, c := range *st.Node().FindAll(constructs.ConstructOrder_PREORDER) {
			if *awscdk.NestedStack_IsNestedStack(c) {
				nestedFiles = append(nestedFiles, *c.(awscdk.NestedStack).TemplateFile())
			}
		}
		sort.Strings(nestedFiles)
		for _, f := range nestedFiles {
			nt, err := readTemplate(filepath.Join(dir, f))
			if err != nil {
				return nil, err
			}
			ss.Nested = append(ss.Nested, nt)
		}
		s.Stacks = append(s.Stacks, ss)
	}
	// Count the binaries the templates use, not every asset directory a
	// previous synth left in the output directory.
	bundles := map[string]bool{}
	for _, t := range s.All() {
		for _, key := range t.codeKeys {
			if _, err := os.Stat(filepath.Join(dir, "asset."+strings.TrimSuffix(key, ".zip"), "bootstrap")); err == nil {
				bundles[key] = true
			}
		}
	}
	s.Bundled = len(bundles)
	return s, nil
}

func readTemplate(path string) (TemplateStats, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return TemplateStats{}, err
	}
	var t struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				Code struct{ S3Key any }
			}
		}
		Parameters map[string]any
		Outputs    map[string]any
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return TemplateStats{}, fmt.Errorf("%s: %w", path, err)
	}
	ts := TemplateStats{File: filepath.Base(path), Resources: len(t.Resources), Bytes: len(b), Parameters: len(t.Parameters), Outputs: len(t.Outputs)}
	for _, r := range t.Resources {
		if r.Type == "AWS::Lambda::Function" {
			ts.Lambdas++
			if key, ok := r.Properties.Code.S3Key.(string); ok {
				ts.codeKeys = append(ts.codeKeys, key)
			}
		}
	}
	return ts, nil
}

// All returns every template, top-level and nested.
func (s *Summary) All() []TemplateStats {
	var out []TemplateStats
	for _, st := range s.Stacks {
		out = append(out, st.Template)
		out = append(out, st.Nested...)
	}
	return out
}

// LimitsError lists every template over a CloudFormation limit, naming
// its stack, account, region, count and limit, or returns nil.
func (s *Summary) LimitsError() error {
	var problems []string
	for _, st := range s.Stacks {
		account := st.Account
		if account == "" {
			account = "any account"
		}
		where := fmt.Sprintf("stack %s (account %s, region %s)", st.Name, account, st.Region)
		for _, t := range append([]TemplateStats{st.Template}, st.Nested...) {
			at := where + ", " + t.File
			if t.Resources > MaxResources {
				problems = append(problems, fmt.Sprintf("%s: %d resources is over CloudFormation's limit of %d; lower servicesPerShard", at, t.Resources, MaxResources))
			}
			if t.Bytes > MaxTemplateBytes {
				problems = append(problems, fmt.Sprintf("%s: %d bytes is over CloudFormation's template limit of %d; lower servicesPerShard", at, t.Bytes, MaxTemplateBytes))
			}
			if t.Parameters > MaxParameters {
				problems = append(problems, fmt.Sprintf("%s: %d parameters is over CloudFormation's limit of %d", at, t.Parameters, MaxParameters))
			}
			if t.Outputs > MaxOutputs {
				problems = append(problems, fmt.Sprintf("%s: %d outputs is over CloudFormation's limit of %d", at, t.Outputs, MaxOutputs))
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("templates exceed CloudFormation limits:\n  %s", strings.Join(problems, "\n  "))
}

// String renders the summary table printed after synth.
func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-32s %-16s %9s %8s %10s %8s\n", "STACK", "REGION", "RESOURCES", "NESTED", "MAX BYTES", "LAMBDAS")
	total := 0
	for _, st := range s.Stacks {
		res, maxBytes, lambdas := st.Template.Resources, st.Template.Bytes, st.Template.Lambdas
		for _, n := range st.Nested {
			res += n.Resources
			maxBytes = max(maxBytes, n.Bytes)
			lambdas += n.Lambdas
		}
		total += res
		fmt.Fprintf(&b, "%-32s %-16s %9d %8d %10d %8d\n", st.Name, st.Region, res, len(st.Nested), maxBytes, lambdas)
	}
	fmt.Fprintf(&b, "%d stacks, %d resources in all, %d Lambda binaries bundled\n", len(s.Stacks), total, s.Bundled)
	return b.String()
}
