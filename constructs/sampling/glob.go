package sampling

import (
	"regexp"
	"strings"
)

// X-Ray matches every rule field as a glob: '*' is any run of characters,
// '?' exactly one, everything else literal, compared case-insensitively
// (as the X-Ray SDKs and the OpenTelemetry X-Ray remote sampler do).

// normalizeGlob lower-cases p, treats "" as "*" (our default for an unset
// field) and rewrites every run of wildcards into its canonical form: the
// '?'s first, then at most one '*'. "*?*" and "?*" match the same strings;
// the canonical form lets covers compare patterns token by token.
func normalizeGlob(p string) string {
	if p == "" {
		return "*"
	}
	p = strings.ToLower(p)
	var b strings.Builder
	for i := 0; i < len(p); {
		if p[i] != '*' && p[i] != '?' {
			b.WriteByte(p[i])
			i++
			continue
		}
		star, quest := false, 0
		for ; i < len(p) && (p[i] == '*' || p[i] == '?'); i++ {
			if p[i] == '*' {
				star = true
			} else {
				quest++
			}
		}
		b.WriteString(strings.Repeat("?", quest))
		if star {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// isWildcard reports whether p matches every string.
func isWildcard(p string) bool { return normalizeGlob(p) == "*" }

// hasGlob reports whether p contains a wildcard character.
func hasGlob(p string) bool { return strings.ContainsAny(p, "*?") }

// covers reports whether every string matched by glob pb is also matched
// by glob pa. It matches pa against pb symbolically, one character (rune)
// or wildcard at a time: a '*' of pa may absorb any tokens of pb
// (wildcards included), a '?' of pa stands for one character so it may
// absorb a literal or a '?' of pb but never a '*', and a literal must meet
// the same literal. Every "true" is a proof of containment, so
// shadowing is never reported falsely; exotic overlaps such as "*a*a*"
// against "*aa*" may go undetected, which only means a missed warning.
func covers(pa, pb string) bool {
	a, b := []rune(normalizeGlob(pa)), []rune(normalizeGlob(pb))
	if string(a) == "*" {
		return true
	}
	// memo[i][j]: 0 unknown, 1 true, 2 false.
	memo := make([][]uint8, len(a)+1)
	for i := range memo {
		memo[i] = make([]uint8, len(b)+1)
	}
	var match func(i, j int) bool
	match = func(i, j int) bool {
		if memo[i][j] != 0 {
			return memo[i][j] == 1
		}
		var ok bool
		switch {
		case i == len(a):
			ok = j == len(b)
		case a[i] == '*':
			ok = match(i+1, j) || (j < len(b) && match(i, j+1))
		case a[i] == '?':
			ok = j < len(b) && b[j] != '*' && match(i+1, j+1)
		default:
			ok = j < len(b) && b[j] == a[i] && match(i+1, j+1)
		}
		memo[i][j] = 2
		if ok {
			memo[i][j] = 1
		}
		return ok
	}
	return match(0, 0)
}

// globRegexp translates glob p into an anchored, case-insensitive RE2
// expression, the form OTTL's IsMatch takes.
func globRegexp(p string) string {
	p = normalizeGlob(p)
	var b strings.Builder
	b.WriteString("(?i)^")
	lit := 0
	flush := func(end int) {
		if end > lit {
			b.WriteString(regexp.QuoteMeta(p[lit:end]))
		}
	}
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '*':
			flush(i)
			b.WriteString(".*")
			lit = i + 1
		case '?':
			flush(i)
			b.WriteString(".")
			lit = i + 1
		}
	}
	flush(len(p))
	b.WriteString("$")
	return b.String()
}
