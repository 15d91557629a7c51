package logtiers_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/review"
)

const routerArn = "arn:aws:lambda:us-east-1:123456789012:function:logrouter"

func newStack(t *testing.T) (awscdk.App, awscdk.Stack) {
	t.Helper()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("S"), &awscdk.StackProps{Env: &awscdk.Environment{
		Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")}})
	return app, stack
}

// platform is the shape the app builds: archive, router and its shared
// invoke permission in the regional stack, services in a nested shard.
type platform struct {
	app      awscdk.App
	regional awscdk.Stack
	shard    awscdk.NestedStack
	archive  *logtiers.Archive
	router   awslambda.IFunction
	svc      *logtiers.ServiceLogs
}

func newPlatform(t *testing.T, props logtiers.ServiceLogsProps) *platform {
	t.Helper()
	p := &platform{}
	p.app, p.regional = newStack(t)
	var err error
	if p.archive, err = logtiers.NewArchive(p.regional, "Archive", logtiers.ArchiveProps{}); err != nil {
		t.Fatal(err)
	}
	p.router = awslambda.Function_FromFunctionArn(p.regional, jsii.String("Router"), jsii.String(routerArn))
	perm := logtiers.AllowLogsToInvoke(p.regional, "RouterInvoke", p.router, "/o11yscale/")
	p.shard = awscdk.NewNestedStack(p.regional, jsii.String("Services01"), nil)
	props.Archive = p.archive
	props.Destination = &logtiers.LambdaDestination{Function: p.router, Permission: perm}
	if p.svc, err = logtiers.NewServiceLogs(p.shard, props.Service, props); err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	defaultOnce     sync.Once
	defaultPlatform *platform
	defaultShard    assertions.Template
	defaultRegional assertions.Template
)

// seedPlatform is checkout-api with every default and a published Fluent
// Bit config, synthesized once and shared by the tests that only read it.
func seedPlatform(t *testing.T) (*platform, assertions.Template, assertions.Template) {
	defaultOnce.Do(func() {
		defaultPlatform = newPlatform(t, logtiers.ServiceLogsProps{Service: "checkout-api", FluentBit: logtiers.FluentBitProps{Publish: true}})
		defaultShard = assertions.Template_FromStack(defaultPlatform.shard, nil)
		defaultRegional = assertions.Template_FromStack(defaultPlatform.regional, nil)
	})
	if defaultPlatform == nil {
		t.Fatal("seed platform failed to build in an earlier test")
	}
	return defaultPlatform, defaultShard, defaultRegional
}

func TestDefaultTiersKeepErrorAndWarnInCloudWatchOnly(t *testing.T) {
	_, shard, _ := seedPlatform(t)
	shard.ResourceCountIs(jsii.String("AWS::Logs::LogGroup"), jsii.Number(2))
	shard.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{
		"LogGroupName": "/o11yscale/checkout-api/error", "RetentionInDays": 30, "LogGroupClass": "STANDARD"})
	shard.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{
		"LogGroupName": "/o11yscale/checkout-api/warn", "RetentionInDays": 7, "LogGroupClass": "STANDARD"})
	shard.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{"DeletionPolicy": "Retain"})
}

// TestDefaultServiceCostsSixResourcesInItsShard pins the per-service
// footprint the stacks' shard sizing relies on: two log groups, one metric
// filter, two subscription filters and the Fluent Bit parameter.
func TestDefaultServiceCostsSixResourcesInItsShard(t *testing.T) {
	_, shard, _ := seedPlatform(t)
	resources := (*shard.ToJSON())["Resources"].(map[string]any)
	if len(resources) != 6 {
		types := map[string]int{}
		for _, r := range resources {
			types[r.(map[string]any)["Type"].(string)]++
		}
		t.Fatalf("%d resources per service, want 6: %v", len(resources), types)
	}
}

