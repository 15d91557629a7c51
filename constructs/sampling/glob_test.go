package sampling

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

func TestNormalizeGlobCanonicalisesWildcardRuns(t *testing.T) {
	cases := map[string]string{
		"":        "*",
		"*":       "*",
		"**":      "*",
		"*?":      "?*",
		"?*?":     "??*",
		"POST":    "post",
		"/a*?/b*": "/a?*/b*",
	}
	for in, want := range cases {
		if got := normalizeGlob(in); got != want {
			t.Errorf("normalizeGlob(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCoversDecidesGlobContainment(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"*", "anything", true},
		{"", "checkout-api", true}, // an unset field matches everything
		{"checkout-api", "checkout-api", true},
		{"CHECKOUT-API", "checkout-api", true}, // X-Ray compares case-insensitively
		{"checkout-*", "checkout-api", true},
		{"checkout-*", "checkout-*-v2", true},
		{"*-api", "checkout-api", true},
		{"/api/*", "/api/v?/items", true},
		{"?*", "*?", true}, // both: one character or more
		{"a?c", "abc", true},
		{"a?c", "a?c", true},
		{"checkout-api", "checkout-*", false},
		{"checkout-api", "health-check", false},
		{"a?c", "a*c", false}, // a*c also matches "ac"
		{"?", "*", false},
		{"*", "", true},
		{"post", "*", false},
		{"é?", "é", false}, // '?' is one character, not one byte
	}
	for _, tc := range cases {
		if got := covers(tc.a, tc.b); got != tc.want {
			t.Errorf("covers(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestCoversNeverClaimsAContainmentThatFails checks soundness against brute
// force: whenever covers(a, b) says yes, every short string b matches is
// matched by a too. A false "yes" would report a rule as shadowed when it
// is not.
func TestCoversNeverClaimsAContainmentThatFails(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pattern := func() string {
		const alphabet = "ab*?"
		n := rng.IntN(5)
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	var words []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		words = append(words, prefix)
		if n == 0 {
			return
		}
		for _, c := range "abc" {
			gen(prefix+string(c), n-1)
		}
	}
	gen("", 6)
	compiled := map[string]*regexp.Regexp{}
	matches := func(p, s string) bool {
		re, ok := compiled[p]
		if !ok {
			re = regexp.MustCompile(globRegexp(p))
			compiled[p] = re
		}
		return re.MatchString(s)
	}
	proved := 0
	for range 3000 {
		a, b := pattern(), pattern()
		if !covers(a, b) {
			continue
		}
		proved++
		for _, w := range words {
			if matches(b, w) && !matches(a, w) {
				t.Fatalf("covers(%q, %q) is true, but %q matches %q and not %q", a, b, w, b, a)
			}
		}
	}
	if proved < 100 {
		t.Fatalf("only %d containments exercised; the generator is too weak", proved)
	}
}

func TestGlobRegexpQuotesLiteralsAndMapsWildcards(t *testing.T) {
	cases := []struct {
		glob, in string
		want     bool
	}{
		{"/api/v1.0/*", "/api/v1.0/items", true},
		{"/api/v1.0/*", "/api/v1x0/items", false}, // '.' is literal
		{"GET", "get", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"(x)+", "(x)+", true},
	}
	for _, tc := range cases {
		re := regexp.MustCompile(globRegexp(tc.glob))
		if got := re.MatchString(tc.in); got != tc.want {
			t.Errorf("glob %q (regexp %q) on %q = %v, want %v", tc.glob, re, tc.in, got, tc.want)
		}
	}
}
