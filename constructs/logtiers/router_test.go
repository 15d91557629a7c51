package logtiers_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

func newRouter(t *testing.T, props logtiers.RouterProps) (awscdk.Stack, *logtiers.Router) {
	t.Helper()
	_, stack := newStack(t)
	archive, err := logtiers.NewArchive(stack, "Archive", logtiers.ArchiveProps{})
	if err != nil {
		t.Fatal(err)
	}
	props.Archive = archive
	r, err := logtiers.NewRouter(stack, "LogRouter", props)
	if err != nil {
		t.Fatal(err)
	}
	return stack, r
}

func TestRouterOwnsItsEnvironmentGrantAndInvokePermission(t *testing.T) {
	stack, r := newRouter(t, logtiers.RouterProps{ForwardTiers: []logtiers.Tier{logtiers.Error, logtiers.Warn}})
	shard := awscdk.NewNestedStack(stack, jsii.String("Services01"), nil)
	if _, err := logtiers.NewServiceLogs(shard, "checkout-api", logtiers.ServiceLogsProps{Service: "checkout-api", Destination: r}); err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
		"Environment": map[string]any{"Variables": map[string]any{
			"DELIVERY_STREAM_NAME": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("ArchiveDeliveryStream"))},
			"FORWARD_TIERS":        "ERROR,WARN", "FORWARD_MIN_STATUS": "500", "LOG_LEVEL": "INFO",
			"METRIC_NAMESPACE": "O11yscale/Pipeline",
		}}})
	// The permission is a top-level sibling of the function, so its logical
	// id is its construct id.
	tpl.HasResource(jsii.String("AWS::Lambda::Permission"), map[string]any{})
	if _, ok := (*tpl.ToJSON())["Resources"].(map[string]any)["LogRouterInvoke"]; !ok {
		t.Fatal("no LogRouterInvoke resource")
	}
	tpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
		"SourceArn": partitionArn(":logs:us-east-1:123456789012:log-group:/o11yscale/*")})
	tpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
		"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{map[string]any{
			"Action": []any{"firehose:PutRecord", "firehose:PutRecordBatch"}, "Effect": "Allow",
			"Resource": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("ArchiveDeliveryStream")), "Arn"}},
		}})}})
	tpl.HasResource(jsii.String("AWS::CloudFormation::Stack"), map[string]any{
		"DependsOn": assertions.Match_ArrayWith(&[]any{"LogRouterInvoke"})})
	if r.Config.DeliveryStreamName == "" || r.LogGroupPrefix != "/o11yscale/" {
		t.Errorf("router = %+v", r)
	}
}

func TestServiceOutsideTheRoutersPrefixIsAnErrorNamingBoth(t *testing.T) {
	stack, r := newRouter(t, logtiers.RouterProps{})
	_, err := logtiers.NewServiceLogs(stack, "Svc", logtiers.ServiceLogsProps{Service: "svc", LogGroupPrefix: "/other", Destination: r})
	if err == nil || !strings.Contains(err.Error(), "logtiers service logs S/Svc: forwarding[0].destination: log groups /other/svc/*") ||
		!strings.Contains(err.Error(), "outside the prefix /o11yscale/* that the log router S/LogRouter") {
		t.Fatalf("err = %v", err)
	}
}

func TestRouterPropsValidateTheSettingsAndNewRouterTheArchive(t *testing.T) {
	err := logtiers.RouterProps{ForwardTiers: []logtiers.Tier{"FATAL"}, MinStatus: 700, LogLevel: "chatty", LogGroupPrefix: "o11yscale"}.Validate()
	want := []string{"logGroupPrefix", "forwardTiers[0]", "minStatus", "logLevel"}
	var got []string
	for _, fe := range validation.Fields(err) {
		got = append(got, fe.Path)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("paths %v, want %v:\n%v", got, want, err)
	}
	_, stack := newStack(t)
	if _, err := logtiers.NewRouter(stack, "LogRouter", logtiers.RouterProps{}); err == nil ||
		!strings.HasPrefix(err.Error(), "logtiers router S/LogRouter: archive: <empty> is not allowed") {
		t.Fatalf("err = %v", err)
	}
}