func TestErrorCountMetricFilterPublishesZeroWhenNothingMatches(t *testing.T) {
	_, shard, _ := seedPlatform(t)
	shard.ResourceCountIs(jsii.String("AWS::Logs::MetricFilter"), jsii.Number(1))
	shard.HasResourceProperties(jsii.String("AWS::Logs::MetricFilter"), map[string]any{
		"FilterName":    "checkout-api-ErrorCount",
		"FilterPattern": `{ $.level = "ERROR" }`,
		"MetricTransformations": []any{map[string]any{
			"MetricName": "ErrorCount", "MetricNamespace": "O11yscale/Logs/checkout-api",
			"MetricValue": "1", "DefaultValue": 0, "Unit": "Count",
		}},
	})
}

func TestCriticalEventsFromEachGroupGoToTheRouter(t *testing.T) {
	_, shard, _ := seedPlatform(t)
	shard.ResourceCountIs(jsii.String("AWS::Logs::SubscriptionFilter"), jsii.Number(2))
	shard.HasResourceProperties(jsii.String("AWS::Logs::SubscriptionFilter"), map[string]any{
		"DestinationArn": routerArn,
		"FilterPattern":  `{ $.level = "ERROR" || $.status_code >= 500 }`,
		"FilterName":     "checkout-api-critical",
	})
	// The shared permission lives in the regional stack: none per service.
	shard.ResourceCountIs(jsii.String("AWS::Lambda::Permission"), jsii.Number(0))
}

func TestSharedInvokePermissionCoversAllTierGroupsAndIsDeployedFirst(t *testing.T) {
	_, _, regional := seedPlatform(t)
	regional.ResourceCountIs(jsii.String("AWS::Lambda::Permission"), jsii.Number(1))
	regional.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
		"Principal": "logs.amazonaws.com", "SourceAccount": "123456789012",
		"SourceArn": partitionArn(":logs:us-east-1:123456789012:log-group:/o11yscale/*"),
	})
	// The subscription filters sit in the shard; CloudFormation must create
	// the permission before the shard's nested stack.
	regional.HasResource(jsii.String("AWS::CloudFormation::Stack"), map[string]any{
		"DependsOn": assertions.Match_ArrayWith(&[]any{"RouterInvoke"}),
	})
}

func TestFluentBitConfigIsPublishedInSSMAndForReview(t *testing.T) {
	p, shard, _ := seedPlatform(t)
	shard.HasResourceProperties(jsii.String("AWS::SSM::Parameter"), map[string]any{
		"Name": "/o11yscale/fluent-bit/checkout-api", "Tier": "Standard", "Type": "String"})
	got, ok := review.Content(p.app, "logtiers/us-east-1/fluent-bit-checkout-api.conf")
	if !ok || string(got) != p.svc.FluentBitConfig {
		t.Fatalf("review file missing or different from FluentBitConfig (registered: %v)", review.Files(p.app))
	}
	for _, want := range []string{"log_group_name     /o11yscale/checkout-api/error", "Name   null", "bucket           ${ARCHIVE_BUCKET}", "s3_key_format    /logs/service=checkout-api/tier=info/"} {
		if !strings.Contains(p.svc.FluentBitConfig, want) {
			t.Errorf("config lacks %q:\n%s", want, p.svc.FluentBitConfig)
		}
	}
}

func TestInfrequentAccessTierHasNoFilters(t *testing.T) {
	p := newPlatform(t, logtiers.ServiceLogsProps{Service: "auth-service", Tiers: logtiers.TiersProps{
		Warn: logtiers.TierProps{Class: awslogs.LogGroupClass_INFREQUENT_ACCESS, RetentionDays: 14}}})
	shard := assertions.Template_FromStack(p.shard, nil)
	shard.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{
		"LogGroupName": "/o11yscale/auth-service/warn", "LogGroupClass": "INFREQUENT_ACCESS", "RetentionInDays": 14})
	// Only the ERROR group is filtered: one subscription filter, one metric filter.
	shard.ResourceCountIs(jsii.String("AWS::Logs::SubscriptionFilter"), jsii.Number(1))
	shard.HasResourceProperties(jsii.String("AWS::Logs::SubscriptionFilter"), map[string]any{
		"LogGroupName": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("Error"))}})
	shard.ResourceCountIs(jsii.String("AWS::Logs::MetricFilter"), jsii.Number(1))
}

