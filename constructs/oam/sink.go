package oam

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsoam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/oamsink/contract"
)

// SinkProps configures the sink of one monitoring region.
type SinkProps struct {
	// Name is the platform name; the sink is "<name>-sink" and its ARN is
	// published at contract.ParameterName(name). Required.
	Name string
	// SourceAccounts may link to the sink: the workload accounts with
	// workloads in its region. Default: none, and then the sink has no
	// policy and no account may link (a sink region, such as the central
	// one, where only the monitoring account runs workloads).
	SourceAccounts []string
	// OrganizationID, when set, also requires every linking account to be
	// in that organization (aws:PrincipalOrgID). Default: none.
	OrganizationID string
	// ResourceTypes are the only types a link may share. Default:
	// DefaultResourceTypes.
	ResourceTypes []ResourceType
}

func (p SinkProps) withDefaults() SinkProps {
	if len(p.ResourceTypes) == 0 {
		p.ResourceTypes = DefaultResourceTypes
	}
	return p
}

// Validate checks every field at once.
func (p SinkProps) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	if !platRE.MatchString(p.Name) {
		v.Add("name", p.Name, "lowercase letters, digits and hyphens, starting with a letter, 1-20 characters")
	}
	if len(p.SourceAccounts) > 0 {
		checkAccounts(&v, "sourceAccounts", p.SourceAccounts)
	}
	if p.OrganizationID != "" && !orgRE.MatchString(p.OrganizationID) {
		v.Add("organizationId", p.OrganizationID, "an AWS Organizations id such as o-a1b2c3d4e5")
	}
	checkTypes(&v, "resourceTypes", p.ResourceTypes)
	return v.Err()
}

// Sink is an OAM sink and the parameter publishing its ARN.
type Sink struct {
	constructs.Construct
	// Sink is the AWS::Oam::Sink (escape hatch).
	Sink awsoam.CfnSink
	// Parameter holds the sink's ARN for the workload accounts' lookups.
	Parameter awsssm.StringParameter
	// Policy is the sink policy document as synthesized (nil without
	// source accounts).
	Policy map[string]any
}

// SinkName is the name of every region's sink.
func SinkName(platform string) string { return platform + "-sink" }

// NewSink creates the sink with its policy and publishes its ARN.
func NewSink(scope constructs.Construct, id string, props SinkProps) (*Sink, error) {
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("oam %s/%s: %w", *scope.Node().Path(), id, err)
	}
	props = props.withDefaults()
	c := constructs.NewConstruct(scope, jsii.String(id))
	stack := awscdk.Stack_Of(c)
	s := &Sink{Construct: c}
	sinkProps := &awsoam.CfnSinkProps{Name: jsii.String(SinkName(props.Name))}
	if len(props.SourceAccounts) > 0 {
		s.Policy = SinkPolicy(*stack.Partition(), props)
		sinkProps.Policy = s.Policy
	}
	s.Sink = awsoam.NewCfnSink(c, jsii.String("Resource"), sinkProps)
	// Standard tier: the ARN is far below its 4 KB
	// (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html).
	s.Parameter = awsssm.NewStringParameter(c, jsii.String("Arn"), &awsssm.StringParameterProps{
		ParameterName: jsii.String(contract.ParameterName(props.Name)),
		StringValue:   s.Sink.AttrArn(),
		Description:   jsii.String("ARN of the o11yscale " + props.Name + " OAM sink in this region, read by the workload accounts' links"),
		Tier:          awsssm.ParameterTier_STANDARD,
	})
	return s, nil
}

// SinkPolicy is the sink's resource policy: oam:CreateLink and
// oam:UpdateLink only for the source accounts as principals (never "*"),
// only when every shared type is one of the configured ones, and, with an
// organization id, only from inside the organization
// (https://docs.aws.amazon.com/OAM/latest/APIReference/API_PutSinkPolicy.html).
func SinkPolicy(partition string, props SinkProps) map[string]any {
	props = props.withDefaults()
	principals := make([]any, len(props.SourceAccounts))
	for i, a := range props.SourceAccounts {
		principals[i] = fmt.Sprintf("arn:%s:iam::%s:root", partition, a)
	}
	types := make([]any, len(props.ResourceTypes))
	for i, t := range props.ResourceTypes {
		types[i] = string(t)
	}
	condition := map[string]any{"ForAllValues:StringEquals": map[string]any{"oam:ResourceTypes": types}}
	if props.OrganizationID != "" {
		condition["StringEquals"] = map[string]any{"aws:PrincipalOrgID": props.OrganizationID}
	}
	return map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       "LinkFromConfiguredAccounts",
			"Effect":    "Allow",
			"Principal": map[string]any{"AWS": principals},
			"Action":    []any{"oam:CreateLink", "oam:UpdateLink"},
			// In a sink policy the resource is the sink itself.
			"Resource":  "*",
			"Condition": condition,
		}},
	}
}
