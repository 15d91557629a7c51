package validation

import (
	"errors"
	"strings"
	"testing"
)

func TestErrorsListEveryFieldWithValueAndAllowed(t *testing.T) {
	var v Errors
	if v.Err() != nil {
		t.Fatal("empty Errors must be nil")
	}
	v.Add("rules[2].fixedRate", 1.5, "a rate from %d to %d", 0, 1)
	v.Add("name", "", "1-32 characters")
	err := v.Err()
	msg := err.Error()
	for _, want := range []string{`rules[2].fixedRate: 1.5 is not allowed; a rate from 0 to 1`, `name: "" is not allowed; 1-32 characters`} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestMergePrefixesPathsAndWrapsPlainErrors(t *testing.T) {
	var inner Errors
	inner.Add("[0].priority", 0, "1-9999")
	var outer Errors
	outer.Merge("sampling.rules", inner.Err())
	outer.Merge("logs", errors.New("boom"))
	got := Fields(outer.Err())
	if len(got) != 2 || got[0].Path != "sampling.rules[0].priority" || got[1].Path != "logs" {
		t.Fatalf("unexpected paths: %+v %+v", got[0], got[1])
	}
}

func TestJoinAndIndex(t *testing.T) {
	if got := Join("a", "", Index("b", 3), Key("c", "x")); got != `a.b[3].c["x"]` {
		t.Fatalf("Join = %q", got)
	}
}
