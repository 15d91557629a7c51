package oam

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/oamsink/contract"
)

// ReaderProps configures the role the workload accounts' lookups assume
// in the monitoring account.
type ReaderProps struct {
	// Name is the platform name; the role is contract.ReaderRoleName(name).
	// Required.
	Name string
	// SourceAccounts may assume it, and in each only the lookup roles
	// (contract.LookupRoleName). Required.
	SourceAccounts []string
	// OrganizationID, when set, also requires the caller to be in the
	// organization. Default: none.
	OrganizationID string
	// Regions are the monitoring regions whose sink parameter the role may
	// read. Required.
	Regions []string
}

// Validate checks every field at once.
func (p ReaderProps) Validate() error {
	var v validation.Errors
	if !platRE.MatchString(p.Name) {
		v.Add("name", p.Name, "lowercase letters, digits and hyphens, starting with a letter, 1-20 characters")
	}
	checkAccounts(&v, "sourceAccounts", p.SourceAccounts)
	if p.OrganizationID != "" && !orgRE.MatchString(p.OrganizationID) {
		v.Add("organizationId", p.OrganizationID, "an AWS Organizations id such as o-a1b2c3d4e5")
	}
	if len(p.Regions) == 0 {
		v.Add("regions", nil, "at least one monitoring region")
	}
	for i, r := range p.Regions {
		if !regionRE.MatchString(r) {
			v.Add(validation.Index("regions", i), r, "an AWS region code such as eu-west-1")
		}
	}
	return v.Err()
}

// Reader is the sink-ARN reader role of the monitoring account.
type Reader struct {
	constructs.Construct
	// Role may only read the sink parameters.
	Role awsiam.Role
}

// NewReader creates the reader role. Its trust names each source account
// (never "*") and, through aws:PrincipalArn, only that account's lookup
// roles; one wildcard ARN covers every account and region, so the trust
// policy grows by one principal per account, not per account-region
// (the role trust policy length is an IAM quota:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
func NewReader(scope constructs.Construct, id string, props ReaderProps) (*Reader, error) {
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("oam %s/%s: %w", *scope.Node().Path(), id, err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	stack := awscdk.Stack_Of(c)
	partition := *stack.Partition()
	principals := make([]awsiam.IPrincipal, len(props.SourceAccounts))
	for i, a := range props.SourceAccounts {
		principals[i] = awsiam.NewAccountPrincipal(jsii.String(a))
	}
	conditions := map[string]any{
		"ArnLike": map[string]any{"aws:PrincipalArn": fmt.Sprintf("arn:%s:iam::*:role/%s", partition, contract.LookupRolePattern(props.Name))},
	}
	if props.OrganizationID != "" {
		conditions["StringEquals"] = map[string]any{"aws:PrincipalOrgID": props.OrganizationID}
	}
	role := awsiam.NewRole(c, jsii.String("Role"), &awsiam.RoleProps{
		RoleName:    jsii.String(contract.ReaderRoleName(props.Name)),
		Description: jsii.String("Lets the o11yscale " + props.Name + " workload accounts read the OAM sink ARNs, and nothing else"),
		AssumedBy:   awsiam.NewPrincipalWithConditions(principals[0], &conditions),
	})
	if len(principals) > 1 {
		rest := principals[1:]
		role.AssumeRolePolicy().AddStatements(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:    jsii.Strings("sts:AssumeRole"),
			Principals: &rest,
			Conditions: &conditions,
		}))
	}
	params := make([]*string, len(props.Regions))
	for i, r := range props.Regions {
		params[i] = jsii.String(ParameterArn(partition, r, *stack.Account(), props.Name))
	}
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadSinkArns"),
		Actions:   jsii.Strings("ssm:GetParameter"),
		Resources: &params,
	}))
	return &Reader{Construct: c, Role: role}, nil
}

// ParameterArn is the ARN of the sink parameter in a monitoring region.
func ParameterArn(partition, region, account, platform string) string {
	return fmt.Sprintf("arn:%s:ssm:%s:%s:parameter%s", partition, region, account, contract.ParameterName(platform))
}

// ReaderRoleArn is the reader role's ARN in the monitoring account.
func ReaderRoleArn(partition, account, platform string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, contract.ReaderRoleName(platform))
}
