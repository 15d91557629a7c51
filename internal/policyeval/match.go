package policyeval

import (
	"fmt"
	"regexp"
	"strings"
)

// glob matches s against a pattern with * (any run, also empty) and ?
// (one character).
func glob(pattern, s string) bool {
	// Iterative matcher with backtracking to the last *.
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// MatchAction reports whether an action pattern (service:Action with
// wildcards) matches an action; IAM action names are not case-sensitive.
func MatchAction(pattern, action string) bool {
	return glob(strings.ToLower(pattern), strings.ToLower(action))
}

// MatchARN reports whether an ARN pattern matches an ARN: "*" matches
// anything, otherwise each of the six colon-separated fields is matched
// on its own (a wildcard never spans fields; the last field keeps its
// colons), with case.
func MatchARN(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	pp, ap := strings.SplitN(pattern, ":", 6), strings.SplitN(arn, ":", 6)
	if len(pp) != 6 || len(ap) != 6 {
		// Not an ARN (a name or URL): the whole string, with wildcards.
		return len(pp) != 6 && len(ap) != 6 && glob(pattern, arn)
	}
	for i := range pp {
		if !glob(pp[i], ap[i]) {
			return false
		}
	}
	return true
}

// ARNAccount is the account field of an ARN ("" for S3 and other ARNs
// without one, or a string that is no ARN).
func ARNAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

// matchKind is how a resource policy's principal element names the caller.
type matchKind int

const (
	noMatch matchKind = iota
	// viaAccount: the element names the caller's account, which delegates
	// to the account's identity policies.
	viaAccount
	// direct: the element names the caller (its role, its service) or "*".
	direct
)

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// matchPrincipals is how p names the caller.
func matchPrincipals(p *Principals, who Principal) (matchKind, error) {
	if p.Any {
		return direct, nil
	}
	if who.Service != "" {
		for _, s := range p.Service {
			if s == who.Service {
				return direct, nil
			}
		}
		return noMatch, nil
	}
	kind := noMatch
	for _, a := range p.AWS {
		switch {
		case isAccountID(a):
			if a == who.Account {
				kind = max(kind, viaAccount)
			}
		case strings.HasPrefix(a, "arn:"):
			parts := strings.SplitN(a, ":", 6)
			if len(parts) != 6 || parts[2] != "iam" {
				return noMatch, fmt.Errorf("AWS principal %q is not an IAM ARN", a)
			}
			switch {
			case parts[5] == "root":
				if parts[4] == who.Account && parts[1] == who.partition() {
					kind = max(kind, viaAccount)
				}
			case strings.HasPrefix(parts[5], "role/"):
				if a == who.RoleARN {
					kind = direct
				}
			default:
				return noMatch, fmt.Errorf("AWS principal %q: only account roots and roles are implemented", a)
			}
		default:
			return noMatch, fmt.Errorf("AWS principal %q is neither an account id nor an ARN", a)
		}
	}
	return kind, nil
}

// variableRE is one policy variable: ${key} with a condition key's
// characters. The escapes ${*}, ${?} and ${$} and defaults
// (${key, 'default'}) are not implemented.
var variableRE = regexp.MustCompile(`\$\{([A-Za-z0-9:/_.-]+)\}`)

// checkVariables fails for a "${" that is not a variable this package
// implements.
func checkVariables(pattern string) error {
	if strings.Contains(variableRE.ReplaceAllString(pattern, ""), "${") {
		return fmt.Errorf("a policy variable other than ${key} is not implemented")
	}
	return nil
}

// substitute replaces each ${key} of pattern with the request's value of
// key (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html:
// any single-valued key can be a variable). A key that is missing or has
// several values is an error, and so is a value holding a wildcard, since
// whether it would match literally is not documented.
func substitute(pattern string, ctx map[string][]string) (string, error) {
	var err error
	out := variableRE.ReplaceAllStringFunc(pattern, func(v string) string {
		key := variableRE.FindStringSubmatch(v)[1]
		vals, _ := lookup(ctx, key)
		if len(vals) != 1 {
			err = fmt.Errorf("%s: the request has %d values for %s; a policy variable needs exactly one", v, len(vals), key)
			return v
		}
		if strings.ContainsAny(vals[0], "*?") {
			err = fmt.Errorf("%s: value %q holds a wildcard", v, vals[0])
		}
		return vals[0]
	})
	return out, err
}
