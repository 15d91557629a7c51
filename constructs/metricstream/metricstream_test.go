package metricstream_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

func stack(app awscdk.App, id, region string) awscdk.Stack {
	return awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String(region)}})
}

var remote = metricstream.RemoteCentral{Names: metricstream.Names{Platform: "o11yscale"}, Region: "us-east-1"}

var seedMetrics = []metricstream.Metric{{Namespace: "AWS/Lambda", MetricName: "Duration", Dimensions: map[string]string{"FunctionName": "checkout-api"}, Statistics: []string{"Average", "Maximum", "Minimum"}}}

func TestShardArithmeticIsShownAndRoundsUpWithHeadroom(t *testing.T) {
	n, text := metricstream.CentralProps{Mode: awskinesis.StreamMode_PROVISIONED, RecordsPerSecond: 2500, BytesPerSecond: 1 << 20, Headroom: 1.5}.Shards()
	// records need 2.5 shards, bytes 1; 2.5 x 1.5 = 3.75 -> 4.
	if n != 4 || !strings.Contains(text, "= 4") || !strings.Contains(text, "2500 records/s / 1000") {
		t.Fatalf("got %d: %s", n, text)
	}
	n, _ = metricstream.CentralProps{Mode: awskinesis.StreamMode_PROVISIONED, RecordsPerSecond: 10, BytesPerSecond: 5 << 20}.Shards()
	if n != 8 { // bytes dominate: 5 x 1.5 = 7.5 -> 8
		t.Fatalf("bytes-bound shards = %d, want 8", n)
	}
}

func TestValidationNamesEveryBadField(t *testing.T) {
	err := metricstream.CentralProps{Mode: "turbo", Headroom: 0.5, RetentionHours: 3, TransitionDays: 100, ExpirationDays: 50, WorkloadAccounts: []string{"12"}, OrganizationID: "org-1"}.Validate()
	for _, want := range []string{`mode: "turbo"`, "headroom: 0.5", "retentionHours: 3", "expirationDays: 50", `workloadAccounts[0]: "12"`, `organizationId: "org-1"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if err := (metricstream.CentralProps{Mode: awskinesis.StreamMode_PROVISIONED}).Validate(); err == nil || !strings.Contains(err.Error(), "recordsPerSecond") {
		t.Errorf("provisioned without a rate accepted: %v", err)
	}
	if err := (metricstream.StreamProps{Central: remote, IncludeNamespaces: []string{"A"}, ExcludeNamespaces: []string{"B"}, OutputFormat: "csv"}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "excludeNamespaces") || !strings.Contains(err.Error(), `outputFormat: "csv"`) {
		t.Errorf("stream validation: %v", err)
	}
	if err := (metricstream.ForwarderProps{Central: remote, Schedule: 90 * time.Second, Metrics: seedMetrics}).Validate(); err == nil || !strings.Contains(err.Error(), "schedule") {
		t.Errorf("forwarder validation: %v", err)
	}
}

func TestCentralRegionalAndStreamSynthesizeCleanly(t *testing.T) {
	out := t.TempDir()
	app := cdktest.NewApp(t, out)
	central := stack(app, "Central", "us-east-1")
	c, err := metricstream.NewCentral(central, "Metrics", metricstream.CentralProps{Mode: awskinesis.StreamMode_PROVISIONED, RecordsPerSecond: 2500, WorkloadAccounts: []string{"210987654321"}})
	if err != nil {
		t.Fatal(err)
	}
	regional := stack(app, "Regional", "eu-west-1")
	if _, err := metricstream.NewForwarder(regional, "Forwarder", metricstream.ForwarderProps{Central: c, Metrics: seedMetrics}); err != nil {
		t.Fatal(err)
	}
	if _, err := metricstream.NewStream(regional, "Stream", metricstream.StreamProps{Central: c,
		Statistics: []metricstream.StreamStatistics{{Namespace: "AWS/ApiGateway", MetricName: "Latency", Statistics: []string{"p99"}}}}); err != nil {
		t.Fatal(err)
	}

	ct := assertions.Template_FromStack(central, nil)
	ct.HasResourceProperties(jsii.String("AWS::Kinesis::Stream"), map[string]any{
		"Name": "o11yscale-metrics", "ShardCount": 4,
		"StreamEncryption": map[string]any{"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
	})
	ct.HasResourceProperties(jsii.String("AWS::KinesisFirehose::DeliveryStream"), map[string]any{
		"DeliveryStreamType": "KinesisStreamAsSource",
		"ExtendedS3DestinationConfiguration": assertions.Match_ObjectLike(&map[string]any{
			"CompressionFormat": "GZIP",
			"Prefix":            "metrics/region=!{partitionKeyFromQuery:region}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
			"ErrorOutputPrefix": assertions.Match_StringLikeRegexp(jsii.String("^errors/")),
		}),
	})
	ct.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
		"BucketName": "o11yscale-metrics-123456789012-us-east-1",
		"LifecycleConfiguration": map[string]any{"Rules": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Transitions": []any{map[string]any{"StorageClass": "GLACIER", "TransitionInDays": 90}}, "ExpirationInDays": 730})})},
	})
	ct.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{"RoleName": "o11yscale-metrics-writer"})
	if !strings.Contains(c.Capacity, "= 4") {
		t.Errorf("capacity arithmetic missing: %s", c.Capacity)
	}

	rt := assertions.Template_FromStack(regional, nil)
	rt.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{"ScheduleExpression": "cron(0/5 * * * ? *)"})
	rt.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{"RoleName": "o11yscale-forwarder-eu-west-1"})
	rt.HasResourceProperties(jsii.String("AWS::CloudWatch::MetricStream"), map[string]any{"OutputFormat": "json"})
	fns := rt.FindResources(jsii.String("AWS::Lambda::Function"), nil)
	for _, fn := range *fns {
		env := (*fn)["Properties"].(map[string]any)["Environment"].(map[string]any)["Variables"].(map[string]any)
		// The role ARN carries the partition as a token, so the JSON is an
		// Fn::Join in the template; check its literal parts.
		b, _ := json.Marshal(env["FORWARDER_CONFIG"])
		for _, want := range []string{`\"streamName\":\"o11yscale-metrics\"`, `\"centralRegion\":\"us-east-1\"`, `:role/o11yscale-metrics-writer`, `Duration`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("forwarder config lacks %s: %s", want, b)
			}
		}
	}

	asm := app.Synth(nil)
	files, _ := filepath.Glob(filepath.Join(*asm.Directory(), "*.template.json"))
	cmd := exec.Command("cfn-lint", append([]string{"--non-zero-exit-code", "warning", "--regions", "us-east-1", "eu-west-1", "--"}, files...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cfn-lint: %v\n%s", err, b)
	}
	_ = os.RemoveAll(out)
}

