package contract_test

import (
	"testing"

	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"
	"github.com/o11yscale/o11yscale/lambdas/internal/namespace/namespacetest"
)

func TestTheLambdaReadsItsMetricNamespaceFromTheEnvironmentOrFallsBack(t *testing.T) {
	namespacetest.CheckFromEnv(t, namespacetest.Contract{
		FromEnv: contract.MetricNamespaceFromEnv, EnvName: contract.EnvMetricNamespace, Default: contract.MetricNamespace,
	})
}
