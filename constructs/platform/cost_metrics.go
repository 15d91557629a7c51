package platform

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

// Metric delivery: the regions with a forwarder or metric streams
// (metrics.delivery), the forwarder's schedule, period, function and the
// queries of its metrics and searches per service, the central stream's
// mode and shards and the metric archive's lifecycle (metrics.central).
var _ = registerCostPart("metrics", func(d *costDerivation) {
	m := d.p.Metrics
	d.arch.ForwarderRegions, d.arch.StreamRegions = []string{}, []string{}
	for _, region := range d.p.Regions {
		switch m.DeliveryIn(region) {
		case DeliverForwarder:
			d.arch.ForwarderRegions = append(d.arch.ForwarderRegions, region)
		case DeliverStream:
			d.arch.StreamRegions = append(d.arch.StreamRegions, region)
		case DeliverBoth:
			d.arch.ForwarderRegions = append(d.arch.ForwarderRegions, region)
			d.arch.StreamRegions = append(d.arch.StreamRegions, region)
		}
	}
	d.archSource(cost.SourceMetricStreams, fmt.Sprintf("metrics.delivery: metric streams in [%s]", strings.Join(d.arch.StreamRegions, ", ")))
	for i := range d.services {
		d.source(&d.services[i], cost.SourceMetricStreams, "streamed metrics per service from cost.volumes (or assumed)")
	}

	for _, st := range m.Stream.Statistics {
		d.arch.StreamStatistics = append(d.arch.StreamStatistics,
			cost.StreamStatistics{Metric: st.Namespace + "/" + st.MetricName, Statistics: len(st.Statistics)})
	}
	if len(m.Stream.Statistics) > 0 {
		d.archSource(cost.SourceMetricStreams, fmt.Sprintf("metrics.delivery: metric streams in [%s]; metrics.stream.statistics: %d configuration(s)",
			strings.Join(d.arch.StreamRegions, ", "), len(m.Stream.Statistics)))
	}

	central := d.pl.centralMetricsProps().WithDefaults()
	d.arch.MetricArchive = cost.MetricArchive{GlacierAfterDays: central.TransitionDays, ExpireAfterDays: central.ExpirationDays}
	d.archSource(cost.SourceMetricArchive, fmt.Sprintf("metrics.central: transitionDays %d (Glacier), expirationDays %d", central.TransitionDays, central.ExpirationDays))
	if central.Mode == awskinesis.StreamMode_PROVISIONED {
		shards, _ := central.Shards()
		d.arch.Kinesis = cost.KinesisStream{Mode: cost.KinesisProvisioned, Shards: shards}
		d.archSource(cost.SourceKinesis, fmt.Sprintf("metrics.central.mode PROVISIONED: %d shard(s) from recordsPerSecond/bytesPerSecond × headroom", shards))
	} else {
		d.arch.Kinesis = cost.KinesisStream{Mode: cost.KinesisOnDemand}
		d.archSource(cost.SourceKinesis, "metrics.central.mode ON_DEMAND")
	}

	if len(d.arch.ForwarderRegions) == 0 {
		return
	}
	f := d.pl.forwarderProps(nil).WithDefaults()
	period := time.Duration(0)
	for _, x := range f.Metrics {
		if x.Period != 0 && (period == 0 || x.Period < period) {
			period = x.Period
		}
	}
	for _, s := range f.Searches {
		if s.Period != 0 && (period == 0 || s.Period < period) {
			period = s.Period
		}
	}
	if period == 0 {
		period = time.Minute
	}
	d.arch.Forwarder.Schedule, d.arch.Forwarder.Period = f.Schedule, period
	d.arch.Forwarder.LambdaMemoryMB, d.arch.Forwarder.LambdaArchitecture = f.Function.MemorySize, f.Function.Architecture
	what := "metrics.forwarder.metrics and searches (default: platform.DefaultForwarded)"
	d.archSource(cost.SourceForwarding, fmt.Sprintf("metrics.forwarder: one run every %s, %s period, %d MB %s; metrics.delivery: forwarder in [%s]",
		shortDuration(f.Schedule), shortDuration(period), f.Function.MemorySize, f.Function.Architecture, strings.Join(d.arch.ForwarderRegions, ", ")))

	// A metric belongs to the service one of its dimension values names
	// (function or API name); one naming none is counted with the first
	// service, so it is still priced.
	// In an organization every account-region runs its own forwarder with
	// these metrics, so each account's are owned among its services.
	owner := func(account string, dims map[string]string) int {
		first := -1
		for i, s := range d.props {
			if d.services[i].Account != account {
				continue
			}
			if first < 0 {
				first = i
			}
			for _, v := range dims {
				if v == s.Name || (s.APIName != "" && v == s.APIName) {
					return i
				}
			}
		}
		return first
	}
	accounts := []string{""}
	if d.p.Org() {
		accounts = d.p.accountNames()
	}
	for _, account := range accounts {
		for _, x := range f.Metrics {
			i := owner(account, x.Dimensions)
			if i < 0 {
				continue
			}
			s := &d.services[i]
			stats := len(x.Statistics)
			if stats == 0 {
				stats = len(contract.DefaultStatistics)
			}
			s.ForwardedMetrics++
			s.ForwardedQueries += stats
		}
	}
	// A search returns one series per match; at synth the matches are
	// unknown, so one per service is assumed (its function, or its API for
	// API Gateway searches).
	for _, x := range f.Searches {
		for i, svc := range d.props {
			if strings.Contains(x.Expression, "AWS/ApiGateway") && svc.APIName == "" {
				continue
			}
			d.services[i].ForwardedMetrics++
			d.services[i].ForwardedQueries++
		}
	}
	for i := range d.services {
		s := &d.services[i]
		from := fmt.Sprintf("%s: %d series, %d queries (metric × statistic) per run", what, s.ForwardedMetrics, s.ForwardedQueries)
		if len(f.Searches) > 0 {
			from += "; SEARCH expressions assumed to match one series per service"
		}
		d.source(s, cost.SourceForwarding, from)
	}
})

// shortDuration prints 5m rather than 5m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	for _, suffix := range []string{"m0s", "h0m"} {
		if strings.HasSuffix(s, suffix) {
			s = strings.TrimSuffix(s, suffix[1:])
		}
	}
	return s
}
