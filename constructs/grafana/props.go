package grafana

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Modes choose which single pane of glass is deployed.
const (
	// ModeGrafana deploys the Managed Grafana workspace and its dashboards.
	ModeGrafana = "grafana"
	// ModeCloudWatch deploys only the CloudWatch dashboard fallback.
	ModeCloudWatch = "cloudwatch"
	// ModeBoth deploys both.
	ModeBoth = "both"
)

// Account access types of the workspace.
const (
	CurrentAccount = "CURRENT_ACCOUNT"
	Organization   = "ORGANIZATION"
)

// Authentication providers of the workspace.
const (
	AWSSSO = "AWS_SSO"
	SAML   = "SAML"
)

// AlwaysDataSources are the workspace data sources every workspace gets:
// the dashboards query CloudWatch and X-Ray.
var AlwaysDataSources = []string{"CLOUDWATCH", "XRAY"}

// KnownDataSources are the values Managed Grafana accepts in DataSources.
var KnownDataSources = []string{"CLOUDWATCH", "XRAY", "PROMETHEUS", "AMAZON_OPENSEARCH_SERVICE", "ATHENA", "TIMESTREAM", "SITEWISE", "REDSHIFT"}

// Defaults of Props fields left at their zero value.
const (
	DefaultMode                    = ModeCloudWatch
	DefaultWorkspaceName           = "o11yscale"
	DefaultGrafanaVersion          = "10.4"
	DefaultCloudWatchDashboardName = "o11yscale-global-api-performance"
	DefaultProvisionerTimeout      = 10 * time.Minute
)

// Props configures the single pane of glass: a Managed Grafana workspace
// with provisioned dashboards, the CloudWatch dashboard fallback, or both.
//
// The embedded Platform (workload regions, services, API name, ...) is what
// every dashboard is generated from; its fields sit inline in YAML.
type Props struct {
	dashboard.Platform `yaml:",inline"`

	// Mode is "grafana", "cloudwatch" or "both". Managed Grafana with
	// AWS_SSO needs IAM Identity Center enabled (see README), so the
	// default deploys only what works in every account.
	// Default: "cloudwatch".
	Mode string `yaml:"mode,omitempty" json:"mode,omitempty"`
	// WorkspaceName names the Grafana workspace: 1-255 letters, digits or
	// - . _ ~. Default: "o11yscale".
	WorkspaceName string `yaml:"workspaceName,omitempty" json:"workspaceName,omitempty"`
	// AccountAccess is CURRENT_ACCOUNT or ORGANIZATION.
	// Default: "CURRENT_ACCOUNT".
	AccountAccess string `yaml:"accountAccess,omitempty" json:"accountAccess,omitempty"`
	// OrganizationalUnits the workspace may read from; required with
	// ORGANIZATION, not allowed otherwise. Default: none.
	OrganizationalUnits []string `yaml:"organizationalUnits,omitempty" json:"organizationalUnits,omitempty"`
	// Authentication lists the sign-in providers, AWS_SSO and/or SAML.
	// Default: [AWS_SSO] (IAM Identity Center).
	Authentication []string `yaml:"authentication,omitempty" json:"authentication,omitempty"`
	// SAML configures SAML sign-in; required when Authentication has SAML.
	SAML SAMLSettings `yaml:"saml,omitempty" json:"saml,omitempty"`
	// DataSources are workspace data source types beyond CLOUDWATCH and
	// XRAY, which are always present, e.g. PROMETHEUS. They only enable
	// the type: the workspace role gets no permissions for them (add them
	// through Observability.WorkspaceRole). Default: none.
	DataSources []string `yaml:"dataSources,omitempty" json:"dataSources,omitempty"`
	// AlertTopicArns are SNS topics Grafana alerts may publish to; the
	// workspace role gets sns:Publish on exactly these. Default: none.
	AlertTopicArns []string `yaml:"alertTopicArns,omitempty" json:"alertTopicArns,omitempty"`
	// AlertTopicKeyArns are the KMS keys encrypting AlertTopicArns; the
	// workspace role may use them only through SNS. Default: none.
	AlertTopicKeyArns []string `yaml:"alertTopicKeyArns,omitempty" json:"alertTopicKeyArns,omitempty"`
	// LogGroupPrefixes are the log group name prefixes Grafana may query
	// with CloudWatch Logs Insights, e.g. "/o11yscale".
	// Default: [logGroupPrefix] (the platform's tier log groups).
	LogGroupPrefixes []string `yaml:"logGroupPrefixes,omitempty" json:"logGroupPrefixes,omitempty"`
	// GrafanaVersion of the workspace, 10.4 or newer: the dashboards use
	// schemaVersion 39 and provisioning needs service accounts.
	// Default: "10.4".
	GrafanaVersion string `yaml:"grafanaVersion,omitempty" json:"grafanaVersion,omitempty"`
	// CloudWatchDashboardName names the fallback dashboard: 1-255 letters,
	// digits, - or _. Default: "o11yscale-global-api-performance".
	CloudWatchDashboardName string `yaml:"cloudWatchDashboardName,omitempty" json:"cloudWatchDashboardName,omitempty"`
	// ProvisionerTimeout of the provisioning Lambda, 5m-15m: long enough
	// to upsert hundreds of dashboards with retries, and never longer than
	// the provisioning token lives (15m). Default: 10m.
	ProvisionerTimeout time.Duration `yaml:"provisionerTimeout,omitempty" json:"provisionerTimeout,omitempty"`
}

