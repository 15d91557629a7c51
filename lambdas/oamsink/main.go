// Command oamsink is the Lambda behind the OAM sink-ARN lookup custom
// resource (constructs/oam): CloudFormation invokes it directly in a
// workload account-region and it answers on the pre-signed ResponseURL
// with the monitoring region's sink ARN.
//
// Environment: only the standard AWS SDK variables.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/o11yscale/o11yscale/lambdas/oamsink/lookup"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Error("loading AWS configuration", "error", err)
		os.Exit(1)
	}
	h := &lookup.Handler{Reader: lookup.SDKReader{Config: cfg}, Log: log}
	lambda.Start(h.Handle)
}