func TestSpaceDelimitedLogsCountErrorsWithTheSeedPattern(t *testing.T) {
	p := newPlatform(t, logtiers.ServiceLogsProps{Service: "order-service", LogFormat: logtiers.FormatSpace})
	shard := assertions.Template_FromStack(p.shard, nil)
	shard.HasResourceProperties(jsii.String("AWS::Logs::MetricFilter"), map[string]any{
		"FilterPattern":         "[time, request_id, level = ERROR*, ...]",
		"MetricTransformations": []any{map[string]any{"DefaultValue": 0, "MetricValue": "1", "MetricName": "ErrorCount", "MetricNamespace": "O11yscale/Logs/order-service", "Unit": "Count"}},
	})
}

func TestFirehoseForwardingUsesARoleScopedToTheStream(t *testing.T) {
	app, stack := newStack(t)
	const streamArn = "arn:aws:firehose:us-east-1:123456789012:deliverystream/opensearch-errors"
	_, err := logtiers.NewServiceLogs(stack, "Svc", logtiers.ServiceLogsProps{Service: "svc",
		Forwarding: []logtiers.ForwardProps{{Name: "errors", Destination: &logtiers.StreamDestination{Kind: logtiers.KindFirehose, Arn: streamArn}}}})
	if err != nil {
		t.Fatal(err)
	}
	_ = app
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::Logs::SubscriptionFilter"), map[string]any{
		"DestinationArn": streamArn, "RoleArn": assertions.Match_AnyValue()})
	tpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
		"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{
			"Action": "sts:AssumeRole", "Effect": "Allow",
			"Principal": map[string]any{"Service": "logs.amazonaws.com"},
			"Condition": map[string]any{"ArnLike": map[string]any{"aws:SourceArn": partitionArn(":logs:us-east-1:123456789012:log-group:/o11yscale/svc/*")}},
		}}}})
	tpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
		"PolicyDocument": map[string]any{"Statement": []any{map[string]any{
			"Action": []any{"firehose:PutRecord", "firehose:PutRecordBatch"}, "Effect": "Allow", "Resource": streamArn}}}})
}

func TestWithoutASharedPermissionEachServiceGetsOneForItsOwnGroups(t *testing.T) {
	_, stack := newStack(t)
	fn := awslambda.Function_FromFunctionArn(stack, jsii.String("Router"), jsii.String(routerArn))
	if _, err := logtiers.NewServiceLogs(stack, "Svc", logtiers.ServiceLogsProps{Service: "svc", Destination: &logtiers.LambdaDestination{Function: fn}}); err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.ResourceCountIs(jsii.String("AWS::Lambda::Permission"), jsii.Number(1))
	tpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
		"SourceArn": partitionArn(":logs:us-east-1:123456789012:log-group:/o11yscale/svc/*")})
	tpl.HasResource(jsii.String("AWS::Logs::SubscriptionFilter"), map[string]any{"DependsOn": assertions.Match_AnyValue()})
}

func TestUnwiredDestinationIsAnErrorAndCreatesNothing(t *testing.T) {
	_, stack := newStack(t)
	_, err := logtiers.NewServiceLogs(stack, "Svc", logtiers.ServiceLogsProps{Service: "svc",
		Forwarding: []logtiers.ForwardProps{{}, {Name: "k"}}})
	if err == nil || !strings.Contains(err.Error(), "S/Svc: forwarding[0].destination: <empty> is not allowed; a SubscriptionDestination") ||
		!strings.Contains(err.Error(), "forwarding[1].destination: <empty> is not allowed; a SubscriptionDestination") {
		t.Fatalf("err = %v", err)
	}
	if n := len(*stack.Node().Children()); n != 0 {
		t.Fatalf("%d constructs created despite the error", n)
	}
}

