package stacks

import (
	"strings"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// LogRouterImportPath is the log router Lambda's main package.
const LogRouterImportPath = "github.com/o11yscale/o11yscale/lambdas/logrouter"

// addRegional creates one region's shared resources; its metrics go to
// central.
func addRegional(r *Regional, cfg *config.Platform, central *metricstream.Central) error {
	if err := addLogPipeline(r, cfg); err != nil {
		return err
	}
	alerting := cfg.Alarms.Alerting
	alerting.Name, alerting.Key = cfg.Name, r.Key
	var err error
	if r.Alerting, err = anomaly.NewAlerting(r.Stack, "Alerting", alerting); err != nil {
		return err
	}
	tracing := cfg.Sampling
	if tracing.Groups.Services == nil {
		// One X-Ray group per platform service, not only those the rules name.
		tracing.Groups.Services = cfg.ServiceNames()
	}
	if r.Tracing, err = sampling.NewTracing(r.Stack, "Tracing", tracing); err != nil {
		return err
	}

	mode := cfg.Metrics.Delivery(r.Region)
	if mode == config.DeliverForwarder || mode == config.DeliverBoth {
		fwd, err := cfg.ForwarderProps(central)
		if err != nil {
			return err
		}
		if r.Forwarder, err = metricstream.NewForwarder(r.Stack, "Forwarder", fwd); err != nil {
			return err
		}
	}
	if mode == config.DeliverStream || mode == config.DeliverBoth {
		if r.MetricStream, err = metricstream.NewStream(r.Stack, "MetricStream", cfg.MetricStreamProps(central)); err != nil {
			return err
		}
	}
	return nil
}

// addLogPipeline creates the region's log archive and the log router that
// every service's subscription filters feed.
func addLogPipeline(r *Regional, cfg *config.Platform) error {
	var err error
	if r.LogArchive, err = logtiers.NewArchive(r.Stack, "LogArchive", cfg.Logs.Archive); err != nil {
		return err
	}
	tiers := cfg.Logs.ForwardTiers
	if len(tiers) == 0 {
		tiers = []string{"ERROR"}
	}
	r.LogRouter, err = golambda.NewFunction(r.Stack, "LogRouter", golambda.Props{
		ImportPath:  LogRouterImportPath,
		Description: "Forwards critical log events from subscription filters to the log archive",
		Environment: map[string]string{
			"DELIVERY_STREAM_NAME": *r.LogArchive.DeliveryStreamName(),
			"FORWARD_TIERS":        strings.Join(tiers, ","),
			"FORWARD_MIN_STATUS":   "500",
			"LOG_LEVEL":            "INFO",
		},
	})
	if err != nil {
		return err
	}
	r.LogArchive.GrantPutRecords(r.LogRouter.Function)
	r.logsInvoke = logtiers.AllowLogsToInvoke(r.Stack, "LogRouterInvoke", r.LogRouter.Function, "/o11yscale/")
	return nil
}
