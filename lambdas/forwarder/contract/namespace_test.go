package contract_test

import (
	"testing"

	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

func TestTheLambdaReadsItsMetricNamespaceFromTheEnvironmentOrFallsBack(t *testing.T) {
	env := map[string]string{contract.EnvMetricNamespace: "Acme/Pipeline"}
	if got := contract.MetricNamespaceFromEnv(func(k string) string { return env[k] }); got != "Acme/Pipeline" {
		t.Errorf("from env = %q", got)
	}
	for _, unset := range []string{"", "  "} {
		if got := contract.MetricNamespaceFromEnv(func(string) string { return unset }); got != contract.MetricNamespace {
			t.Errorf("unset (%q) = %q, want the default", unset, got)
		}
	}
	if def := contract.MetricNamespace; def != "O11yscale/Pipeline" {
		t.Errorf("default = %q", def)
	}
	if contract.EnvMetricNamespace != "METRIC_NAMESPACE" {
		t.Errorf("variable renamed: %s", contract.EnvMetricNamespace)
	}
}
