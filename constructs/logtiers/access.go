package logtiers

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// logGroupArnPattern matches every log group whose name starts with
// namePrefix in scope's account and region.
func logGroupArnPattern(scope constructs.Construct, namePrefix string) *string {
	stack := awscdk.Stack_Of(scope)
	return jsii.String(fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s*", *stack.Partition(), *stack.Region(), *stack.Account(), namePrefix))
}

// AllowLogsToInvoke lets CloudWatch Logs invoke fn for subscription filters
// on every log group of this account and region whose name starts with
// logGroupPrefix (e.g. "/o11yscale/"). One such permission per function
// replaces one per log group, which would overflow the function's 20 KB
// resource policy long before 200 services. Pass it as
// LambdaDestination.Permission; NewRouter creates the router's own.
func AllowLogsToInvoke(scope constructs.Construct, id string, fn awslambda.IFunction, logGroupPrefix string) awslambda.CfnPermission {
	return awslambda.NewCfnPermission(scope, jsii.String(id), &awslambda.CfnPermissionProps{
		Action:        jsii.String("lambda:InvokeFunction"),
		FunctionName:  fn.FunctionArn(),
		Principal:     jsii.String("logs.amazonaws.com"),
		SourceAccount: awscdk.Stack_Of(scope).Account(),
		SourceArn:     logGroupArnPattern(scope, logGroupPrefix),
	})
}

// SubscriptionRoleProps configures NewSubscriptionRole. Exactly one of the
// ARNs is set.
type SubscriptionRoleProps struct {
	// DeliveryStreamArn is a Firehose stream to put to.
	DeliveryStreamArn string
	// StreamArn is a Kinesis stream to put to.
	StreamArn string
	// Name is the platform name; the default LogGroupPrefix derives from
	// it. Default: "o11yscale" (DefaultName).
	Name string
	// LogGroupPrefix limits which log groups may use the role. Default:
	// "/<Name>/" (LogGroupPrefix(Name) + "/"), e.g. "/o11yscale/".
	LogGroupPrefix string
}

// NewSubscriptionRole creates the role CloudWatch Logs assumes to deliver
// subscription filter events to a Firehose or Kinesis stream, allowed to
// put records to that one stream only, and only for log groups under the
// prefix. Create one per region and share it.
func NewSubscriptionRole(scope constructs.Construct, id string, props SubscriptionRoleProps) (awsiam.Role, error) {
	if (props.DeliveryStreamArn == "") == (props.StreamArn == "") {
		return nil, fmt.Errorf("logtiers subscription role %s/%s: set exactly one of DeliveryStreamArn and StreamArn", *scope.Node().Path(), id)
	}
	name := props.Name
	if name == "" {
		name = DefaultName
	}
	var v validation.Errors
	validateName(&v, name)
	if err := v.Err(); err != nil {
		return nil, fmt.Errorf("logtiers subscription role %s/%s: %w", *scope.Node().Path(), id, err)
	}
	prefix := props.LogGroupPrefix
	if prefix == "" {
		prefix = LogGroupPrefix(name) + "/"
	}
	role := awsiam.NewRole(scope, jsii.String(id), &awsiam.RoleProps{
		Description: jsii.String("CloudWatch Logs subscription filters deliver to one stream"),
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("logs.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"ArnLike": map[string]any{"aws:SourceArn": logGroupArnPattern(scope, prefix)}},
		}),
	})
	actions, arn := jsii.Strings("firehose:PutRecord", "firehose:PutRecordBatch"), props.DeliveryStreamArn
	if props.StreamArn != "" {
		actions, arn = jsii.Strings("kinesis:PutRecord", "kinesis:PutRecords"), props.StreamArn
	}
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   actions,
		Resources: jsii.Strings(arn),
	}))
	return role, nil
}
