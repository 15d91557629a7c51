package pattern

import (
	"slices"
	"testing"
)

// FuzzParse checks that Parse never panics, and that a JSON pattern it
// accepts renders (through the builder) to a pattern that parses back with
// the same selectors.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{ $.level = "ERROR" || $.status_code >= 500 }`,
		`[time, request_id, level = ERROR*, ...]`,
		`{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }`,
		`{ $.eventType = "UpdateTrail" }`,
		`[ip, user, username, timestamp, request = "*html*", status_code = 4*, bytes]`,
		`?ERROR ?WARN`,
		`"Error Code" -DEBUG`,
		`{ $.msg = %timeout|refused% }`,
		`{ $.x IS NULL || $.y NOT EXISTS }`,
		`{ $.a = "unterminated }`,
		`[a, b = `,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Parse(text)
		if err != nil || p.Kind() != KindJSON {
			return
		}
		again := JSON(*p.cond)
		if again.Err() != nil {
			t.Fatalf("%q parsed, but its rendering %q does not: %v", text, again, again.Err())
		}
		if !slices.Equal(again.Selectors(), p.Selectors()) {
			t.Fatalf("%q: selectors %v, after rendering %q: %v", text, p.Selectors(), again, again.Selectors())
		}
	})
}
