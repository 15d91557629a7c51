package test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// nagFindings applies the AwsSolutions pack to app, synthesizes it and
// returns every error or warning cdk-nag left.
func nagFindings(app awscdk.App) []string {
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	return messagesOf(app.Synth(nil), nil)
}

// platformFindings returns every error or warning on the stacks of a
// synthesized platform except its own no-subscriber warning, which is
// not a cdk-nag finding (warnings_test.go checks it).
func platformFindings(asm cxapi.CloudAssembly) []string {
	return messagesOf(asm, noSubscriberWarning)
}

// messagesOf lists the error and warning messages of asm's stacks as
// "<construct path> <level>: <message>", leaving out those skip reports.
func messagesOf(asm cxapi.CloudAssembly, skip func(*cxapi.SynthesisMessage) bool) []string {
	var findings []string
	for _, st := range *asm.Stacks() {
		for _, msg := range *st.Messages() {
			if msg.Level != cxapi.SynthesisMessageLevel_ERROR && msg.Level != cxapi.SynthesisMessageLevel_WARNING {
				continue
			}
			if skip != nil && skip(msg) {
				continue
			}
			findings = append(findings, fmt.Sprintf("%s %s: %v", *msg.Id, msg.Level, msg.Entry.Data))
		}
	}
	return findings
}

// requireNagClean fails the test with every finding on app.
func requireNagClean(t *testing.T, app awscdk.App) {
	t.Helper()
	if findings := nagFindings(app); len(findings) > 0 {
		t.Fatalf("%d cdk-nag findings (fix, or suppress on one resource with a reason):\n%s", len(findings), strings.Join(findings, "\n"))
	}
}
