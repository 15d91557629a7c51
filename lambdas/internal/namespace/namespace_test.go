package namespace

import (
	"strings"
	"testing"
)

func TestFromEnvFallsBackToTheDefaultWhenUnsetOrBlank(t *testing.T) {
	env := map[string]string{"SET": " Acme/Pipeline ", "BLANK": "  "}
	get := func(k string) string { return env[k] }
	for key, want := range map[string]string{"SET": "Acme/Pipeline", "BLANK": "Def/Pipeline", "UNSET": "Def/Pipeline"} {
		if got := FromEnv(get, key, "Def/Pipeline"); got != want {
			t.Errorf("%s: got %q, want %q", key, got, want)
		}
	}
}

func TestValidFollowsCloudWatchsNamespaceRules(t *testing.T) {
	for ns, want := range map[string]bool{
		"O11yscale/Pipeline": true, "a.b-c_d/e#f:g h": true, strings.Repeat("a", 255): true,
		"": false, "AWS/Lambda": false, strings.Repeat("a", 256): false, "bad*char": false, "ü": false,
	} {
		if got := Valid(ns); got != want {
			t.Errorf("%q: got %v, want %v", ns, got, want)
		}
	}
}