func TestAForwarderConfigOverTheSSMLimitIsRejectedAtSynth(t *testing.T) {
	app := cdktest.NewApp(t, "")
	var many []metricstream.Metric
	for i := range 200 {
		many = append(many, metricstream.Metric{Namespace: "AWS/Lambda", MetricName: "Duration",
			Dimensions: map[string]string{"FunctionName": fmt.Sprintf("service-%03d", i)}})
	}
	_, err := metricstream.NewForwarder(cdktest.NewStack(app, "R", "eu-west-1"), "Forwarder", metricstream.ForwarderProps{Central: remote, Metrics: many})
	if err == nil || !strings.Contains(err.Error(), "at most 8192") || !strings.Contains(err.Error(), "searches") {
		t.Fatalf("got %v", err)
	}
}

// The stream and the archive buckets have fixed names: by default they
// outlive the stack (a documented choice), and RemovalPolicy_DESTROY lets
// a destroy remove them so a redeploy can create them again.
func TestRemovalPolicyOfTheFixedNamedStreamAndBuckets(t *testing.T) {
	for _, c := range []struct {
		policy awscdk.RemovalPolicy
		want   string
	}{{"", "Retain"}, {awscdk.RemovalPolicy_RETAIN, "Retain"}, {awscdk.RemovalPolicy_DESTROY, "Delete"}} {
		app := cdktest.NewApp(t, "")
		st := stack(app, "Central", "us-east-1")
		if _, err := metricstream.NewCentral(st, "Metrics", metricstream.CentralProps{RemovalPolicy: c.policy}); err != nil {
			t.Fatal(err)
		}
		tpl := assertions.Template_FromStack(st, nil)
		tpl.HasResource(jsii.String("AWS::Kinesis::Stream"), map[string]any{"Properties": map[string]any{"Name": "o11yscale-metrics"},
			"DeletionPolicy": c.want, "UpdateReplacePolicy": c.want})
		tpl.HasResource(jsii.String("AWS::S3::Bucket"), map[string]any{"Properties": assertions.Match_ObjectLike(&map[string]any{"BucketName": "o11yscale-metrics-123456789012-us-east-1"}),
			"DeletionPolicy": c.want, "UpdateReplacePolicy": c.want})
		if n := len(*tpl.FindResources(jsii.String("AWS::S3::Bucket"), map[string]any{"DeletionPolicy": c.want})); n != 2 {
			t.Errorf("%q: %d buckets with DeletionPolicy %s, want both (archive and access logs)", c.policy, n, c.want)
		}
	}
	err := metricstream.CentralProps{RemovalPolicy: awscdk.RemovalPolicy_SNAPSHOT}.Validate()
	if err == nil || !strings.Contains(err.Error(), `removalPolicy: "SNAPSHOT" is not allowed; awscdk.RemovalPolicy_RETAIN or awscdk.RemovalPolicy_DESTROY`) {
		t.Fatalf("got %v", err)
	}
}
