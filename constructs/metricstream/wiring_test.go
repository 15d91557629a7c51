package metricstream_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/internal/cdktest"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

// Props validate complete values only: a forwarder or stream without its
// central target is invalid, whatever else is set.
func TestPropsWithoutACentralTargetAreInvalid(t *testing.T) {
	if err := (metricstream.ForwarderProps{Metrics: seedMetrics}).Validate(); err == nil || !strings.Contains(err.Error(), "central: <empty>") {
		t.Errorf("forwarder without central: %v", err)
	}
	if err := (metricstream.StreamProps{}).Validate(); err == nil || !strings.Contains(err.Error(), "central: <empty>") {
		t.Errorf("stream without central: %v", err)
	}
	if err := (metricstream.ForwarderProps{Central: remote}).Validate(); err == nil || !strings.Contains(err.Error(), "at least one metric") {
		t.Errorf("forwarder without metrics: %v", err)
	}
	if err := (metricstream.ForwarderProps{Central: remote, Metrics: seedMetrics}).Validate(); err != nil {
		t.Errorf("complete forwarder props rejected: %v", err)
	}
	bad := []metricstream.Metric{{Namespace: "n", MetricName: "m", Unit: "MILLIS"}}
	if err := (metricstream.ForwarderProps{Central: remote, Metrics: bad}).Validate(); err == nil ||
		strings.Count(err.Error(), "metrics[0].unit") != 1 || !strings.Contains(err.Error(), "awscloudwatch.Unit") {
		t.Errorf("unknown unit: %v", err)
	}
}