// SAMLSettings configure SAML sign-in to the workspace.
type SAMLSettings struct {
	// MetadataURL is the IdP metadata URL (https). Exactly one of
	// MetadataURL and MetadataXML is required.
	MetadataURL string `yaml:"metadataUrl,omitempty" json:"metadataUrl,omitempty"`
	// MetadataXML is the IdP metadata document.
	MetadataXML string `yaml:"metadataXml,omitempty" json:"metadataXml,omitempty"`
	// Assertions name the SAML assertion attributes Grafana reads.
	Assertions SAMLAssertions `yaml:"assertions,omitempty" json:"assertions,omitempty"`
	// AdminRoleValues are values of the role attribute that make a user a
	// Grafana Admin. Required: without one, nobody can administer the
	// workspace.
	AdminRoleValues []string `yaml:"adminRoleValues,omitempty" json:"adminRoleValues,omitempty"`
	// EditorRoleValues make a user an Editor. Default: none.
	EditorRoleValues []string `yaml:"editorRoleValues,omitempty" json:"editorRoleValues,omitempty"`
	// AllowedOrganizations restricts sign-in to users whose org attribute
	// holds one of these. Default: no restriction.
	AllowedOrganizations []string `yaml:"allowedOrganizations,omitempty" json:"allowedOrganizations,omitempty"`
	// LoginValidity is how long a sign-in lasts, in whole minutes.
	// Default: Grafana's (2h).
	LoginValidity time.Duration `yaml:"loginValidity,omitempty" json:"loginValidity,omitempty"`
}

// SAMLAssertions name assertion attributes. Role is required (it carries
// the admin and editor role values); the others are optional.
type SAMLAssertions struct {
	Role   string `yaml:"role,omitempty" json:"role,omitempty"`
	Email  string `yaml:"email,omitempty" json:"email,omitempty"`
	Login  string `yaml:"login,omitempty" json:"login,omitempty"`
	Name   string `yaml:"name,omitempty" json:"name,omitempty"`
	Groups string `yaml:"groups,omitempty" json:"groups,omitempty"`
	Org    string `yaml:"org,omitempty" json:"org,omitempty"`
}

func (s SAMLSettings) isZero() bool {
	return s.MetadataURL == "" && s.MetadataXML == "" && s.Assertions == (SAMLAssertions{}) &&
		len(s.AdminRoleValues) == 0 && len(s.EditorRoleValues) == 0 && len(s.AllowedOrganizations) == 0 && s.LoginValidity == 0
}

func (p Props) withDefaults() Props {
	p.Platform = p.Platform.WithDefaults()
	if p.Mode == "" {
		p.Mode = DefaultMode
	}
	if p.WorkspaceName == "" {
		p.WorkspaceName = DefaultWorkspaceName
	}
	if p.AccountAccess == "" {
		p.AccountAccess = CurrentAccount
	}
	if len(p.Authentication) == 0 {
		p.Authentication = []string{AWSSSO}
	}
	if len(p.LogGroupPrefixes) == 0 {
		p.LogGroupPrefixes = []string{p.LogGroupPrefix}
	}
	if p.GrafanaVersion == "" {
		p.GrafanaVersion = DefaultGrafanaVersion
	}
	if p.CloudWatchDashboardName == "" {
		p.CloudWatchDashboardName = DefaultCloudWatchDashboardName
	}
	if p.ProvisionerTimeout == 0 {
		p.ProvisionerTimeout = DefaultProvisionerTimeout
	}
	return p
}

// grafana reports whether the mode deploys the Grafana workspace.
func (p Props) grafana() bool { return p.Mode == ModeGrafana || p.Mode == ModeBoth }

// cloudWatch reports whether the mode deploys the CloudWatch dashboard.
func (p Props) cloudWatch() bool { return p.Mode == ModeCloudWatch || p.Mode == ModeBoth }

