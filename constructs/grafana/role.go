package grafana

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/constructs/nag"
)

// Read-only actions the workspace role needs that support no resource-level
// permissions, so they get Resource "*" limited to the data source regions
// by aws:RequestedRegion.
var (
	// metricReadActions serve the CloudWatch metric queries and the
	// metric/dimension pickers.
	metricReadActions = []string{"cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics"}
	// logQueryActions list log groups and follow a Logs Insights query
	// started on a permitted log group.
	logQueryActions = []string{"logs:DescribeLogGroups", "logs:GetQueryResults", "logs:StopQuery"}
	// traceReadActions are what Grafana's X-Ray data source calls.
	traceReadActions = []string{"xray:BatchGetTraces", "xray:GetGroups", "xray:GetInsight", "xray:GetInsightSummaries",
		"xray:GetServiceGraph", "xray:GetTimeSeriesServiceStatistics", "xray:GetTraceGraph", "xray:GetTraceSummaries"}
	// regionListActions fill the data sources' region picker.
	regionListActions = []string{"ec2:DescribeRegions"}
	// logGroupActions support log-group resources and are scoped to the
	// readable prefixes in each region.
	logGroupActions = []string{"logs:GetLogEvents", "logs:GetLogGroupFields", "logs:StartQuery"}
)

// dataSourceRegions are the regions the provisioned data sources query:
// every workload region plus the central region.
func dataSourceRegions(p Props) []string {
	var out []string
	for _, ds := range dashboard.DataSources(p.Platform) {
		if ds.Type == dashboard.CloudWatchType {
			out = append(out, ds.Region)
		}
	}
	return out
}

// newWorkspaceRole creates the least-privilege role Grafana assumes.
func newWorkspaceRole(c constructs.Construct, p Props) awsiam.Role {
	stack := awscdk.Stack_Of(c)
	partition, account := *stack.Partition(), *stack.Account()
	var roleName *string
	if p.Analysis.On() {
		roleName = jsii.String(WorkspaceRoleName(p.Name))
	}
	role := awsiam.NewRole(c, jsii.String("WorkspaceRole"), &awsiam.RoleProps{
		RoleName: roleName,
		// Only Managed Grafana workspaces of this account may assume it
		// (confused-deputy protection).
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("grafana.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{
				"StringEquals": map[string]any{"aws:SourceAccount": account},
				"StringLike":   map[string]any{"aws:SourceArn": fmt.Sprintf("arn:%s:grafana:%s:%s:/workspaces/*", partition, *stack.Region(), account)},
			},
		}),
		Description: jsii.String("Managed Grafana reads CloudWatch, Logs and X-Ray in the o11yscale regions"),
	})
	regions := dataSourceRegions(p)
	var wildcard []string
	wildcard = append(wildcard, metricReadActions...)
	wildcard = append(wildcard, logQueryActions...)
	wildcard = append(wildcard, traceReadActions...)
	wildcard = append(wildcard, regionListActions...)
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("ReadWithoutResourceLevelPermissions"),
		Actions:    jsii.Strings(wildcard...),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": regions}},
	}))

	var logGroups, nagLogGroups []string
	nagPartition, nagAccount := nagForm(partition, "<AWS::Partition>"), nagForm(account, "<AWS::AccountId>")
	for _, region := range regions {
		for _, prefix := range p.LogGroupPrefixes {
			logGroups = append(logGroups, fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s/*", partition, region, account, prefix))
			nagLogGroups = append(nagLogGroups, fmt.Sprintf("Resource::arn:%s:logs:%s:%s:log-group:%s/*", nagPartition, region, nagAccount, prefix))
		}
	}
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("QueryPlatformLogGroups"),
		Actions:   jsii.Strings(logGroupActions...),
		Resources: jsii.Strings(logGroups...),
	}))
	nagCollections := addAnalysisRead(role, p, partition, account)
	if len(p.AlertTopics) > 0 {
		topics := make([]*string, len(p.AlertTopics))
		for i, t := range p.AlertTopics {
			topics[i] = t.TopicArn()
		}
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("PublishAlerts"),
			Actions:   jsii.Strings("sns:Publish"),
			Resources: &topics,
		}))
	}
	if len(p.AlertTopicKeys) > 0 {
		keys := make([]*string, len(p.AlertTopicKeys))
		for i, k := range p.AlertTopicKeys {
			keys[i] = k.KeyArn()
		}
		// SNS encrypts each published message with a data key from the
		// topic's key, on the publisher's behalf.
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("EncryptAlertsThroughSNS"),
			Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey"),
			Resources:  &keys,
			Conditions: &map[string]any{"StringLike": map[string]any{"kms:ViaService": "sns.*.amazonaws.com"}},
		}))
	}
	nag.Suppress(role.Node().TryFindChild(jsii.String("DefaultPolicy")), nag.Suppression{
		ID:        "AwsSolutions-IAM5",
		AppliesTo: append(append([]string{"Resource::*"}, nagLogGroups...), nagCollections...),
		Reason: "CloudWatch metric reads, Logs query results, X-Ray reads and ec2:DescribeRegions support no resource-level permissions " +
			"(read-only, limited to the data source regions by aws:RequestedRegion); Logs Insights queries are limited to the platform's log group prefixes" +
			analysisReason(p),
	})
	return role
}

// addAnalysisRead lets the role find and search the analysis tier's
// collection in every workload region, when the tier is on. A collection's
// ARN holds its generated id, so the grant is collection/* narrowed to the
// collection's name by the aoss:collection condition key, which both
// actions support
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonopensearchserverless.html;
// BatchGetCollection has no resource type, so Resource "*":
// https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-collection-permissions.html).
// The collection's data-access policy must also name the role as a reader;
// the platform does that in each region. It returns the collection
// resources as cdk-nag prints them.
func addAnalysisRead(role awsiam.Role, p Props, partition, account string) []string {
	if !p.Analysis.On() {
		return nil
	}
	byName := map[string]any{"aoss:collection": p.Analysis.Collection}
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("FindAnalysisCollections"),
		Actions:   jsii.Strings("aoss:BatchGetCollection"),
		Resources: jsii.Strings("*"),
		Conditions: &map[string]any{"StringEquals": map[string]any{
			"aoss:collection": p.Analysis.Collection, "aws:RequestedRegion": p.Regions,
		}},
	}))
	var arns, nagArns []string
	nagPartition, nagAccount := nagForm(partition, "<AWS::Partition>"), nagForm(account, "<AWS::AccountId>")
	for _, r := range p.Regions {
		arns = append(arns, fmt.Sprintf("arn:%s:aoss:%s:%s:collection/*", partition, r, account))
		nagArns = append(nagArns, fmt.Sprintf("Resource::arn:%s:aoss:%s:%s:collection/*", nagPartition, r, nagAccount))
	}
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("SearchAnalysisCollections"),
		Actions:    jsii.Strings("aoss:APIAccessAll"),
		Resources:  jsii.Strings(arns...),
		Conditions: &map[string]any{"StringEquals": byName},
	}))
	return nagArns
}

func analysisReason(p Props) string {
	if !p.Analysis.On() {
		return ""
	}
	return "; the analysis collections are matched by name (aoss:collection " + p.Analysis.Collection +
		"), since a collection ARN holds a generated id"
}

// nagForm is how cdk-nag prints a value in a finding: an unresolved
// pseudo parameter as <AWS::Name>, a literal as itself.
func nagForm(value, pseudo string) string {
	if *awscdk.Token_IsUnresolved(jsii.String(value)) {
		return pseudo
	}
	return value
}