// The regional constructs take their names and region from the central
// construct, so they cannot disagree with it.
func TestRegionalConstructsTakeNamesAndRegionFromTheCentral(t *testing.T) {
	app := cdktest.NewApp(t, "")
	c, err := metricstream.NewCentral(stack(app, "Central", "eu-central-1"), "Metrics", metricstream.CentralProps{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if c.CentralNames().Stream() != "acme-metrics" || c.CentralRegion() != "eu-central-1" || c.CentralAccount() != "123456789012" {
		t.Fatalf("target: %+v %s %s", c.CentralNames(), c.CentralRegion(), c.CentralAccount())
	}
	regional := stack(app, "Regional", "eu-west-1")
	f, err := metricstream.NewForwarder(regional, "Forwarder", metricstream.ForwarderProps{Central: c,
		Metrics: []metricstream.Metric{{Namespace: "AWS/Lambda", MetricName: "Duration", Unit: awscloudwatch.Unit_MILLISECONDS}}})
	if err != nil {
		t.Fatal(err)
	}
	if f.ConfigParameter != nil {
		t.Fatal("a one-metric config went to SSM")
	}
	if _, err := metricstream.NewStream(regional, "Stream", metricstream.StreamProps{Central: c}); err != nil {
		t.Fatal(err)
	}
	rt := assertions.Template_FromStack(regional, nil)
	rt.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{"RoleName": "acme-forwarder-eu-west-1"})
	// The forwarder writes its self-metrics to the platform's pipeline
	// namespace, which the stream includes by default.
	rt.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{"Environment": map[string]any{
		"Variables": assertions.Match_ObjectLike(&map[string]any{contract.EnvMetricNamespace: "Acme/Pipeline"})}})
	rt.HasResourceProperties(jsii.String("AWS::CloudWatch::MetricStream"), map[string]any{"IncludeFilters": []any{
		map[string]any{"Namespace": "AWS/ApiGateway"}, map[string]any{"Namespace": "AWS/Lambda"}, map[string]any{"Namespace": "Acme/Pipeline"}}})
	fns := rt.FindResources(jsii.String("AWS::Lambda::Function"), nil)
	found := false
	for _, fn := range *fns {
		b, _ := json.Marshal((*fn)["Properties"].(map[string]any)["Environment"].(map[string]any)["Variables"].(map[string]any)[contract.EnvConfig])
		if strings.Contains(string(b), `\"streamName\":\"acme-metrics\"`) && strings.Contains(string(b), `\"centralRegion\":\"eu-central-1\"`) &&
			strings.Contains(string(b), "123456789012:role/acme-metrics-writer") && strings.Contains(string(b), `\"unit\":\"Milliseconds\"`) &&
			strings.Contains(string(b), `\"sessionName\":\"acme-forwarder\"`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no forwarder config names the central's stream, region, writer role and the platform's session name: %v", *fns)
	}
}

func TestInAccountRejectsAnotherAccountNamingBoth(t *testing.T) {
	app := cdktest.NewApp(t, "")
	c, err := metricstream.NewCentral(stack(app, "Central", "us-east-1"), "Metrics", metricstream.CentralProps{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.InAccount("210987654321"); err == nil || !strings.Contains(err.Error(), "123456789012") || !strings.Contains(err.Error(), "210987654321") {
		t.Errorf("mismatch: %v", err)
	}
	if _, err := c.InAccount("12"); err == nil {
		t.Error("a bad account id was accepted")
	}
	target, err := c.InAccount("123456789012")
	if err != nil || target.CentralAccount() != "123456789012" || target.CentralRegion() != "us-east-1" {
		t.Errorf("same account: %v %+v", err, target)
	}
	// An account-agnostic central stack takes the given account.
	agnosticStack := awscdk.NewStack(app, jsii.String("Agnostic"), &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("us-east-1")}})
	agnostic, err := metricstream.NewCentral(agnosticStack, "Metrics", metricstream.CentralProps{})
	if err != nil {
		t.Fatal(err)
	}
	if agnostic.CentralAccount() != "" {
		t.Errorf("agnostic central reports account %q", agnostic.CentralAccount())
	}
	if target, err := agnostic.InAccount("210987654321"); err != nil || target.CentralAccount() != "210987654321" {
		t.Errorf("agnostic: %v %+v", err, target)
	}
}

func TestErrorsCarryTheConstructPath(t *testing.T) {
	app := cdktest.NewApp(t, "")
	s := stack(app, "Regional", "eu-west-1")
	if _, err := metricstream.NewForwarder(s, "Fwd", metricstream.ForwarderProps{}); err == nil || !strings.HasPrefix(err.Error(), "metricstream Regional/Fwd: ") {
		t.Errorf("forwarder: %v", err)
	}
	if _, err := metricstream.NewStream(s, "MS", metricstream.StreamProps{}); err == nil || !strings.HasPrefix(err.Error(), "metricstream Regional/MS: ") {
		t.Errorf("stream: %v", err)
	}
	if _, err := metricstream.NewCentral(s, "C", metricstream.CentralProps{Headroom: 20}); err == nil || !strings.HasPrefix(err.Error(), "metricstream Regional/C: ") {
		t.Errorf("central: %v", err)
	}
}

func TestParseUnitMapsCloudWatchUnitStrings(t *testing.T) {
	for s, want := range map[string]awscloudwatch.Unit{"Milliseconds": awscloudwatch.Unit_MILLISECONDS, "Bytes/Second": awscloudwatch.Unit_BYTES_PER_SECOND,
		"Count/Second": awscloudwatch.Unit_COUNT_PER_SECOND, "None": awscloudwatch.Unit_NONE} {
		if got, ok := metricstream.ParseUnit(s); !ok || got != want {
			t.Errorf("ParseUnit(%q) = %v, %v", s, got, ok)
		}
	}
	if _, ok := metricstream.ParseUnit("ms"); ok {
		t.Error(`ParseUnit("ms") accepted`)
	}
}

func TestACentralWithoutARegionIsNamedInWordsNotAsAToken(t *testing.T) {
	app := cdktest.NewApp(t, "")
	central, err := metricstream.NewCentral(awscdk.NewStack(app, jsii.String("C"), nil), "Metrics", metricstream.CentralProps{Name: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	err = metricstream.ForwarderProps{Central: central, Metrics: []metricstream.Metric{{Namespace: "AWS/Lambda", MetricName: "Duration"}}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "central: \"a central stack without a region\" is not allowed; a central target with an explicit region") || strings.Contains(err.Error(), "${Token") {
		t.Fatalf("got %v", err)
	}
}

func TestForwarderErrorsNameThePropsFieldsNotTheLambdaConfig(t *testing.T) {
	err := metricstream.ForwarderProps{
		Central:  metricstream.RemoteCentral{Names: metricstream.Names{Platform: "shop"}, Region: "us-east-1"},
		Schedule: 7 * time.Minute,
		Searches: []metricstream.Search{{Expression: "'x'"}},
	}.Validate()
	for _, want := range []string{"schedule: 420 is not allowed", "searches[0].expression:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v\nlacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "intervalSeconds") || strings.Contains(err.Error(), "searchExpressions") {
		t.Errorf("names the Lambda's config fields: %v", err)
	}
}

func TestFirehoseMayLogItsErrorsToTheRealLogStream(t *testing.T) {
	// GIVEN the central archive and a regional metric stream
	app := cdktest.NewApp(t, "")
	cs := cdktest.NewStack(app, "C", "us-east-1")
	central, err := metricstream.NewCentral(cs, "Metrics", metricstream.CentralProps{Name: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	rs := cdktest.NewStack(app, "R", "eu-west-1")
	if _, err := metricstream.NewStream(rs, "Stream", metricstream.StreamProps{Central: central}); err != nil {
		t.Fatal(err)
	}
	for _, st := range []awscdk.Stack{cs, rs} {
		// WHEN the delivery role's log permission is rendered
		tpl := assertions.Template_FromStack(st, nil).ToJSON()
		b, _ := json.Marshal(tpl)
		var doc struct {
			Resources map[string]struct {
				Type       string
				Properties map[string]any
			}
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range doc.Resources {
			if r.Type != "AWS::IAM::Policy" {
				continue
			}
			pb, _ := json.Marshal(r.Properties)
			if !strings.Contains(string(pb), `"logs:PutLogEvents"`) {
				continue
			}
			found = true
			// THEN it names the stream under the group's name, never
			// after the group's Arn attribute (which ends in ":*")
			if strings.Contains(string(pb), `"Fn::GetAtt"`) && strings.Contains(string(pb), `.Arn"]},":log-stream:`) || !strings.Contains(string(pb), `:log-group:"`) || !strings.Contains(string(pb), `:log-stream:`) {
				t.Errorf("%s: PutLogEvents resource is not a log stream ARN built from the group's name: %s", *st.StackName(), pb)
			}
		}
		if !found {
			t.Errorf("%s: no PutLogEvents permission", *st.StackName())
		}
	}
}
