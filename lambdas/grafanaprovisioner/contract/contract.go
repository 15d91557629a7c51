// Package contract is what the grafana construct (constructs/grafana), its
// dashboards (constructs/grafana/dashboard) and the grafanaprovisioner
// Lambda agree on: the custom resource's type, property names and wire
// shapes, the Lambda's environment variables, its metrics, and the
// workspace URLs. It imports neither the AWS SDK nor the CDK.
package contract

import (
	"bytes"
	"encoding/json"
	"github.com/o11yscale/o11yscale/lambdas/internal/namespace"
	"regexp"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// ResourceType is the custom resource's CloudFormation type.
const ResourceType = "Custom::GrafanaProvisioning"

// Names of the custom resource's properties (ResourceProperties' JSON keys).
const (
	PropServiceToken      = "ServiceToken"
	PropWorkspaceID       = "WorkspaceId"
	PropWorkspaceEndpoint = "WorkspaceEndpoint"
	PropRegion            = "Region"
	PropDataSources       = "DataSources"
	PropFolders           = "Folders"
	PropDashboards        = "Dashboards"
	PropPlatform          = "Platform"
	PropContentHash       = "ContentHash"
)

// Environment variables the Lambda reads.
const (
	// EnvHostSuffix is the required end of WorkspaceEndpoint, so the token
	// is only ever sent to a Managed Grafana host; set but empty disables
	// the check. Default: DefaultHostSuffix.
	EnvHostSuffix = "GRAFANA_HOST_SUFFIX"
	// EnvEndpointScheme is the scheme of the workspace API.
	// Default: DefaultEndpointScheme.
	EnvEndpointScheme = "GRAFANA_ENDPOINT_SCHEME"
	// EnvMetricNamespace is the CloudWatch namespace of the Lambda's EMF
	// self-metrics, "<Platform>/Pipeline" for the deploying platform.
	// Optional: unset, the Lambda uses MetricNamespace ("O11yscale/Pipeline").
	EnvMetricNamespace = "METRIC_NAMESPACE"
)

// Defaults of the environment variables.
const (
	DefaultHostSuffix     = ".amazonaws.com"
	DefaultEndpointScheme = "https"
)

// The Lambda's EMF metrics: namespace, dimension and metric names.
const (
	// MetricNamespace is the default when EnvMetricNamespace is unset: the
	// default platform's pipeline namespace.
	MetricNamespace = "O11yscale/Pipeline"
	// DimensionFunction is the metrics' one dimension; its value is
	// FunctionName.
	DimensionFunction = "Function"
	FunctionName      = "grafanaprovisioner"

	MetricProvisioningFailed = "ProvisioningFailed"
	MetricObjectsWritten     = "ObjectsWritten"
	MetricObjectsUnchanged   = "ObjectsUnchanged"
	MetricObjectsDeleted     = "ObjectsDeleted"
	MetricGrafanaRetries     = "GrafanaRetries"
	// MetricDataSourcesPending counts OpenSearch data sources skipped
	// because their region's collection does not exist or is not usable
	// yet (the central stack deploys before the regional ones).
	MetricDataSourcesPending = "DataSourcesPending"
	MetricDurationMs         = "DurationMs"
)

// TokenSecondsToLive is the lifetime of the provisioning token: the
// Lambda's maximum run time (15 minutes), so a token whose deletion failed
// expires soon. The construct bounds the Lambda's timeout by it.
const TokenSecondsToLive = 900

// WorkspaceURL is the sign-in URL of the workspace whose endpoint (host)
// is endpoint, e.g. https://g-0123456789.grafana-workspace.us-east-1.amazonaws.com.
func WorkspaceURL(endpoint string) string { return DefaultEndpointScheme + "://" + endpoint }

// DashboardURL is the address of the dashboard uid in that workspace.
func DashboardURL(endpoint, uid string) string { return WorkspaceURL(endpoint) + "/d/" + uid }

// PhysicalID is the custom resource's physical id: stable per workspace,
// so updates keep it and moving to another workspace replaces the
// resource (CloudFormation then deletes from the old workspace).
func PhysicalID(workspaceID string) string { return "grafana-provisioning-" + workspaceID }

// ResourceProperties are the custom resource's properties. CloudFormation
// passes every scalar as a string, so the lists are JSON documents inside
// strings (a JSON list given directly is accepted too).
type ResourceProperties struct {
	// ServiceToken is the Lambda ARN; CloudFormation always adds it.
	ServiceToken string `json:"ServiceToken,omitempty"`
	// WorkspaceID is the Managed Grafana workspace id, e.g. g-0123456789.
	WorkspaceID string `json:"WorkspaceId"`
	// WorkspaceEndpoint is the workspace host, e.g.
	// g-0123456789.grafana-workspace.us-east-1.amazonaws.com.
	WorkspaceEndpoint string `json:"WorkspaceEndpoint"`
	// Region is the workspace's region, for the control-plane client.
	Region string `json:"Region"`
	// DataSources is a JSON list of DataSource; type is cloudwatch or
	// grafana-x-ray-datasource.
	DataSources JSONText `json:"DataSources"`
	// Folders is a JSON list of Folder.
	Folders JSONText `json:"Folders,omitempty"`
	// Dashboards is a JSON list of DashboardSpec: explicit dashboards.
	Dashboards JSONText `json:"Dashboards,omitempty"`
	// Platform is a JSON Platform; the provisioner generates the
	// dashboards from it. This keeps a large platform's dashboards (about
	// 1.1 MB compact for 200 services in 6 regions) out of the template,
	// which CloudFormation caps at 1 MB.
	Platform JSONText `json:"Platform,omitempty"`
	// ContentHash changes whenever the dashboards change, so CloudFormation
	// sends an Update. The construct computes it from the rendered content.
	ContentHash string `json:"ContentHash,omitempty"`
}

var (
	workspaceIDPattern = regexp.MustCompile(`^g-[0-9a-f]{10}$`)
	hostPattern        = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?$`)
	regionPattern      = regexp.MustCompile(`^[a-z]{2}(-gov|-iso|-isob)?-[a-z]+-[1-9][0-9]?$`)
)

// IsWorkspaceID reports whether s is a Managed Grafana workspace id.
func IsWorkspaceID(s string) bool { return workspaceIDPattern.MatchString(s) }

// IsRegion reports whether s looks like an AWS region code.
func IsRegion(s string) bool { return regionPattern.MatchString(s) }

// Validate checks the scalar properties; the JSON lists are decoded and
// checked by the Lambda, which knows the dashboards they generate.
func (rp ResourceProperties) Validate() error {
	var v validation.Errors
	if !IsWorkspaceID(rp.WorkspaceID) {
		v.Add(PropWorkspaceID, rp.WorkspaceID, "a Managed Grafana workspace id such as g-0123456789")
	}
	if !hostPattern.MatchString(rp.WorkspaceEndpoint) {
		v.Add(PropWorkspaceEndpoint, rp.WorkspaceEndpoint, "the workspace host name without scheme or path, e.g. g-0123456789.grafana-workspace.us-east-1.amazonaws.com")
	}
	if !IsRegion(rp.Region) {
		v.Add(PropRegion, rp.Region, "the workspace's AWS region code, e.g. us-east-1")
	}
	return v.Err()
}

// JSONText holds a JSON document passed either as a string (what
// CloudFormation does with scalars) or inline.
type JSONText string

// UnmarshalJSON accepts a JSON string holding a document, or the document.
func (t *JSONText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = JSONText(s)
		return nil
	}
	if string(b) == "null" {
		*t = ""
		return nil
	}
	*t = JSONText(b)
	return nil
}

// DataSource is one Grafana data source the dashboards reference by uid,
// as listed in the DataSources property.
type DataSource struct {
	UID    string `json:"uid"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Region string `json:"region"`
	// Collection, Index and TimeField are set on OpenSearchType sources
	// only: the OpenSearch Serverless collection (by name; the provisioner
	// looks its endpoint up in Region), the index searched and its time
	// field.
	Collection string `json:"collection,omitempty"`
	Index      string `json:"index,omitempty"`
	TimeField  string `json:"timeField,omitempty"`
}

// OpenSearchType is the plugin id of Grafana's OpenSearch data source
// (https://grafana.com/docs/plugins/grafana-opensearch-datasource/latest/configure.md),
// which Managed Grafana offers for OpenSearch Serverless collections
// (https://docs.aws.amazon.com/grafana/latest/userguide/using-Amazon-OpenSearch-in-AMG.html).
const OpenSearchType = "grafana-opensearch-datasource"

// Folder is a Grafana folder, as listed in the Folders property.
type Folder struct {
	UID   string `json:"uid"`
	Title string `json:"title"`
}

// DashboardSpec is one explicit dashboard of the Dashboards property.
type DashboardSpec struct {
	UID    string          `json:"uid"`
	Folder string          `json:"folder"`
	Model  json.RawMessage `json:"model"`
}

// Platform is the wire form of the platform the dashboards are generated
// from (the Platform property); dashboard.Platform converts to and from it.
type Platform struct {
	Name               string         `json:"name,omitempty"`
	CentralRegion      string         `json:"centralRegion,omitempty"`
	Regions            []string       `json:"regions,omitempty"`
	Services           []string       `json:"services,omitempty"`
	APIName            string         `json:"apiName,omitempty"`
	LogTiers           []string       `json:"logTiers,omitempty"`
	LogGroupPrefix     string         `json:"logGroupPrefix,omitempty"`
	ServiceMetrics     ServiceMetrics `json:"serviceMetrics,omitempty"`
	PipelineNamespace  string         `json:"pipelineNamespace,omitempty"`
	CentralStreamName  string         `json:"centralStreamName,omitempty"`
	DeliveryStreamName string         `json:"deliveryStreamName,omitempty"`
	SLOs               []SLO          `json:"slos,omitempty"`
	// Analysis is set when the analysis tier is on; absent, the JSON is
	// what it was before the tier existed.
	Analysis *Analysis `json:"analysis,omitempty"`
}

// Analysis is the wire form of dashboard.Analysis.
type Analysis struct {
	Collection string   `json:"collection"`
	ErrorIndex string   `json:"errorIndex"`
	TimeField  string   `json:"timeField,omitempty"`
	Regions    []string `json:"regions,omitempty"`
}

// SLO is the wire form of dashboard.SLO.
type SLO struct {
	Service string  `json:"service"`
	Name    string  `json:"name"`
	Goal    float64 `json:"goal"`
	Windows []int   `json:"windows,omitempty"`
}

// ServiceMetrics is the wire form of dashboard.ServiceMetrics.
type ServiceMetrics struct {
	Namespace string `json:"namespace,omitempty"`
	Dimension string `json:"dimension,omitempty"`
	Requests  string `json:"requests,omitempty"`
	Errors    string `json:"errors,omitempty"`
	Duration  string `json:"duration,omitempty"`
}

// MetricNamespaceFromEnv is the namespace the Lambda writes its metrics
// to: EnvMetricNamespace read through getenv (os.Getenv in the Lambda), or
// MetricNamespace when it is unset or blank.
func MetricNamespaceFromEnv(getenv func(string) string) string {
	return namespace.FromEnv(getenv, EnvMetricNamespace, MetricNamespace)
}
