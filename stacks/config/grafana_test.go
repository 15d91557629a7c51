package config

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/metricstream"
)

const grafanaBase = "name: acme\nregions: [us-east-1, eu-west-1]\nservices: [{name: web}, {name: checkout-api, apiName: orders-api}]\nbilling: {monthlyUSD: 10}\n"

func TestGrafanaSectionDecodesAndMapsToCompleteProps(t *testing.T) {
	doc := grafanaBase + `grafana:
  logTiers: [ERROR]
  serviceMetrics: {namespace: App}
  mode: both
  authentication: [SAML]
  saml:
    metadataUrl: https://idp.example.com/metadata.xml
    assertions: {role: role}
    adminRoleValues: [admins]
    loginValidity: 2h
  dataSources: [PROMETHEUS]
  alertTopicArns: [arn:aws:sns:us-east-1:123456789012:alerts]
  alertTopicKeyArns: [arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab]
  provisionerTimeout: 12m
`
	cfg, err := Parse("p.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.GrafanaProps(awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Test"), nil))
	if err := p.Validate(); err != nil {
		t.Fatalf("mapped props invalid: %v", err)
	}
	if p.CentralRegion != "us-east-1" || !slices.Equal(p.Regions, []string{"us-east-1", "eu-west-1"}) ||
		!slices.Equal(p.Services, []string{"web", "checkout-api"}) {
		t.Errorf("platform values not filled in: %+v", p.Platform)
	}
	if p.APIName != "orders-api" || p.WorkspaceName != "acme" || p.CentralStreamName != (metricstream.Names{Platform: "acme"}).Stream() {
		t.Errorf("api %q, workspace %q, stream %q", p.APIName, p.WorkspaceName, p.CentralStreamName)
	}
	if p.Mode != grafana.ModeBoth || !slices.Equal(p.Authentication, []grafana.AuthProvider{grafana.SAML}) ||
		!slices.Equal(p.DataSources, []grafana.DataSourceType{grafana.DataSourcePrometheus}) {
		t.Errorf("enums: %v %v %v", p.Mode, p.Authentication, p.DataSources)
	}
	if p.SAML.LoginValidity != 2*time.Hour || p.SAML.Assertions.Role != "role" || p.ProvisionerTimeout != 12*time.Minute ||
		!slices.Equal(p.LogTiers, []string{"ERROR"}) || p.ServiceMetrics.Namespace != "App" {
		t.Errorf("decoded %+v", p)
	}
	if len(p.AlertTopics) != 1 || *p.AlertTopics[0].TopicArn() != "arn:aws:sns:us-east-1:123456789012:alerts" {
		t.Errorf("alert topics %v", p.AlertTopics)
	}
	if len(p.AlertTopicKeys) != 1 || !strings.HasSuffix(*p.AlertTopicKeys[0].KeyArn(), ":key/1234abcd-12ab-34cd-56ef-1234567890ab") {
		t.Errorf("alert topic keys %v", p.AlertTopicKeys)
	}
}

func TestGrafanaErrorsKeepTheirConfigPathsAndAreListedOnce(t *testing.T) {
	cases := []struct {
		name, section string
		want          []string
	}{
		{"mode", "{mode: kibana}", []string{`grafana.mode: "kibana" is not allowed; grafana, cloudwatch or both`}},
		{"account access", "{accountAccess: EVERYONE}", []string{`grafana.accountAccess: "EVERYONE" is not allowed; CURRENT_ACCOUNT or ORGANIZATION`}},
		{"provider", "{authentication: [OKTA]}", []string{`grafana.authentication[0]: "OKTA" is not allowed; AWS_SSO or SAML`}},
		{"topic name", "{alertTopicArns: [alerts]}", []string{`grafana.alertTopicArns[0]: "alerts" is not allowed; an SNS topic ARN`}},
		{"queue as topic", "{alertTopicArns: ['arn:aws:sqs:us-east-1:123456789012:alerts']}", []string{`grafana.alertTopicArns[0]: "arn:aws:sqs:us-east-1:123456789012:alerts"`}},
		{"repeated topic", "{alertTopicArns: ['arn:aws:sns:us-east-1:123456789012:a', 'arn:aws:sns:us-east-1:123456789012:a']}", []string{`grafana.alertTopicArns[1]: "arn:aws:sns:us-east-1:123456789012:a" is not allowed; each value once`}},
		{"key alias", "{alertTopicArns: ['arn:aws:sns:us-east-1:123456789012:a'], alertTopicKeyArns: [alias/aws/sns]}", []string{`grafana.alertTopicKeyArns[0]: "alias/aws/sns" is not allowed; a KMS key ARN`}},
		{"keys without topics", "{alertTopicKeyArns: ['arn:aws:kms:us-east-1:123456789012:key/abcd']}", []string{`grafana.alertTopicKeyArns: [arn:aws:kms:us-east-1:123456789012:key/abcd] is not allowed; empty unless alertTopicArns`}},
		{"workspace name from the props", "{workspaceName: 'my workspace'}", []string{`grafana.workspaceName: "my workspace" is not allowed; 1-255 letters`}},
		{"saml from the props", "{authentication: [SAML]}", []string{"grafana.saml.metadataUrl", "grafana.saml.assertions.role", "grafana.saml.adminRoleValues"}},
		{"data source", "{dataSources: [LOKI]}", []string{`grafana.dataSources[0]: "LOKI" is not allowed; one of CLOUDWATCH`}},
		{"inline platform field", "{apiName: 'a\"b'}", []string{`grafana.apiName: "a\"b" is not allowed`}},
		{"timeout", "{provisionerTimeout: 1m}", []string{`grafana.provisionerTimeout: "1m0s" is not allowed; 5m-15m`}},
		{"services are the platform's", "{services: [web]}", []string{`grafana.services: "services" is not allowed; unset`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(grafanaBase+"grafana: "+c.section+"\n"))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if n := strings.Count(err.Error(), w); n != 1 {
					t.Errorf("%q listed %d times in\n%v", w, n, err)
				}
			}
		})
	}
}

func TestGrafanaPropsAreNotCheckedAgainstAnInvalidPlatform(t *testing.T) {
	_, err := Parse("p.yaml", []byte("regions: [mars-1]\nservices: [{name: a}]\nbilling: {monthlyUSD: 10}\ngrafana: {mode: kibana}\n"))
	if err == nil {
		t.Fatal("accepted")
	}
	if strings.Contains(err.Error(), "grafana.regions") {
		t.Errorf("the platform's region is reported again under grafana:\n%v", err)
	}
	for _, w := range []string{`regions[0]: "mars-1"`, `grafana.mode: "kibana"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}
