package golambda_test

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/golambda"
)

// A Go Lambda named by its import path: the package is located with
// `go list` and compiled on the host when CDK stages the asset.
func ExampleNewFunction() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Example"), &awscdk.StackProps{
		Env: &awscdk.Environment{Region: jsii.String("us-east-1")},
	})
	fn, err := golambda.NewFunction(stack, "Echo", golambda.Props{
		ImportPath:  "github.com/o11yscale/o11yscale/internal/lambdatest/internal/echo",
		Timeout:     10 * time.Second,
		Environment: map[string]string{"GREETING": "hello"},
		// Asynchronous events that fail go straight to the failure queue.
		NoRetries: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fn.FailureQueue != nil, len(fn.Fingerprint))
	// Output: true 64
}

// Props are checked without building anything.
func ExampleProps_Validate() {
	err := golambda.Props{ImportPath: "./lambdas/echo", MemorySize: 64}.Validate()
	fmt.Println(err)
	// Output:
	// importPath: "./lambdas/echo" is not allowed; a Go import path of a main package
	// memorySize: 64 is not allowed; 128-10240 MB
}
