package sampling

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// hashSuffixLen is the length of the hex digest that keeps a shortened or
// lossy name unique.
const hashSuffixLen = 6

// RuleNames returns the X-Ray name of every rule, in table order: Name when
// set, else one derived from the matching fields, e.g. "checkout-api-POST"
// or "all-requests" for a rule that matches everything. A derived name is
// at most 32 characters and depends only on the rule's own matching
// fields, so it stays the same when other rules change; it carries a
// 6-character hash of those fields when it had to be shortened, when
// characters outside [A-Za-z0-9-] were replaced, or when it would collide
// with another rule's name.
func RuleNames(rules []Rule) []string {
	names := make([]string, len(rules))
	plain := make([]bool, len(rules)) // derived without a hash
	for i, r := range rules {
		if r.Name != "" {
			names[i] = r.Name
			continue
		}
		base, lossless := nameBase(r)
		if lossless && len(base) <= maxNameLen && !strings.EqualFold(base, "Default") {
			names[i], plain[i] = base, true
		} else {
			names[i] = hashedName(base, matchKey(r))
		}
	}
	count := map[string]int{}
	for _, n := range names {
		count[strings.ToLower(n)]++
	}
	for i, r := range rules {
		if plain[i] && count[strings.ToLower(names[i])] > 1 {
			names[i] = hashedName(names[i], matchKey(r))
		}
	}
	return names
}

// nameBase joins the rule's non-wildcard matching fields into a name, and
// reports whether no character had to be replaced.
func nameBase(r Rule) (string, bool) {
	var parts []string
	for _, f := range []string{r.ServiceName, r.HTTPMethod, r.Host, r.URLPath, r.ServiceType, r.ResourceARN} {
		if !isWildcard(f) {
			parts = append(parts, f)
		}
	}
	for _, k := range sortedKeys(r.Attributes) {
		parts = append(parts, k, r.Attributes[k])
	}
	if len(parts) == 0 {
		return "all-requests", true
	}
	lossless := true
	for i, p := range parts {
		s := sanitizeName(p)
		if s != p {
			lossless = false
		}
		parts[i] = s
	}
	base := strings.Trim(strings.Join(parts, "-"), "-")
	if base == "" {
		return "rule", false
	}
	return base, lossless
}

// sanitizeName keeps ASCII letters and digits and turns every other run of
// characters into a single '-'.
func sanitizeName(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return b.String()
}

// hashedName shortens base so that "-" and a hash of key fit in 32
// characters.
func hashedName(base, key string) string {
	sum := sha256.Sum256([]byte(key))
	keep := maxNameLen - hashSuffixLen - 1
	if len(base) > keep {
		base = strings.TrimRight(base[:keep], "-")
	}
	return base + "-" + hex.EncodeToString(sum[:])[:hashSuffixLen]
}

// matchKey canonically encodes what a rule matches. Values are compared
// case-insensitively by X-Ray, so they are lower-cased here too.
func matchKey(r Rule) string {
	var b strings.Builder
	for _, f := range []string{r.ServiceName, r.ServiceType, r.Host, r.HTTPMethod, r.URLPath, r.ResourceARN} {
		b.WriteString(normalizeGlob(f))
		b.WriteByte(0)
	}
	for _, k := range sortedKeys(r.Attributes) {
		b.WriteString(k)
		b.WriteByte(1)
		b.WriteString(normalizeGlob(r.Attributes[k]))
		b.WriteByte(0)
	}
	return b.String()
}

// groupName is prefix+suffix, shortened with a hash of the suffix when it
// would exceed 32 characters or needed sanitising.
func groupName(prefix, suffix string) string {
	s := sanitizeName(suffix)
	name := prefix + s
	if s == suffix && len(name) <= maxNameLen {
		return name
	}
	sum := sha256.Sum256([]byte(suffix))
	keep := max(maxNameLen-len(prefix)-hashSuffixLen-1, 0) // an over-long prefix is a validation error
	s = strings.Trim(s, "-")
	if len(s) > keep {
		s = strings.TrimRight(s[:keep], "-")
	}
	if s == "" {
		return prefix + hex.EncodeToString(sum[:])[:hashSuffixLen]
	}
	return prefix + s + "-" + hex.EncodeToString(sum[:])[:hashSuffixLen]
}
