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
	// props is the platform service of each of services (same index): in
	// an organization one per account and service.
	props []Service
	errs  validation.Errors
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
	if p.Org() {
		d.arch.Accounts = make([]cost.AccountRef, len(p.Accounts))
		for i, a := range p.Accounts {
			d.arch.Accounts[i] = cost.AccountRef{Name: a.Name, ID: a.ID}
		}
		d.arch.MonitoringAccount = p.monitoringAccountRef()
	}
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
// platform's services and regions. In an organization each account's
// services are priced in the account's regions (accountTraffic).
func (d *costDerivation) traffic() {
	p := d.p
	if p.Org() {
		d.accountTraffic()
		return
	}
	declared := map[string]int{}
	for i, s := range d.in.Volumes.Services {
		path := validation.Index("cost.volumes.services", i)
		if s.Account != "" {
			d.errs.Add(path+".account", s.Account, "empty: the platform has no accounts (an organization's accounts[i].name)")
		}
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
		i, ok := declared[svc.Name]
		s, undeclared := d.serviceTraffic(svc, "", p.Regions, i, ok)
		switch {
		case !ok:
			missing = append(missing, fmt.Sprintf("a cost.volumes.services entry for %s", svc.Name))
		case len(undeclared) > 0:
			missing = append(missing, fmt.Sprintf("%s.regions for %s", validation.Index("cost.volumes.services", i), strings.Join(undeclared, ", ")))
		}
		d.services, d.props = append(d.services, s), append(d.props, svc)
	}
	if d.in.Budget.MonthlyUSD > 0 && len(missing) > 0 {
		d.errs.Add("cost.volumes.services", nil, "declared traffic for every service and region, since cost.budget.monthlyUSD guards the estimate; missing: %s", strings.Join(missing, "; "))
	}
}

// serviceTraffic is svc's cost service in regions, from declared entry i
// when ok, else assumed; undeclared lists the regions priced from assumed
// traffic.
func (d *costDerivation) serviceTraffic(svc Service, account string, regions []string, i int, ok bool) (s cost.Service, undeclared []string) {
	t := cost.AssumedTraffic(svc.Name, nil, svc.APIName != "")
	if ok {
		t = d.in.Volumes.Services[i]
		if t.StreamedMetrics == 0 {
			t.StreamedMetrics = cost.AssumedTraffic(svc.Name, nil, svc.APIName != "").StreamedMetrics
		}
	}
	s = cost.Service{Name: svc.Name, Account: account, Logs: t.Logs, Metrics: t.Metrics, StreamedMetrics: t.StreamedMetrics,
		Traces: cost.TraceSampling{ErrorShare: t.Traces.ErrorShare, SlowShare: t.Traces.SlowShare}}
	for _, region := range regions {
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
	if ok {
		d.source(&s, cost.SourceTraffic, validation.Index("cost.volumes.services", i))
	}
	return s, undeclared
}

// accountTraffic prices every account's services in the account's own
// regions. A cost.volumes.services entry with an account applies to that
// account's service; one without applies to the service in every account
// that runs it, per region (a region the entry does not list is assumed).
// An account's entry wins over an account-less one.
func (d *costDerivation) accountTraffic() {
	p := d.p
	accounts := map[string]Account{}
	for _, a := range p.Accounts {
		accounts[a.Name] = a
	}
	type key struct{ account, service string }
	declared := map[key]int{}
	for i, s := range d.in.Volumes.Services {
		path := validation.Index("cost.volumes.services", i)
		regions, names := p.Regions, p.ServiceNames()
		if s.Account != "" {
			a, ok := accounts[s.Account]
			if !ok {
				d.errs.Add(path+".account", s.Account, "empty (every account that runs the service) or one of the accounts (%s)", strings.Join(p.accountNames(), ", "))
				continue
			}
			regions, names = a.Regions, serviceNames(a.Services)
		}
		where := "the platform's"
		if s.Account != "" {
			where = "account " + s.Account + "'s"
		}
		if !slices.Contains(names, s.Name) {
			d.errs.Add(path+".name", s.Name, "one of %s services (%s)", where, strings.Join(names, ", "))
		}
		declared[key{s.Account, s.Name}] = i
		for j, r := range s.Regions {
			if !slices.Contains(regions, r.Region) {
				d.errs.Add(validation.Index(path+".regions", j)+".region", r.Region, "one of %s regions (%s)", where, strings.Join(regions, ", "))
			}
		}
	}
	var missing []string
	missingIn := map[string][]string{}
	for _, a := range p.Accounts {
		for _, svc := range a.Services {
			i, ok := declared[key{a.Name, svc.Name}]
			if !ok {
				i, ok = declared[key{"", svc.Name}]
			}
			s, undeclared := d.serviceTraffic(svc, a.Name, a.Regions, i, ok)
			var m string
			switch {
			case !ok:
				m = fmt.Sprintf("a cost.volumes.services entry for %s (account %s)", svc.Name, a.Name)
			case len(undeclared) > 0:
				m = fmt.Sprintf("%s.regions for %s (account %s)", validation.Index("cost.volumes.services", i), strings.Join(undeclared, ", "), a.Name)
			}
			if m != "" {
				missing = append(missing, m)
				missingIn[a.Name] = append(missingIn[a.Name], m)
			}
			d.services, d.props = append(d.services, s), append(d.props, svc)
		}
	}
	if d.in.Budget.MonthlyUSD > 0 && len(missing) > 0 {
		d.errs.Add("cost.volumes.services", nil, "declared traffic for every service and region, since cost.budget.monthlyUSD guards the estimate; missing: %s", strings.Join(missing, "; "))
	}
	for i, a := range p.Accounts {
		if a.Budget.MonthlyUSD > 0 && len(missingIn[a.Name]) > 0 {
			d.errs.Add(validation.Index("accounts", i)+".budget.monthlyUSD", a.Budget.MonthlyUSD,
				"an amount guarded against declared traffic, so declare every service and region of account %s; missing: %s", a.Name, strings.Join(missingIn[a.Name], "; "))
		}
	}
}

func serviceNames(services []Service) []string {
	out := make([]string, len(services))
	for i, s := range services {
		out[i] = s.Name
	}
	return out
}

func (p Props) accountNames() []string {
	out := make([]string, len(p.Accounts))
	for i, a := range p.Accounts {
		out[i] = a.Name
	}
	return out
}

// monitoringAccountRef is the monitoring account as the cost report names
// it: the workload account with its id, else cost.MonitoringAccountName.
func (p Props) monitoringAccountRef() cost.AccountRef {
	for _, a := range p.Accounts {
		if a.ID == p.Monitoring.Account {
			return cost.AccountRef{Name: a.Name, ID: a.ID}
		}
	}
	return cost.AccountRef{Name: cost.MonitoringAccountName, ID: p.Monitoring.Account}
}
