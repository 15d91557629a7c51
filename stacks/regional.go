package stacks

import (
	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// LogRouterImportPath is the log router Lambda's main package.
const LogRouterImportPath = logtiers.RouterImportPath

// addRegional creates one region's shared resources; its metrics go to
// central.
func addRegional(r *Regional, cfg *config.Platform, central *metricstream.Central) error {
	if err := addLogPipeline(r, cfg); err != nil {
		return err
	}
	var err error
	if r.Alerting, err = anomaly.NewAlerting(r.Stack, "Alerting", cfg.AlertingProps(r.Key)); err != nil {
		return err
	}
	if r.Tracing, err = sampling.NewTracing(r.Stack, "Tracing", cfg.SamplingProps()); err != nil {
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
	if r.LogArchive, err = logtiers.NewArchive(r.Stack, "LogArchive", cfg.Logs.ArchiveProps()); err != nil {
		return err
	}
	r.LogRouter, err = logtiers.NewRouter(r.Stack, "LogRouter", cfg.LogRouterProps(r.LogArchive))
	return err
}
