package contract_test

import (
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
	"github.com/o11yscale/o11yscale/lambdas/internal/namespace/namespacetest"
)

func TestTheLambdaReadsItsMetricNamespaceFromTheEnvironmentOrFallsBack(t *testing.T) {
	namespacetest.CheckFromEnv(t, namespacetest.Contract{
		FromEnv: contract.MetricNamespaceFromEnv, EnvName: contract.EnvMetricNamespace, Default: contract.MetricNamespace,
	})
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
