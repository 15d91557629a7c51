package platform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// The cost model's input is derived from the props the constructs are
// built from; only traffic, a few sizes and the budget (Props.Cost, a
// cost.Inputs) are the user's. Each part of the architecture is one
// costPart, registered by its own file (cost_logs.go, cost_alarms.go,
// ...): a new component adds a file with a registerCostPart call.

// costDerivation is the state the parts fill in.
type costDerivation struct {
	p  Props // defaults applied
	pl *Platform
	in cost.Inputs
	// arch is the derived architecture; services the platform's services
	// in props order, with traffic already filled in.
	arch     cost.Architecture
	services []cost.Service
	errs     validation.Errors
}

// service returns the derived service called name, or nil.
func (d *costDerivation) service(name string) *cost.Service {
	for i := range d.services {
		if d.services[i].Name == name {
			return &d.services[i]
		}
	}
	return nil
}

// source records where a part of a service's figures came from.
func (d *costDerivation) source(s *cost.Service, key, from string) {
	if s.Sources == nil {
		s.Sources = map[string]string{}
	}
	s.Sources[key] = from
}

// archSource records where a part of the architecture came from.
func (d *costDerivation) archSource(key, from string) {
	if d.arch.Sources == nil {
		d.arch.Sources = map[string]string{}
	}
	d.arch.Sources[key] = from
}

type costPart struct {
	name   string
	derive func(*costDerivation)
}

var costParts []costPart

// registerCostPart adds a part to the derivation; parts run in
// registration order after the traffic is filled in.
func registerCostPart(name string, derive func(*costDerivation)) bool {
	costParts = append(costParts, costPart{name, derive})
	return true
}

// CostConfig derives the cost model's input from the props: the
// architecture (tier routes, archive lifecycle, sampling, alarm counts,
// forwarder, Kinesis, metric streams, Grafana) from the props the
// constructs are built from, the traffic from Props.Cost.Volumes, and for
// every service or region without declared traffic the assumed traffic of
// cost.AssumedTraffic, which the report labels. Without Props.Cost every
// service is assumed. A budget with any assumed traffic is an error naming
// the missing config fields.
func (p Props) CostConfig() (cost.Config, error) {
	p = p.withDefaults()
	d := &costDerivation{p: p, pl: &Platform{Props: p}}
	if p.Cost != nil {
		d.in = *p.Cost
	}
	d.errs.Merge("cost", d.in.Validate())
	d.traffic()
	a := d.in.Assumptions
	d.arch.CentralRegion = p.CentralRegion
	d.arch.Logs.CompressionRatio, d.arch.Logs.S3ObjectMB = a.Logs.CompressionRatio, a.Logs.S3ObjectMB
	d.arch.MetricPublishing, d.arch.MetricStreams, d.arch.Naive = a.MetricPublishing, a.MetricStreams, a.Naive
	d.arch.Forwarder.DatapointBytes, d.arch.Forwarder.LambdaDuration = a.Forwarder.DatapointBytes, a.Forwarder.LambdaDuration
	for _, part := range costParts {
		part.derive(d)
	}
	if err := d.errs.Err(); err != nil {
		return cost.Config{}, err
	}
	return cost.Config{
		Pricing:      d.in.Pricing,
		Volumes:      cost.Volumes{Services: d.services, Grafana: d.in.Volumes.Grafana},
		Architecture: d.arch,
		Budget:       d.in.Budget,
	}, nil
}

// traffic fills in every platform service's traffic in every platform
// region, declared or assumed, and checks that declared traffic names the
// platform's services and regions.
func (d *costDerivation) traffic() {
	p := d.p
	declared := map[string]int{}
	for i, s := range d.in.Volumes.Services {
		path := validation.Index("cost.volumes.services", i)
		if !slices.Contains(p.ServiceNames(), s.Name) {
			d.errs.Add(path+".name", s.Name, "one of the platform's services (%s)", strings.Join(p.ServiceNames(), ", "))
		}
		declared[s.Name] = i
		for j, r := range s.Regions {
			if !slices.Contains(p.Regions, r.Region) {
				d.errs.Add(validation.Index(path+".regions", j)+".region", r.Region, "one of the platform's regions (%s)", strings.Join(p.Regions, ", "))
			}
		}
	}
	var missing []string
	for _, svc := range p.Services {
		t, from := cost.AssumedTraffic(svc.Name, nil, svc.APIName != ""), ""
		i, ok := declared[svc.Name]
		if ok {
			t, from = d.in.Volumes.Services[i], validation.Index("cost.volumes.services", i)
			if t.StreamedMetrics == 0 {
				t.StreamedMetrics = cost.AssumedTraffic(svc.Name, nil, svc.APIName != "").StreamedMetrics
			}
		}
		s := cost.Service{Name: svc.Name, Logs: t.Logs, Metrics: t.Metrics, StreamedMetrics: t.StreamedMetrics,
			Traces: cost.TraceSampling{ErrorShare: t.Traces.ErrorShare, SlowShare: t.Traces.SlowShare}}
		var undeclared []string
		for _, region := range p.Regions {
			rt := cost.RegionTraffic{Region: region, RequestsPerSecond: cost.AssumedRequestsPerSecond, Assumed: true}
			for _, r := range t.Regions {
				if ok && r.Region == region {
					rt = cost.RegionTraffic{Region: region, RequestsPerSecond: r.RequestsPerSecond}
				}
			}
			if rt.Assumed {
				undeclared = append(undeclared, region)
			}
			s.Regions = append(s.Regions, rt)
		}
		switch {
		case !ok:
			missing = append(missing, fmt.Sprintf("a cost.volumes.services entry for %s", svc.Name))
		case len(undeclared) > 0:
			missing = append(missing, fmt.Sprintf("%s.regions for %s", from, strings.Join(undeclared, ", ")))
		}
		if ok {
			d.source(&s, cost.SourceTraffic, from)
		}
		d.services = append(d.services, s)
	}
	if d.in.Budget.MonthlyUSD > 0 && len(missing) > 0 {
		d.errs.Add("cost.volumes.services", nil, "declared traffic for every service and region, since cost.budget.monthlyUSD guards the estimate; missing: %s", strings.Join(missing, "; "))
	}
}
