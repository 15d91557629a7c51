package grafana

// Mode chooses which single pane of glass is deployed.
type Mode string

// Modes.
const (
	// ModeGrafana deploys the Managed Grafana workspace and its dashboards.
	ModeGrafana Mode = "grafana"
	// ModeCloudWatch deploys only the CloudWatch dashboard fallback.
	ModeCloudWatch Mode = "cloudwatch"
	// ModeBoth deploys both.
	ModeBoth Mode = "both"
)

// The CloudFormation enums below (AWS::Grafana::Workspace properties, see
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-grafana-workspace.html)
// have no jsii enum in awsgrafana, which has only L1 constructs; their
// values are the CloudFormation strings, so string(value) is the mapping.

// AccountAccess is the workspace's AccountAccessType.
type AccountAccess string

// Account access types of the workspace.
const (
	CurrentAccount AccountAccess = "CURRENT_ACCOUNT"
	Organization   AccountAccess = "ORGANIZATION"
)

// AuthProvider is one of the workspace's AuthenticationProviders.
type AuthProvider string

// Authentication providers of the workspace.
const (
	AWSSSO AuthProvider = "AWS_SSO"
	SAML   AuthProvider = "SAML"
)

// PermissionType is the workspace's PermissionType: who manages the
// permissions of the workspace role. Both work with the role this
// construct creates and passes.
type PermissionType string

// Permission types of the workspace.
const (
	ServiceManaged  PermissionType = "SERVICE_MANAGED"
	CustomerManaged PermissionType = "CUSTOMER_MANAGED"
)

// DataSourceType is one of the workspace's DataSources.
type DataSourceType string

// Workspace data source types Managed Grafana accepts.
const (
	DataSourceCloudWatch              DataSourceType = "CLOUDWATCH"
	DataSourceXRay                    DataSourceType = "XRAY"
	DataSourcePrometheus              DataSourceType = "PROMETHEUS"
	DataSourceAmazonOpenSearchService DataSourceType = "AMAZON_OPENSEARCH_SERVICE"
	DataSourceAthena                  DataSourceType = "ATHENA"
	DataSourceTimestream              DataSourceType = "TIMESTREAM"
	DataSourceSiteWise                DataSourceType = "SITEWISE"
	DataSourceRedshift                DataSourceType = "REDSHIFT"
)

// AlwaysDataSources are the workspace data sources every workspace gets:
// the dashboards query CloudWatch and X-Ray.
var AlwaysDataSources = []DataSourceType{DataSourceCloudWatch, DataSourceXRay}

// KnownDataSources are the values Managed Grafana accepts in DataSources.
var KnownDataSources = []DataSourceType{DataSourceCloudWatch, DataSourceXRay, DataSourcePrometheus, DataSourceAmazonOpenSearchService, DataSourceAthena, DataSourceTimestream, DataSourceSiteWise, DataSourceRedshift}

func strs[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}
