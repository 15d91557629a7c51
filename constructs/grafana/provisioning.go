package grafana

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/constructs/nag"
	"github.com/o11yscale/o11yscale/internal/naming"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"
)

// ProvisioningResourceType is the custom resource's CloudFormation type.
const ProvisioningResourceType = contract.ResourceType

// provisionerActions are the control-plane calls the provisioner makes:
// find or create its service account, mint and revoke a short-lived token,
// and delete the account on stack deletion.
var provisionerActions = []string{
	"grafana:CreateWorkspaceServiceAccount",
	"grafana:CreateWorkspaceServiceAccountToken",
	"grafana:DeleteWorkspaceServiceAccount",
	"grafana:DeleteWorkspaceServiceAccountToken",
	"grafana:ListWorkspaceServiceAccounts",
}

// provisionerRetries is golambda's default for asynchronous invocations,
// which is how CloudFormation invokes a custom resource Lambda.
const provisionerRetries = 2

// provision creates the provisioner Lambda and the custom resource that
// invokes it.
func (o *Observability) provision(c constructs.Construct, p Props) error {
	stack := awscdk.Stack_Of(c)
	platform, err := json.Marshal(p.Platform.Contract())
	if err != nil {
		return fmt.Errorf("encoding the platform for the provisioner: %w", err)
	}
	dataSources, err := json.Marshal(dashboard.DataSources(p.Platform))
	if err != nil {
		return fmt.Errorf("encoding data sources: %w", err)
	}
	folders, err := json.Marshal(dashboard.Folders(p.Platform))
	if err != nil {
		return fmt.Errorf("encoding folders: %w", err)
	}

	fn, err := golambda.NewFunction(c, "Provisioner", golambda.Props{
		ImportPath:    ProvisionerImportPath,
		Timeout:       p.ProvisionerTimeout,
		RetryAttempts: provisionerRetries,
		Environment:   map[string]string{contract.EnvMetricNamespace: naming.PipelineNamespace(p.Name)},
		Description:   "Provisions Managed Grafana data sources, folders and dashboards (o11yscale)",
	})
	if err != nil {
		return err
	}
	o.Provisioner = fn
	workspaceArn := fmt.Sprintf("arn:%s:grafana:%s:%s:/workspaces/%s",
		*stack.Partition(), *stack.Region(), *stack.Account(), *o.Workspace.AttrId())
	fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ManageProvisioningServiceAccount"),
		Actions:   jsii.Strings(provisionerActions...),
		Resources: jsii.Strings(workspaceArn),
	}))
	if p.Analysis.On() {
		// The provisioner reads each region's collection endpoint for the
		// OpenSearch data sources; BatchGetCollection has no resource type,
		// so "*" narrowed by name and region
		// (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-collection-permissions.html).
		fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("FindAnalysisCollections"),
			Actions:   jsii.Strings("aoss:BatchGetCollection"),
			Resources: jsii.Strings("*"),
			Conditions: &map[string]any{"StringEquals": map[string]any{
				"aoss:collection": p.Analysis.Collection, "aws:RequestedRegion": p.Regions,
			}},
		}))
		nag.Suppress(fn.Role.Node().TryFindChild(jsii.String("DefaultPolicy")), nag.Suppression{
			ID: "AwsSolutions-IAM5", AppliesTo: []string{"Resource::*"},
			Reason: "aoss:BatchGetCollection supports no resource-level permissions; it is limited to the analysis collection's name " +
				"(aoss:collection) in the workload regions (aws:RequestedRegion) and reads only the collection's endpoint",
		})
	}

	// The Dashboards themselves are not properties: the provisioner
	// regenerates them from Platform, because 200 services in 6 regions
	// render to more than the 1 MB a template may hold. ContentHash stands
	// in for them, so a content change still sends an Update.
	o.Provisioning = awscdk.NewCustomResource(c, jsii.String("Provisioning"), &awscdk.CustomResourceProps{
		ServiceToken: fn.Function.FunctionArn(),
		ResourceType: jsii.String(ProvisioningResourceType),
		// Every attempt answers before its deadline; the bound only matters
		// if the Lambda dies on every asynchronous attempt, and beats the
		// default hour of waiting.
		ServiceTimeout: awscdk.Duration_Seconds(jsii.Number(serviceTimeout(p).Seconds())),
		Properties: &map[string]any{
			contract.PropWorkspaceID:       o.Workspace.AttrId(),
			contract.PropWorkspaceEndpoint: o.Workspace.AttrEndpoint(),
			contract.PropRegion:            stack.Region(),
			contract.PropDataSources:       string(dataSources),
			contract.PropFolders:           string(folders),
			contract.PropPlatform:          string(platform),
			contract.PropContentHash:       o.ContentHash,
		},
	})
	return nil
}

// serviceTimeout is how long CloudFormation waits for the custom resource:
// every asynchronous attempt plus Lambda's retry delays (about 1 and 2
// minutes), capped at CloudFormation's 1 hour.
func serviceTimeout(p Props) time.Duration {
	return min(time.Duration(provisionerRetries+1)*p.ProvisionerTimeout+5*time.Minute, time.Hour)
}

// SyncOpenSearchDataSources runs the provisioner once more, from a custom
// resource in scope's stack, for the OpenSearch data sources alone. The
// central stack's provisioning runs before the workload stacks create the
// collections, so on a first deployment those data sources stay pending;
// a stack that depends on every stack creating a collection (the
// platform's "<name>-grafana-datasources") ends `cdk deploy --all` with
// them in place. Its DataSources property lists each region's collection
// and index, so adding or removing a region or renaming the collection
// updates it and runs the provisioner again; deleting it removes exactly
// those data sources and its own service account. scope must be in the
// workspace's account and region (the function and workspace are
// referenced across stacks there). It returns nil, nil when the
// dashboards search no collection.
func (o *Observability) SyncOpenSearchDataSources(scope constructs.Construct, id string, p Props) (awscdk.CustomResource, error) {
	if o.Provisioner == nil {
		return nil, fmt.Errorf("grafana %s: SyncOpenSearchDataSources: the mode deploys no workspace, so there is no provisioner", *o.Node().Path())
	}
	var sources []dashboard.DataSource
	for _, ds := range dashboard.DataSources(p.withDefaults().Platform) {
		if ds.Type == dashboard.OpenSearchType {
			sources = append(sources, ds)
		}
	}
	if len(sources) == 0 {
		return nil, nil
	}
	body, err := json.Marshal(sources)
	if err != nil {
		return nil, fmt.Errorf("encoding data sources: %w", err)
	}
	return awscdk.NewCustomResource(scope, jsii.String(id), &awscdk.CustomResourceProps{
		ServiceToken:   o.Provisioner.Function.FunctionArn(),
		ResourceType:   jsii.String(ProvisioningResourceType),
		ServiceTimeout: awscdk.Duration_Seconds(jsii.Number(serviceTimeout(p.withDefaults()).Seconds())),
		Properties: &map[string]any{
			contract.PropWorkspaceID:       o.Workspace.AttrId(),
			contract.PropWorkspaceEndpoint: o.Workspace.AttrEndpoint(),
			contract.PropRegion:            awscdk.Stack_Of(o.Workspace).Region(),
			contract.PropDataSources:       string(body),
		},
	}), nil
}
