package sampling

import (
	"regexp"
	"strings"
	"testing"
)

func TestRuleNamesDeriveReadableNamesForTheDefaultTable(t *testing.T) {
	got := RuleNames(DefaultRules())
	want := []string{"checkout-api-POST", "health-check-GET", "all-requests"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("RuleNames(DefaultRules()) = %v, want %v", got, want)
	}
}

func TestRuleNamesKeepExplicitNames(t *testing.T) {
	got := RuleNames([]Rule{{Name: "my-rule", ServiceName: "a"}})
	if got[0] != "my-rule" {
		t.Fatalf("got %q, want my-rule", got[0])
	}
}

var hashed = regexp.MustCompile(`-[0-9a-f]{6}$`)

func TestRuleNamesShortenLongNamesWithAHashSuffix(t *testing.T) {
	r := Rule{ServiceName: "inventory-reconciliation-service", HTTPMethod: "DELETE"}
	name := RuleNames([]Rule{r})[0]
	if len(name) > 32 || !hashed.MatchString(name) || !strings.HasPrefix(name, "inventory-reconciliation") {
		t.Fatalf("got %q, want at most 32 characters: a readable prefix and a 6-hex hash", name)
	}
}

func TestRuleNamesHashNamesWhoseCharactersWereReplaced(t *testing.T) {
	name := RuleNames([]Rule{{URLPath: "/api/*"}})[0]
	if !strings.HasPrefix(name, "api-") || !hashed.MatchString(name) {
		t.Fatalf("got %q, want \"api-\" and a hash (the path's '/' and '*' were replaced)", name)
	}
}

func TestRuleNamesAreStableWhenOtherRulesChange(t *testing.T) {
	r := Rule{ServiceName: "orders", URLPath: "/v1/orders/*"}
	alone := RuleNames([]Rule{r})[0]
	withOthers := RuleNames([]Rule{{ServiceName: "x"}, r, {HTTPMethod: "GET"}})[1]
	if alone != withOthers {
		t.Fatalf("name changed with the table: %q alone, %q among others", alone, withOthers)
	}
}

func TestRuleNamesDisambiguateCollisionsWithHashes(t *testing.T) {
	// "a-b" + "*" and "a" + "b" both join to "a-b".
	names := RuleNames([]Rule{{ServiceName: "a-b"}, {ServiceName: "a", HTTPMethod: "b"}})
	if names[0] == names[1] {
		t.Fatalf("colliding derived names were not disambiguated: %v", names)
	}
	for _, n := range names {
		if !hashed.MatchString(n) {
			t.Errorf("%q: a colliding derived name should carry a hash", n)
		}
	}
}

func TestRuleNamesNeverDeriveTheReservedDefault(t *testing.T) {
	name := RuleNames([]Rule{{ServiceName: "default"}})[0]
	if strings.EqualFold(name, "Default") {
		t.Fatalf("derived the reserved name %q", name)
	}
}

func TestGroupNamesFitXRayLimits(t *testing.T) {
	cases := []struct{ prefix, suffix, want string }{
		{"o11yscale-", "errors", "o11yscale-errors"},
		{"o11yscale-", "checkout-api", "o11yscale-checkout-api"},
	}
	for _, tc := range cases {
		if got := groupName(tc.prefix, tc.suffix); got != tc.want {
			t.Errorf("groupName(%q, %q) = %q, want %q", tc.prefix, tc.suffix, got, tc.want)
		}
	}
	for _, suffix := range []string{strings.Repeat("x", 80), "Payments Service (EU)", "///"} {
		got := groupName("o11yscale-", suffix)
		if len(got) > 32 || !namePattern.MatchString(got) || !hashed.MatchString(got) {
			t.Errorf("groupName(%q) = %q: want a valid name of at most 32 characters ending in a hash", suffix, got)
		}
	}
}

func TestGroupsAreErrorsSlowAndExactlyTheListedServices(t *testing.T) {
	names := func(p Props) []string {
		var out []string
		for _, g := range groupSpecs(p.withDefaults()) {
			out = append(out, g.name)
		}
		return out
	}
	// Rules naming services add no group: the caller lists the services
	// (the platform config lists every platform service).
	rules := append(DefaultRules(), Rule{ServiceName: "orders-*", Priority: 50})
	if got := names(Props{Rules: rules}); strings.Join(got, " ") != "o11yscale-errors o11yscale-slow" {
		t.Errorf("groups without services = %v, want only errors and slow", got)
	}
	got := names(Props{Rules: rules, Groups: GroupsProps{Services: []string{"checkout-api", "health-check"}}})
	want := "o11yscale-errors o11yscale-slow o11yscale-checkout-api o11yscale-health-check"
	if strings.Join(got, " ") != want {
		t.Errorf("groups = %v, want %s", got, want)
	}
}