func TestSynthRejectsAThirdSubscriptionFilterAddedThroughTheEscapeHatch(t *testing.T) {
	p := newPlatform(t, logtiers.ServiceLogsProps{Service: "health-check", Forwarding: []logtiers.ForwardProps{
		{Name: "critical"}, {Name: "audit", Pattern: `{ $.audit IS TRUE }`, Tiers: []logtiers.Tier{logtiers.Error}}}})
	lg := p.svc.LogGroups[logtiers.Error]
	awslogs.NewCfnSubscriptionFilter(lg, jsii.String("Extra"), &awslogs.CfnSubscriptionFilterProps{
		LogGroupName: lg.LogGroupName(), FilterPattern: jsii.String(""), DestinationArn: jsii.String(routerArn)})
	msg := synthError(p.app)
	if !strings.Contains(msg, "has 3 subscription filters; CloudWatch Logs allows at most 2") {
		t.Fatalf("synth error = %q", msg)
	}
}

// partitionArn is how an ARN built with the stack's partition renders.
func partitionArn(rest string) map[string]any {
	return map[string]any{"Fn::Join": []any{"", []any{"arn:", map[string]any{"Ref": "AWS::Partition"}, rest}}}
}

// synthError synthesizes app and returns the validation error CDK raises.
func synthError(app awscdk.App) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	app.Synth(nil)
	return ""
}

func TestEachStreamDestinationWithoutARoleGetsItsOwnRole(t *testing.T) {
	_, stack := newStack(t)
	const firehoseArn = "arn:aws:firehose:us-east-1:123456789012:deliverystream/errors"
	const kinesisArn = "arn:aws:kinesis:us-east-1:123456789012:stream/audit"
	_, err := logtiers.NewServiceLogs(stack, "Svc", logtiers.ServiceLogsProps{Service: "svc", Forwarding: []logtiers.ForwardProps{
		{Name: "errors", Destination: &logtiers.StreamDestination{Kind: logtiers.KindFirehose, Arn: firehoseArn}},
		{Name: "audit", Destination: &logtiers.StreamDestination{Kind: logtiers.KindKinesis, Arn: kinesisArn}, Distribution: awslogs.Distribution_RANDOM, Tiers: []logtiers.Tier{logtiers.Error}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.ResourceCountIs(jsii.String("AWS::IAM::Role"), jsii.Number(2))
	tpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
		"PolicyDocument": map[string]any{"Statement": []any{map[string]any{
			"Action": []any{"kinesis:PutRecord", "kinesis:PutRecords"}, "Effect": "Allow", "Resource": kinesisArn}}}})
	tpl.HasResourceProperties(jsii.String("AWS::Logs::SubscriptionFilter"), map[string]any{
		"DestinationArn": kinesisArn, "Distribution": "Random"})
	tpl.HasResource(jsii.String("AWS::Logs::SubscriptionFilter"), map[string]any{
		"Properties": map[string]any{"DestinationArn": firehoseArn}, "DependsOn": assertions.Match_AnyValue()})
}

func TestDistributionIsForKinesisOnly(t *testing.T) {
	_, stack := newStack(t)
	fn := awslambda.Function_FromFunctionArn(stack, jsii.String("Router"), jsii.String(routerArn))
	_, err := logtiers.NewServiceLogs(stack, "Svc", logtiers.ServiceLogsProps{Service: "svc", Destination: &logtiers.LambdaDestination{Function: fn},
		Forwarding: []logtiers.ForwardProps{{Distribution: awslogs.Distribution_RANDOM}}})
	if err == nil || !strings.Contains(err.Error(), `S/Svc: forwarding[0].distribution: "Random" is not allowed; no value: distribution applies to kinesis only`) {
		t.Fatalf("err = %v", err)
	}
}
