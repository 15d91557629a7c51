package config

import (
	"regexp"
	"slices"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Grafana is the grafana: section: Managed Grafana and the CloudWatch
// dashboard fallback. Regions, services and the central region come from
// the platform; the dashboards' other inputs (apiName, logTiers, ...) sit
// inline. GrafanaProps maps it to grafana.Props, whose doc comments give
// each field's meaning and default.
type Grafana struct {
	// CentralRegion, Regions and Services must stay unset: they are the
	// platform's own.
	CentralRegion string   `yaml:"centralRegion,omitempty" json:"centralRegion,omitempty"`
	Regions       []string `yaml:"regions,omitempty" json:"regions,omitempty"`
	Services      []string `yaml:"services,omitempty" json:"services,omitempty"`
	// APIName is the API graphed on Global API Performance. Default: the
	// first service's apiName, then "checkout-api".
	APIName string `yaml:"apiName,omitempty" json:"apiName,omitempty"`
	// LogTiers stored in CloudWatch Logs. Default: ERROR, WARN.
	LogTiers []string `yaml:"logTiers,omitempty" json:"logTiers,omitempty"`
	// LogGroupPrefix of the tier log groups. Default: "/<name>" (the
	// platform name), e.g. "/o11yscale".
	LogGroupPrefix string `yaml:"logGroupPrefix,omitempty" json:"logGroupPrefix,omitempty"`
	// ServiceMetrics behind the RED dashboards. Default: AWS/Lambda.
	ServiceMetrics GrafanaServiceMetrics `yaml:"serviceMetrics,omitempty" json:"serviceMetrics,omitempty"`
	// PipelineNamespace of the pipeline Lambdas' metrics. Default:
	// "<Name>/Pipeline" with the first letter in upper case (where the
	// platform's Lambdas write), e.g. "O11yscale/Pipeline".
	PipelineNamespace string `yaml:"pipelineNamespace,omitempty" json:"pipelineNamespace,omitempty"`
	// CentralStreamName. Default: the platform's central metric stream.
	CentralStreamName string `yaml:"centralStreamName,omitempty" json:"centralStreamName,omitempty"`
	// DeliveryStreamName. Default: every delivery stream ("*").
	DeliveryStreamName string `yaml:"deliveryStreamName,omitempty" json:"deliveryStreamName,omitempty"`

	// Mode: grafana, cloudwatch or both. Default: cloudwatch.
	Mode GrafanaMode `yaml:"mode,omitempty" json:"mode,omitempty"`
	// WorkspaceName. Default: the platform name.
	WorkspaceName string `yaml:"workspaceName,omitempty" json:"workspaceName,omitempty"`
	// AccountAccess: CURRENT_ACCOUNT or ORGANIZATION.
	// Default: CURRENT_ACCOUNT.
	AccountAccess GrafanaAccountAccess `yaml:"accountAccess,omitempty" json:"accountAccess,omitempty"`
	// OrganizationalUnits, with ORGANIZATION only.
	OrganizationalUnits []string `yaml:"organizationalUnits,omitempty" json:"organizationalUnits,omitempty"`
	// Authentication: AWS_SSO and/or SAML. Default: [AWS_SSO].
	Authentication []GrafanaAuthProvider `yaml:"authentication,omitempty" json:"authentication,omitempty"`
	// SAML sign-in, required with SAML.
	SAML GrafanaSAML `yaml:"saml,omitempty" json:"saml,omitempty"`
	// DataSources beyond CLOUDWATCH and XRAY, e.g. PROMETHEUS.
	DataSources []GrafanaDataSource `yaml:"dataSources,omitempty" json:"dataSources,omitempty"`
	// AlertTopicArns are SNS topics Grafana alerts may publish to.
	AlertTopicArns []string `yaml:"alertTopicArns,omitempty" json:"alertTopicArns,omitempty"`
	// AlertTopicKeyArns are the KMS keys encrypting those topics.
	AlertTopicKeyArns []string `yaml:"alertTopicKeyArns,omitempty" json:"alertTopicKeyArns,omitempty"`
	// LogGroupPrefixes Grafana may query. Default: [logGroupPrefix].
	LogGroupPrefixes []string `yaml:"logGroupPrefixes,omitempty" json:"logGroupPrefixes,omitempty"`
	// GrafanaVersion, 10.4 or newer. Default: "10.4".
	GrafanaVersion string `yaml:"grafanaVersion,omitempty" json:"grafanaVersion,omitempty"`
	// CloudWatchDashboardName. Default: "<name>-global-api-performance"
	// (the platform name), e.g. "o11yscale-global-api-performance".
	CloudWatchDashboardName string `yaml:"cloudWatchDashboardName,omitempty" json:"cloudWatchDashboardName,omitempty"`
	// ProvisionerTimeout, 5m-15m. Default: 10m.
	ProvisionerTimeout time.Duration `yaml:"provisionerTimeout,omitempty" json:"provisionerTimeout,omitempty"`
	// Vpc connects the workspace to a VPC (2-6 subnets, 1-5 security
	// groups): required with a private analysis tier, whose collection in
	// the central region the workspace then reaches through an OpenSearch
	// Serverless VPC endpoint in this VPC. Default: none.
	Vpc GrafanaVpc `yaml:"vpc,omitempty" json:"vpc,omitempty"`
	// AnalysisRegions are the regions whose analysis collections get an
	// OpenSearch data source and errors panels. Default: every region.
	AnalysisRegions []string `yaml:"analysisRegions,omitempty" json:"analysisRegions,omitempty"`
}

// GrafanaVpc is grafana.WorkspaceVpc in the config file.
type GrafanaVpc struct {
	VpcID            string   `yaml:"vpcId,omitempty" json:"vpcId,omitempty"`
	SubnetIDs        []string `yaml:"subnetIds,omitempty" json:"subnetIds,omitempty"`
	SecurityGroupIDs []string `yaml:"securityGroupIds,omitempty" json:"securityGroupIds,omitempty"`
}

// GrafanaServiceMetrics names the metrics behind a RED dashboard.
type GrafanaServiceMetrics struct {
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	Dimension string `yaml:"dimension,omitempty" json:"dimension,omitempty"`
	Requests  string `yaml:"requests,omitempty" json:"requests,omitempty"`
	Errors    string `yaml:"errors,omitempty" json:"errors,omitempty"`
	Duration  string `yaml:"duration,omitempty" json:"duration,omitempty"`
}

// GrafanaSAML configures SAML sign-in (grafana.SAMLSettings).
type GrafanaSAML struct {
	MetadataURL          string                `yaml:"metadataUrl,omitempty" json:"metadataUrl,omitempty"`
	MetadataXML          string                `yaml:"metadataXml,omitempty" json:"metadataXml,omitempty"`
	Assertions           GrafanaSAMLAssertions `yaml:"assertions,omitempty" json:"assertions,omitempty"`
	AdminRoleValues      []string              `yaml:"adminRoleValues,omitempty" json:"adminRoleValues,omitempty"`
	EditorRoleValues     []string              `yaml:"editorRoleValues,omitempty" json:"editorRoleValues,omitempty"`
	AllowedOrganizations []string              `yaml:"allowedOrganizations,omitempty" json:"allowedOrganizations,omitempty"`
	LoginValidity        time.Duration         `yaml:"loginValidity,omitempty" json:"loginValidity,omitempty"`
}

// GrafanaSAMLAssertions name SAML assertion attributes.
type GrafanaSAMLAssertions struct {
	Role   string `yaml:"role,omitempty" json:"role,omitempty"`
	Email  string `yaml:"email,omitempty" json:"email,omitempty"`
	Login  string `yaml:"login,omitempty" json:"login,omitempty"`
	Name   string `yaml:"name,omitempty" json:"name,omitempty"`
	Groups string `yaml:"groups,omitempty" json:"groups,omitempty"`
	Org    string `yaml:"org,omitempty" json:"org,omitempty"`
}

// GrafanaMode is grafana.mode.
type GrafanaMode string

// GrafanaAccountAccess is grafana.accountAccess.
type GrafanaAccountAccess string

// GrafanaAuthProvider is one of grafana.authentication.
type GrafanaAuthProvider string

// GrafanaDataSource is one of grafana.dataSources.
type GrafanaDataSource string

// The accepted values, each with the construct's value it maps to.
var (
	grafanaModes = map[GrafanaMode]grafana.Mode{
		"grafana": grafana.ModeGrafana, "cloudwatch": grafana.ModeCloudWatch, "both": grafana.ModeBoth,
	}
	grafanaAccountAccess = map[GrafanaAccountAccess]grafana.AccountAccess{
		"CURRENT_ACCOUNT": grafana.CurrentAccount, "ORGANIZATION": grafana.Organization,
	}
	grafanaAuthProviders = map[GrafanaAuthProvider]grafana.AuthProvider{
		"AWS_SSO": grafana.AWSSSO, "SAML": grafana.SAML,
	}
)

var (
	topicArnRE = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
	keyArnRE   = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]{1,128}$`)
)

// validateGrafana checks the section's own fields, then, when the
// platform's fields it is built from are valid (platformOK), the complete
// grafana.Props GrafanaProps maps it to; their errors are reported under
// grafana., each message once.
func (p *Platform) validateGrafana(v *validation.Errors, platformOK bool) {
	g := p.Grafana
	var own validation.Errors
	for _, f := range []struct {
		field string
		set   bool
	}{{"centralRegion", g.CentralRegion != ""}, {"regions", len(g.Regions) > 0}, {"services", len(g.Services) > 0}} {
		if f.set {
			own.Add(f.field, f.field, "unset: it comes from the platform's own %s", f.field)
		}
	}
	if _, ok := grafanaModes[g.Mode]; g.Mode != "" && !ok {
		own.Add("mode", string(g.Mode), "grafana, cloudwatch or both (default: cloudwatch)")
	}
	if _, ok := grafanaAccountAccess[g.AccountAccess]; g.AccountAccess != "" && !ok {
		own.Add("accountAccess", string(g.AccountAccess), "CURRENT_ACCOUNT or ORGANIZATION (default: CURRENT_ACCOUNT)")
	}
	for i, a := range g.Authentication {
		if _, ok := grafanaAuthProviders[a]; !ok {
			own.Add(validation.Index("authentication", i), string(a), "AWS_SSO or SAML")
		}
	}
	topicsOK := validArns(&own, "alertTopicArns", g.AlertTopicArns, topicArnRE, "an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:alerts")
	keysOK := validArns(&own, "alertTopicKeyArns", g.AlertTopicKeyArns, keyArnRE, "a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-...")
	if len(g.AlertTopicKeyArns) > 0 && len(g.AlertTopicArns) == 0 {
		own.Add("alertTopicKeyArns", g.AlertTopicKeyArns, "empty unless alertTopicArns names the topics they encrypt")
		keysOK = false
	}
	reported := map[string]bool{}
	for _, fe := range validation.Fields(own.Err()) {
		v.Add(validation.Join("grafana", fe.Path), fe.Value, fe.Allowed)
		reported[fe.Error()] = true
	}
	if !platformOK {
		return
	}
	var scope constructs.Construct
	if (topicsOK && len(g.AlertTopicArns) > 0) || (keysOK && len(g.AlertTopicKeyArns) > 0) {
		// The props hold the topics and keys as constructs, which need a
		// stack; this one exists only to validate them and is never
		// synthesized.
		scope = awscdk.NewStack(awscdk.NewApp(nil), jsii.String("GrafanaConfig"), nil)
	}
	props := p.grafanaProps(scope, topicsOK, keysOK)
	for _, fe := range validation.Fields(props.Validate()) {
		if !reported[fe.Error()] {
			v.Add(validation.Join("grafana", fe.Path), fe.Value, fe.Allowed)
			reported[fe.Error()] = true
		}
	}
	if len(validation.Fields(props.Validate())) > 0 {
		return
	}
	// Whether the workspace reaches the collections it searches; the
	// paths are the config's own (grafana.vpc, grafana.analysisRegions,
	// logs.analysis).
	for _, fe := range validation.Fields(p.Props(p.Account).ValidateGrafanaReach()) {
		v.Add(fe.Path, fe.Value, fe.Allowed)
	}
}

// validArns reports every value of list that does not match re, or
// repeats; it returns whether all were valid.
func validArns(v *validation.Errors, path string, list []string, re *regexp.Regexp, allowed string) bool {
	ok := true
	for i, s := range list {
		switch {
		case !re.MatchString(s):
			v.Add(validation.Index(path, i), s, allowed)
			ok = false
		case slices.Contains(list[:i], s):
			v.Add(validation.Index(path, i), s, "each value once")
			ok = false
		}
	}
	return ok
}

// GrafanaProps returns the complete props of the grafana section: the
// platform's regions, services and central region, the API name (default:
// the first service's apiName), the central metric stream's name and the
// workspace name (default: the platform name) filled in, and the alert
// topics and keys imported into scope by ARN (imports add no resources).
func (p *Platform) GrafanaProps(scope constructs.Construct) grafana.Props {
	return p.grafanaProps(scope, true, true)
}

// grafanaMapped maps the grafana section field for field; the platform
// fills in what it derives (platform.Props.GrafanaProps).
func (p *Platform) grafanaMapped() grafana.Props {
	g := p.Grafana
	m := g.ServiceMetrics
	out := grafana.Props{
		Platform: dashboard.Platform{
			Name: p.Name, CentralRegion: p.CentralRegion, Regions: p.Regions, Services: p.ServiceNames(),
			APIName: g.APIName, LogTiers: g.LogTiers, LogGroupPrefix: g.LogGroupPrefix,
			ServiceMetrics: dashboard.ServiceMetrics{
				Namespace: m.Namespace, Dimension: m.Dimension, Requests: m.Requests, Errors: m.Errors, Duration: m.Duration,
			},
			PipelineNamespace: g.PipelineNamespace, CentralStreamName: g.CentralStreamName, DeliveryStreamName: g.DeliveryStreamName,
		},
		Mode:                    mapEnum(grafanaModes, g.Mode),
		WorkspaceName:           g.WorkspaceName,
		AccountAccess:           mapEnum(grafanaAccountAccess, g.AccountAccess),
		OrganizationalUnits:     g.OrganizationalUnits,
		LogGroupPrefixes:        g.LogGroupPrefixes,
		GrafanaVersion:          g.GrafanaVersion,
		CloudWatchDashboardName: g.CloudWatchDashboardName,
		ProvisionerTimeout:      g.ProvisionerTimeout,
		Vpc:                     grafana.WorkspaceVpc{VpcID: g.Vpc.VpcID, SubnetIDs: g.Vpc.SubnetIDs, SecurityGroupIDs: g.Vpc.SecurityGroupIDs},
		SAML: grafana.SAMLSettings{
			MetadataURL: g.SAML.MetadataURL, MetadataXML: g.SAML.MetadataXML,
			Assertions:      grafana.SAMLAssertions(g.SAML.Assertions),
			AdminRoleValues: g.SAML.AdminRoleValues, EditorRoleValues: g.SAML.EditorRoleValues,
			AllowedOrganizations: g.SAML.AllowedOrganizations, LoginValidity: g.SAML.LoginValidity,
		},
	}
	for _, a := range g.Authentication {
		out.Authentication = append(out.Authentication, mapEnum(grafanaAuthProviders, a))
	}
	for _, ds := range g.DataSources {
		// The YAML values are Managed Grafana's names.
		out.DataSources = append(out.DataSources, grafana.DataSourceType(ds))
	}
	return out
}

// grafanaProps is the complete props as the platform builds them, with the
// alert topics and keys imported into scope when asked for.
func (p *Platform) grafanaProps(scope constructs.Construct, withTopics, withKeys bool) grafana.Props {
	pp := p.Props(p.Account)
	if !withTopics {
		pp.Grafana.AlertTopicArns = nil
	}
	if !withKeys {
		pp.Grafana.AlertTopicKeyArns = nil
	}
	return pp.GrafanaProps(scope)
}

// mapEnum maps a config value to the construct's; a value the config
// check rejected maps to the same string, which the props reject too.
func mapEnum[C ~string, P ~string](m map[C]P, c C) P {
	if v, ok := m[c]; ok {
		return v
	}
	return P(c)
}
