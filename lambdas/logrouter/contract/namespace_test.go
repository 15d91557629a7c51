package contract_test

import (
	"testing"

	"github.com/o11yscale/o11yscale/lambdas/internal/namespace/namespacetest"
	"github.com/o11yscale/o11yscale/lambdas/logrouter/contract"
)

func TestTheLambdaReadsItsMetricNamespaceFromTheEnvironmentOrFallsBack(t *testing.T) {
	namespacetest.CheckFromEnv(t, namespacetest.Contract{
		FromEnv: contract.MetricNamespaceFromEnv, EnvName: contract.EnvMetricNamespace, Default: contract.Namespace,
	})
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