var (
	workspaceNamePattern = regexp.MustCompile(`^[a-zA-Z0-9-._~]{1,255}$`)
	cwDashboardPattern   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	ouPattern            = regexp.MustCompile(`^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$`)
	topicArnPattern      = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
	keyArnPattern        = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]{1,128}$`)
	logPrefixPattern     = regexp.MustCompile(`^(/[A-Za-z0-9._#-]+)+$`)
	versionPattern       = regexp.MustCompile(`^([0-9]{1,3})\.([0-9]{1,3})$`)
)

// isToken reports whether s holds an unresolved CDK token, e.g. a topic
// ARN from another construct; those are checked by CloudFormation.
func isToken(s string) bool { return strings.Contains(s, "${Token[") }

// Validate reports every invalid field at once. Paths are the yaml names;
// the platform's fields (regions, services, ...) are inline.
func (p Props) Validate() error {
	var v validation.Errors
	v.Merge("", p.Platform.Validate())
	d := p.withDefaults()
	if !slices.Contains([]string{ModeGrafana, ModeCloudWatch, ModeBoth}, d.Mode) {
		v.Add("mode", p.Mode, "grafana, cloudwatch or both (default: cloudwatch)")
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
		v.Add("accountAccess", p.AccountAccess, "CURRENT_ACCOUNT or ORGANIZATION (default: CURRENT_ACCOUNT)")
	}
	eachOnce(&v, "organizationalUnits", p.OrganizationalUnits, ouPattern.MatchString, "an organizational unit id (ou-xxxx-xxxxxxxx) or root id (r-xxxx)")
	eachOnce(&v, "authentication", p.Authentication, func(s string) bool { return s == AWSSSO || s == SAML }, "AWS_SSO or SAML")
	if slices.Contains(d.Authentication, SAML) {
		p.SAML.validate(&v)
	} else if !p.SAML.isZero() {
		v.Add("saml", "settings", "empty unless authentication includes SAML")
	}
	eachOnce(&v, "dataSources", p.DataSources, func(s string) bool { return slices.Contains(KnownDataSources, s) }, "one of "+strings.Join(KnownDataSources, ", "))
	eachOnce(&v, "alertTopicArns", p.AlertTopicArns, func(s string) bool { return isToken(s) || topicArnPattern.MatchString(s) },
		"an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:alerts")
	eachOnce(&v, "alertTopicKeyArns", p.AlertTopicKeyArns, func(s string) bool { return isToken(s) || keyArnPattern.MatchString(s) },
		"a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-...")
	if len(p.AlertTopicKeyArns) > 0 && len(p.AlertTopicArns) == 0 {
		v.Add("alertTopicKeyArns", p.AlertTopicKeyArns, "empty unless alertTopicArns names the topics they encrypt")
	}
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
	return v.Err()
}

func (s SAMLSettings) validate(v *validation.Errors) {
	switch {
	case s.MetadataURL == "" && s.MetadataXML == "":
		v.Add("saml.metadataUrl", nil, "the IdP metadata URL, or saml.metadataXml, when authentication includes SAML")
	case s.MetadataURL != "" && s.MetadataXML != "":
		v.Add("saml.metadataXml", "<xml>", "empty when saml.metadataUrl is set (give one of them)")
	}
	if s.MetadataURL != "" {
		u, err := url.Parse(s.MetadataURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(s.MetadataURL) > 2048 {
			v.Add("saml.metadataUrl", s.MetadataURL, "an absolute https URL of at most 2048 characters")
		}
	}
	if s.MetadataXML != "" && !strings.HasPrefix(strings.TrimSpace(s.MetadataXML), "<") {
		v.Add("saml.metadataXml", shorten(s.MetadataXML), "an XML IdP metadata document")
	}
	if s.Assertions.Role == "" {
		v.Add("saml.assertions.role", nil, "the assertion attribute holding the user's role, which adminRoleValues match")
	}
	for _, a := range []struct{ name, value string }{
		{"role", s.Assertions.Role}, {"email", s.Assertions.Email}, {"login", s.Assertions.Login},
		{"name", s.Assertions.Name}, {"groups", s.Assertions.Groups}, {"org", s.Assertions.Org},
	} {
		if len(a.value) > 256 {
			v.Add("saml.assertions."+a.name, shorten(a.value), "at most 256 characters")
		}
	}
	if len(s.AdminRoleValues) == 0 {
		v.Add("saml.adminRoleValues", nil, "at least one role value that makes a user Admin; otherwise nobody can administer the workspace")
	}
	valueOK := func(s string) bool { return s != "" && len(s) <= 256 }
	eachOnce(v, "saml.adminRoleValues", s.AdminRoleValues, valueOK, "1-256 characters")
	eachOnce(v, "saml.editorRoleValues", s.EditorRoleValues, valueOK, "1-256 characters")
	eachOnce(v, "saml.allowedOrganizations", s.AllowedOrganizations, valueOK, "1-256 characters")
	if s.LoginValidity < 0 || s.LoginValidity%time.Minute != 0 {
		v.Add("saml.loginValidity", s.LoginValidity.String(), "a positive whole number of minutes, e.g. 2h (empty for Grafana's default)")
	}
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
