package grafana_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// seedPlatform is the seed's Example 2: three workload regions, the
// central region among them, and the seed's services.
func seedPlatform() dashboard.Platform {
	return dashboard.Platform{
		CentralRegion: "us-east-1",
		Regions:       []string{"us-east-1", "eu-west-1", "ap-southeast-1"},
		Services:      []string{"checkout-api", "auth-service", "order-service", "health-check"},
	}
}

const (
	alertTopicArn = "arn:aws:sns:us-east-1:123456789012:alerts"
	alertKeyArn   = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

var (
	alertsOnce  sync.Once
	alertsStack awscdk.Stack
	alerts      struct {
		imported, own awssns.ITopic
		key           awskms.IKey
	}
)

// alertObjects creates, once, a stack holding the topics and key the
// validation tests reference (props hold constructs, not ARNs).
func alertObjects() {
	alertsOnce.Do(func() {
		alertsStack = awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Alerts"), nil)
		alerts.imported = awssns.Topic_FromTopicArn(alertsStack, jsii.String("Imported"), jsii.String(alertTopicArn))
		alerts.own = awssns.NewTopic(alertsStack, jsii.String("Own"), nil)
		alerts.key = awskms.Key_FromKeyArn(alertsStack, jsii.String("Key"), jsii.String(alertKeyArn))
	})
}

func importedTopic() awssns.ITopic { alertObjects(); return alerts.imported }
func ownTopic() awssns.ITopic      { alertObjects(); return alerts.own }
func importedKey() awskms.IKey     { alertObjects(); return alerts.key }

func validSAML() grafana.SAMLSettings {
	return grafana.SAMLSettings{
		MetadataURL:     "https://idp.example.com/metadata.xml",
		Assertions:      grafana.SAMLAssertions{Role: "role", Email: "mail"},
		AdminRoleValues: []string{"grafana-admins"},
	}
}

func TestValidPropsPass(t *testing.T) {
	tests := map[string]grafana.Props{
		"defaults": {Platform: seedPlatform()},
		"both with topics and keys": {Platform: seedPlatform(), Mode: grafana.ModeBoth,
			AlertTopics: []awssns.ITopic{importedTopic(), ownTopic()}, AlertTopicKeys: []awskms.IKey{importedKey()}},
		"customer managed": {Platform: seedPlatform(), Mode: grafana.ModeGrafana, PermissionType: grafana.CustomerManaged},
		"organization": {Platform: seedPlatform(), Mode: grafana.ModeGrafana, AccountAccess: grafana.Organization,
			OrganizationalUnits: []string{"ou-ab12-cdef3456", "r-ab12"}},
		"saml by url":         {Platform: seedPlatform(), Mode: grafana.ModeGrafana, Authentication: []grafana.AuthProvider{grafana.SAML}, SAML: validSAML()},
		"sso and saml by xml": {Platform: seedPlatform(), Mode: grafana.ModeGrafana, Authentication: []grafana.AuthProvider{grafana.AWSSSO, grafana.SAML}, SAML: grafana.SAMLSettings{MetadataXML: "<EntityDescriptor/>", Assertions: grafana.SAMLAssertions{Role: "role"}, AdminRoleValues: []string{"admin"}, LoginValidity: 2 * time.Hour}},
		"extra data sources":  {Platform: seedPlatform(), DataSources: []grafana.DataSourceType{grafana.DataSourcePrometheus, grafana.DataSourceCloudWatch}},
		"newer grafana":       {Platform: seedPlatform(), GrafanaVersion: "12.4"},
		"longest timeout":     {Platform: seedPlatform(), ProvisionerTimeout: 15 * time.Minute},
	}
	for name, p := range tests {
		t.Run(name, func(t *testing.T) {
			if err := p.Validate(); err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
		})
	}
}

func TestValidateNamesEveryBadFieldValueAndAllowed(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*grafana.Props)
		want   []validation.FieldError // Allowed is matched as a substring
	}{
		{"unknown mode", func(p *grafana.Props) { p.Mode = "kibana" },
			[]validation.FieldError{{Path: "mode", Value: "kibana", Allowed: "grafana, cloudwatch or both"}}},
		{"workspace name with space", func(p *grafana.Props) { p.WorkspaceName = "my workspace" },
			[]validation.FieldError{{Path: "workspaceName", Value: "my workspace", Allowed: "1-255 letters"}}},
		{"workspace name too long", func(p *grafana.Props) { p.WorkspaceName = strings.Repeat("w", 256) },
			[]validation.FieldError{{Path: "workspaceName", Value: strings.Repeat("w", 256), Allowed: "1-255"}}},
		{"unknown account access", func(p *grafana.Props) { p.AccountAccess = "EVERYONE" },
			[]validation.FieldError{{Path: "accountAccess", Value: "EVERYONE", Allowed: "CURRENT_ACCOUNT or ORGANIZATION"}}},
		{"organization without units", func(p *grafana.Props) { p.AccountAccess = grafana.Organization },
			[]validation.FieldError{{Path: "organizationalUnits", Allowed: "at least one organizational unit"}}},
		{"units with current account", func(p *grafana.Props) { p.OrganizationalUnits = []string{"ou-ab12-cdef3456"} },
			[]validation.FieldError{{Path: "organizationalUnits", Value: []string{"ou-ab12-cdef3456"}, Allowed: "unless accountAccess is ORGANIZATION"}}},
		{"bad and repeated unit", func(p *grafana.Props) {
			p.AccountAccess = grafana.Organization
			p.OrganizationalUnits = []string{"ou-ab12-cdef3456", "finance", "ou-ab12-cdef3456"}
		}, []validation.FieldError{
			{Path: "organizationalUnits[1]", Value: "finance", Allowed: "organizational unit id"},
			{Path: "organizationalUnits[2]", Value: "ou-ab12-cdef3456", Allowed: "each value once"},
		}},
		{"unknown provider", func(p *grafana.Props) { p.Authentication = []grafana.AuthProvider{"OKTA"} },
			[]validation.FieldError{{Path: "authentication[0]", Value: "OKTA", Allowed: "AWS_SSO or SAML"}}},
		{"saml without settings", func(p *grafana.Props) { p.Authentication = []grafana.AuthProvider{grafana.SAML} },
			[]validation.FieldError{
				{Path: "saml.metadataUrl", Allowed: "IdP metadata URL"},
				{Path: "saml.assertions.role", Allowed: "assertion attribute holding the user's role"},
				{Path: "saml.adminRoleValues", Allowed: "at least one role value"},
			}},
		{"saml with url and xml", func(p *grafana.Props) {
			p.Authentication = []grafana.AuthProvider{grafana.SAML}
			p.SAML = validSAML()
			p.SAML.MetadataXML = "<EntityDescriptor/>"
		}, []validation.FieldError{{Path: "saml.metadataXml", Value: "<xml>", Allowed: "give one of them"}}},
		{"saml url not https", func(p *grafana.Props) {
			p.Authentication = []grafana.AuthProvider{grafana.SAML}
			p.SAML = validSAML()
			p.SAML.MetadataURL = "http://idp.example.com/metadata"
		}, []validation.FieldError{{Path: "saml.metadataUrl", Value: "http://idp.example.com/metadata", Allowed: "https URL"}}},
		{"saml xml not xml", func(p *grafana.Props) {
			p.Authentication = []grafana.AuthProvider{grafana.SAML}
			p.SAML = validSAML()
			p.SAML.MetadataURL, p.SAML.MetadataXML = "", "metadata"
		}, []validation.FieldError{{Path: "saml.metadataXml", Value: "metadata", Allowed: "XML IdP metadata"}}},
		{"saml empty and long values", func(p *grafana.Props) {
			p.Authentication = []grafana.AuthProvider{grafana.SAML}
			p.SAML = validSAML()
			p.SAML.EditorRoleValues = []string{""}
			p.SAML.Assertions.Email = strings.Repeat("e", 257)
		}, []validation.FieldError{
			{Path: "saml.assertions.email", Value: strings.Repeat("e", 60) + "... (257 characters)", Allowed: "at most 256"},
			{Path: "saml.editorRoleValues[0]", Value: "", Allowed: "1-256 characters"},
		}},
		{"saml login validity in seconds", func(p *grafana.Props) {
			p.Authentication = []grafana.AuthProvider{grafana.SAML}
			p.SAML = validSAML()
			p.SAML.LoginValidity = 90 * time.Second
		}, []validation.FieldError{{Path: "saml.loginValidity", Value: "1m30s", Allowed: "whole number of minutes"}}},
		{"saml settings without saml", func(p *grafana.Props) { p.SAML = validSAML() },
			[]validation.FieldError{{Path: "saml", Value: "settings", Allowed: "unless authentication includes SAML"}}},
		{"unknown and repeated data source", func(p *grafana.Props) {
			p.DataSources = []grafana.DataSourceType{"LOKI", grafana.DataSourceAthena, grafana.DataSourceAthena}
		},
			[]validation.FieldError{
				{Path: "dataSources[0]", Value: "LOKI", Allowed: "one of CLOUDWATCH, XRAY, PROMETHEUS"},
				{Path: "dataSources[2]", Value: "ATHENA", Allowed: "each value once"},
			}},
		{"unknown permission type", func(p *grafana.Props) { p.PermissionType = "SELF_MANAGED" },
			[]validation.FieldError{{Path: "permissionType", Value: "SELF_MANAGED", Allowed: "SERVICE_MANAGED or CUSTOMER_MANAGED"}}},
		{"nil and repeated topic", func(p *grafana.Props) { p.AlertTopics = []awssns.ITopic{importedTopic(), nil, importedTopic()} },
			[]validation.FieldError{
				{Path: "alertTopics[1]", Allowed: "an SNS topic"},
				{Path: "alertTopics[2]", Value: alertTopicArn, Allowed: "each topic once"},
			}},
		{"nil key", func(p *grafana.Props) {
			p.AlertTopics = []awssns.ITopic{importedTopic()}
			p.AlertTopicKeys = []awskms.IKey{nil}
		}, []validation.FieldError{{Path: "alertTopicKeys[0]", Allowed: "a KMS key"}}},
		{"keys without topics", func(p *grafana.Props) { p.AlertTopicKeys = []awskms.IKey{importedKey()} },
			[]validation.FieldError{{Path: "alertTopicKeys", Value: "1 keys", Allowed: "unless alertTopics lists the topics"}}},
		{"log prefix with wildcard", func(p *grafana.Props) { p.LogGroupPrefixes = []string{"/o11yscale", "/aws/*"} },
			[]validation.FieldError{{Path: "logGroupPrefixes[1]", Value: "/aws/*", Allowed: "without a trailing '/' or wildcards"}}},
		{"grafana too old", func(p *grafana.Props) { p.GrafanaVersion = "9.4" },
			[]validation.FieldError{{Path: "grafanaVersion", Value: "9.4", Allowed: "10.4 or newer"}}},
		{"grafana version not a version", func(p *grafana.Props) { p.GrafanaVersion = "latest" },
			[]validation.FieldError{{Path: "grafanaVersion", Value: "latest", Allowed: "10.4 or newer"}}},
		{"dashboard name with space", func(p *grafana.Props) { p.CloudWatchDashboardName = "Global API" },
			[]validation.FieldError{{Path: "cloudWatchDashboardName", Value: "Global API", Allowed: "letters, digits, - or _"}}},
		{"timeout too short", func(p *grafana.Props) { p.ProvisionerTimeout = time.Minute },
			[]validation.FieldError{{Path: "provisionerTimeout", Value: "1m0s", Allowed: "5m-15m"}}},
		{"timeout beyond token life", func(p *grafana.Props) { p.ProvisionerTimeout = 16 * time.Minute },
			[]validation.FieldError{{Path: "provisionerTimeout", Value: "16m0s", Allowed: "token lives 15m"}}},
		{"platform fields keep their inline paths", func(p *grafana.Props) { p.Regions = []string{"mars-1"}; p.Services = nil },
			[]validation.FieldError{
				{Path: "regions[0]", Value: "mars-1", Allowed: "AWS region code"},
				{Path: "services", Allowed: "at least one service"},
			}},
		{"every problem at once", func(p *grafana.Props) {
			p.Mode = "all"
			p.Services = nil
			p.AccountAccess = grafana.Organization
			p.Authentication = []grafana.AuthProvider{grafana.SAML}
			p.SAML = grafana.SAMLSettings{MetadataURL: "https://idp.example.com/m"}
		}, []validation.FieldError{
			{Path: "services", Allowed: "at least one service"},
			{Path: "mode", Value: "all", Allowed: "grafana, cloudwatch or both"},
			{Path: "organizationalUnits", Allowed: "at least one organizational unit"},
			{Path: "saml.assertions.role", Allowed: "role"},
			{Path: "saml.adminRoleValues", Allowed: "at least one role value"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := grafana.Props{Platform: seedPlatform()}
			tt.mutate(&p)
			err := p.Validate()
			got := validation.Fields(err)
			if len(got) != len(tt.want) {
				t.Fatalf("Validate() = %v\nwant %d errors", err, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Path != w.Path || fmt.Sprint(g.Value) != fmt.Sprint(w.Value) || !strings.Contains(g.Allowed, w.Allowed) {
					t.Errorf("error %d = {%s %v %q}, want {%s %v ...%q...}", i, g.Path, g.Value, g.Allowed, w.Path, w.Value, w.Allowed)
				}
			}
		})
	}
}
