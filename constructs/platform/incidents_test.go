package platform

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

// centralOrg is orgProps with the central incidents topic and one email
// subscriber.
func centralOrg() Props {
	p := orgProps()
	p.Alarms.Central = true
	p.Alarms.Alerting.Subscriptions.Email = []anomaly.Subscriber{{Endpoint: "oncall@example.com"}}
	return p
}

func resourcesOf(t *testing.T, s awscdk.Stack, typ string) []map[string]any {
	t.Helper()
	var tpl struct {
		Resources map[string]map[string]any
	}
	b, _ := json.Marshal(assertions.Template_FromStack(s, nil).ToJSON())
	if err := json.Unmarshal(b, &tpl); err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	keys := make([]string, 0, len(tpl.Resources))
	for k := range tpl.Resources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if r := tpl.Resources[k]; r["Type"] == typ {
			props, _ := r["Properties"].(map[string]any)
			out = append(out, props)
		}
	}
	return out
}

// flat renders a resolved CloudFormation value as text, the partition
// pseudo parameter as "aws".
func flat(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if x["Ref"] == "AWS::Partition" {
			return "aws"
		}
		if j, ok := x["Fn::Join"].([]any); ok {
			var parts []string
			for _, p := range j[1].([]any) {
				parts = append(parts, flat(p))
			}
			return strings.Join(parts, j[0].(string))
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func strs(v any) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			out = append(out, flat(e))
		}
	default:
		out = append(out, flat(x))
	}
	slices.Sort(out)
	return out
}

func statements(doc any) []map[string]any {
	var out []map[string]any
	for _, s := range doc.(map[string]any)["Statement"].([]any) {
		out = append(out, s.(map[string]any))
	}
	return out
}

func bySid(t *testing.T, doc any, sid string) map[string]any {
	t.Helper()
	for _, s := range statements(doc) {
		if s["Sid"] == sid {
			return s
		}
	}
	t.Fatalf("no statement %s in %v", sid, doc)
	return nil
}

// TestCentralIncidents builds one centralOrg platform for its subtests,
// which only read it.
func TestCentralIncidents(t *testing.T) {
	app := cdktest.NewApp(t, "")
	p, err := New(app, centralOrg())
	if err != nil {
		t.Fatal(err)
	}
	t.Run("PoliciesNameExactlyTheConfiguredEnricherRoles", func(t *testing.T) { policiesNameExactlyTheEnricherRoles(t, p) })
	t.Run("EnrichersPublishToTheCentralTopicOnly", func(t *testing.T) { enrichersPublishToTheCentralTopicOnly(t, p) })
	// Last: it adds alarms to the platform.
	t.Run("AlarmsStayInTheirAccount", func(t *testing.T) { alarmsStayInTheirAccount(t, app, p) })
}

