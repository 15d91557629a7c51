package pattern

import (
	"strings"
	"testing"
)

func TestBuildersRenderTheSeedPatternsExactly(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  Pattern
		want string
	}{
		{"json error level", JSON(Eq("$.level", "ERROR")), `{ $.level = "ERROR" }`},
		{"seed critical events", JSON(Eq("$.level", "ERROR")).Or(Ge("$.status_code", 500)), `{ $.level = "ERROR" || $.status_code >= 500 }`},
		{"seed space-delimited errors", Space("time", "request_id", Field("level").Like("ERROR*"), "..."), `[time, request_id, level = ERROR*, ...]`},
		{"or inside and is parenthesised", JSON(Eq("$.service", "checkout-api").And(Eq("$.level", "ERROR").Or(Gt("$.latency_ms", 1000.5)))), `{ $.service = "checkout-api" && ($.level = "ERROR" || $.latency_ms > 1000.5) }`},
		{"and inside or is parenthesised", JSON(Eq("$.a", 1).And(Eq("$.b", 2)).Or(NotExists("$.c"))), `{ ($.a = 1 && $.b = 2) || $.c NOT EXISTS }`},
		{"null, booleans and regex", JSON(IsNull("$.user").Or(IsTrue("$.retry")).Or(IsFalse("$.ok")).Or(Matches("$.msg", "timeout|refused"))), `{ $.user IS NULL || $.retry IS TRUE || $.ok IS FALSE || $.msg = %timeout|refused% }`},
		{"quotes inside strings are escaped", JSON(Ne("$.msg", `say "hi"`)), `{ $.msg != "say \"hi\"" }`},
		{"all terms", Terms("ERROR", "Error Code"), `ERROR "Error Code"`},
		{"any term", AnyTerm("ERROR", "WARN"), `?ERROR ?WARN`},
		{"numeric space fields", Space("ip", "user", Field("status").Ge(500), Field("bytes").Lt(10)), `[ip, user, status >= 500, bytes < 10]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.got.Err(); err != nil {
				t.Fatalf("builder produced an invalid pattern: %v", err)
			}
			if tc.got.String() != tc.want {
				t.Fatalf("got  %s\nwant %s", tc.got, tc.want)
			}
			reparsed, err := Parse(tc.got.String())
			if err != nil || reparsed.Kind() != tc.got.Kind() {
				t.Fatalf("rendered pattern does not parse back as %s: %v", tc.got.Kind(), err)
			}
		})
	}
}

func TestParseReportsSelectorsAndFields(t *testing.T) {
	p, err := Parse(`{ ($.level = "ERROR") || $.http.status_code >= 500 || $.items[0].id = * }`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Selectors(), " "); got != "$.level $.http.status_code $.items[0].id" {
		t.Fatalf("selectors = %s", got)
	}
	s, err := Parse(`[time, request_id, level = ERROR* || level = FATAL*, ...]`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Fields(), " "); got != "time request_id level" || !s.HasField("level") || s.HasField("user") {
		t.Fatalf("fields = %s", got)
	}
}

func TestParseAcceptsValidPatterns(t *testing.T) {
	for _, text := range []string{
		``,
		`ERROR`,
		`"Error Code" -DEBUG`,
		`?ERROR ?WARN ?"Out of memory"`,
		`%ERROR|FATAL%`,
		`{ $.eventType = UpdateTrail }`,
		`{$.latency>=-5.5&&$.ok IS TRUE}`,
		`{ $.a.* = "x" }`,
		`{ $.list[*] = "x" }`,
		`[w1 = ERROR, w2]`,
		`[ip, user, username, timestamp, request = "*html*", status_code = 4*, bytes]`,
		`{ $.msg = %a% || $.other = %b% }`,
	} {
		if _, err := Parse(text); err != nil {
			t.Errorf("Parse(%q) rejected a valid pattern: %v", text, err)
		}
	}
}

func TestParseRejectsInvalidPatternsWithTheReason(t *testing.T) {
	for _, tc := range []struct {
		text, reason string
	}{
		{`{ $.level = "ERROR"`, `expected "}"`},
		{`{ $.level = "ERROR" }}`, `after the closing brace`},
		{`{ ($.level = "ERROR" }`, `expected ")"`},
		{`{ level = "ERROR" }`, `expected a selector`},
		{`{ $.level == "ERROR" }`, `value "=" must be quoted`},
		{`{ $..level = "ERROR" }`, `selector "$..level" is malformed`},
		{`{ $.level ~ "ERROR" }`, `expected an operator`},
		{`{ $.status_code >= "500" }`, `needs a number`},
		{`{ $.level = "ERROR }`, `unterminated quoted string`},
		{`{ $.x IS MAYBE }`, `NULL, TRUE or FALSE`},
		{`{ $.x NOT THERE }`, `followed by EXISTS`},
		{`{ $.msg = %(a|b)% }`, `does not support`},
		{`{ $.msg = %a }`, `unterminated regular expression`},
		{`{ $.a = %x% || $.b = %y% || $.c = %z% }`, `at most 2`},
		{`[time, request_id, level = ERROR*, ...`, `expected "]"`},
		{`[]`, `at least one field`},
		{`[time, 1bad]`, `field name "1bad"`},
		{`[status > abc]`, `needs a number`},
		{`ERROR }`, `brace, bracket or parenthesis`},
		{`?ERROR WARN`, `mixes a required term`},
		{`"unterminated`, `unterminated quoted string`},
		{strings.Repeat("x", MaxLength+1), `at most 1024`},
	} {
		_, err := Parse(tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("Parse(%.40q) = %v, want an error containing %q", tc.text, err, tc.reason)
		}
	}
}

func TestBuilderMistakesSurfaceAsErrors(t *testing.T) {
	for name, p := range map[string]Pattern{
		"bad selector":          JSON(Eq("level", "ERROR")),
		"order on a string":     JSON(Gt("$.level", "ERROR")),
		"unsupported value":     JSON(Eq("$.ok", true)),
		"or on a space pattern": Space("a", "b").Or(Eq("$.x", 1)),
		"no terms":              Terms(),
		"bad space field":       Space("a", 3),
	} {
		if p.Err() == nil {
			t.Errorf("%s: pattern %q has no error", name, p)
		}
	}
}

func TestRegexIsCountedForTheLogGroupQuota(t *testing.T) {
	with, _ := Parse(`{ $.msg = %timeout% }`)
	without, _ := Parse(`{ $.msg = "timeout" }`)
	if !with.HasRegex() || without.HasRegex() {
		t.Fatalf("HasRegex: with=%v without=%v", with.HasRegex(), without.HasRegex())
	}
}
