package sampling

import (
	"fmt"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Rule is one row of the X-Ray sampling rule table. X-Ray evaluates rules
// in ascending Priority and the first rule whose every field matches the
// request decides: ReservoirSize requests per second are traced, then
// FixedRate of the rest. Matching fields are globs ('*' any run of
// characters, '?' one character), compared case-insensitively; an empty
// field matches everything ("*").
type Rule struct {
	// Name of the rule in X-Ray: 1-32 letters, digits, '-', '_' or '.',
	// and not "Default" (X-Ray's built-in rule). Default: derived from the
	// matching fields (see RuleNames).
	Name string
	// ServiceName matches the name the service gives itself in its
	// segments, at most 64 characters. Default: "*".
	ServiceName string
	// ServiceType matches the segment origin, e.g. "AWS::Lambda::Function",
	// at most 64 characters. Default: "*".
	ServiceType string
	// Host matches the host name of the request URL, at most 64
	// characters. Default: "*".
	Host string
	// HTTPMethod matches the request method, at most 10 characters.
	// Default: "*".
	HTTPMethod string
	// URLPath matches the request path, at most 128 characters.
	// Default: "*".
	URLPath string
	// ResourceARN matches the ARN of the resource the service runs on, at
	// most 500 characters. Default: "*".
	ResourceARN string
	// Attributes must all be present on the request with matching values
	// (globs): at most 5, keys and values 1-32 characters. Default: none.
	Attributes map[string]string
	// Priority orders evaluation, 1-9999, lower first, unique in the
	// table. Required.
	Priority int
	// FixedRate is the share of matching requests traced once the
	// reservoir is used up, 0-1. Zero is a real rate (trace nothing beyond
	// the reservoir).
	FixedRate float64
	// ReservoirSize is how many matching requests per second are traced
	// before FixedRate applies, shared by all instances, 0 or more.
	ReservoirSize int
	// Boost enables X-Ray adaptive sampling: while X-Ray sees anomalies
	// (errors, faults) for the rule, it raises the rate up to MaxRate.
	// Default (the zero Boost): no boost.
	Boost Boost
}

// Boost is X-Ray's SamplingRateBoost (adaptive sampling) for one rule. The
// zero Boost means no boost; any other value must give MaxRate.
type Boost struct {
	// MaxRate is the highest rate X-Ray may boost to: above the rule's
	// FixedRate and at most 1. Required for a boost.
	MaxRate float64
	// CooldownWindowMinutes is the window in which at most one boost is
	// triggered, 1 or more. Default: 1.
	CooldownWindowMinutes int
}

// Enabled reports whether b asks for a boost (is not the zero Boost).
func (b Boost) Enabled() bool { return b != Boost{} }

// cooldown is CooldownWindowMinutes with its default.
func (b Boost) cooldown() int {
	if b.CooldownWindowMinutes == 0 {
		return 1
	}
	return b.CooldownWindowMinutes
}

// DefaultRules returns the seed's rule table in an order X-Ray can honour:
// checkout-api POST is always traced, health-check GET never, and
// everything else at 5% after a reservoir of 1 request per second. The
// seed put the wildcard at priority 2, where it hides health-check (3);
// here the wildcard is an ordinary rule at CatchAllPriority, evaluated
// last, rather than an edit of X-Ray's built-in "Default" rule, which
// CloudFormation cannot manage.
func DefaultRules() []Rule {
	return []Rule{
		{ServiceName: "checkout-api", HTTPMethod: "POST", Priority: 1, FixedRate: 1, ReservoirSize: 0},
		{ServiceName: "health-check", HTTPMethod: "GET", Priority: 2, FixedRate: 0, ReservoirSize: 0},
		{Priority: CatchAllPriority, FixedRate: 0.05, ReservoirSize: 1},
	}
}

func validateRules(v *validation.Errors, rules []Rule) {
	priorities := map[int]int{}
	for i, r := range rules {
		path := validation.Index("rules", i)
		at := func(field string) string { return validation.Join(path, field) }
		if r.Name != "" {
			validateName(v, at("name"), r.Name)
		}
		for _, f := range []struct {
			field, value string
			max          int
		}{
			{"serviceName", r.ServiceName, maxServiceLen},
			{"serviceType", r.ServiceType, maxServiceLen},
			{"host", r.Host, maxHostLen},
			{"httpMethod", r.HTTPMethod, maxMethodLen},
			{"urlPath", r.URLPath, maxURLPathLen},
			{"resourceArn", r.ResourceARN, maxResourceARNLen},
		} {
			if n := len([]rune(f.value)); n > f.max {
				v.Add(at(f.field), f.value, "at most %d characters (X-Ray limit), got %d", f.max, n)
			}
		}
		if len(r.Attributes) > maxAttributes {
			v.Add(at("attributes"), fmt.Sprintf("%d attributes", len(r.Attributes)), "at most %d attributes (X-Ray limit)", maxAttributes)
		}
		for _, k := range sortedKeys(r.Attributes) {
			if n := len([]rune(k)); n < 1 || n > maxAttributePart {
				v.Add(validation.Key(at("attributes"), k), k, "an attribute key of 1-%d characters", maxAttributePart)
			}
			if n := len([]rune(r.Attributes[k])); n < 1 || n > maxAttributePart {
				v.Add(validation.Key(at("attributes"), k), r.Attributes[k], "an attribute value of 1-%d characters", maxAttributePart)
			}
		}
		if r.Priority < 1 || r.Priority > maxPriority {
			v.Add(at("priority"), r.Priority, "1-%d (lower is evaluated first; required)", maxPriority)
		} else if j, dup := priorities[r.Priority]; dup {
			v.Add(at("priority"), r.Priority, "a priority no other rule uses; rules[%d] already has it", j)
		} else {
			priorities[r.Priority] = i
		}
		if !(r.FixedRate >= 0 && r.FixedRate <= 1) {
			v.Add(at("fixedRate"), r.FixedRate, "a rate from 0 to 1")
		}
		if r.ReservoirSize < 0 {
			v.Add(at("reservoirSize"), r.ReservoirSize, "0 or more requests per second")
		}
		if b := r.Boost; b.Enabled() {
			if !(b.MaxRate > r.FixedRate && b.MaxRate <= 1) {
				v.Add(at("boost.maxRate"), b.MaxRate, "above the rule's fixedRate (%g) and at most 1", r.FixedRate)
			}
			if b.CooldownWindowMinutes < 0 {
				v.Add(at("boost.cooldownWindowMinutes"), b.CooldownWindowMinutes, "1 or more minutes (0 means the default, 1)")
			}
		}
	}
	names, owner := RuleNames(rules), map[string]int{}
	for i, n := range names {
		if j, dup := owner[strings.ToLower(n)]; dup {
			v.Add(validation.Join(validation.Index("rules", i), "name"), n,
				"a name no other rule has (compared case-insensitively); rules[%d] is also %q, set name explicitly", j, names[j])
			continue
		}
		owner[strings.ToLower(n)] = i
	}
	for _, s := range findShadowed(rules) {
		hidden, by := rules[s.hidden], rules[s.by]
		v.Add(validation.Index("rules", s.hidden), names[s.hidden],
			"a rule X-Ray can reach, but rules[%d] %q (priority %d) is evaluated first and matches every request rules[%d] %q (priority %d) matches; "+
				"give rules[%d] a priority below %d or narrow rules[%d]",
			s.by, names[s.by], by.Priority, s.hidden, names[s.hidden], hidden.Priority, s.hidden, by.Priority, s.by)
	}
}

// validateName checks an X-Ray rule or group name.
func validateName(v *validation.Errors, path, name string) {
	switch {
	case len(name) < 1 || len(name) > maxNameLen:
		v.Add(path, name, "1-%d characters", maxNameLen)
	case !namePattern.MatchString(name):
		v.Add(path, name, "only letters, digits, '-', '_' and '.'")
	case strings.EqualFold(name, "Default"):
		v.Add(path, name, "a name other than \"Default\", which X-Ray reserves for its built-in rule and group")
	}
}
