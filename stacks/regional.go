package stacks

import (
	"time"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// LogRouterImportPath is the log router Lambda's main package.
const LogRouterImportPath = logtiers.RouterImportPath

// addRegional creates one region's shared resources.
func addRegional(r *Regional, cfg *config.Platform) error {
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
		fwd := cfg.Metrics.Forwarder
		fwd.Name, fwd.CentralRegion = cfg.Name, cfg.CentralRegion
		if len(fwd.Metrics) == 0 && len(fwd.Searches) == 0 {
			fwd.Metrics, fwd.Searches = DefaultForwarded(cfg)
		}
		if r.Forwarder, err = metricstream.NewForwarder(r.Stack, "Forwarder", fwd); err != nil {
			return err
		}
	}
	if mode == config.DeliverStream || mode == config.DeliverBoth {
		st := cfg.Metrics.Stream
		st.Name, st.CentralRegion = cfg.Name, cfg.CentralRegion
		if r.MetricStream, err = metricstream.NewStream(r.Stack, "MetricStream", st); err != nil {
			return err
		}
	}
	return nil
}

// curatedLimit is the most services whose metrics are listed one by one;
// beyond it the forwarder config would outgrow its 8 KB SSM parameter.
const curatedLimit = 20

// DefaultForwarded is what each region forwards when the config declares
// nothing: for up to 20 services the curated set (the seed's Lambda
// Duration per service, and API Gateway latency, requests and 5xx for
// services with an API); for more, the same metrics through SEARCH
// expressions, which cover every function and API of the region.
func DefaultForwarded(cfg *config.Platform) ([]metricstream.Metric, []metricstream.Search) {
	if len(cfg.Services) > curatedLimit {
		return nil, []metricstream.Search{
			{Expression: `{AWS/Lambda,FunctionName} MetricName="Duration"`, Statistic: "Average", Period: time.Minute},
			{Expression: `{AWS/Lambda,FunctionName} MetricName="Duration"`, Statistic: "Maximum", Period: time.Minute},
			{Expression: `{AWS/ApiGateway,ApiName} MetricName="Latency"`, Statistic: "p99", Period: time.Minute},
			{Expression: `{AWS/ApiGateway,ApiName} MetricName="Count"`, Statistic: "Sum", Period: time.Minute},
			{Expression: `{AWS/ApiGateway,ApiName} MetricName="5XXError"`, Statistic: "Sum", Period: time.Minute},
		}
	}
	var out []metricstream.Metric
	for _, s := range cfg.Services {
		out = append(out, metricstream.Metric{Namespace: "AWS/Lambda", MetricName: "Duration",
			Dimensions: map[string]string{"FunctionName": s.Name}, Statistics: []string{"Average", "Maximum", "Minimum"}, Period: time.Minute})
		if s.ApiName != "" {
			api := map[string]string{"ApiName": s.ApiName}
			out = append(out,
				metricstream.Metric{Namespace: "AWS/ApiGateway", MetricName: "Latency", Dimensions: api, Statistics: []string{"Average", "p99"}, Period: time.Minute},
				metricstream.Metric{Namespace: "AWS/ApiGateway", MetricName: "Count", Dimensions: api, Statistics: []string{"Sum"}, Period: time.Minute},
				metricstream.Metric{Namespace: "AWS/ApiGateway", MetricName: "5XXError", Dimensions: api, Statistics: []string{"Sum"}, Period: time.Minute})
		}
	}
	return out, nil
}

// addLogPipeline creates the region's log archive and the log router that
// every service's subscription filters feed.
func addLogPipeline(r *Regional, cfg *config.Platform) error {
	var err error
	if r.LogArchive, err = logtiers.NewArchive(r.Stack, "LogArchive", cfg.Logs.ArchiveProps()); err != nil {
		return err
	}
	r.LogRouter, err = logtiers.NewRouter(r.Stack, "LogRouter", cfg.Logs.RouterProps(r.LogArchive))
	return err
}
