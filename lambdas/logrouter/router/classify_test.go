package router

import (
	"strings"
	"testing"
)

func TestClassifyMatchesEncodingJSON(t *testing.T) {
	deep := func(n int) string { return strings.Repeat(`[`, n) + strings.Repeat(`]`, n) }
	tests := []struct {
		name string
		msg  string
		want Class
	}{
		{"json error with 5xx", `{"level":"ERROR","status_code":503}`, Class{FormatJSON, TierError, true, 503}},
		{"json info", `{"level":"INFO","msg":"ok","status_code":200}`, Class{FormatJSON, TierInfo, true, 200}},
		{"level matched case-insensitively", `{"level":"error"}`, Class{FormatJSON, TierError, false, 0}},
		{"level aliases", `{"level":"CRITICAL"}`, Class{FormatJSON, TierError, false, 0}},
		{"warning alias", `{"level":"warning"}`, Class{FormatJSON, TierWarn, false, 0}},
		{"trace is debug", `{"level":"trace"}`, Class{FormatJSON, TierDebug, false, 0}},
		{"unknown level word", `{"level":"LOUD"}`, Class{FormatJSON, TierUnknown, false, 0}},
		{"escaped key and value", `{"\u006cevel":"\u0045RROR"}`, Class{FormatJSON, TierError, false, 0}},
		{"duplicate key, last wins", `{"level":"ERROR","level":"DEBUG"}`, Class{FormatJSON, TierDebug, false, 0}},
		{"duplicate key, last is not a string", `{"level":"ERROR","level":5}`, Class{FormatJSON, TierUnknown, false, 0}},
		{"duplicate key, last is null", `{"status_code":500,"status_code":null}`, Class{FormatJSON, TierUnknown, false, 0}},
		{"key names are case-sensitive", `{"LEVEL":"ERROR"}`, Class{FormatJSON, TierUnknown, false, 0}},
		{"exponent status", `{"status_code":5e2}`, Class{FormatJSON, TierUnknown, true, 500}},
		{"fractional status", `{"status_code":499.5}`, Class{FormatJSON, TierUnknown, true, 499.5}},
		{"string status is no status", `{"status_code":"503"}`, Class{FormatJSON, TierUnknown, false, 0}},
		{"nested fields do not count", `{"ctx":{"level":"ERROR","status_code":500},"level":"INFO"}`, Class{FormatJSON, TierInfo, false, 0}},
		{"whitespace everywhere", "\t{\r\n\"level\"\t:\n\"WARN\"\r}\n", Class{FormatJSON, TierWarn, false, 0}},
		{"empty object", `{}`, Class{FormatJSON, TierUnknown, false, 0}},
		{"null decodes into a nil map", `null`, Class{FormatJSON, TierUnknown, false, 0}},
		{"unicode and escapes in values", `{"msg":"café ☃ 😀 \"q\" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 \ud800","level":"ERROR"}`, Class{FormatJSON, TierError, false, 0}},
		{"overflowing number anywhere makes it plain", `{"level":"ERROR","x":[1e400]}`, Class{FormatPlain, TierUnknown, false, 0}},
		{"underflowing number is fine", `{"level":"ERROR","x":1e-400}`, Class{FormatJSON, TierError, false, 0}},
		{"long integer is fine", `{"level":"ERROR","x":` + strings.Repeat("9", 308) + `}`, Class{FormatJSON, TierError, false, 0}},
		{"long integer overflows", `{"level":"ERROR","x":` + strings.Repeat("9", 309) + `}`, Class{FormatPlain, TierUnknown, false, 0}},
		{"nesting 10000 is valid", `{"level":"WARN","x":` + deep(9999) + `}`, Class{FormatJSON, TierWarn, false, 0}},
		{"nesting 10001 is not", `{"level":"WARN","x":` + deep(10000) + `}`, Class{FormatPlain, TierUnknown, false, 0}},
		{"truncated json is plain", `{"level":"ERROR","msg":"x"`, Class{FormatPlain, TierUnknown, false, 0}},
		{"trailing comma", `{"level":"ERROR",}`, Class{FormatPlain, TierUnknown, false, 0}},
		{"trailing data", `{"level":"ERROR"} x`, Class{FormatPlain, TierUnknown, false, 0}},
		{"leading zero", `{"level":"ERROR","n":01}`, Class{FormatPlain, TierUnknown, false, 0}},
		{"bare fraction", `{"level":"ERROR","n":1.}`, Class{FormatPlain, TierUnknown, false, 0}},
		{"bad escape", `{"level":"ERROR","s":"\x"}`, Class{FormatPlain, TierUnknown, false, 0}},
		{"short unicode escape", `{"level":"ERROR","s":"\u12"}`, Class{FormatPlain, TierUnknown, false, 0}},
		{"raw control character", "{\"level\":\"ERROR\",\"s\":\"a\tb\"}", Class{FormatPlain, TierUnknown, false, 0}},
		{"array message is plain", `["level","ERROR"]`, Class{FormatPlain, TierUnknown, false, 0}},
		{"string message is plain", `"ERROR"`, Class{FormatPlain, TierUnknown, false, 0}},
		{"plain level first", `ERROR: disk full`, Class{FormatPlain, TierError, false, 0}},
		{"plain bracketed level", "[WARN]\t2024-05-14T10:11:33Z\treq\tslow", Class{FormatPlain, TierWarn, false, 0}},
		{"plain lambda node format", "2024-05-14T10:11:33.013Z\t6e1c1b9e\tERROR\tInvoke Error", Class{FormatPlain, TierError, false, 0}},
		{"plain logfmt", `time=2024-05-14T10:11:33Z level=debug msg="x"`, Class{FormatPlain, TierDebug, false, 0}},
		{"plain level too far right", `a b c d ERROR`, Class{FormatPlain, TierUnknown, false, 0}},
		{"plain lambda platform line", `START RequestId: 6e1c1b9e Version: $LATEST`, Class{FormatPlain, TierUnknown, false, 0}},
		{"empty message", ``, Class{FormatPlain, TierUnknown, false, 0}},
	}
	var c Classifier
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ref := naiveClassify(tt.msg); ref != tt.want {
				t.Fatalf("test expectation %+v disagrees with encoding/json %+v", tt.want, ref)
			}
			if got := c.Classify([]byte(tt.msg)); got != tt.want {
				t.Errorf("Classify(%q) = %+v, want %+v", tt.msg, got, tt.want)
			}
		})
	}
}

