// Package golambda builds a Lambda function from a Go main package named by
// its import path. The binary is compiled locally through CDK's
// ILocalBundling with the flags in internal/gobuild, so it works from any
// module that depends on ours: the source is located with `go list`, never
// with a path relative to the working directory.
package golambda

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/nag"
	"github.com/o11yscale/o11yscale/constructs/retention"
	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/internal/gobuild"
)

// Architecture values.
const (
	ARM64 = "arm64"
	X8664 = "x86_64"
)

// Props configures a Go Lambda function.
type Props struct {
	// ImportPath of the main package, e.g.
	// "github.com/o11yscale/o11yscale/lambdas/logrouter". Required.
	ImportPath string
	// Architecture is "arm64" or "x86_64". Default: "arm64" (Graviton).
	Architecture string
	// MemorySize in MB, 128-10240. Default: 256.
	MemorySize int
	// Timeout, 1s-15m. Default: 30s.
	Timeout time.Duration
	// Environment variables for the function.
	Environment map[string]string
	// Description of the function. Default: the import path.
	Description string
	// LogRetentionDays of the function's log group; one of CloudWatch's
	// allowed values. Default: 30. Never-expiring Lambda log groups are not
	// offered.
	LogRetentionDays int
	// DisableTracing turns X-Ray active tracing off. Default: false (active).
	DisableTracing bool
	// DisableFailureQueue skips the encrypted SQS on-failure destination for
	// asynchronous invocations. Default: false (a queue is created, and
	// failed events land there after RetryAttempts).
	DisableFailureQueue bool
	// RetryAttempts for asynchronous invocations, 0-2. Default: 2.
	RetryAttempts *int
	// ReservedConcurrency caps concurrent executions; 0 means unreserved.
	ReservedConcurrency int
	// BuildDir is where `go list` and `go build` run, which decides the
	// module the import path resolves in. Default: the current directory.
	BuildDir string
}

// Function is a built Go Lambda and the resources around it.
type Function struct {
	constructs.Construct
	// Function is the Lambda function (escape hatch).
	Function awslambda.Function
	// Role is the execution role; it can write only to LogGroup, plus X-Ray.
	Role awsiam.Role
	// LogGroup holds the function's logs, with a retention.
	LogGroup awslogs.LogGroup
	// FailureQueue receives events that failed every asynchronous attempt;
	// nil when DisableFailureQueue is set.
	FailureQueue awssqs.Queue
	// Fingerprint is the asset hash: a digest of everything the binary is
	// built from.
	Fingerprint string
	// SourceDir is where the package's source was found.
	SourceDir string
}

func (p Props) withDefaults() Props {
	if p.Architecture == "" {
		p.Architecture = ARM64
	}
	if p.MemorySize == 0 {
		p.MemorySize = 256
	}
	if p.Timeout == 0 {
		p.Timeout = 30 * time.Second
	}
	if p.LogRetentionDays == 0 {
		p.LogRetentionDays = 30
	}
	if p.RetryAttempts == nil {
		two := 2
		p.RetryAttempts = &two
	}
	if p.Description == "" {
		p.Description = p.ImportPath
	}
	return p
}

// Validate checks the props without building anything.
func (p Props) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	opts := gobuild.Options{ImportPath: p.ImportPath, Arch: goarch(p.Architecture)}
	if p.Architecture != ARM64 && p.Architecture != X8664 {
		v.Add("architecture", p.Architecture, "one of arm64, x86_64")
	} else if err := opts.Validate(); err != nil {
		v.Add("importPath", p.ImportPath, "a Go import path of a main package")
	}
	if p.MemorySize < 128 || p.MemorySize > 10240 {
		v.Add("memorySize", p.MemorySize, "128-10240 MB")
	}
	if p.Timeout < time.Second || p.Timeout > 15*time.Minute {
		v.Add("timeout", p.Timeout.String(), "1s-15m")
	}
	if !retention.Valid(p.LogRetentionDays) {
		v.Add("logRetentionDays", p.LogRetentionDays, retention.Allowed(p.LogRetentionDays))
	}
	if *p.RetryAttempts < 0 || *p.RetryAttempts > 2 {
		v.Add("retryAttempts", *p.RetryAttempts, "0-2")
	}
	if p.ReservedConcurrency < 0 {
		v.Add("reservedConcurrency", p.ReservedConcurrency, "0 (unreserved) or more")
	}
	if len(p.Description) > 256 {
		v.Add("description", p.Description, "at most 256 characters")
	}
	return v.Err()
}

func goarch(arch string) string {
	if arch == X8664 {
		return "amd64"
	}
	return "arm64"
}

