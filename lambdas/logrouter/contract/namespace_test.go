package contract_test

import (
	"testing"

	"github.com/o11yscale/o11yscale/lambdas/logrouter/contract"
)

func TestTheLambdaReadsItsMetricNamespaceFromTheEnvironmentOrFallsBack(t *testing.T) {
	env := map[string]string{contract.EnvMetricNamespace: "Acme/Pipeline"}
	if got := contract.MetricNamespaceFromEnv(func(k string) string { return env[k] }); got != "Acme/Pipeline" {
		t.Errorf("from env = %q", got)
	}
	for _, unset := range []string{"", "  "} {
		if got := contract.MetricNamespaceFromEnv(func(string) string { return unset }); got != contract.Namespace {
			t.Errorf("unset (%q) = %q, want the default", unset, got)
		}
	}
	if def := contract.Namespace; def != "O11yscale/Pipeline" {
		t.Errorf("default = %q", def)
	}
	if contract.EnvMetricNamespace != "METRIC_NAMESPACE" {
		t.Errorf("variable renamed: %s", contract.EnvMetricNamespace)
	}
}

func TestMetricNamespaceRoundTripsThroughTheEnvironmentAndIsValidated(t *testing.T) {
	c := contract.Config{DeliveryStreamName: "s", ForwardTiers: []string{"ERROR"}, MinStatus: 500, LogLevel: "INFO", MetricNamespace: "Acme/Pipeline"}
	env := c.Env()
	if env[contract.EnvMetricNamespace] != "Acme/Pipeline" || contract.MetricNamespaceFromEnv(func(k string) string { return env[k] }) != "Acme/Pipeline" {
		t.Errorf("env = %v", env)
	}
	c.MetricNamespace = ""
	if _, ok := c.Env()[contract.EnvMetricNamespace]; ok {
		t.Error("an empty namespace must write no variable")
	}
	c.MetricNamespace = "AWS/Lambda"
	if err := c.Validate(); err == nil || err.Error() != `metricNamespace: "AWS/Lambda" is not allowed; a CloudWatch namespace: 1-255 letters, digits or . - _ / # : space, not starting with AWS/` {
		t.Errorf("err = %v", err)
	}
}