func policiesNameExactlyTheEnricherRoles(t *testing.T, p *Platform) {
	roles := []string{
		"arn:aws:iam::111111111111:role/acme-enricher-eu-west-1",
		"arn:aws:iam::222222222222:role/acme-enricher-eu-west-1",
		"arn:aws:iam::222222222222:role/acme-enricher-us-east-1",
		"arn:aws:iam::333333333333:role/acme-enricher-eu-west-1",
	}
	accounts := []string{"arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"}
	central := p.Central.Stack
	topics := resourcesOf(t, central, "AWS::SNS::Topic")
	var topic map[string]any
	for _, tp := range topics {
		if tp["TopicName"] == "acme-central-incidents" {
			topic = tp
		}
	}
	if topic == nil || topic["KmsMasterKeyId"] == nil {
		t.Fatalf("central stack has no encrypted acme-central-incidents topic: %v", topics)
	}
	policies := resourcesOf(t, central, "AWS::SNS::TopicPolicy")
	if len(policies) != 1 {
		t.Fatalf("%d topic policies in the central stack, want 1", len(policies))
	}
	doc := policies[0]["PolicyDocument"]
	allow := bySid(t, doc, "OnlyTheEnrichers")
	if got := strs(allow["Principal"].(map[string]any)["AWS"]); !slices.Equal(got, accounts) {
		t.Errorf("publish principals %v, want %v", got, accounts)
	}
	cond := allow["Condition"].(map[string]any)
	if got := strs(cond["ArnEquals"].(map[string]any)["aws:PrincipalArn"]); !slices.Equal(got, roles) {
		t.Errorf("publish roles %v, want exactly %v", got, roles)
	}
	if got := cond["StringEquals"].(map[string]any)["aws:PrincipalOrgID"]; got != "o-a1b2c3d4e5" {
		t.Errorf("aws:PrincipalOrgID %v", got)
	}
	if flat(allow["Action"]) != "sns:Publish" {
		t.Errorf("allowed actions %v, want sns:Publish only", allow["Action"])
	}
	deny := bySid(t, doc, "NobodyElsePublishes")
	if deny["Effect"] != "Deny" || !slices.Equal(strs(deny["Condition"].(map[string]any)["ArnNotEquals"].(map[string]any)["aws:PrincipalArn"]), roles) {
		t.Errorf("deny for other principals: %v", deny)
	}
	tls := false
	for _, s := range statements(doc) {
		if s["Effect"] == "Allow" && strings.Contains(flat(s["Principal"]), `"*"`) {
			t.Errorf("an allow for any principal: %v", s)
		}
		if c, ok := s["Condition"].(map[string]any)["Bool"].(map[string]any); ok && c["aws:SecureTransport"] == "false" && s["Effect"] == "Deny" {
			tls = true
		}
	}
	if !tls {
		t.Error("no aws:SecureTransport deny on the central topic")
	}

	keys := resourcesOf(t, central, "AWS::KMS::Key")
	var use map[string]any
	for _, k := range keys {
		for _, s := range statements(k["KeyPolicy"]) {
			if s["Sid"] == "EnrichersPublishThroughSNS" {
				use = s
			}
			if s["Effect"] == "Allow" && strings.Contains(flat(s["Principal"]), `"*"`) {
				t.Errorf("a key policy allow for any principal: %v", s)
			}
		}
	}
	if use == nil {
		t.Fatal("no key policy statement for the enrichers")
	}
	if got := strs(use["Principal"].(map[string]any)["AWS"]); !slices.Equal(got, accounts) {
		t.Errorf("key principals %v, want %v", got, accounts)
	}
	kc := use["Condition"].(map[string]any)
	if got := strs(kc["ArnEquals"].(map[string]any)["aws:PrincipalArn"]); !slices.Equal(got, roles) {
		t.Errorf("key roles %v, want %v", got, roles)
	}
	se := kc["StringEquals"].(map[string]any)
	if se["kms:ViaService"] != "sns.eu-west-1.amazonaws.com" || se["aws:PrincipalOrgID"] != "o-a1b2c3d4e5" {
		t.Errorf("key conditions %v", se)
	}
	if got := strs(use["Action"]); !slices.Equal(got, []string{"kms:Decrypt", "kms:GenerateDataKey"}) {
		t.Errorf("key actions %v", got)
	}
	aliases := resourcesOf(t, central, "AWS::KMS::Alias")
	if !slices.ContainsFunc(aliases, func(a map[string]any) bool { return a["AliasName"] == "alias/acme-central-incidents" }) {
		t.Errorf("no alias/acme-central-incidents: %v", aliases)
	}
	if subs := resourcesOf(t, central, "AWS::SNS::Subscription"); len(subs) != 1 || subs[0]["Endpoint"] != "oncall@example.com" {
		t.Errorf("central subscriptions %v, want the one email", subs)
	}
}