// NewFunction validates props, locates and fingerprints the package, and
// defines the function. The compile itself runs when CDK stages the asset.
func NewFunction(scope constructs.Construct, id string, props Props) (*Function, error) {
	path := *scope.Node().Path() + "/" + id
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("golambda %s: %w", path, err)
	}
	p := props.withDefaults()
	opts := gobuild.Options{ImportPath: p.ImportPath, Arch: goarch(p.Architecture), Dir: p.BuildDir}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir, opts, err := gobuild.Locate(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("golambda %s: %w", path, err)
	}
	fp, err := gobuild.Fingerprint(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("golambda %s: %w", path, err)
	}

	// Children hang off the jsii construct, never off the Go struct that
	// embeds it: jsii cannot register the embedding struct a second time.
	c := constructs.NewConstruct(scope, &id)
	f := &Function{Construct: c, Fingerprint: fp, SourceDir: dir}
	f.LogGroup = awslogs.NewLogGroup(c, jsii.String("LogGroup"), &awslogs.LogGroupProps{
		Retention:     retention.Enum(p.LogRetentionDays),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	// Our own role instead of AWSLambdaBasicExecutionRole: that managed
	// policy lets the function write to every log group in the account.
	f.Role = awsiam.NewRole(c, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Execution role for " + p.ImportPath),
	})
	f.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: &[]*string{f.LogGroup.LogGroupArn()},
	}))

	arch := awslambda.Architecture_ARM_64()
	if p.Architecture == X8664 {
		arch = awslambda.Architecture_X86_64()
	}
	env := map[string]*string{}
	for k, v := range p.Environment {
		env[k] = jsii.String(v)
	}
	fnProps := &awslambda.FunctionProps{
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: arch,
		Handler:      jsii.String("bootstrap"),
		Code: awslambda.Code_FromAsset(jsii.String(dir), &awss3assets.AssetOptions{
			AssetHash:     jsii.String(fp),
			AssetHashType: awscdk.AssetHashType_CUSTOM,
			Bundling: &awscdk.BundlingOptions{
				// The image is only a fallback CDK requires us to name;
				// TryBundle always builds locally or fails with the reason.
				Image: awscdk.DockerImage_FromRegistry(jsii.String("public.ecr.aws/docker/library/golang:1.26")),
				Local: &localBundler{opts: opts},
			},
		}),
		MemorySize:    jsii.Number(float64(p.MemorySize)),
		Timeout:       awscdk.Duration_Seconds(jsii.Number(p.Timeout.Seconds())),
		Environment:   &env,
		Description:   jsii.String(p.Description),
		LogGroup:      f.LogGroup,
		LoggingFormat: awslambda.LoggingFormat_JSON,
		Role:          f.Role,
		Tracing:       awslambda.Tracing_ACTIVE,
		RetryAttempts: jsii.Number(float64(*p.RetryAttempts)),
	}
	if p.DisableTracing {
		fnProps.Tracing = awslambda.Tracing_DISABLED
	}
	if p.ReservedConcurrency > 0 {
		fnProps.ReservedConcurrentExecutions = jsii.Number(float64(p.ReservedConcurrency))
	}
	if !p.DisableFailureQueue {
		f.FailureQueue = awssqs.NewQueue(c, jsii.String("FailureQueue"), &awssqs.QueueProps{
			Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
			EnforceSSL:      jsii.Bool(true),
			RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		})
		fnProps.OnFailure = awslambdadestinations.NewSqsDestination(f.FailureQueue)
	}
	// Staging (and so the compile) runs inside this constructor; a failed
	// build surfaces here as a jsii error, which we return as ours.
	if err := catch(func() { f.Function = awslambda.NewFunction(c, jsii.String("Function"), fnProps) }); err != nil {
		return nil, fmt.Errorf("golambda %s: %w", path, err)
	}
	// CDK makes the function depend on its role, which it already reaches
	// through GetAtt (cfn-lint W3005); keep only the policy dependency, which
	// makes sure the log permissions exist before the first invocation.
	policy := f.Role.Node().TryFindChild(jsii.String("DefaultPolicy")).Node().DefaultChild().(awscdk.CfnResource)
	fnRes := f.Function.Node().DefaultChild().(awscdk.CfnResource)
	fnRes.AddOverride(jsii.String("DependsOn"), []any{awscdk.Stack_Of(c).GetLogicalId(policy)})
	if !p.DisableTracing {
		nag.Suppress(policy, nag.Suppression{ID: "AwsSolutions-IAM5", AppliesTo: []string{"Resource::*"},
			Reason: "xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions; every other statement is scoped"})
	}
	if f.FailureQueue != nil {
		nag.Suppress(f.FailureQueue, nag.Suppression{ID: "AwsSolutions-SQS3",
			Reason: "This queue is the function's on-failure destination, the end of the line for failed events; a DLQ behind it would only move the same records"})
	}
	return f, nil
}

func catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	fn()
	return nil
}

// localBundler compiles the package on the host. It must have a pointer
// receiver: jsii cannot take the address of a value receiver.
type localBundler struct {
	opts gobuild.Options
}

// TryBundle builds outputDir/bootstrap. A compile error stops synth with
// the package path and the compiler output.
func (b *localBundler) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := gobuild.Build(ctx, b.opts, *outputDir); err != nil {
		panic(fmt.Sprintf("golambda: bundling %s for %s failed: %v", b.opts.ImportPath, b.opts.Arch, err))
	}
	if _, err := os.Stat(filepath.Join(*outputDir, "bootstrap")); err != nil {
		panic(fmt.Sprintf("golambda: bundling %s produced no bootstrap: %v", b.opts.ImportPath, err))
	}
	return jsii.Bool(true)
}

// HostArchitecture returns the Architecture matching the machine running
// synth, for tests that execute the built binary locally.
func HostArchitecture() string {
	if runtime.GOARCH == "amd64" {
		return X8664
	}
	return ARM64
}
