package sampling

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// withRule returns the default props with rule r added at priority 500
// (between the named rules and the catch-all), so that only r's fields
// decide the outcome.
func withRule(r Rule) Props {
	if r.Priority == 0 {
		r.Priority = 500
	}
	return Props{Rules: append(DefaultRules(), r)}
}

func TestDefaultPropsAreValid(t *testing.T) {
	if err := (Props{}).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateRejectsEachInvalidFieldNamingItsPath(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	attrs := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[fmt.Sprintf("k%d", i)] = "v"
		}
		return m
	}
	svc := func(s string) Rule { return Rule{ServiceName: s, FixedRate: 0.5} }
	manyRules := func() []Rule {
		// Distinct literal services: no rule overlaps another, so every
		// rule becomes its own tail-sampling policy.
		var rules []Rule
		for i := range 30 {
			rules = append(rules, Rule{ServiceName: fmt.Sprintf("service-%02d-%s", i, long(40)), HTTPMethod: "POST",
				URLPath: "/api/v1/" + long(60), Priority: i + 1, FixedRate: 0.5})
		}
		return rules
	}

	cases := []struct {
		name    string
		props   Props
		path    string
		allowed string
	}{
		{"rule name over 32 characters", withRule(Rule{Name: long(33), ServiceName: "x"}), "rules[3].name", "1-32 characters"},
		{"rule name with a space", withRule(Rule{Name: "a b", ServiceName: "x"}), "rules[3].name", "only letters, digits"},
		{"rule name Default is reserved", withRule(Rule{Name: "default", ServiceName: "x"}), "rules[3].name", `other than "Default"`},
		{"two rules with one name", Props{Rules: []Rule{{Name: "same", ServiceName: "a", Priority: 1}, {Name: "SAME", ServiceName: "b", Priority: 2}}}, "rules[1].name", "no other rule has"},
		{"serviceName over 64", withRule(svc(long(65))), "rules[3].serviceName", "at most 64 characters"},
		{"serviceType over 64", withRule(Rule{ServiceType: long(65)}), "rules[3].serviceType", "at most 64 characters"},
		{"host over 64", withRule(Rule{Host: long(65)}), "rules[3].host", "at most 64 characters"},
		{"httpMethod over 10", withRule(Rule{HTTPMethod: long(11)}), "rules[3].httpMethod", "at most 10 characters"},
		{"urlPath over 128", withRule(Rule{URLPath: "/" + long(128)}), "rules[3].urlPath", "at most 128 characters"},
		{"resourceArn over 500", withRule(Rule{ResourceARN: long(501)}), "rules[3].resourceArn", "at most 500 characters"},
		{"more than 5 attributes", withRule(Rule{Attributes: attrs(6)}), "rules[3].attributes", "at most 5 attributes"},
		{"attribute key over 32", withRule(Rule{Attributes: map[string]string{long(33): "v"}}), `rules[3].attributes["` + long(33) + `"]`, "attribute key of 1-32"},
		{"empty attribute value", withRule(Rule{Attributes: map[string]string{"tier": ""}}), `rules[3].attributes["tier"]`, "attribute value of 1-32"},
		{"attribute value over 32", withRule(Rule{Attributes: map[string]string{"tier": long(33)}}), `rules[3].attributes["tier"]`, "attribute value of 1-32"},
		{"priority missing", Props{Rules: []Rule{{ServiceName: "a"}}}, "rules[0].priority", "1-9999"},
		{"priority over 9999", Props{Rules: []Rule{{ServiceName: "a", Priority: 10000}}}, "rules[0].priority", "1-9999"},
		{"duplicate priority", Props{Rules: []Rule{{ServiceName: "a", Priority: 7}, {ServiceName: "b", Priority: 7}}}, "rules[1].priority", "rules[0] already has it"},
		{"negative fixedRate", withRule(Rule{ServiceName: "x", FixedRate: -0.1}), "rules[3].fixedRate", "from 0 to 1"},
		{"fixedRate over 1", withRule(Rule{ServiceName: "x", FixedRate: 1.5}), "rules[3].fixedRate", "from 0 to 1"},
		{"fixedRate NaN", withRule(Rule{ServiceName: "x", FixedRate: math.NaN()}), "rules[3].fixedRate", "from 0 to 1"},
		{"negative reservoir", withRule(Rule{ServiceName: "x", ReservoirSize: -1}), "rules[3].reservoirSize", "0 or more"},
		{"boost maxRate not above fixedRate", withRule(Rule{ServiceName: "x", FixedRate: 0.2, Boost: Boost{MaxRate: 0.2}}), "rules[3].boost.maxRate", "above the rule's fixedRate (0.2)"},
		{"boost maxRate over 1", withRule(Rule{ServiceName: "x", FixedRate: 0.2, Boost: Boost{MaxRate: 1.01}}), "rules[3].boost.maxRate", "at most 1"},
		{"boost cooldown without maxRate", withRule(Rule{ServiceName: "x", Boost: Boost{CooldownWindowMinutes: 5}}), "rules[3].boost.maxRate", "above the rule's fixedRate (0)"},
		{"boost cooldown negative", withRule(Rule{ServiceName: "x", Boost: Boost{MaxRate: 0.5, CooldownWindowMinutes: -1}}), "rules[3].boost.cooldownWindowMinutes", "1 or more minutes"},
		{"name over 24 characters", Props{Name: long(25)}, "name", "1-24 letters"},
		{"name with a slash", Props{Name: "team/a"}, "name", "letters, digits"},
		{"slowThreshold negative", Props{SlowThreshold: -time.Second}, "slowThreshold", "above 0"},
		{"slowThreshold not whole milliseconds", Props{SlowThreshold: 1500 * time.Microsecond}, "slowThreshold", "whole milliseconds"},
		{"group prefix too long", Props{Groups: GroupsProps{NamePrefix: long(26)}}, "groups.namePrefix", "1-25 letters"},
		{"group prefix with a slash", Props{Groups: GroupsProps{NamePrefix: "team/"}}, "groups.namePrefix", "letters, digits"},
		{"empty service", Props{Groups: GroupsProps{Services: []string{""}}}, "groups.services[0]", "1-200 characters"},
		{"service with a quote", Props{Groups: GroupsProps{Services: []string{`a"b`}}}, "groups.services[0]", `without '"'`},
		{"duplicate service", Props{Groups: GroupsProps{Services: []string{"a", "a"}}}, "groups.services[1]", "groups.services[0] is the same"},
		{"notifications without insights", Props{Groups: GroupsProps{Notifications: true}}, "groups.notifications", "unless groups.insights"},
		{"service group named like the errors group", Props{Groups: GroupsProps{Services: []string{"errors"}}}, "groups", "distinct group names"},
		{"baseline over 100%", Props{TailSampling: TailSamplingProps{BaselinePercent: 150}}, "tailSampling.baselinePercent", "at most 100"},
		{"baseline negative", Props{TailSampling: TailSamplingProps{BaselinePercent: -1}}, "tailSampling.baselinePercent", "above 0"},
		{"baseline NaN", Props{TailSampling: TailSamplingProps{BaselinePercent: math.NaN()}}, "tailSampling.baselinePercent", "above 0"},
		{"decisionWait under 1s", Props{TailSampling: TailSamplingProps{DecisionWait: 500 * time.Millisecond}}, "tailSampling.decisionWait", "at least 1s"},
		{"numTraces negative", Props{TailSampling: TailSamplingProps{NumTraces: -1}}, "tailSampling.numTraces", "or more"},
		{"receiverHost with a port", Props{TailSampling: TailSamplingProps{ReceiverHost: "0.0.0.0:4317"}}, "tailSampling.receiverHost", "host name or IP"},
		{"parameter name relative path", Props{TailSampling: TailSamplingProps{ParameterName: "otel/config"}}, "tailSampling.parameterName", "starts with '/'"},
		{"parameter name under /aws", Props{TailSampling: TailSamplingProps{ParameterName: "/aws/otel"}}, "tailSampling.parameterName", "not starting with"},
		{"parameter name with a space", Props{TailSampling: TailSamplingProps{ParameterName: "/otel/my config"}}, "tailSampling.parameterName", "only letters"},
		{"parameter name with an empty segment", Props{TailSampling: TailSamplingProps{ParameterName: "/otel//config"}}, "tailSampling.parameterName", "no empty path segment"},
		{"parameter name over 2048", Props{TailSampling: TailSamplingProps{ParameterName: "/" + long(2048)}}, "tailSampling.parameterName", "1-2048 characters"},
		{"parameter name over 15 levels", Props{TailSampling: TailSamplingProps{ParameterName: strings.Repeat("/a", 16)}}, "tailSampling.parameterName", "at most 15 levels"},
		{"collector configuration over 8 KB", Props{Rules: manyRules()}, "tailSampling", "at most 8192 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.props.Validate()
			if err == nil {
				t.Fatalf("Validate accepted the props; want an error at %s", tc.path)
			}
			for _, fe := range validation.Fields(err) {
				if fe.Path == tc.path && strings.Contains(fe.Allowed, tc.allowed) {
					return
				}
			}
			t.Fatalf("no error at %s mentioning %q; got:\n%v", tc.path, tc.allowed, err)
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	p := Props{
		Rules:         []Rule{{ServiceName: "a", Priority: 0, FixedRate: 2}},
		SlowThreshold: -1,
		TailSampling:  TailSamplingProps{BaselinePercent: 200},
	}
	got := map[string]bool{}
	for _, fe := range validation.Fields(p.Validate()) {
		got[fe.Path] = true
	}
	for _, want := range []string{"rules[0].priority", "rules[0].fixedRate", "slowThreshold", "tailSampling.baselinePercent"} {
		if !got[want] {
			t.Errorf("missing error at %s; got %v", want, got)
		}
	}
}

func TestDisabledSectionsAreNotValidated(t *testing.T) {
	p := Props{
		Groups:       GroupsProps{Disabled: true, Notifications: true},
		TailSampling: TailSamplingProps{Disabled: true, BaselinePercent: 200},
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("disabled groups and tail sampling must not be validated: %v", err)
	}
}

func TestBoostCooldownZeroMeansTheDefault(t *testing.T) {
	if err := withRule(Rule{ServiceName: "x", FixedRate: 0.1, Boost: Boost{MaxRate: 0.5}}).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestZeroBoostIsNoBoost(t *testing.T) {
	r := Rule{ServiceName: "x", FixedRate: 1, Priority: 500}
	if r.Boost.Enabled() {
		t.Fatal("the zero Boost must mean no boost")
	}
	// A fixedRate of 1 leaves no room for a boost, so a boost would fail.
	if err := withRule(r).Validate(); err != nil {
		t.Fatal(err)
	}
}