func enrichersPublishToTheCentralTopicOnly(t *testing.T, p *Platform) {
	const topic = "arn:aws:sns:eu-west-1:111111111111:acme-central-incidents"
	for _, r := range p.Regional {
		name := *r.Stack.StackName()
		if r.Alerting.IncidentsTopic != nil {
			t.Errorf("%s: has its own incidents topic", name)
		}
		for _, tp := range resourcesOf(t, r.Stack, "AWS::SNS::Topic") {
			if strings.Contains(flat(tp["TopicName"]), "incidents") {
				t.Errorf("%s: incidents topic %v", name, tp["TopicName"])
			}
		}
		if subs := resourcesOf(t, r.Stack, "AWS::SNS::Subscription"); len(subs) != 1 || subs[0]["Protocol"] != "lambda" {
			t.Errorf("%s: subscriptions %v, want only the enricher's", name, subs)
		}
		var env map[string]any
		for _, fn := range resourcesOf(t, r.Stack, "AWS::Lambda::Function") {
			e, _ := fn["Environment"].(map[string]any)
			vars, _ := e["Variables"].(map[string]any)
			if _, ok := vars["INCIDENTS_TOPIC_ARN"]; ok {
				env = vars
			}
		}
		if env == nil || env["INCIDENTS_TOPIC_ARN"] != topic {
			t.Errorf("%s: enricher INCIDENTS_TOPIC_ARN %v, want %s", name, env["INCIDENTS_TOPIC_ARN"], topic)
		}
		roleName := "acme-enricher-" + r.Region
		if !slices.ContainsFunc(resourcesOf(t, r.Stack, "AWS::IAM::Role"), func(role map[string]any) bool { return role["RoleName"] == roleName }) {
			t.Errorf("%s: no role named %s", name, roleName)
		}
		var publish []map[string]any
		for _, pol := range resourcesOf(t, r.Stack, "AWS::IAM::Policy") {
			for _, s := range statements(pol["PolicyDocument"]) {
				if slices.ContainsFunc(strs(s["Action"]), func(a string) bool { return a == "sns:Publish" || strings.HasPrefix(a, "kms:") }) {
					publish = append(publish, s)
				}
			}
		}
		if len(publish) != 2 {
			t.Fatalf("%s: %d sns/kms statements in the role policies, want 2: %v", name, len(publish), publish)
		}
		for _, s := range publish {
			switch strs(s["Action"])[0] {
			case "sns:Publish":
				if flat(s["Resource"]) != topic {
					t.Errorf("%s: publishes to %v, want exactly %s", name, s["Resource"], topic)
				}
			default:
				if flat(s["Resource"]) != "arn:aws:kms:eu-west-1:111111111111:key/*" {
					t.Errorf("%s: kms on %v", name, s["Resource"])
				}
				c := s["Condition"].(map[string]any)
				if c["ForAnyValue:StringEquals"].(map[string]any)["kms:ResourceAliases"] != "alias/acme-central-incidents" ||
					c["StringEquals"].(map[string]any)["kms:ViaService"] != "sns.eu-west-1.amazonaws.com" {
					t.Errorf("%s: kms conditions %v", name, c)
				}
			}
		}
	}
	var warned []string
	for _, w := range p.Warnings() {
		if strings.Contains(w.Message, "incidents") {
			warned = append(warned, w.Path)
		}
	}
	if len(warned) != 0 {
		t.Errorf("incidents warnings %v with a central subscriber", warned)
	}
}

// A single-account platform's central topic, without subscribers: its
// publishers are that account's regions, and synth warns once, for the
// central topic.
func TestCentralIncidentsSingleAccountWithoutSubscribers(t *testing.T) {
	props := Props{Name: "solo", Account: "444444444444", CentralRegion: "us-east-1", Regions: []string{"us-east-1", "eu-west-1"},
		Services: []Service{{Name: "api"}}, Billing: orgProps().Billing}
	props.Alarms.Central = true
	p, err := New(cdktest.NewApp(t, ""), props)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	for _, pol := range resourcesOf(t, p.Central.Stack, "AWS::SNS::TopicPolicy") {
		if strings.Contains(flat(pol["PolicyDocument"]), "OnlyTheEnrichers") {
			doc = pol["PolicyDocument"]
		}
	}
	if doc == nil {
		t.Fatal("no central topic policy")
	}
	got := strs(bySid(t, doc, "OnlyTheEnrichers")["Condition"].(map[string]any)["ArnEquals"].(map[string]any)["aws:PrincipalArn"])
	want := []string{"arn:aws:iam::444444444444:role/solo-enricher-eu-west-1", "arn:aws:iam::444444444444:role/solo-enricher-us-east-1"}
	if !slices.Equal(got, want) {
		t.Errorf("roles %v, want %v", got, want)
	}
	var msgs []string
	for _, w := range p.Warnings() {
		if strings.Contains(w.Message, "incidents") {
			msgs = append(msgs, w.Path+": "+w.Message)
		}
	}
	if len(msgs) != 1 || !strings.Contains(msgs[0], "solo-central/Incidents/Topic") || !strings.Contains(msgs[0], "solo-central-incidents has no subscriber") {
		t.Errorf("warnings %v, want one for the central topic", msgs)
	}
}

func TestCentralIncidentsValidation(t *testing.T) {
	props := orgProps()
	props.Alarms.Central = true
	props.Alarms.Alerting.Central = anomaly.CentralTarget{Region: "eu-west-1"}
	props.Alarms.Alerting.Subscriptions.HTTPS = []anomaly.Subscriber{{Endpoint: "http://insecure.example.com"}}
	props.Alarms.Alerting.Enricher.RoleName = "mine"
	got := map[string]string{}
	for _, fe := range validation.Fields(props.Validate()) {
		got[fe.Path] = fe.Error()
	}
	for path, want := range map[string]string{
		"alarms.alerting.central":                         "the platform sets it",
		"alarms.alerting.subscriptions.https[0].endpoint": "an https URL",
		"alarms.alerting.enricher.roleName":               "the central policies name",
	} {
		if !strings.Contains(got[path], want) {
			t.Errorf("%s: %q, want it to say %q (all: %v)", path, got[path], want, got)
		}
	}
}

