package test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/golambda"
)

// TestGoLambdaAloneIsNagClean covers the construct as library users get it,
// outside our platform.
func TestGoLambdaAloneIsNagClean(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("Fn"), &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("us-east-1")}})
	if _, err := golambda.NewFunction(stack, "Echo", golambda.Props{ImportPath: "github.com/o11yscale/o11yscale/internal/lambdatest/internal/echo"}); err != nil {
		t.Fatal(err)
	}
	requireNagClean(t, app)
}
