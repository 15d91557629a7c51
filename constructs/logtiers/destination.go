package logtiers

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// DestinationKind is the kind of resource a subscription filter delivers
// to; it decides which options apply (Distribution is Kinesis only).
type DestinationKind string

// Destination kinds.
const (
	KindLambda   DestinationKind = "lambda"
	KindFirehose DestinationKind = "firehose"
	KindKinesis  DestinationKind = "kinesis"
)

// SubscriptionDestination is where a service's subscription filters send
// events, in the spirit of CDK's awslogs.ILogSubscriptionDestination: the
// destination, not the caller, knows which ARN, role and permission a
// filter needs. Implementations: *Router (the log router), LambdaDestination
// and StreamDestination. Implementations must be comparable (pointer
// types): a service binds each destination once.
type SubscriptionDestination interface {
	// SubscriptionKind is the kind of the destination.
	SubscriptionKind() DestinationKind
	// BindSubscription is called once per service that forwards to the
	// destination, with scope the service's construct (where per-service
	// resources such as a permission or a role may be created) and the
	// prefix of the service's log group names, e.g. /o11yscale/checkout-api/.
	BindSubscription(scope constructs.Construct, logGroupNamePrefix string) (SubscriptionConfig, error)
}

// SubscriptionConfig is what a bound destination gives the filters.
type SubscriptionConfig struct {
	// Arn of the destination (may be a CDK token).
	Arn string
	// Role CloudWatch Logs assumes to deliver; nil for a Lambda.
	Role awsiam.IRole
	// DependsOn must exist before the filters: CloudWatch Logs
	// test-delivers when a filter is created. Nil when nothing is needed.
	DependsOn constructs.IDependable
}

// LambdaDestination is any Lambda function as a destination.
type LambdaDestination struct {
	// Function receives the events. Required.
	Function awslambda.IFunction
	// Permission lets CloudWatch Logs invoke Function for the service's log
	// groups (see AllowLogsToInvoke). At scale pass one shared permission:
	// a Lambda resource policy holds about 20 KB, far fewer than one
	// statement per log group of 200 services. Default: one permission per
	// service, for its own log groups. The log router (NewRouter) owns one.
	Permission constructs.IDependable
}

// SubscriptionKind is KindLambda.
func (d *LambdaDestination) SubscriptionKind() DestinationKind { return KindLambda }

// BindSubscription creates the service's invoke permission unless a shared
// one is given.
func (d *LambdaDestination) BindSubscription(scope constructs.Construct, prefix string) (SubscriptionConfig, error) {
	if d.Function == nil {
		return SubscriptionConfig{}, fmt.Errorf("lambda destination: Function is required")
	}
	perm := d.Permission
	if perm == nil {
		perm = AllowLogsToInvoke(scope, "InvokePermission", d.Function, prefix)
	}
	return SubscriptionConfig{Arn: *d.Function.FunctionArn(), DependsOn: perm}, nil
}

// StreamDestination is a Firehose or Kinesis stream as a destination. A
// Firehose stream must accept CloudWatch Logs' gzip envelopes, so it is
// not the archive's stream, which partitions JSON records.
type StreamDestination struct {
	// Kind is KindFirehose or KindKinesis. Required.
	Kind DestinationKind
	// Arn of the stream. Required.
	Arn string
	// Role lets CloudWatch Logs put to the stream; create one per region
	// with NewSubscriptionRole. Default: one role per service scoped to the
	// stream (IAM allows 1,000 roles per account by default, so pass a
	// shared role at scale).
	Role awsiam.IRole
}

// SubscriptionKind is the stream's Kind.
func (d *StreamDestination) SubscriptionKind() DestinationKind { return d.Kind }

// BindSubscription creates the service's role unless a shared one is
// given.
func (d *StreamDestination) BindSubscription(scope constructs.Construct, prefix string) (SubscriptionConfig, error) {
	if d.Kind != KindFirehose && d.Kind != KindKinesis {
		return SubscriptionConfig{}, fmt.Errorf("stream destination: Kind %q is not %s or %s", d.Kind, KindFirehose, KindKinesis)
	}
	if d.Arn == "" {
		return SubscriptionConfig{}, fmt.Errorf("stream destination: Arn is required")
	}
	role := d.Role
	if role == nil {
		id := "ForwardRole"
		for n := 2; scope.Node().TryFindChild(jsii.String(id)) != nil; n++ {
			id = fmt.Sprintf("ForwardRole%d", n)
		}
		rp := SubscriptionRoleProps{LogGroupPrefix: prefix, DeliveryStreamArn: d.Arn}
		if d.Kind == KindKinesis {
			rp = SubscriptionRoleProps{LogGroupPrefix: prefix, StreamArn: d.Arn}
		}
		created, err := NewSubscriptionRole(scope, id, rp)
		if err != nil {
			return SubscriptionConfig{}, err
		}
		role = created
	}
	cfg := SubscriptionConfig{Arn: d.Arn, Role: role}
	// The role itself is referenced (RoleArn); its policy is not.
	if policy := role.Node().TryFindChild(jsii.String("DefaultPolicy")); policy != nil {
		cfg.DependsOn = policy
	}
	return cfg, nil
}