func TestClassifyDoesNotAllocate(t *testing.T) {
	msg := []byte(`{"\u006cevel":"\u0045RROR","status_code":5e2,"ctx":{"a":[1,2,{"b":"c"}]},"msg":"caf\u00e9"}`)
	var c Classifier
	c.Classify(msg)
	if n := testing.AllocsPerRun(100, func() { c.Classify(msg) }); n != 0 {
		t.Errorf("Classify allocates %.0f times per message, want 0", n)
	}
}

func TestRulesForward(t *testing.T) {
	tests := []struct {
		name  string
		rules Rules
		class Class
		want  bool
	}{
		{"default forwards ERROR", DefaultRules(), Class{Tier: TierError}, true},
		{"default forwards INFO with 500", DefaultRules(), Class{Tier: TierInfo, HasStatus: true, Status: 500}, true},
		{"default drops INFO with 499.9", DefaultRules(), Class{Tier: TierInfo, HasStatus: true, Status: 499.9}, false},
		{"default drops WARN", DefaultRules(), Class{Tier: TierWarn}, false},
		{"default drops unknown", DefaultRules(), Class{}, false},
		{"status rule off", Rules{MinStatus: 0}, Class{HasStatus: true, Status: 503}, false},
		{"WARN selected", Rules{Tiers: [numTiers]bool{TierWarn: true}}, Class{Tier: TierWarn}, true},
		{"UNKNOWN selected", Rules{Tiers: [numTiers]bool{TierUnknown: true}}, Class{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rules.Forward(tt.class); got != tt.want {
				t.Errorf("Forward(%+v) = %v, want %v", tt.class, got, tt.want)
			}
		})
	}
}
