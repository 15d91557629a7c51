package sampling

import "sort"

// Request describes a request for RateFor. Empty fields are unknown: only a
// rule that does not constrain them can match.
type Request struct {
	ServiceName string
	HTTPMethod  string
	URLPath     string
}

// RateFor returns the sampling X-Ray applies to req under rules (the
// defaults when rules is empty): the first rule by priority whose fields
// all match, as X-Ray evaluates them. A rule constraining a field the
// request leaves unknown (host, service type, attributes, or an empty
// field of req) does not match. ok is false when no rule matches, in which
// case X-Ray's built-in default (1 request/s, then 5%) applies.
func RateFor(rules []Rule, req Request) (rule Rule, ok bool) {
	if len(rules) == 0 {
		rules = DefaultRules()
	}
	sorted := append([]Rule(nil), rules...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Priority < sorted[j].Priority })
	for _, r := range sorted {
		if len(r.Attributes) > 0 || !isWildcard(r.Host) || !isWildcard(r.ServiceType) {
			continue
		}
		if fieldMatches(r.ServiceName, req.ServiceName) && fieldMatches(r.HTTPMethod, req.HTTPMethod) && fieldMatches(r.URLPath, req.URLPath) {
			return r, true
		}
	}
	return Rule{}, false
}

// fieldMatches reports whether rule glob pattern matches value; an unknown
// (empty) value is matched only by a wildcard.
func fieldMatches(pattern, value string) bool {
	if value == "" {
		return isWildcard(pattern)
	}
	return covers(pattern, value)
}
