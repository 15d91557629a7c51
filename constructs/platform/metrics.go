package platform

import (
	"slices"
	"time"

	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Delivery is how a region's metrics reach the central stream.
type Delivery string

// Delivery modes.
const (
	// DeliverForwarder runs the scheduled forwarder Lambda (the default).
	DeliverForwarder Delivery = "forwarder"
	// DeliverStream creates CloudWatch Metric Streams.
	DeliverStream Delivery = "stream"
	// DeliverBoth does both.
	DeliverBoth Delivery = "both"
)

// Metrics configures cross-region metric aggregation.
type Metrics struct {
	// Central is the central stream, archive and writer role; Name is set
	// by the platform.
	Central metricstream.CentralProps
	// Forwarder is each forwarder region's forwarder. Central defaults to
	// the platform's central metrics (in CentralAccount when set); Metrics
	// and Searches, when both are empty, to DefaultForwarded.
	Forwarder metricstream.ForwarderProps
	// CentralAccount is the account of the central stack as the forwarders
	// see it, when it is not the regional stacks' own. It must match the
	// central stack's account when that is known. Default: none.
	CentralAccount string
	// Stream is each stream region's Metric Streams; Central defaults to
	// the platform's central metrics.
	Stream metricstream.StreamProps
	// Delivery picks the mode per workload region. Default: forwarder.
	Delivery map[string]Delivery
}

// DeliveryIn is the delivery mode of a region.
func (m Metrics) DeliveryIn(region string) Delivery {
	if d := m.Delivery[region]; d != "" {
		return d
	}
	return DeliverForwarder
}

func (p *Platform) centralMetricsProps() metricstream.CentralProps {
	c := p.Props.Metrics.Central
	c.Name = p.Props.Name
	if c.OrganizationID == "" {
		// Cross-account writers must also be in the organization.
		c.OrganizationID = p.Props.Monitoring.OrganizationID
	}
	// The forwarders of every other workload account assume the writer
	// role: its trust follows the accounts instead of a hand-kept list.
	for _, a := range p.Props.SourceAccounts() {
		if !slices.Contains(c.WorkloadAccounts, a) {
			c.WorkloadAccounts = append(slices.Clone(c.WorkloadAccounts), a)
		}
	}
	// Accounts with a metric stream in any of their regions write into the
	// archive bucket from there.
	for _, a := range p.Props.Accounts {
		if a.ID == p.Props.Monitoring.Account || slices.Contains(c.StreamAccounts, a.ID) {
			continue
		}
		for _, r := range a.Regions {
			if mode := p.Props.Metrics.DeliveryIn(r); mode == DeliverStream || mode == DeliverBoth {
				c.StreamAccounts = append(slices.Clone(c.StreamAccounts), a.ID)
				break
			}
		}
	}
	return c
}

// centralTarget is where the regional constructs send metrics: the central
// construct once it exists, else (when validating) its deterministic names.
func (p *Platform) centralTarget() (metricstream.CentralTarget, error) {
	m := p.Props.Metrics
	if p.Central == nil || p.Central.Metrics == nil {
		return metricstream.RemoteCentral{Names: metricstream.Names{Platform: p.Props.Name}, Region: p.Props.CentralRegion, Account: m.CentralAccount}, nil
	}
	if m.CentralAccount != "" {
		return p.Central.Metrics.InAccount(m.CentralAccount)
	}
	return p.Central.Metrics, nil
}

func (p *Platform) forwarderProps(central metricstream.CentralTarget) metricstream.ForwarderProps {
	f := p.Props.Metrics.Forwarder
	if f.Central == nil {
		f.Central = central
	}
	if len(f.Metrics) == 0 && len(f.Searches) == 0 {
		f.Metrics, f.Searches = DefaultForwarded(p.Props.Services)
	}
	return f
}

func (p *Platform) streamProps(central metricstream.CentralTarget) metricstream.StreamProps {
	s := p.Props.Metrics.Stream
	if s.Central == nil {
		s.Central = central
	}
	// A workload account other than the monitoring account.
	if p.Props.Org() && p.Props.Account != p.Props.Monitoring.Account {
		s.CrossAccount = true
	}
	return s
}

// addMetricDelivery creates the region's forwarder and/or metric streams.
func (p *Platform) addMetricDelivery(r *Regional) error {
	central, err := p.centralTarget()
	if err != nil {
		return err
	}
	mode := p.Props.Metrics.DeliveryIn(r.Region)
	if mode == DeliverForwarder || mode == DeliverBoth {
		if r.Forwarder, err = metricstream.NewForwarder(r.Stack, "Forwarder", p.forwarderProps(central)); err != nil {
			return err
		}
	}
	if mode == DeliverStream || mode == DeliverBoth {
		if r.MetricStream, err = metricstream.NewStream(r.Stack, "MetricStream", p.streamProps(central)); err != nil {
			return err
		}
	}
	return nil
}

// validateMetrics checks the metrics props the regions will get.
func (p *Platform) validateMetrics() error {
	var v validation.Errors
	m := p.Props.Metrics
	v.Merge("metrics.central", p.centralMetricsProps().Validate())
	central, _ := p.centralTarget()
	forwarder, stream := false, false
	for _, region := range p.Props.Regions {
		switch m.DeliveryIn(region) {
		case DeliverForwarder:
			forwarder = true
		case DeliverStream:
			stream = true
		case DeliverBoth:
			forwarder, stream = true, true
		}
	}
	if forwarder {
		v.Merge("metrics.forwarder", p.forwarderProps(central).Validate())
	}
	if stream {
		v.Merge("metrics.stream", p.streamProps(central).Validate())
	}
	for region, mode := range m.Delivery {
		known := false
		for _, r := range p.Props.Regions {
			known = known || r == region
		}
		if !known {
			v.Add(validation.Key("metrics.delivery", region), region, "one of the workload regions %v", p.Props.Regions)
		}
		if mode != DeliverForwarder && mode != DeliverStream && mode != DeliverBoth {
			v.Add(validation.Key("metrics.delivery", region), string(mode), "forwarder, stream or both")
		}
	}
	if a := m.CentralAccount; a != "" && !accountRE.MatchString(a) {
		v.Add("metrics.centralAccount", a, "a 12-digit AWS account id")
	}
	return v.Err()
}

// curatedLimit is the most services whose metrics are listed one by one;
// beyond it the forwarder config would outgrow its 8 KB SSM parameter.
const curatedLimit = 20

// DefaultForwarded is what each region forwards when nothing is declared:
// for up to 20 services the curated set (the seed's Lambda Duration per
// service, and API Gateway latency, requests and 5xx for services with an
// API); for more, the same metrics through SEARCH expressions, which cover
// every function and API of the region.
func DefaultForwarded(services []Service) ([]metricstream.Metric, []metricstream.Search) {
	if len(services) > curatedLimit {
		return nil, []metricstream.Search{
			{Expression: `{AWS/Lambda,FunctionName} MetricName="Duration"`, Statistic: "Average", Period: time.Minute},
			{Expression: `{AWS/Lambda,FunctionName} MetricName="Duration"`, Statistic: "Maximum", Period: time.Minute},
			{Expression: `{AWS/ApiGateway,ApiName} MetricName="Latency"`, Statistic: "p99", Period: time.Minute},
			{Expression: `{AWS/ApiGateway,ApiName} MetricName="Count"`, Statistic: "Sum", Period: time.Minute},
			{Expression: `{AWS/ApiGateway,ApiName} MetricName="5XXError"`, Statistic: "Sum", Period: time.Minute},
		}
	}
	var out []metricstream.Metric
	for _, s := range services {
		out = append(out, metricstream.Metric{Namespace: "AWS/Lambda", MetricName: "Duration",
			Dimensions: map[string]string{"FunctionName": s.Name}, Statistics: []string{"Average", "Maximum", "Minimum"}, Period: time.Minute})
		if s.APIName != "" {
			api := map[string]string{"ApiName": s.APIName}
			out = append(out,
				metricstream.Metric{Namespace: "AWS/ApiGateway", MetricName: "Latency", Dimensions: api, Statistics: []string{"Average", "p99"}, Period: time.Minute},
				metricstream.Metric{Namespace: "AWS/ApiGateway", MetricName: "Count", Dimensions: api, Statistics: []string{"Sum"}, Period: time.Minute},
				metricstream.Metric{Namespace: "AWS/ApiGateway", MetricName: "5XXError", Dimensions: api, Statistics: []string{"Sum"}, Period: time.Minute})
		}
	}
	return out, nil
}
