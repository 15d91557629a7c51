// Command grafanaprovisioner is the Lambda behind the Managed Grafana
// provisioning custom resource: CloudFormation invokes it directly and it
// answers on the pre-signed ResponseURL itself.
//
// Environment (names in package contract):
//
//	GRAFANA_HOST_SUFFIX      required end of WorkspaceEndpoint (default ".amazonaws.com"; empty disables the check)
//	GRAFANA_ENDPOINT_SCHEME  scheme of the workspace API (default "https")
//	LOG_LEVEL                DEBUG, INFO (default), WARN or ERROR
package main

import (
	"context"
	"log/slog"
	"os"
	"sync"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/grafana"
	"github.com/aws/aws-sdk-go-v2/service/opensearchserverless"

	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/provision"
	"github.com/o11yscale/o11yscale/lambdas/internal/observe"
	"github.com/o11yscale/o11yscale/telemetry/emf"
)

func main() {
	kit, err := observe.New("grafanaprovisioner", os.Stdout, observe.Options{})
	if err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("grafanaprovisioner cannot start", "error", err)
		os.Exit(1)
	}
	log := kit.Log
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Error("loading AWS configuration", "error", err)
		_ = kit.Flush(context.Background())
		os.Exit(1)
	}
	suffix, ok := os.LookupEnv(contract.EnvHostSuffix)
	if !ok {
		suffix = contract.DefaultHostSuffix
	}
	h := &provision.Handler{
		ControlPlane: perRegion(func(region string) provision.ControlPlane {
			return grafana.NewFromConfig(cfg, func(o *grafana.Options) { o.Region = region })
		}),
		// The analysis tier's collections live in the workload regions.
		Collections: perRegion(func(region string) provision.Collections {
			return opensearchserverless.NewFromConfig(cfg, func(o *opensearchserverless.Options) { o.Region = region })
		}),
		Scheme:     os.Getenv(contract.EnvEndpointScheme),
		HostSuffix: suffix,
		Log:        log,
		Metrics:    emf.New(os.Stdout, contract.MetricNamespaceFromEnv(os.Getenv)),
	}
	lambda.Start(kit.Wrap(lambda.NewHandler(h.Handle)))
}

// perRegion makes one client per region, on first use.
func perRegion[C any](newClient func(region string) C) func(string) C {
	var (
		mu      sync.Mutex
		clients = map[string]C{}
	)
	return func(region string) C {
		mu.Lock()
		defer mu.Unlock()
		c, ok := clients[region]
		if !ok {
			c = newClient(region)
			clients[region] = c
		}
		return c
	}
}
