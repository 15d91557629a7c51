package logtiers_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
)

// TestEveryOptionSynthesizesATemplateCfnLintAccepts synthesizes the
// constructs with every destination and option in use and lints the
// templates (the regional stack and its nested shard) with cfn-lint.
func TestEveryOptionSynthesizesATemplateCfnLintAccepts(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatalf("cfn-lint is not on PATH (it is preinstalled on this machine): %v", err)
	}
	out := t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
	stack := awscdk.NewStack(app, jsii.String("Regional"), &awscdk.StackProps{Env: &awscdk.Environment{
		Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")}})
	archive, err := logtiers.NewArchive(stack, "Archive", logtiers.ArchiveProps{Encryption: awss3.BucketEncryption_KMS, TransitionClass: logtiers.GlacierFlexibleRetrieval, DeliveryStreamName: "o11yscale-archive"})
	if err != nil {
		t.Fatal(err)
	}
	router := awslambda.Function_FromFunctionArn(stack, jsii.String("Router"), jsii.String("arn:aws:lambda:eu-west-1:123456789012:function:logrouter"))
	perm := logtiers.AllowLogsToInvoke(stack, "RouterInvoke", router, "/o11yscale/")
	kinesis := awskinesis.NewStream(stack, jsii.String("Errors"), &awskinesis.StreamProps{Encryption: awskinesis.StreamEncryption_MANAGED})
	role, err := logtiers.NewSubscriptionRole(stack, "ToKinesis", logtiers.SubscriptionRoleProps{StreamArn: *kinesis.StreamArn()})
	if err != nil {
		t.Fatal(err)
	}
	shard := awscdk.NewNestedStack(stack, jsii.String("Services01"), nil)
	_, err = logtiers.NewServiceLogs(shard, "checkout-api", logtiers.ServiceLogsProps{
		Service:       "checkout-api",
		Tiers:         logtiers.TiersProps{Debug: logtiers.TierProps{Destination: logtiers.CloudWatch, Class: awslogs.LogGroupClass_INFREQUENT_ACCESS, RetentionDays: 1}},
		MetricFilters: []logtiers.MetricFilterProps{{Name: "Latency", Tier: logtiers.Warn, Pattern: `{ $.latency_ms > 0 }`, Value: "$.latency_ms", Unit: awscloudwatch.Unit_MILLISECONDS, Dimensions: map[string]string{"StatusClass": "$.status_class"}}},
		Forwarding:    []logtiers.ForwardProps{{}, {Name: "stream", Destination: &logtiers.StreamDestination{Kind: logtiers.KindKinesis, Arn: *kinesis.StreamArn(), Role: role}, Distribution: awslogs.Distribution_RANDOM, Tiers: []logtiers.Tier{logtiers.Error}}},
		FluentBit:     logtiers.FluentBitProps{Publish: true, OpenSearchEndpoint: "search-logs-abc.eu-west-1.es.amazonaws.com"},
		EncryptionKey: archive.Key,
		Archive:       archive,
		Destination:   &logtiers.LambdaDestination{Function: router, Permission: perm},
	})
	if err != nil {
		t.Fatal(err)
	}
	app.Synth(nil)
	files, _ := filepath.Glob(filepath.Join(out, "*.template.json"))
	if len(files) != 2 {
		t.Fatalf("want the regional and the nested template, got %v", files)
	}
	args := append([]string{"--non-zero-exit-code", "informational", "--format", "parseable", "--regions", "eu-west-1", "--"}, files...)
	if msg, err := exec.Command(lint, args...).CombinedOutput(); err != nil {
		t.Fatalf("cfn-lint: %v\n%s", err, strings.TrimSpace(string(msg)))
	}
}
