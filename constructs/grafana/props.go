package grafana

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Defaults of Props fields left at their zero value.
const (
	DefaultMode = ModeCloudWatch
	// DefaultWorkspaceName is the WorkspaceName of the default platform
	// name (dashboard.DefaultName).
	DefaultWorkspaceName  = dashboard.DefaultName
	DefaultGrafanaVersion = "10.4"
	// DefaultCloudWatchDashboardName is the CloudWatchDashboardName of the
	// default platform name: CloudWatchDashboardName(dashboard.DefaultName).
	DefaultCloudWatchDashboardName = dashboard.DefaultName + cloudWatchDashboardSuffix
	DefaultProvisionerTimeout      = 10 * time.Minute
)

// Props configures the single pane of glass: a Managed Grafana workspace
// with provisioned dashboards, the CloudWatch dashboard fallback, or both.
//
// The embedded Platform (workload regions, services, API name, ...) is what
// every dashboard is generated from.
type Props struct {
	dashboard.Platform

	// Mode chooses what is deployed. Managed Grafana with AWS_SSO needs
	// IAM Identity Center enabled (see README), so the default deploys only
	// what works in every account. Default: ModeCloudWatch.
	Mode Mode
	// WorkspaceName names the Grafana workspace: 1-255 letters, digits or
	// - . _ ~. Default: the platform name (Platform.Name), e.g. "o11yscale".
	WorkspaceName string
	// AccountAccess is CurrentAccount or Organization.
	// Default: CurrentAccount.
	AccountAccess AccountAccess
	// OrganizationalUnits the workspace may read from; required with
	// Organization, not allowed otherwise. Default: none.
	OrganizationalUnits []string
	// Authentication lists the sign-in providers, AWSSSO and/or SAML.
	// Default: [AWSSSO] (IAM Identity Center).
	Authentication []AuthProvider
	// SAML configures SAML sign-in; required when Authentication has SAML.
	SAML SAMLSettings
	// PermissionType of the workspace. Default: ServiceManaged.
	PermissionType PermissionType
	// DataSources are workspace data source types beyond CLOUDWATCH and
	// XRAY, which are always present, e.g. DataSourcePrometheus. They only
	// enable the type: the workspace role gets no permissions for them (add
	// them through Observability.WorkspaceRole). Default: none.
	DataSources []DataSourceType
	// AlertTopics are SNS topics Grafana alerts may publish to; the
	// workspace role gets sns:Publish on exactly these. Default: none.
	AlertTopics []awssns.ITopic
	// AlertTopicKeys are the KMS keys encrypting AlertTopics; the
	// workspace role may use them only through SNS. Default: none.
	AlertTopicKeys []awskms.IKey
	// LogGroupPrefixes are the log group name prefixes Grafana may query
	// with CloudWatch Logs Insights, e.g. "/o11yscale".
	// Default: [LogGroupPrefix] (the platform's tier log groups).
	LogGroupPrefixes []string
	// GrafanaVersion of the workspace, 10.4 or newer: the dashboards use
	// schemaVersion 39 and provisioning needs service accounts.
	// Default: "10.4".
	GrafanaVersion string
	// CloudWatchDashboardName names the fallback dashboard: 1-255 letters,
	// digits, - or _. Default: "<Platform.Name>-global-api-performance"
	// (CloudWatchDashboardName(Name)), e.g.
	// "o11yscale-global-api-performance".
	CloudWatchDashboardName string
	// ProvisionerTimeout of the provisioning Lambda, 5m-15m: long enough
	// to upsert hundreds of dashboards with retries, and never longer than
	// the provisioning token lives (15m). Default: 10m.
	ProvisionerTimeout time.Duration
	// Vpc connects the workspace to a VPC, so it reaches private data
	// sources there, e.g. a private analysis collection through an
	// OpenSearch Serverless VPC endpoint in that VPC. Once set, all the
	// workspace's data-source traffic flows through the VPC, so CloudWatch
	// and X-Ray need a NAT gateway or interface endpoints there
	// (https://docs.aws.amazon.com/grafana/latest/userguide/AMG-configure-vpc.html).
	// Default: none (traffic to data sources over the public internet).
	Vpc WorkspaceVpc
}

// WorkspaceVpc is the workspace's VPC configuration: 2-6 subnets and 1-5
// security groups, all of one VPC
// (https://docs.aws.amazon.com/grafana/latest/APIReference/API_VpcConfiguration.html).
type WorkspaceVpc struct {
	// VpcID of the subnets, e.g. "vpc-0123456789abcdef0": the platform
	// creates the OpenSearch Serverless VPC endpoint of the analysis tier
	// in it. Required with SubnetIDs.
	VpcID string
	// SubnetIDs, 2-6, in different Availability Zones.
	SubnetIDs []string
	// SecurityGroupIDs, 1-5; they must allow HTTPS out to the endpoints
	// the workspace reaches.
	SecurityGroupIDs []string
}

