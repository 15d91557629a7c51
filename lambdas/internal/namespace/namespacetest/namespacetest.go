// Package namespacetest checks, in each Lambda's contract tests, that the
// contract wires the shared namespace rules with the documented variable
// and default.
package namespacetest

import "testing"

// Contract is what a Lambda's contract exposes about its namespace.
type Contract struct {
	// FromEnv is the contract's MetricNamespaceFromEnv.
	FromEnv func(getenv func(string) string) string
	// EnvName and Default are its variable name and default namespace.
	EnvName, Default string
}

// CheckFromEnv asserts that c reads its namespace from METRIC_NAMESPACE,
// and falls back to O11yscale/Pipeline when the variable is unset or blank.
func CheckFromEnv(t *testing.T, c Contract) {
	t.Helper()
	env := map[string]string{c.EnvName: "Acme/Pipeline"}
	if got := c.FromEnv(func(k string) string { return env[k] }); got != "Acme/Pipeline" {
		t.Errorf("from env = %q", got)
	}
	for _, unset := range []string{"", "  "} {
		if got := c.FromEnv(func(string) string { return unset }); got != c.Default {
			t.Errorf("unset (%q) = %q, want the default", unset, got)
		}
	}
	if c.Default != "O11yscale/Pipeline" {
		t.Errorf("default = %q", c.Default)
	}
	if c.EnvName != "METRIC_NAMESPACE" {
		t.Errorf("variable renamed: %s", c.EnvName)
	}
}