func alarmsStayInTheirAccount(t *testing.T, app awscdk.App, p *Platform) {
	if err := p.CheckAlarmAccounts(); err != nil {
		t.Fatalf("the org platform's own alarms: %v", err)
	}
	var payments *Regional
	for _, r := range p.Regional {
		if r.AccountName == "payments" && r.Region == "eu-west-1" {
			payments = r
		}
	}
	foreign := "arn:aws:sns:eu-west-1:333333333333:acme-alerts"
	awscloudwatch.NewCfnAlarm(payments.Stack, jsii.String("HandMade"), &awscloudwatch.CfnAlarmProps{
		AlarmName: jsii.String("hand-made"), ComparisonOperator: jsii.String("GreaterThanThreshold"), EvaluationPeriods: jsii.Number(1),
		Threshold: jsii.Number(1), Namespace: jsii.String("AWS/Lambda"), MetricName: jsii.String("Errors"), Period: jsii.Number(60), Statistic: jsii.String("Sum"),
		AlarmActions: jsii.Strings(foreign, *payments.Alerting.AlertsTopic.TopicArn()),
	})
	// An alarm in the monitoring account watching a workload account's
	// metrics through OAM belongs in that account.
	awscloudwatch.NewCfnAlarm(p.Central.Stack, jsii.String("Watcher"), &awscloudwatch.CfnAlarmProps{
		AlarmName: jsii.String("watcher"), ComparisonOperator: jsii.String("GreaterThanThreshold"), EvaluationPeriods: jsii.Number(1), Threshold: jsii.Number(1),
		Metrics: &[]any{&awscloudwatch.CfnAlarm_MetricDataQueryProperty{Id: jsii.String("m1"), AccountId: jsii.String("222222222222"),
			MetricStat: &awscloudwatch.CfnAlarm_MetricStatProperty{Period: jsii.Number(60), Stat: jsii.String("Sum"),
				Metric: &awscloudwatch.CfnAlarm_MetricProperty{Namespace: jsii.String("AWS/Lambda"), MetricName: jsii.String("Errors")}}}},
	})
	// The same through the L2 constructs, whose actions are a lazy list.
	l2 := awscloudwatch.NewAlarm(payments.Stack, jsii.String("L2"), &awscloudwatch.AlarmProps{
		AlarmName: jsii.String("l2-made"), Threshold: jsii.Number(1), EvaluationPeriods: jsii.Number(1),
		Metric: awscloudwatch.NewMetric(&awscloudwatch.MetricProps{Namespace: jsii.String("AWS/Lambda"), MetricName: jsii.String("Errors"), Account: jsii.String("444444444444")}),
	})
	l2.AddAlarmAction(awscloudwatchactions.NewSnsAction(awssns.Topic_FromTopicArn(payments.Stack, jsii.String("Foreign"), jsii.String("arn:aws:sns:eu-west-1:555555555555:elsewhere"))))
	err := p.CheckAlarmAccounts()
	if err == nil {
		t.Fatal("a cross-account alarm action passed")
	}
	msg := err.Error()
	for _, want := range []string{
		"alarm hand-made in account 222222222222, region eu-west-1 (stack acme-payments-eu-west-1): alarmActions " + foreign + " is in account 333333333333",
		"alarm watcher in account 111111111111, region eu-west-1 (stack acme-central): metrics[0].accountId 222222222222 reads another account's metrics",
		"alarm l2-made in account 222222222222, region eu-west-1 (stack acme-payments-eu-west-1): alarmActions arn:aws:sns:eu-west-1:555555555555:elsewhere is in account 555555555555",
		"alarm l2-made in account 222222222222, region eu-west-1 (stack acme-payments-eu-west-1): metrics[0].accountId 444444444444",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if n := strings.Count(msg, "\n") + 1; n != 4 {
		t.Errorf("%d problems, want 4 (the own-account action passes):\n%s", n, msg)
	}
	if res, err := Synth(app, p); err == nil || res != nil || !strings.Contains(err.Error(), "hand-made") {
		t.Errorf("Synth returned %v, %v; want no result and the alarm error", res, err)
	}
}
