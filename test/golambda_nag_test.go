package test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/o11yscale/o11yscale/constructs/golambda"
)

// TestGoLambdaAloneIsNagClean covers the construct as library users get it,
// outside our platform.
func TestGoLambdaAloneIsNagClean(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("Fn"), &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("us-east-1")}})
	if _, err := golambda.NewFunction(stack, "Echo", golambda.Props{ImportPath: "github.com/o11yscale/o11yscale/lambdas/internal/lambdatest/internal/echo"}); err != nil {
		t.Fatal(err)
	}
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(nil), nil)
	asm := app.Synth(nil)
	var findings []string
	for _, st := range *asm.Stacks() {
		for _, msg := range *st.Messages() {
			if msg.Level == cxapi.SynthesisMessageLevel_ERROR || msg.Level == cxapi.SynthesisMessageLevel_WARNING {
				findings = append(findings, fmt.Sprintf("%s: %v", *msg.Id, msg.Entry.Data))
			}
		}
	}
	if len(findings) > 0 {
		t.Fatalf("cdk-nag findings:\n%s", strings.Join(findings, "\n"))
	}
}