// On reports whether a VPC is configured.
func (v WorkspaceVpc) On() bool {
	return v.VpcID != "" || len(v.SubnetIDs) > 0 || len(v.SecurityGroupIDs) > 0
}

func (v WorkspaceVpc) validate(errs *validation.Errors) {
	if !v.On() {
		return
	}
	if !vpcIDPattern.MatchString(v.VpcID) && !unresolvedID(v.VpcID) {
		errs.Add("vpc.vpcId", v.VpcID, "the VPC id of the subnets (vpc-…)")
	}
	if n := len(v.SubnetIDs); n < 2 || n > 6 {
		errs.Add("vpc.subnetIds", n, "2-6 subnet ids (the workspace's VpcConfiguration)")
	}
	eachOnce(errs, "vpc.subnetIds", v.SubnetIDs, func(s string) bool { return subnetIDPattern.MatchString(s) || unresolvedID(s) }, "a subnet id (subnet-…)")
	if n := len(v.SecurityGroupIDs); n < 1 || n > 5 {
		errs.Add("vpc.securityGroupIds", n, "1-5 security group ids (the workspace's VpcConfiguration)")
	}
	eachOnce(errs, "vpc.securityGroupIds", v.SecurityGroupIDs, func(s string) bool { return sgIDPattern.MatchString(s) || unresolvedID(s) }, "a security group id (sg-…)")
}

var (
	vpcIDPattern    = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	subnetIDPattern = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	sgIDPattern     = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
)

// unresolvedID reports a CDK token (e.g. an imported VPC's id).
func unresolvedID(s string) bool { return strings.Contains(s, "${Token[") }

const cloudWatchDashboardSuffix = "-global-api-performance"

// CloudWatchDashboardName is the default name of the CloudWatch dashboard
// of the platform name: "<name>-global-api-performance".
func CloudWatchDashboardName(name string) string { return name + cloudWatchDashboardSuffix }

func (p Props) withDefaults() Props {
	p.Platform = p.Platform.WithDefaults()
	if p.Mode == "" {
		p.Mode = DefaultMode
	}
	if p.WorkspaceName == "" {
		p.WorkspaceName = p.Name
	}
	if p.AccountAccess == "" {
		p.AccountAccess = CurrentAccount
	}
	if len(p.Authentication) == 0 {
		p.Authentication = []AuthProvider{AWSSSO}
	}
	if p.PermissionType == "" {
		p.PermissionType = ServiceManaged
	}
	if len(p.LogGroupPrefixes) == 0 {
		p.LogGroupPrefixes = []string{p.LogGroupPrefix}
	}
	if p.GrafanaVersion == "" {
		p.GrafanaVersion = DefaultGrafanaVersion
	}
	if p.CloudWatchDashboardName == "" {
		p.CloudWatchDashboardName = CloudWatchDashboardName(p.Name)
	}
	if p.ProvisionerTimeout == 0 {
		p.ProvisionerTimeout = DefaultProvisionerTimeout
	}
	return p
}

// grafana reports whether the mode deploys the Grafana workspace.
func (p Props) grafana() bool { return p.Mode == ModeGrafana || p.Mode == ModeBoth }

// DeploysWorkspace reports whether props (with defaults) deploy the
// Managed Grafana workspace and its role.
func (p Props) DeploysWorkspace() bool { return p.withDefaults().grafana() }

// WorkspaceRoleName is the workspace role's name when the analysis tier is
// on: fixed, so each region's collection can name the role as a reader
// without a cross-region reference (CDK has none). Without the tier the
// role keeps a generated name.
func WorkspaceRoleName(platformName string) string {
	if platformName == "" {
		platformName = dashboard.DefaultName
	}
	return platformName + "-grafana-workspace"
}

// cloudWatch reports whether the mode deploys the CloudWatch dashboard.
func (p Props) cloudWatch() bool { return p.Mode == ModeCloudWatch || p.Mode == ModeBoth }

var (
	workspaceNamePattern = regexp.MustCompile(`^[a-zA-Z0-9-._~]{1,255}$`)
	cwDashboardPattern   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	ouPattern            = regexp.MustCompile(`^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$`)
	logPrefixPattern     = regexp.MustCompile(`^(/[A-Za-z0-9._#-]+)+$`)
	versionPattern       = regexp.MustCompile(`^([0-9]{1,3})\.([0-9]{1,3})$`)
)

