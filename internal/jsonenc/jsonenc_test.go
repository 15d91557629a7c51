package jsonenc

import (
	"encoding/json"
	"math"
	"testing"
)

func TestAppendFloatFormatsLikeEncodingJSON(t *testing.T) {
	for _, v := range []float64{0, 1, -1, 12.5, 1e20, 1e21, 1.5e-7, 1e-6, 123456789, -0.000001234, math.Ldexp(1, 360), math.SmallestNonzeroFloat64} {
		want, _ := json.Marshal(v)
		if got := AppendFloat(nil, v); string(got) != string(want) {
			t.Errorf("AppendFloat(%v) = %s, encoding/json gives %s", v, got, want)
		}
	}
}

func TestAppendStringEscapesLikeEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr", "\x00\x1f\x7f", "naïve ☃ 🎉", "bad \xff utf8 \xc3", "<html>&amp;", "\u2028\u2029"} {
		got := AppendString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("AppendString(%q) = %s is not JSON: %v", s, got, err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Fatalf("AppendString(%q) decodes to %q, encoding/json round-trips to %q", s, back, wantBack)
		}
	}
}
