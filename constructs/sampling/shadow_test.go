package sampling

import (
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// seedTable is the rule table exactly as the seed prints it: the wildcard
// at priority 2 hides health-check at priority 3.
func seedTable() []Rule {
	return []Rule{
		{ServiceName: "checkout-api", HTTPMethod: "POST", Priority: 1, FixedRate: 1},
		{ServiceName: "*", HTTPMethod: "*", Priority: 2, FixedRate: 0.05, ReservoirSize: 1},
		{ServiceName: "health-check", HTTPMethod: "GET", Priority: 3, FixedRate: 0},
	}
}

func TestSeedOrderingIsRejectedNamingBothRules(t *testing.T) {
	err := Props{Rules: seedTable()}.Validate()
	if err == nil {
		t.Fatal("the seed's ordering was accepted; health-check can never match behind the wildcard")
	}
	fields := validation.Fields(err)
	if len(fields) != 1 || fields[0].Path != "rules[2]" {
		t.Fatalf("want exactly one error at rules[2], got:\n%v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`rules[2]: "health-check-GET"`,
		`rules[1] "all-requests" (priority 2) is evaluated first`,
		`(priority 3)`,
		"give rules[2] a priority below 2",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

func TestDefaultRulesOrderTheSeedTableCorrectly(t *testing.T) {
	rules := DefaultRules()
	if got := findShadowed(rules); len(got) != 0 {
		t.Fatalf("default table has shadowed rules: %v", got)
	}
	catchAll := rules[len(rules)-1]
	if !matchesSuperset(catchAll, rules[0]) || !matchesSuperset(catchAll, rules[1]) || catchAll.Priority != CatchAllPriority {
		t.Fatalf("the wildcard must match everything and be evaluated last, got %+v", catchAll)
	}
	for _, r := range rules[:len(rules)-1] {
		if r.Priority >= catchAll.Priority {
			t.Errorf("rule %+v is evaluated after the wildcard", r)
		}
	}
}

func TestFindShadowed(t *testing.T) {
	cases := []struct {
		name   string
		rules  []Rule
		hidden []shadowing
	}{
		{
			name:   "wildcard before a specific rule",
			rules:  []Rule{{Priority: 1}, {ServiceName: "a", Priority: 2}},
			hidden: []shadowing{{hidden: 1, by: 0}},
		},
		{
			name:   "glob before a rule it contains",
			rules:  []Rule{{ServiceName: "checkout-*", Priority: 1}, {ServiceName: "checkout-api", HTTPMethod: "POST", Priority: 2}},
			hidden: []shadowing{{hidden: 1, by: 0}},
		},
		{
			name:   "fewer attribute constraints first",
			rules:  []Rule{{ServiceName: "a", Attributes: map[string]string{"tier": "gold"}, Priority: 1}, {ServiceName: "a", Attributes: map[string]string{"tier": "gold", "region": "eu"}, Priority: 2}},
			hidden: []shadowing{{hidden: 1, by: 0}},
		},
		{
			name:   "looser attribute value first",
			rules:  []Rule{{Attributes: map[string]string{"tier": "*"}, Priority: 1}, {Attributes: map[string]string{"tier": "gold"}, Priority: 2}},
			hidden: []shadowing{{hidden: 1, by: 0}},
		},
		{
			name:   "order follows priority, not table position",
			rules:  []Rule{{ServiceName: "a", Priority: 5}, {Priority: 1}},
			hidden: []shadowing{{hidden: 0, by: 1}},
		},
		{
			name:  "specific before wildcard",
			rules: []Rule{{ServiceName: "a", Priority: 1}, {Priority: 2}},
		},
		{
			name:  "disjoint services",
			rules: []Rule{{ServiceName: "a", Priority: 1}, {ServiceName: "b", Priority: 2}},
		},
		{
			name:  "overlapping but neither contains the other",
			rules: []Rule{{ServiceName: "a", Priority: 1}, {HTTPMethod: "GET", Priority: 2}},
		},
		{
			name:  "earlier rule requires an attribute the later one does not",
			rules: []Rule{{ServiceName: "a", Attributes: map[string]string{"tier": "gold"}, Priority: 1}, {ServiceName: "a", Priority: 2}},
		},
		{
			name:  "earlier resource ARN is narrower",
			rules: []Rule{{ResourceARN: "arn:aws:lambda:*:*:function:a", Priority: 1}, {Priority: 2}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := findShadowed(tc.rules)
			if len(got) != len(tc.hidden) {
				t.Fatalf("findShadowed = %v, want %v", got, tc.hidden)
			}
			for i := range got {
				if got[i] != tc.hidden[i] {
					t.Fatalf("findShadowed = %v, want %v", got, tc.hidden)
				}
			}
		})
	}
}

func TestDisjointOnlyForPlainlyDifferentLiterals(t *testing.T) {
	cases := []struct {
		a, b Rule
		want bool
	}{
		{Rule{ServiceName: "a"}, Rule{ServiceName: "b"}, true},
		{Rule{HTTPMethod: "GET"}, Rule{HTTPMethod: "get"}, false},
		{Rule{ServiceName: "a*"}, Rule{ServiceName: "b"}, false}, // globs: judged "may overlap"
		{Rule{ServiceName: "a"}, Rule{HTTPMethod: "GET"}, false},
		{Rule{Attributes: map[string]string{"t": "x"}}, Rule{Attributes: map[string]string{"t": "y"}}, true},
	}
	for _, tc := range cases {
		if got := disjoint(tc.a, tc.b); got != tc.want {
			t.Errorf("disjoint(%+v, %+v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
