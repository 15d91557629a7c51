package metricstream

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/nag"
	"github.com/o11yscale/o11yscale/internal/naming"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

// ForwarderImportPath is the forwarder Lambda's main package.
const ForwarderImportPath = "github.com/o11yscale/o11yscale/lambdas/forwarder"

// Lambda's environment is limited to 4 KB in all; larger metric sets go
// to an SSM parameter, whose Advanced tier holds at most 8 KB.
const (
	inlineConfigLimit = 3072
	MaxConfigBytes    = 8192
)

// Forwarder is one region's scheduled metric forwarder.
type Forwarder struct {
	constructs.Construct
	Function *golambda.Function
	Rule     awsevents.Rule
	// ConfigParameter holds the metric set when it is too large for the
	// Lambda environment; nil otherwise.
	ConfigParameter awsssm.StringParameter
}

// NewForwarder creates the forwarder Lambda and its schedule.
func NewForwarder(scope constructs.Construct, id string, props ForwarderProps) (*Forwarder, error) {
	if err := props.Validate(); err != nil {
		return nil, pathError(scope, id, err)
	}
	p := props.withDefaults()
	stack := awscdk.Stack_Of(scope)
	names := p.Central.CentralNames()
	account := p.Central.CentralAccount()
	if account == "" {
		account = *stack.Account()
	}
	writerRole := fmt.Sprintf("arn:%s:iam::%s:role/%s", *stack.Partition(), account, names.WriterRole())
	cfg := p.lambdaConfig(writerRole)
	doc, err := json.Marshal(cfg)
	if err != nil {
		return nil, pathError(scope, id, err)
	}
	// The role ARN holds tokens that resolve to at most ~60 more bytes.
	if len(doc)+64 > MaxConfigBytes {
		return nil, pathError(scope, id, fmt.Errorf("metrics: a forwarder config of %d bytes is not allowed; at most %d (an Advanced SSM parameter): forward fewer metrics, or use searches (one SEARCH covers a whole namespace dimension)",
			len(doc)+64, MaxConfigBytes))
	}
	c := constructs.NewConstruct(scope, &id)
	out := &Forwarder{Construct: c}

	fp := p.Function
	fp.ImportPath = ForwarderImportPath
	if fp.Timeout == 0 {
		fp.Timeout = 2 * time.Minute
	}
	env := map[string]string{"LOG_LEVEL": "INFO", contract.EnvMetricNamespace: naming.PipelineNamespace(names.Platform)}
	for k, val := range fp.Environment {
		env[k] = val
	}
	if len(doc) <= inlineConfigLimit {
		env[contract.EnvConfig] = string(doc)
	} else {
		out.ConfigParameter = awsssm.NewStringParameter(c, jsii.String("Config"), &awsssm.StringParameterProps{
			StringValue: jsii.String(string(doc)),
			Tier:        awsssm.ParameterTier_ADVANCED,
			Description: jsii.String("o11yscale forwarder metric set"),
		})
		env[contract.EnvConfigParameter] = *out.ConfigParameter.ParameterName()
	}
	fp.Environment = env
	// The writer role trusts only roles with the forwarder prefix.
	fp.RoleName = names.ForwarderRolePrefix() + *stack.Region()
	fn, err := golambda.NewFunction(c, "Function", fp)
	if err != nil {
		return nil, pathError(scope, id, err)
	}
	out.Function = fn
	if out.ConfigParameter != nil {
		out.ConfigParameter.GrantRead(fn.Role)
	}
	fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("sts:AssumeRole"),
		Resources: jsii.Strings(writerRole),
	}))
	fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("cloudwatch:GetMetricData"),
		Resources: jsii.Strings("*"),
	}))
	nag.Suppress(fn.Role.Node().TryFindChild(jsii.String("DefaultPolicy")), nag.Suppression{ID: "AwsSolutions-IAM5", AppliesTo: []string{"Resource::*"},
		Reason: "cloudwatch:GetMetricData and the X-Ray write actions support no resource-level permissions; the stream is reached only through the scoped writer role"})

	out.Rule = awsevents.NewRule(c, jsii.String("Schedule"), &awsevents.RuleProps{
		// A cron on interval boundaries, not rate(): the forwarder's window
		// tolerates the most delivery jitter for events on the boundary.
		Schedule:    awsevents.Schedule_Expression(jsii.String(cfg.ScheduleExpression())),
		Description: jsii.String("Runs the o11yscale metric forwarder; each run forwards one aligned window"),
	})
	out.Rule.AddTarget(awseventstargets.NewLambdaFunction(fn.Function, &awseventstargets.LambdaFunctionProps{
		RetryAttempts: jsii.Number(2),
		MaxEventAge:   awscdk.Duration_Hours(jsii.Number(1)),
	}))
	return out, nil
}
