package golambda_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/golambda"
)

const echoPkg = "github.com/o11yscale/o11yscale/internal/lambdatest/internal/echo"

func newStack(t *testing.T) (awscdk.App, awscdk.Stack) {
	t.Helper()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("S"), &awscdk.StackProps{Env: &awscdk.Environment{
		Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")}})
	return app, stack
}

// writeModule creates a throwaway module with a main package, so tests can
// change its source (or break it) without touching ours.
func writeModule(t *testing.T, mainSrc, sharedSrc string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":           "module example.com/fn\n\ngo 1.26\n",
		"cmd/fn/main.go":   mainSrc,
		"shared/shared.go": sharedSrc,
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const mainSrc = "package main\n\nimport \"example.com/fn/shared\"\n\nfunc main() { println(shared.Greeting) }\n"

func TestDefaultsAreArm64Al2023TracedWithRetainedLogGroupAndFailureQueue(t *testing.T) {
	_, stack := newStack(t)
	if _, err := golambda.NewFunction(stack, "Echo", golambda.Props{ImportPath: echoPkg}); err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
		"Runtime":       "provided.al2023",
		"Architectures": []any{"arm64"},
		"Handler":       "bootstrap",
		"TracingConfig": map[string]any{"Mode": "Active"},
		"MemorySize":    256,
		"Timeout":       30,
	})
	tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 30})
	tpl.HasResourceProperties(jsii.String("AWS::Lambda::EventInvokeConfig"), map[string]any{"MaximumRetryAttempts": 2})
	tpl.ResourceCountIs(jsii.String("AWS::SQS::Queue"), jsii.Number(1))
	// No managed policy: the role may only write its own log group.
	tpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{"ManagedPolicyArns": assertions.Match_Absent()})
}

func TestBundlingProducesARealBootstrapForTheFunctionArchitecture(t *testing.T) {
	app, stack := newStack(t)
	if _, err := golambda.NewFunction(stack, "Echo", golambda.Props{ImportPath: echoPkg, Architecture: golambda.X8664}); err != nil {
		t.Fatal(err)
	}
	asm := app.Synth(nil)
	bin := filepath.Join(*asm.Directory(), "asset."+strings.TrimSuffix(s3Key(t, stack), ".zip"), "bootstrap")
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatalf("no bootstrap staged: %v", err)
	}
	// ELF, 64-bit, x86-64 machine type (0x3e) at offset 18.
	if string(b[:4]) != "\x7fELF" || b[18] != 0x3e {
		t.Fatalf("bootstrap is not a linux/amd64 ELF binary")
	}
}

func TestFingerprintIsStableAndFollowsSharedPackages(t *testing.T) {
	dir := writeModule(t, mainSrc, "package shared\n\nconst Greeting = \"hi\"\n")
	props := golambda.Props{ImportPath: "example.com/fn/cmd/fn", BuildDir: dir}
	// hash returns the asset key in the template, which is what decides
	// whether CloudFormation updates the function's code.
	hash := func() string {
		_, stack := newStack(t)
		if _, err := golambda.NewFunction(stack, "Fn", props); err != nil {
			t.Fatal(err)
		}
		return s3Key(t, stack)
	}
	first, second := hash(), hash()
	if first != second {
		t.Fatalf("two synths of the same code differ: %s vs %s", first, second)
	}
	if err := os.WriteFile(filepath.Join(dir, "shared/shared.go"), []byte("package shared\n\nconst Greeting = \"hello\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if third := hash(); third == first {
		t.Fatal("changing a shared package did not change the asset hash")
	}
	props.Architecture = golambda.X8664
	if hash() == first {
		t.Fatal("changing the architecture did not change the asset hash")
	}
}

func TestCompileErrorNamesThePackageAndCompilerOutput(t *testing.T) {
	dir := writeModule(t, mainSrc, "package shared\n\nconst Greeting = undefinedThing\n")
	_, stack := newStack(t)
	_, err := golambda.NewFunction(stack, "Fn", golambda.Props{ImportPath: "example.com/fn/cmd/fn", BuildDir: dir})
	if err == nil {
		t.Fatal("a package that does not compile was accepted")
	}
	for _, want := range []string{"S/Fn", "example.com/fn/cmd/fn", "undefined: undefinedThing"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestUnknownImportPathIsReportedAtConstruction(t *testing.T) {
	_, stack := newStack(t)
	_, err := golambda.NewFunction(stack, "Fn", golambda.Props{ImportPath: "github.com/o11yscale/o11yscale/lambdas/doesnotexist"})
	if err == nil || !strings.Contains(err.Error(), "lambdas/doesnotexist") || !strings.Contains(err.Error(), "S/Fn") {
		t.Fatalf("want an error naming the construct and package, got %v", err)
	}
}

func TestValidateListsEveryBadField(t *testing.T) {
	err := golambda.Props{ImportPath: "./relative", Architecture: "mips", MemorySize: 64, LogRetentionDays: 10, RetryAttempts: 3}.Validate()
	if err == nil {
		t.Fatal("expected errors")
	}
	for _, want := range []string{"architecture: \"mips\"", "memorySize: 64", "logRetentionDays: 10", "nearest allowed: 7", "retryAttempts: 3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	err = golambda.Props{ImportPath: "./relative"}.Validate()
	if err == nil || !strings.Contains(err.Error(), "importPath") {
		t.Errorf("relative import path accepted: %v", err)
	}
}

func s3Key(t *testing.T, stack awscdk.Stack) string {
	t.Helper()
	fns := assertions.Template_FromStack(stack, nil).FindResources(jsii.String("AWS::Lambda::Function"), nil)
	for _, r := range *fns {
		key, _ := (*r)["Properties"].(map[string]any)["Code"].(map[string]any)["S3Key"].(string)
		if key != "" {
			return key
		}
	}
	t.Fatal("no Lambda function with an S3Key in the template")
	return ""
}

func TestEnvironmentOverLambdasFourKilobytesIsRejected(t *testing.T) {
	err := golambda.Props{ImportPath: echoPkg, Environment: map[string]string{"BIG": strings.Repeat("x", 4100)}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "environment: \"4103 bytes\" is not allowed; at most 4096") {
		t.Fatalf("got %v", err)
	}
	if err := (golambda.Props{ImportPath: echoPkg, Environment: map[string]string{"OK": strings.Repeat("x", 4000)}}).Validate(); err != nil {
		t.Fatalf("a 4 KB environment was rejected: %v", err)
	}
}

func TestNoRetriesSetsZeroAttemptsAndConflictsWithRetryAttempts(t *testing.T) {
	_, stack := newStack(t)
	if _, err := golambda.NewFunction(stack, "Echo", golambda.Props{ImportPath: echoPkg, NoRetries: true}); err != nil {
		t.Fatal(err)
	}
	assertions.Template_FromStack(stack, nil).HasResourceProperties(jsii.String("AWS::Lambda::EventInvokeConfig"), map[string]any{"MaximumRetryAttempts": 0})
	err := golambda.Props{ImportPath: echoPkg, NoRetries: true, RetryAttempts: 1}.Validate()
	if err == nil || !strings.Contains(err.Error(), "retryAttempts: 1 is not allowed; 0 when noRetries is set") {
		t.Fatalf("got %v", err)
	}
	if err := (golambda.Props{ImportPath: echoPkg, RetryAttempts: 1}).Validate(); err != nil {
		t.Fatalf("one retry rejected: %v", err)
	}
}
