package oam_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/oam"
	"github.com/o11yscale/o11yscale/internal/cdktest"
	"github.com/o11yscale/o11yscale/lambdas/oamsink/contract"
)

func stackIn(app awscdk.App, id, account, region string) awscdk.Stack {
	return awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}})
}

func resources(t *testing.T, s awscdk.Stack, typ string) []map[string]any {
	t.Helper()
	tpl := assertions.Template_FromStack(s, nil).ToJSON()
	var out []map[string]any
	for _, r := range (*tpl)["Resources"].(map[string]any) {
		m := r.(map[string]any)
		if m["Type"] == typ {
			out = append(out, m["Properties"].(map[string]any))
		}
	}
	return out
}

func TestSinkPolicyNamesOnlyTheSourceAccountsAndTheConfiguredTypes(t *testing.T) {
	app := cdktest.NewApp(t, "")
	s := stackIn(app, "Mon", "111111111111", "eu-west-1")
	if _, err := oam.NewSink(s, "Sink", oam.SinkProps{Name: "acme", SourceAccounts: []string{"222222222222", "333333333333"},
		OrganizationID: "o-a1b2c3d4e5", ResourceTypes: []oam.ResourceType{oam.Metrics, oam.LogGroups}}); err != nil {
		t.Fatal(err)
	}
	sinks := resources(t, s, "AWS::Oam::Sink")
	if len(sinks) != 1 || sinks[0]["Name"] != "acme-sink" {
		t.Fatalf("sinks: %v", sinks)
	}
	b, _ := json.Marshal(sinks[0]["Policy"])
	var pol struct {
		Statement []struct {
			Effect    string
			Principal struct{ AWS []any }
			Action    []string
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal(b, &pol); err != nil || len(pol.Statement) != 1 {
		t.Fatalf("policy %s: %v", b, err)
	}
	st := pol.Statement[0]
	principals, _ := json.Marshal(st.Principal.AWS)
	for _, want := range []string{"222222222222", "333333333333"} {
		if !strings.Contains(string(principals), want) {
			t.Errorf("principals %s lack %s", principals, want)
		}
	}
	if len(st.Principal.AWS) != 2 || strings.Contains(string(principals), `"*"`) || strings.Contains(string(principals), "111111111111") {
		t.Errorf("principals %s: want exactly the two source accounts", principals)
	}
	if strings.Join(st.Action, ",") != "oam:CreateLink,oam:UpdateLink" || st.Effect != "Allow" {
		t.Errorf("actions %v", st.Action)
	}
	types, _ := json.Marshal(st.Condition["ForAllValues:StringEquals"]["oam:ResourceTypes"])
	if string(types) != `["AWS::CloudWatch::Metric","AWS::Logs::LogGroup"]` {
		t.Errorf("resource types %s", types)
	}
	if st.Condition["StringEquals"]["aws:PrincipalOrgID"] != "o-a1b2c3d4e5" {
		t.Errorf("org condition %v", st.Condition)
	}
	params := resources(t, s, "AWS::SSM::Parameter")
	if len(params) != 1 || params[0]["Name"] != contract.ParameterName("acme") || params[0]["Tier"] != "Standard" {
		t.Errorf("parameters: %v", params)
	}
}

func TestReaderTrustsOnlyTheSourceAccountsLookupRolesAndReadsOnlyTheParameters(t *testing.T) {
	app := cdktest.NewApp(t, "")
	s := stackIn(app, "Central", "111111111111", "us-east-1")
	if _, err := oam.NewReader(s, "Reader", oam.ReaderProps{Name: "acme", SourceAccounts: []string{"222222222222", "333333333333"},
		Regions: []string{"us-east-1", "eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	roles := resources(t, s, "AWS::IAM::Role")
	if len(roles) != 1 || roles[0]["RoleName"] != contract.ReaderRoleName("acme") {
		t.Fatalf("roles %v", roles)
	}
	trust, _ := json.Marshal(roles[0]["AssumeRolePolicyDocument"])
	for _, want := range []string{"222222222222:root", "333333333333:root", `"aws:PrincipalArn":"arn:aws:iam::*:role/acme-oam-lookup-*"`} {
		if !strings.Contains(string(trust), want) {
			t.Errorf("trust %s lacks %s", trust, want)
		}
	}
	var doc struct{ Statement []map[string]any }
	_ = json.Unmarshal(trust, &doc)
	for _, st := range doc.Statement {
		if st["Condition"] == nil || strings.Contains(string(trust), `"AWS":"*"`) {
			t.Errorf("trust statement %v: every statement needs the role condition, no wildcard principal", st)
		}
	}
	pols, _ := json.Marshal(resources(t, s, "AWS::IAM::Policy"))
	for _, want := range []string{`"Action":"ssm:GetParameter"`, "arn:aws:ssm:us-east-1:111111111111:parameter/acme/oam/sink-arn", "arn:aws:ssm:eu-west-1:111111111111:parameter/acme/oam/sink-arn"} {
		if !strings.Contains(string(pols), want) {
			t.Errorf("policy %s lacks %s", pols, want)
		}
	}
	if strings.Count(string(pols), `"Action"`) != 1 {
		t.Errorf("policy %s: want exactly one statement", pols)
	}
}

func TestLinkUsesTheLookedUpSinkArnAndTheConfiguredFilters(t *testing.T) {
	app := cdktest.NewApp(t, "")
	s := stackIn(app, "Work", "222222222222", "eu-west-1")
	l, err := oam.NewLink(s, "Link", oam.LinkProps{Name: "acme", MonitoringAccount: "111111111111"})
	if err != nil {
		t.Fatal(err)
	}
	links := resources(t, s, "AWS::Oam::Link")
	if len(links) != 1 {
		t.Fatalf("links %v", links)
	}
	b, _ := json.Marshal(links[0])
	for _, want := range []string{
		`"LogGroupConfiguration":{"Filter":"LogGroupName LIKE '/acme/%'"}`,
		`"MetricConfiguration":{"Filter":"Namespace LIKE 'Acme/%'"}`,
		`"SinkIdentifier":{"Fn::GetAtt":["` + *s.GetLogicalId(l.Lookup.Node().DefaultChild().(awscdk.CfnResource)) + `","SinkArn"]}`,
		`"LabelTemplate":"$AccountName"`,
		`"ResourceTypes":["AWS::CloudWatch::Metric","AWS::Logs::LogGroup","AWS::XRay::Trace","AWS::ApplicationSignals::Service","AWS::ApplicationSignals::ServiceLevelObjective"]`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("link %s lacks %s", b, want)
		}
	}
	crs := resources(t, s, contract.ResourceType)
	if len(crs) != 1 || crs[0][contract.PropReaderRoleArn] != "arn:aws:iam::111111111111:role/acme-oam-sink-reader" ||
		crs[0][contract.PropRegion] != "eu-west-1" || crs[0][contract.PropParameterName] != "/acme/oam/sink-arn" {
		t.Errorf("lookup %v", crs)
	}
	pols, _ := json.Marshal(resources(t, s, "AWS::IAM::Policy"))
	if !strings.Contains(string(pols), `{"Action":"sts:AssumeRole","Effect":"Allow","Resource":"arn:aws:iam::111111111111:role/acme-oam-sink-reader","Sid":"AssumeSinkReader"}`) {
		t.Errorf("lookup role may not assume exactly the reader: %s", pols)
	}
	roles, _ := json.Marshal(resources(t, s, "AWS::IAM::Role"))
	if !strings.Contains(string(roles), `"RoleName":"acme-oam-lookup-eu-west-1"`) {
		t.Errorf("lookup role not named for the reader's trust: %s", roles)
	}
}

func TestLinkWithAKnownSinkArnAndOwnFiltersSkipsTheLookup(t *testing.T) {
	app := cdktest.NewApp(t, "")
	s := stackIn(app, "Work", "222222222222", "eu-west-1")
	arn := "arn:aws:oam:eu-west-1:111111111111:sink/abc-123"
	l, err := oam.NewLink(s, "Link", oam.LinkProps{Name: "acme", MonitoringAccount: "111111111111", SinkArn: arn,
		ResourceTypes: []oam.ResourceType{oam.Metrics}, MetricFilter: "Namespace IN ('Acme/Logs', 'AWS/Lambda')"})
	if err != nil {
		t.Fatal(err)
	}
	if l.Lookup != nil || len(resources(t, s, "AWS::Lambda::Function")) != 0 {
		t.Error("a lookup was created although the sink ARN was given")
	}
	b, _ := json.Marshal(resources(t, s, "AWS::Oam::Link")[0])
	if !strings.Contains(string(b), `"SinkIdentifier":"`+arn+`"`) || strings.Contains(string(b), "LogGroupConfiguration") ||
		!strings.Contains(string(b), `"Filter":"Namespace IN ('Acme/Logs', 'AWS/Lambda')"`) {
		t.Errorf("link %s", b)
	}
}

func TestPropsListEveryProblemWithPathAndValue(t *testing.T) {
	err := oam.SinkProps{Name: "Acme", SourceAccounts: []string{"123", "222222222222", "222222222222"}, OrganizationID: "org-1",
		ResourceTypes: []oam.ResourceType{"AWS::S3::Bucket"}}.Validate()
	for _, want := range []string{`name: "Acme"`, `sourceAccounts[0]: "123"`, `sourceAccounts[2]: "222222222222" is not allowed; each account once`,
		`organizationId: "org-1"`, `resourceTypes[0]: "AWS::S3::Bucket"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("sink: %v lacks %s", err, want)
		}
	}
	long := "Namespace = 'a'" + strings.Repeat(" OR Namespace = 'b'", 6)
	err = oam.LinkProps{Name: "acme", MonitoringAccount: "1", LogGroupFilter: "Namespace LIKE 'x%'", MetricFilter: long,
		SinkArn: "arn:aws:oam:eu-west-1:999999999999:sink/x"}.Validate()
	for _, want := range []string{`monitoringAccount: "1"`, `logGroupFilter: "Namespace LIKE 'x%'" is not allowed; a filter on LogGroupName`,
		"metricFilter", "at most 5 AND/OR operands", "sinkArn"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("link: %v lacks %s", err, want)
		}
	}
	if err := (oam.ReaderProps{Name: "acme"}).Validate(); err == nil || !strings.Contains(err.Error(), "sourceAccounts") || !strings.Contains(err.Error(), "regions") {
		t.Errorf("reader: %v", err)
	}
}
