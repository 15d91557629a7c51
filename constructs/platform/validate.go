package platform

import (
	"slices"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Validate checks the platform's own fields and then, once those are
// valid, the complete props of every capability for every real service
// and region, each problem once, with its field path, before anything is
// created. Only the collaborators, which exist once the stacks do (the
// region's archive and router, imported alert topics), are checked by the
// constructs themselves when New creates them.
func (p Props) Validate() error {
	var v validation.Errors
	v.Merge("", p.ValidatePlatform())
	if v.Len() > 0 {
		return v.Err()
	}
	p = p.withDefaults()
	pl := &Platform{Props: p}
	seen := map[string]bool{}
	add := func(prefix string, err error) {
		for _, fe := range validation.Fields(err) {
			path := validation.Join(prefix, fe.Path)
			key := path + "\x00" + fe.Allowed
			if !seen[key] {
				seen[key] = true
				v.Add(path, fe.Value, "%s", fe.Allowed)
			}
		}
	}
	add("sampling", pl.samplingProps().Validate())
	add("sampling", ValidateCollectorLogGroup(pl.samplingProps().TailSampling.Logs, pl.logGroupPrefix(), p.ServiceNames()))
	add("logs.archive", p.Logs.Archive.Validate())
	add("logs.router", pl.routerProps(nil).Validate())
	if p.Logs.Analysis.Enabled {
		for _, region := range p.Regions {
			add("logs.analysis", p.AnalysisProps(region).Validate())
		}
		for region := range p.Logs.Analysis.Vpcs {
			if !slices.Contains(p.Regions, region) {
				v.Add(validation.Key("logs.analysis.vpcs", region), region, "a region of the platform (regions)")
			}
		}
	}
	add("logs.retention", p.Logs.Retention.Validate())
	if p.Alarms.Alerting.Central != (anomaly.CentralTarget{}) {
		v.Add("alarms.alerting.central", p.Alarms.Alerting.Central.Region, "left empty: the platform sets it from Alarms.Central (alarms.alerting.central in config)")
	}
	add("alarms.alerting", pl.alertingProps(nil).Validate())
	if p.Alarms.Central {
		add("alarms.alerting", pl.centralIncidentsProps().Validate())
	}
	for i, svc := range p.Services {
		if len(svc.SLOs) > 0 {
			for _, region := range p.Regions {
				add("", pl.serviceSLOsProps(svc, nil).ValidateAs(validation.Index("services", i)+".slos", region))
			}
		}
		add("logs.service", pl.serviceLogsProps(nil, svc).Validate())
		alarms := pl.serviceAlarmsProps(svc, nil)
		for _, region := range p.Regions {
			add("alarms.service", alarms.ValidateIn(region))
		}
	}
	add("", pl.validateMetrics())
	add("grafana", pl.grafanaProps(nil).Validate())
	add("quotas", p.Quotas.Validate())
	if _, err := p.CostConfig(); err != nil {
		add("", err)
	}
	if !p.Billing.Disabled {
		b, ok := p.BillingProps(nil)
		switch {
		case ok:
			add("billing", b.Validate())
		case p.Cost == nil:
			v.Add("billing.monthlyUSD", 0, "%s", underivedMonthlyUSD)
		default:
			// The estimate derives it; New checks once the estimate has run.
		}
	}
	return v.Err()
}
