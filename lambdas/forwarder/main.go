// Command forwarder is the regional metric forwarder Lambda: on an
// EventBridge schedule it forwards a window of CloudWatch metrics to the
// central Kinesis stream. The logic is in package forward.
//
// Environment: FORWARDER_CONFIG (inline Config JSON) or
// FORWARDER_CONFIG_PARAMETER (SSM parameter name, read at cold start);
// AWS_REGION is the region read. FORWARDER_CLOUDWATCH_PROTOCOL=awsquery
// switches the CloudWatch client from Smithy RPC v2 CBOR (the SDK default)
// to the older awsQuery protocol, which CloudWatch still serves and which
// emulators such as moto 5.2.1 need. METRIC_NAMESPACE is the namespace of
// the self-metrics (default contract.MetricNamespace).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/forward"
	"github.com/o11yscale/o11yscale/lambdas/internal/observe"
	"github.com/o11yscale/o11yscale/telemetry/emf"
)

func main() {
	kit, err := observe.New("forwarder", os.Stdout, observe.Options{})
	if err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("forwarder cannot start", "error", err)
		os.Exit(1)
	}
	ctx := context.Background()
	h, err := newHandler(ctx, kit.Log)
	if err != nil {
		// Fail every invocation with the reason rather than exiting, which
		// Lambda would only report as an opaque runtime exit.
		kit.Log.Error("forwarder cannot start", "error", err)
		_ = kit.Flush(ctx)
		lambda.Start(func(context.Context, events.CloudWatchEvent) (forward.Summary, error) {
			return forward.Summary{}, err
		})
		return
	}
	// Wrap flushes logs before each invocation returns and writes
	// head-sampled invocation traces.
	lambda.Start(kit.Wrap(lambda.NewHandler(h.Handle)))
}

const envCloudWatchProtocol = "FORWARDER_CLOUDWATCH_PROTOCOL"

func newHandler(ctx context.Context, log *slog.Logger) (*forward.Handler, error) {
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	var cwOpts []func(*cloudwatch.Options)
	switch p := os.Getenv(envCloudWatchProtocol); p {
	case "":
	case "awsquery":
		cwOpts = append(cwOpts, func(o *cloudwatch.Options) { o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801) })
	default:
		return nil, fmt.Errorf("%s=%q: allowed are empty (the SDK default) or awsquery", envCloudWatchProtocol, p)
	}
	cfg, err := forward.LoadConfig(ctx, os.Getenv, ssm.NewFromConfig(awsCfg))
	if err != nil {
		return nil, err
	}
	kin := kinesis.NewFromConfig(awsCfg, func(o *kinesis.Options) {
		o.Region = cfg.CentralRegion
		if cfg.RoleARN != "" {
			region := awsCfg.Region
			o.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(awsCfg), cfg.RoleARN,
				func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = cfg.RoleSessionName(region) }))
		}
	})
	return &forward.Handler{
		Config:     cfg,
		Region:     awsCfg.Region,
		CloudWatch: cloudwatch.NewFromConfig(awsCfg, cwOpts...),
		Kinesis:    kin,
		Metrics:    emf.New(os.Stdout, contract.MetricNamespaceFromEnv(os.Getenv)),
		Log:        log,
	}, nil
}
