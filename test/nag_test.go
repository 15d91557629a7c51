package test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/platform"
)

// TestCdkNagAwsSolutionsHasNoUnsuppressedFindings reads the annotations
// cdk-nag left on every construct of the default platform.
func TestCdkNagAwsSolutionsHasNoUnsuppressedFindings(t *testing.T) {
	s := synthDefault(t)
	if findings := platformFindings(s.asm); len(findings) > 0 {
		t.Fatalf("%d cdk-nag findings (fix, or suppress on one resource with a reason):\n%s", len(findings), strings.Join(findings, "\n"))
	}
}

// TestEverySuppressionNamesOneResourceAndAReason checks the suppressions
// themselves: each lives on a single resource's metadata with a real reason.
func TestEverySuppressionNamesOneResourceAndAReason(t *testing.T) {
	s := synthDefault(t)
	for _, f := range s.templates(t) {
		tpl := readJSON(t, f)
		resources, _ := tpl["Resources"].(map[string]any)
		for id, r := range resources {
			md, _ := r.(map[string]any)["Metadata"].(map[string]any)
			nag, _ := md["cdk_nag"].(map[string]any)
			rules, _ := nag["rules_to_suppress"].([]any)
			for _, rule := range rules {
				m := rule.(map[string]any)
				reason, _ := m["reason"].(string)
				if len(strings.Fields(reason)) < 4 {
					t.Errorf("%s %s: suppression of %v has no real reason: %q", f, id, m["id"], reason)
				}
			}
		}
	}
}

// TestNagPackCatchesAKnownBadQueue proves the gate can fail: an
// unencrypted queue without TLS enforcement must be reported.
func TestNagPackCatchesAKnownBadQueue(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("Bad"), &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("us-east-1")}})
	awssqs.NewQueue(stack, jsii.String("Q"), &awssqs.QueueProps{Encryption: awssqs.QueueEncryption_UNENCRYPTED})
	ids := nagFindings(app)
	if !strings.Contains(strings.Join(ids, "\n"), "AwsSolutions-SQS4") {
		t.Fatalf("cdk-nag did not report AwsSolutions-SQS4 on a queue without TLS enforcement; got:\n%s", strings.Join(ids, "\n"))
	}
}

// noSubscriberWarning reports the platform's own warning that alerts reach
// nobody: not a cdk-nag finding; warnings_test.go checks it.
func noSubscriberWarning(msg *cxapi.SynthesisMessage) bool {
	data, _ := msg.Entry.Data.(string)
	return strings.HasSuffix(data, "[ack: "+platform.NoSubscriberWarning+"]")
}
