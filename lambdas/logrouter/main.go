// Command logrouter is the Lambda behind the tiered log pipeline's
// subscription filters: it forwards critical CloudWatch Logs events to a
// Firehose delivery stream. The logic and its configuration are documented
// in package router.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/firehose"

	"github.com/o11yscale/o11yscale/lambdas/internal/observe"
	"github.com/o11yscale/o11yscale/lambdas/logrouter/contract"
	"github.com/o11yscale/o11yscale/lambdas/logrouter/router"
	"github.com/o11yscale/o11yscale/telemetry/emf"
)

func main() {
	if err := run(); err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("logrouter failed to start", "error", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := router.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	kit, err := observe.New("logrouter", os.Stdout, observe.Options{})
	if err != nil {
		return err
	}
	log := kit.Log
	awsCfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		return fmt.Errorf("loading AWS configuration: %w", err)
	}
	h := router.NewHandler(cfg, firehose.NewFromConfig(awsCfg), emf.New(os.Stdout, contract.MetricNamespaceFromEnv(os.Getenv)), log)
	// Wrap flushes logs before each invocation returns and writes
	// head-sampled invocation traces.
	lambda.Start(kit.Wrap(lambda.NewHandler(h.Handle)))
	return nil
}