// Validate reports every invalid field of the complete props at once.
// Paths are the fields' lowerCamel names (saml.assertions.role), the
// embedded platform's fields (regions, services, ...) without a prefix.
func (p Props) Validate() error {
	var v validation.Errors
	v.Merge("", p.Platform.Validate())
	d := p.withDefaults()
	if !slices.Contains([]Mode{ModeGrafana, ModeCloudWatch, ModeBoth}, d.Mode) {
		v.Add("mode", string(p.Mode), "grafana, cloudwatch or both (default: cloudwatch)")
	}
	if !workspaceNamePattern.MatchString(d.WorkspaceName) {
		v.Add("workspaceName", p.WorkspaceName, "1-255 letters, digits or - . _ ~")
	}
	switch d.AccountAccess {
	case CurrentAccount:
		if len(p.OrganizationalUnits) > 0 {
			v.Add("organizationalUnits", p.OrganizationalUnits, "empty unless accountAccess is ORGANIZATION")
		}
	case Organization:
		if len(p.OrganizationalUnits) == 0 {
			v.Add("organizationalUnits", nil, "at least one organizational unit (ou-xxxx-xxxxxxxx) or root (r-xxxx) with accountAccess ORGANIZATION")
		}
	default:
		v.Add("accountAccess", string(p.AccountAccess), "CURRENT_ACCOUNT or ORGANIZATION (default: CURRENT_ACCOUNT)")
	}
	eachOnce(&v, "organizationalUnits", p.OrganizationalUnits, ouPattern.MatchString, "an organizational unit id (ou-xxxx-xxxxxxxx) or root id (r-xxxx)")
	eachOnce(&v, "authentication", strs(p.Authentication), func(s string) bool { return s == string(AWSSSO) || s == string(SAML) }, "AWS_SSO or SAML")
	if slices.Contains(d.Authentication, SAML) {
		p.SAML.validate(&v)
	} else if !p.SAML.isZero() {
		v.Add("saml", "settings", "empty unless authentication includes SAML")
	}
	if d.PermissionType != ServiceManaged && d.PermissionType != CustomerManaged {
		v.Add("permissionType", string(p.PermissionType), "SERVICE_MANAGED or CUSTOMER_MANAGED (default: SERVICE_MANAGED)")
	}
	known := strs(KnownDataSources)
	eachOnce(&v, "dataSources", strs(p.DataSources), func(s string) bool { return slices.Contains(known, s) }, "one of "+strings.Join(known, ", "))
	validateAlerts(&v, p.AlertTopics, p.AlertTopicKeys)
	eachOnce(&v, "logGroupPrefixes", p.LogGroupPrefixes, logPrefixPattern.MatchString,
		"a log group path such as /o11yscale, starting with '/' and without a trailing '/' or wildcards")
	if !grafanaVersionOK(d.GrafanaVersion) {
		v.Add("grafanaVersion", p.GrafanaVersion, "a Managed Grafana version of 10.4 or newer, e.g. 10.4 (schemaVersion 39 dashboards and service accounts)")
	}
	if !cwDashboardPattern.MatchString(d.CloudWatchDashboardName) {
		v.Add("cloudWatchDashboardName", p.CloudWatchDashboardName, "1-255 letters, digits, - or _")
	}
	if d.ProvisionerTimeout < 5*time.Minute || d.ProvisionerTimeout > 15*time.Minute {
		v.Add("provisionerTimeout", p.ProvisionerTimeout.String(), "5m-15m (the provisioning token lives 15m)")
	}
	p.Vpc.validate(&v)
	if p.Vpc.On() && !d.grafana() {
		v.Add("vpc.vpcId", p.Vpc.VpcID, "no VPC unless mode deploys the workspace (grafana or both)")
	}
	return v.Err()
}

func grafanaVersionOK(s string) bool {
	m := versionPattern.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return major > 10 || major == 10 && minor >= 4
}

// validateAlerts reports nil and repeated topics and keys, and keys
// without topics. Two entries are the same when their ARNs are (a token
// ARN stands for one construct's attribute).
func validateAlerts(v *validation.Errors, topics []awssns.ITopic, keys []awskms.IKey) {
	seen := map[string]bool{}
	for i, t := range topics {
		switch {
		case t == nil:
			v.Add(validation.Index("alertTopics", i), nil, "an SNS topic (awssns.ITopic)")
		case seen[*t.TopicArn()]:
			v.Add(validation.Index("alertTopics", i), *t.TopicArn(), "each topic once")
		default:
			seen[*t.TopicArn()] = true
		}
	}
	for i, k := range keys {
		switch {
		case k == nil:
			v.Add(validation.Index("alertTopicKeys", i), nil, "a KMS key (awskms.IKey)")
		case seen[*k.KeyArn()]:
			v.Add(validation.Index("alertTopicKeys", i), *k.KeyArn(), "each key once")
		default:
			seen[*k.KeyArn()] = true
		}
	}
	if len(keys) > 0 && len(topics) == 0 {
		v.Add("alertTopicKeys", fmt.Sprintf("%d keys", len(keys)), "empty unless alertTopics lists the topics they encrypt")
	}
}

// eachOnce reports every value of list that is invalid or repeated.
func eachOnce(v *validation.Errors, path string, list []string, valid func(string) bool, allowed string) {
	seen := map[string]bool{}
	for i, s := range list {
		switch {
		case !valid(s):
			v.Add(validation.Index(path, i), s, allowed)
		case seen[s]:
			v.Add(validation.Index(path, i), s, "each value once")
		}
		seen[s] = true
	}
}

func shorten(s string) string {
	if len(s) <= 60 {
		return s
	}
	return fmt.Sprintf("%s... (%d characters)", s[:60], len(s))
}
