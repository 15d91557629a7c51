package sampling

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsxray"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/retention"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Log groups X-Ray writes to once Transaction Search is on: every span
// lands in aws/spans, and Application Signals data in
// /aws/application-signals/data
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Transaction-Search-Cloudformation.html).
const (
	SpansLogGroupName              = "aws/spans"
	ApplicationSignalsLogGroupName = "/aws/application-signals/data"
)

// Transaction Search defaults.
const (
	// DefaultIndexingPercentage is the share of spans indexed as trace
	// summaries: 1%, the share indexed free of charge
	// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Enable-TransactionSearch.html).
	DefaultIndexingPercentage = 1
	// DefaultSpansRetentionDays keeps spans as long as the ERROR log tier.
	DefaultSpansRetentionDays = 30
)

// TransactionSearchProps configures Transaction Search in the stack's
// account and region: the AWS::XRay::TransactionSearchConfig, the
// CloudWatch Logs resource policy that lets X-Ray write spans, and the two
// log groups X-Ray writes to, created here so their retention is set (and
// checked by the platform's retention guard; an Aspect cannot see groups a
// service creates at run time). It is an account-region singleton: one
// stack per account and region may enable it.
type TransactionSearchProps struct {
	// Disabled leaves Transaction Search alone. The X-Ray OTLP endpoint
	// (ExporterOTLP) needs it on. Default: false.
	Disabled bool
	// IndexingPercentage of spans is indexed as X-Ray trace summaries,
	// above 0 and at most 100. Default: 1 (free).
	IndexingPercentage float64
	// RetentionDays of aws/spans and /aws/application-signals/data, one of
	// CloudWatch Logs' retention values. Default: 30.
	RetentionDays int
	// PolicyName of the CloudWatch Logs resource policy, 1-256 characters.
	// An account has at most 10 such policies per region
	// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html).
	// Default: "<Props.Name>-TransactionSearch".
	PolicyName string
}

func (t TransactionSearchProps) withDefaults(name string) TransactionSearchProps {
	if t.IndexingPercentage == 0 {
		t.IndexingPercentage = DefaultIndexingPercentage
	}
	if t.RetentionDays == 0 {
		t.RetentionDays = DefaultSpansRetentionDays
	}
	if t.PolicyName == "" {
		t.PolicyName = name + "-TransactionSearch"
	}
	return t
}

func validateTransactionSearch(v *validation.Errors, p Props) {
	t := p.TransactionSearch
	if t.Disabled {
		if !p.TailSampling.Disabled && p.TailSampling.Exporter == ExporterOTLP {
			v.Add("transactionSearch.disabled", true,
				"false while tailSampling.exporter is %q: the X-Ray OTLP endpoint requires Transaction Search (or use exporter %q)", ExporterOTLP, ExporterXRayLegacy)
		}
		return
	}
	// CloudFormation's schema: IndexingPercentage 0-100
	// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-xray-transactionsearchconfig.html).
	if !(t.IndexingPercentage > 0 && t.IndexingPercentage <= 100) {
		v.Add("transactionSearch.indexingPercentage", t.IndexingPercentage, "a percentage above 0 and at most 100 (default 1, the free share)")
	}
	if !retention.Valid(t.RetentionDays) {
		v.Add("transactionSearch.retentionDays", t.RetentionDays, "%s", retention.Allowed(t.RetentionDays))
	}
	if n := len(t.PolicyName); n < 1 || n > 256 {
		v.Add("transactionSearch.policyName", t.PolicyName, "1-256 characters")
	}
}

// TransactionSearch is what NewTracing creates for Transaction Search.
type TransactionSearch struct {
	Config                     awsxray.CfnTransactionSearchConfig
	Policy                     awslogs.CfnResourcePolicy
	SpansLogGroup              awslogs.LogGroup
	ApplicationSignalsLogGroup awslogs.LogGroup
}

func newTransactionSearch(scope constructs.Construct, t TransactionSearchProps) *TransactionSearch {
	stack := awscdk.Stack_Of(scope)
	group := func(id, name string) awslogs.LogGroup {
		return awslogs.NewLogGroup(scope, jsii.String(id), &awslogs.LogGroupProps{
			LogGroupName: jsii.String(name),
			Retention:    retention.Enum(t.RetentionDays),
			// X-Ray writes to these groups whatever the stack does; a stack
			// deletion must not delete the spans. An existing group (from
			// Transaction Search enabled in the console) is adopted with
			// `cdk import`, which needs this DeletionPolicy.
			RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		})
	}
	ts := &TransactionSearch{
		SpansLogGroup:              group("SpansLogGroup", SpansLogGroupName),
		ApplicationSignalsLogGroup: group("ApplicationSignalsLogGroup", ApplicationSignalsLogGroupName),
	}
	arn := func(service, resource string) string {
		return "arn:" + *stack.Partition() + ":" + service + ":" + *stack.Region() + ":" + *stack.Account() + ":" + resource
	}
	// The documented policy: X-Ray may put log events into the two groups,
	// only on behalf of this account's X-Ray.
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       "TransactionSearchXRayAccess",
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": "xray.amazonaws.com"},
			"Action":    "logs:PutLogEvents",
			"Resource": []string{
				arn("logs", "log-group:"+SpansLogGroupName+":*"),
				arn("logs", "log-group:"+ApplicationSignalsLogGroupName+":*"),
			},
			"Condition": map[string]any{
				"ArnLike":      map[string]any{"aws:SourceArn": arn("xray", "*")},
				"StringEquals": map[string]any{"aws:SourceAccount": *stack.Account()},
			},
		}},
	}
	ts.Policy = awslogs.NewCfnResourcePolicy(scope, jsii.String("TransactionSearchPolicy"), &awslogs.CfnResourcePolicyProps{
		PolicyName:     jsii.String(t.PolicyName),
		PolicyDocument: stack.ToJsonString(doc, nil),
	})
	ts.Config = awsxray.NewCfnTransactionSearchConfig(scope, jsii.String("TransactionSearch"), &awsxray.CfnTransactionSearchConfigProps{
		IndexingPercentage: jsii.Number(t.IndexingPercentage),
	})
	// X-Ray starts writing spans once the config exists: the policy and
	// the groups (with their retention) must be there first.
	ts.Config.AddDependency(ts.Policy)
	for _, g := range []awslogs.LogGroup{ts.SpansLogGroup, ts.ApplicationSignalsLogGroup} {
		ts.Config.Node().AddDependency(g)
	}
	return ts
}
