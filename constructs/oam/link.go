package oam

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsoam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/oamsink/contract"
)

// LookupImportPath is the sink-ARN lookup Lambda's main package.
const LookupImportPath = "github.com/o11yscale/o11yscale/lambdas/oamsink"

// LinkProps configures the link of one workload account-region to the
// sink of the same region in the monitoring account.
type LinkProps struct {
	// Name is the platform name. Required.
	Name string
	// MonitoringAccount holds the sink and the reader role. Required.
	MonitoringAccount string
	// ResourceTypes shared. Default: DefaultResourceTypes. The sink's
	// policy must allow every one of them.
	ResourceTypes []ResourceType
	// LogGroupFilter selects the shared log groups (OAM filter syntax).
	// Default: DefaultLogGroupFilter(Name), the platform's log groups.
	LogGroupFilter string
	// MetricFilter selects the shared namespaces. Default:
	// DefaultMetricFilter(Name), the platform's namespaces.
	MetricFilter string
	// LabelTemplate labels the account in the monitoring account's
	// consoles. Default: "$AccountName".
	LabelTemplate string
	// SinkArn, when known, is used as is and no lookup is created (escape
	// hatch). Default: looked up through the reader role.
	SinkArn string
}

func (p LinkProps) withDefaults() LinkProps {
	if len(p.ResourceTypes) == 0 {
		p.ResourceTypes = DefaultResourceTypes
	}
	if p.LogGroupFilter == "" {
		p.LogGroupFilter = DefaultLogGroupFilter(p.Name)
	}
	if p.MetricFilter == "" {
		p.MetricFilter = DefaultMetricFilter(p.Name)
	}
	if p.LabelTemplate == "" {
		p.LabelTemplate = "$AccountName"
	}
	return p
}

// Validate checks every field at once.
func (p LinkProps) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	if !platRE.MatchString(p.Name) {
		v.Add("name", p.Name, "lowercase letters, digits and hyphens, starting with a letter, 1-20 characters")
	}
	if !accountRE.MatchString(p.MonitoringAccount) {
		v.Add("monitoringAccount", p.MonitoringAccount, "the 12-digit monitoring account id")
	}
	checkTypes(&v, "resourceTypes", p.ResourceTypes)
	checkFilter(&v, "logGroupFilter", "LogGroupName", p.LogGroupFilter)
	checkFilter(&v, "metricFilter", "Namespace", p.MetricFilter)
	// Label templates are 1-64 characters (cfn-lint's AWS::Oam::Link schema).
	if len(p.LabelTemplate) > 64 {
		v.Add("labelTemplate", p.LabelTemplate, "at most 64 characters, e.g. $AccountName")
	}
	if p.SinkArn != "" && contract.CheckSinkArn(p.SinkArn, p.MonitoringAccount, sinkRegion(p.SinkArn)) != nil {
		v.Add("sinkArn", p.SinkArn, "an OAM sink ARN in the monitoring account %s", p.MonitoringAccount)
	}
	return v.Err()
}

// sinkRegion is the region field of an ARN ("" when it has none).
func sinkRegion(arn string) string {
	if parts := strings.Split(arn, ":"); len(parts) > 3 {
		return parts[3]
	}
	return ""
}

// Link is a workload account-region's OAM link and, unless the sink ARN
// was given, the lookup that learns it.
type Link struct {
	constructs.Construct
	// Link is the AWS::Oam::Link (escape hatch).
	Link awsoam.CfnLink
	// Lookup is the sink-ARN custom resource and its Lambda; nil when
	// LinkProps.SinkArn is set.
	Lookup         awscdk.CustomResource
	LookupFunction *golambda.Function
}

// lookupTimeout bounds one lookup: an AssumeRole and a GetParameter.
const lookupTimeout = 30 * time.Second

// NewLink creates the link; in a stack of the monitoring account itself
// no link is possible (an account cannot link to its own sink), which is
// the caller's to avoid.
func NewLink(scope constructs.Construct, id string, props LinkProps) (*Link, error) {
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("oam %s/%s: %w", *scope.Node().Path(), id, err)
	}
	props = props.withDefaults()
	c := constructs.NewConstruct(scope, jsii.String(id))
	stack := awscdk.Stack_Of(c)
	l := &Link{Construct: c}
	sinkArn := jsii.String(props.SinkArn)
	if props.SinkArn == "" {
		region := *stack.Region()
		if *awscdk.Token_IsUnresolved(stack.Region()) {
			return nil, fmt.Errorf("oam %s: the stack needs an explicit region: the link's lookup reads that region's sink", *c.Node().Path())
		}
		fn, err := golambda.NewFunction(c, "Lookup", golambda.Props{
			ImportPath:  LookupImportPath,
			Timeout:     lookupTimeout,
			RoleName:    contract.LookupRoleName(props.Name, region),
			Description: "Reads the monitoring account's OAM sink ARN for this region's link (o11yscale)",
		})
		if err != nil {
			return nil, err
		}
		reader := ReaderRoleArn(*stack.Partition(), props.MonitoringAccount, props.Name)
		fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("AssumeSinkReader"),
			Actions:   jsii.Strings("sts:AssumeRole"),
			Resources: jsii.Strings(reader),
		}))
		l.LookupFunction = fn
		l.Lookup = awscdk.NewCustomResource(c, jsii.String("SinkArn"), &awscdk.CustomResourceProps{
			ServiceToken: fn.Function.FunctionArn(),
			ResourceType: jsii.String(contract.ResourceType),
			// Three asynchronous attempts and Lambda's retry delays.
			ServiceTimeout: awscdk.Duration_Minutes(jsii.Number(5)),
			Properties: &map[string]any{
				contract.PropReaderRoleArn: reader,
				contract.PropParameterName: contract.ParameterName(props.Name),
				contract.PropRegion:        region,
			},
		})
		sinkArn = l.Lookup.GetAttString(jsii.String(contract.AttrSinkArn))
	}
	types := make([]*string, len(props.ResourceTypes))
	for i, t := range props.ResourceTypes {
		types[i] = jsii.String(string(t))
	}
	cfg := &awsoam.CfnLink_LinkConfigurationProperty{}
	if slices.Contains(props.ResourceTypes, LogGroups) {
		cfg.LogGroupConfiguration = &awsoam.CfnLink_LinkFilterProperty{Filter: jsii.String(props.LogGroupFilter)}
	}
	if slices.Contains(props.ResourceTypes, Metrics) {
		cfg.MetricConfiguration = &awsoam.CfnLink_LinkFilterProperty{Filter: jsii.String(props.MetricFilter)}
	}
	l.Link = awsoam.NewCfnLink(c, jsii.String("Resource"), &awsoam.CfnLinkProps{
		ResourceTypes:     &types,
		SinkIdentifier:    sinkArn,
		LabelTemplate:     jsii.String(props.LabelTemplate),
		LinkConfiguration: cfg,
	})
	return l, nil
}
