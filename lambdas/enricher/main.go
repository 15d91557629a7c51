// Command enricher is the alert-enrichment Lambda. Subscribed to the alerts
// topic, it publishes one readable incident per alarm state change to the
// incidents topic. The logic is in package enrich.
//
// Environment (names and Config in package contract):
//   - INCIDENTS_TOPIC_ARN (required): the topic incidents are published to,
//     possibly a central topic of another account and region; the SNS
//     client uses the topic's region.
//   - IDEMPOTENCY_TABLE_NAME (required): DynamoDB table with string
//     partition key pk and TTL attribute expiresAt.
//   - LOG_LEVEL (optional): DEBUG, INFO (default), WARN or ERROR.
//   - RUNBOOK_BASE_URL (optional): runbook <base>/<alarm name> for alarms
//     whose description has no "Runbook: <url>" line.
//   - ENRICHER_CLOUDWATCH_PROTOCOL (optional): "awsquery" switches the
//     CloudWatch client from Smithy RPC v2 CBOR (the SDK default) to the
//     awsQuery protocol, which CloudWatch still serves and which emulators
//     such as moto 5.2.1 need.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
	"github.com/o11yscale/o11yscale/lambdas/enricher/enrich"
	"github.com/o11yscale/o11yscale/lambdas/internal/observe"
	"github.com/o11yscale/o11yscale/telemetry/emf"
)

func main() {
	kit, err := observe.New("enricher", os.Stdout, observe.Options{})
	if err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("enricher cannot start", "error", err.Error())
		os.Exit(1)
	}
	h, err := newHandler(context.Background(), kit.Log)
	if err != nil {
		// Fail every invocation with the reason rather than exiting, which
		// Lambda would only report as an opaque runtime exit.
		kit.Log.Error("enricher cannot start", "error", err.Error())
		_ = kit.Flush(context.Background())
		lambda.Start(func(context.Context, json.RawMessage) error { return err })
		return
	}
	// Wrap flushes queued log records before each invocation returns
	// (Lambda may freeze the process right after the response) and writes
	// head-sampled invocation traces.
	lambda.Start(kit.Wrap(h))
}

// topicRegion points the SNS client at the topic's region: SNS serves a
// topic only from the endpoint of its region, and a central incidents
// topic is in the monitoring account's central region.
func topicRegion(arn string) func(*sns.Options) {
	return func(o *sns.Options) {
		if r := contract.TopicRegion(arn); r != "" {
			o.Region = r
		}
	}
}

func newHandler(ctx context.Context, log *slog.Logger) (*enrich.Handler, error) {
	env := contract.FromEnv(os.Getenv)
	if err := env.Validate(); err != nil {
		return nil, err
	}
	var cwOpts []func(*cloudwatch.Options)
	if env.CloudWatchProtocol == contract.ProtocolAWSQuery {
		cwOpts = append(cwOpts, func(o *cloudwatch.Options) { o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801) })
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	return &enrich.Handler{
		CloudWatch: cloudwatch.NewFromConfig(cfg, cwOpts...),
		SNS:        sns.NewFromConfig(cfg, topicRegion(env.IncidentsTopicArn)),
		Claims:     &enrich.Claims{API: dynamodb.NewFromConfig(cfg), Table: env.IdempotencyTableName},
		Metrics:    emf.New(os.Stdout, contract.MetricNamespaceFromEnv(os.Getenv)),
		Log:        log,
		TopicARN:   env.IncidentsTopicArn,
		Links:      enrich.Links{RunbookBaseURL: env.RunbookBaseURL},
	}, nil
}
