package contract_test

import (
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
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

func TestMetricNamespaceRoundTripsThroughTheConfigAndIsValidated(t *testing.T) {
	c := contract.Config{IncidentsTopicArn: "arn", IdempotencyTableName: "claims", LogLevel: "INFO", MetricNamespace: "Acme/Pipeline"}
	env := c.Env()
	if got := contract.FromEnv(func(k string) string { return env[k] }); got != c {
		t.Errorf("FromEnv(Env()) = %+v", got)
	}
	c.MetricNamespace = "bad|namespace"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `METRIC_NAMESPACE="bad|namespace"`) {
		t.Errorf("err = %v", err)
	}
	if !contract.ValidMetricNamespace("Acme/Pipeline") || contract.ValidMetricNamespace("AWS/X") || contract.ValidMetricNamespace("") {
		t.Error("ValidMetricNamespace")
	}
}
