package golambda_test

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/o11yscale/o11yscale/constructs/golambda"
)

// readmeNewFunction compiles the Go snippet of golambda/README.md line 10 (TestEveryReadmeGoSnippetIsCompiledByATest in test/ checks it is here verbatim); it is not run.
func readmeNewFunction(stack awscdk.Stack) error {
	fn, err := golambda.NewFunction(stack, "Router", golambda.Props{
		ImportPath: "github.com/o11yscale/o11yscale/lambdas/logrouter",
		MemorySize: 256,
		Timeout:    30 * time.Second,
		NoRetries:  true, // failed asynchronous events go straight to fn.FailureQueue
	})
	if err != nil {
		return err // names the construct path, the package and the compiler output
	}
	_ = fn
	return nil
}
