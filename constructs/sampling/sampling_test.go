package sampling_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/review"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

func newStack(t *testing.T) awscdk.Stack {
	t.Helper()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	return awscdk.NewStack(app, jsii.String("S"), &awscdk.StackProps{Env: &awscdk.Environment{
		Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")}})
}

func synth(t *testing.T, props sampling.Props) (awscdk.Stack, *sampling.Tracing, assertions.Template) {
	t.Helper()
	stack := newStack(t)
	tr, err := sampling.NewTracing(stack, "Tracing", props)
	if err != nil {
		t.Fatal(err)
	}
	return stack, tr, assertions.Template_FromStack(stack, nil)
}

func TestDefaults(t *testing.T) {
	// GIVEN default props for two services WHEN synthesized
	stack, tr, tpl := synth(t, sampling.Props{Groups: sampling.GroupsProps{Services: []string{"checkout-api", "health-check"}}})

	t.Run("three rules in the corrected seed order", func(t *testing.T) {
		tpl.ResourceCountIs(jsii.String("AWS::XRay::SamplingRule"), jsii.Number(3))
		for _, want := range []map[string]any{
			{"RuleName": "checkout-api-POST", "ServiceName": "checkout-api", "HTTPMethod": "POST", "Priority": 1, "FixedRate": 1, "ReservoirSize": 0},
			{"RuleName": "health-check-GET", "ServiceName": "health-check", "HTTPMethod": "GET", "Priority": 2, "FixedRate": 0, "ReservoirSize": 0},
			{"RuleName": "all-requests", "ServiceName": "*", "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": "*",
				"ResourceARN": "*", "Priority": 9999, "FixedRate": 0.05, "ReservoirSize": 1, "Version": 1},
		} {
			tpl.HasResourceProperties(jsii.String("AWS::XRay::SamplingRule"), map[string]any{"SamplingRule": want})
		}
		if len(tr.Rules) != 3 || strings.Join(tr.RuleNames, ",") != "checkout-api-POST,health-check-GET,all-requests" {
			t.Errorf("Rules %d, RuleNames %v", len(tr.Rules), tr.RuleNames)
		}
	})

	t.Run("no boost unless configured", func(t *testing.T) {
		tpl.HasResourceProperties(jsii.String("AWS::XRay::SamplingRule"), map[string]any{
			"SamplingRule": map[string]any{"SamplingRateBoost": assertions.Match_Absent()}})
	})

	t.Run("groups for errors, slow requests and each listed service, without Insights", func(t *testing.T) {
		tpl.ResourceCountIs(jsii.String("AWS::XRay::Group"), jsii.Number(4))
		for name, filter := range map[string]string{
			"o11yscale-errors":       "fault = true OR error = true",
			"o11yscale-slow":         "responsetime > 2",
			"o11yscale-checkout-api": `service("checkout-api")`,
			"o11yscale-health-check": `service("health-check")`,
		} {
			tpl.HasResourceProperties(jsii.String("AWS::XRay::Group"), map[string]any{
				"GroupName": name, "FilterExpression": filter, "InsightsConfiguration": assertions.Match_Absent()})
		}
	})

	t.Run("collector configuration in a Standard SSM parameter and in review", func(t *testing.T) {
		tpl.HasResourceProperties(jsii.String("AWS::SSM::Parameter"), map[string]any{
			"Name": sampling.DefaultParameterName, "Type": "String", "Tier": "Standard", "Value": string(tr.CollectorConfig)})
		// The stack is in us-east-1, whose endpoints the config names.
		path := sampling.RegionReviewPath("us-east-1")
		got, ok := review.Content(stack, path)
		if !ok || string(got) != string(tr.CollectorConfig) {
			t.Errorf("review file %s: registered %v, equal to CollectorConfig %v", path, ok, string(got) == string(tr.CollectorConfig))
		}
		if len(tr.CollectorConfig) > sampling.StandardParamBytes {
			t.Errorf("default configuration is %d bytes, expected to fit Standard", len(tr.CollectorConfig))
		}
	})
}

func TestBoostIsEmittedAsSamplingRateBoostOverride(t *testing.T) {
	// GIVEN rules with an adaptive boost
	rules := sampling.DefaultRules()
	rules[2].Boost = sampling.Boost{MaxRate: 0.5, CooldownWindowMinutes: 5}
	rules = append(rules, sampling.Rule{ServiceName: "search", Priority: 10, FixedRate: 0.1, Boost: sampling.Boost{MaxRate: 0.3}})
	// WHEN synthesized (tail sampling off: see inOwnProcess)
	_, _, tpl := synth(t, sampling.Props{Rules: rules, TailSampling: sampling.TailSamplingProps{Disabled: true}})
	// THEN the override carries both fields; an unset cooldown becomes 1
	tpl.HasResourceProperties(jsii.String("AWS::XRay::SamplingRule"), map[string]any{"SamplingRule": map[string]any{
		"RuleName": "all-requests", "SamplingRateBoost": map[string]any{"MaxRate": 0.5, "CooldownWindowMinutes": 5}}})
	tpl.HasResourceProperties(jsii.String("AWS::XRay::SamplingRule"), map[string]any{"SamplingRule": map[string]any{
		"RuleName": "search", "SamplingRateBoost": map[string]any{"MaxRate": 0.3, "CooldownWindowMinutes": 1}}})
}

func TestInsightsAndExplicitServices(t *testing.T) {
	// GIVEN Insights with notifications and an explicit service list
	_, tr, tpl := synth(t, sampling.Props{Groups: sampling.GroupsProps{
		Insights: true, Notifications: true, Services: []string{"payments"}, NamePrefix: "shop-"}})
	// THEN every group has Insights on and only the listed service has a group
	tpl.ResourceCountIs(jsii.String("AWS::XRay::Group"), jsii.Number(3))
	tpl.AllResourcesProperties(jsii.String("AWS::XRay::Group"), map[string]any{
		"InsightsConfiguration": map[string]any{"InsightsEnabled": true, "NotificationsEnabled": true}})
	tpl.HasResourceProperties(jsii.String("AWS::XRay::Group"), map[string]any{"GroupName": "shop-payments", "FilterExpression": `service("payments")`})
	if len(tr.Groups) != 3 {
		t.Errorf("Groups = %d, want 3", len(tr.Groups))
	}
}

func TestConfigurationOver4KBUsesTheAdvancedTier(t *testing.T) {
	if inOwnProcess(t) {
		return
	}
	// GIVEN enough rules to push the configuration past 4 KB (but not 8 KB)
	var rules []sampling.Rule
	for i := 1; ; i++ {
		rules = append(rules, sampling.Rule{ServiceName: fmt.Sprintf("service-number-%02d", i), HTTPMethod: "POST", Priority: i, FixedRate: 0.5})
		cfg, err := sampling.CollectorConfig(sampling.Props{Rules: rules})
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg) > sampling.StandardParamBytes {
			break
		}
	}
	// WHEN synthesized THEN the parameter is Advanced
	_, tr, tpl := synth(t, sampling.Props{Rules: rules})
	tpl.HasResourceProperties(jsii.String("AWS::SSM::Parameter"), map[string]any{"Tier": "Advanced", "Value": string(tr.CollectorConfig)})
}

func TestInvalidPropsCreateNothing(t *testing.T) {
	stack := newStack(t)
	_, err := sampling.NewTracing(stack, "Tracing", sampling.Props{Rules: []sampling.Rule{
		{ServiceName: "checkout-api", HTTPMethod: "POST", Priority: 1, FixedRate: 1},
		{Priority: 2, FixedRate: 0.05, ReservoirSize: 1},
		{ServiceName: "health-check", HTTPMethod: "GET", Priority: 3},
	}})
	if err == nil || !strings.Contains(err.Error(), "rules[2]") {
		t.Fatalf("want the shadowing error at rules[2], got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "sampling S/Tracing: ") {
		t.Errorf("error does not start with the construct path: %v", err)
	}
	if n := len(*stack.Node().Children()); n != 0 {
		t.Fatalf("stack has %d children after a failed NewTracing", n)
	}
}

func TestDisabledGroupsAndTailSamplingCreateOnlyRules(t *testing.T) {
	_, tr, tpl := synth(t, sampling.Props{Groups: sampling.GroupsProps{Disabled: true}, TailSampling: sampling.TailSamplingProps{Disabled: true}})
	tpl.ResourceCountIs(jsii.String("AWS::XRay::Group"), jsii.Number(0))
	tpl.ResourceCountIs(jsii.String("AWS::SSM::Parameter"), jsii.Number(0))
	tpl.ResourceCountIs(jsii.String("AWS::XRay::SamplingRule"), jsii.Number(3))
	if tr.CollectorParameter != nil || tr.CollectorConfig != nil {
		t.Error("disabled tail sampling must leave CollectorParameter and CollectorConfig nil")
	}
}

// inOwnProcess reruns the calling test alone in a child process and reports
// true in the parent. review keys its files by the app's node address,
// which is the same for every App in a process, so a second app that
// registers a different collector configuration fails with "already added
// with different content". A test whose configuration differs from the
// default therefore runs in a process of its own.
func inOwnProcess(t *testing.T) bool {
	t.Helper()
	const env = "SAMPLING_TEST_OWN_PROCESS"
	if os.Getenv(env) == t.Name() {
		return false
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), env+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s in its own process: %v\n%s", t.Name(), err, out)
	}
	return true
}

func TestARenamedPlatformLeavesNoO11yscaleInCreatedNames(t *testing.T) {
	// GIVEN Name "acme" and one service WHEN synthesized
	_, tr, tpl := synth(t, sampling.Props{Name: "acme", Groups: sampling.GroupsProps{Services: []string{"checkout-api"}}})
	// THEN groups and the parameter follow the name
	for _, name := range []string{"acme-errors", "acme-slow", "acme-checkout-api"} {
		tpl.HasResourceProperties(jsii.String("AWS::XRay::Group"), map[string]any{"GroupName": name})
	}
	tpl.HasResourceProperties(jsii.String("AWS::SSM::Parameter"), map[string]any{"Name": "/acme/otel/collector-config"})
	if got := sampling.ParameterName("acme"); got != "/acme/otel/collector-config" {
		t.Errorf("ParameterName = %s", got)
	}
	// AND nothing else (the configuration's header names the generator)
	if left := cdktest.Leftovers(*tpl.ToJSON(), "o11yscale", "generated by o11yscale constructs/sampling"); len(left) > 0 {
		t.Errorf("o11yscale left in created names:\n%s", strings.Join(left, "\n"))
	}
	if tr.CollectorParameter == nil {
		t.Fatal("no parameter")
	}
}
