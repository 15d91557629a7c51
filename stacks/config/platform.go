package config

import (
	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/platform"
)

// Props maps the whole config to the platform construct's props, with
// account as the deploy account ("" for account-agnostic templates). The
// platform fills in what it owns (each service's name and API, each
// region's key, archive, router and alert topic, the central target); the
// mapping functions of each capability give the rest.
func (p *Platform) Props(account string) platform.Props {
	if p.Org() {
		// The monitoring account is configured; the deploy account does
		// not decide where anything goes.
		return p.effective().propsOf(p.orgProps())
	}
	return p.propsOf(platform.Props{Account: account, CentralRegion: p.CentralRegion, Regions: p.Regions})
}

// propsOf maps the capability sections onto base, which carries the
// platform's placement (account, central region and regions, or the
// organization fields).
func (p *Platform) propsOf(base platform.Props) platform.Props {
	out := platform.Props{
		Name:             p.Name,
		Account:          base.Account,
		CentralRegion:    base.CentralRegion,
		Regions:          base.Regions,
		Monitoring:       base.Monitoring,
		Accounts:         base.Accounts,
		ServicesPerShard: p.ServicesPerShard,
		Tags:             p.Tags,
		Sampling:         p.SamplingProps(),
		Logs: platform.Logs{
			Service: p.ServiceLogsProps("", LogsWiring{}),
			Archive: p.Logs.ArchiveProps(),
			// logs.archive.central (platform.Logs.CentralArchive).
			CentralArchive: p.Logs.Archive.Central,
			Router:         p.LogRouterProps(nil),
			Retention:      p.Logs.RetentionGuardProps(),
			Analysis:       p.Logs.AnalysisProps(),
		},
		Alarms: platform.Alarms{
			Alerting: p.AlertingProps(nil),
			Service:  p.AlarmProps(Service{}, nil),
		},
		Metrics: platform.Metrics{
			Central:        p.CentralMetricsProps(),
			Forwarder:      p.forwarderProps(nil),
			CentralAccount: p.Metrics.Forwarder.CentralAccount,
			Stream:         p.MetricStreamProps(nil),
		},
		Grafana: platform.Grafana{
			Props:             p.grafanaMapped(),
			AlertTopicArns:    p.Grafana.AlertTopicArns,
			AlertTopicKeyArns: p.Grafana.AlertTopicKeyArns,
			AnalysisRegions:   p.Grafana.AnalysisRegions,
		},
		Billing: platform.Billing{
			Disabled: p.Billing.Disabled,
			BillingProps: governance.BillingProps{
				MonthlyUSD: p.Billing.MonthlyUSD, ForecastShare: p.Billing.ForecastShare, ActualShare: p.Billing.ActualShare,
				Emails: p.Billing.Emails, BudgetName: p.Billing.BudgetName,
			},
		},
	}
	out.Quotas = p.Quotas.QuotasProps()
	out.Services = p.platformServices()
	out.ApplicationSignals = platform.ApplicationSignals{Discovery: discoveryModes[p.Alarms.ApplicationSignals.Discovery]}
	if len(base.Accounts) > 0 {
		out.Services = base.Services
	}
	if len(p.Metrics.Regions) > 0 {
		out.Metrics.Delivery = map[string]platform.Delivery{}
		for region, mode := range p.Metrics.Regions {
			out.Metrics.Delivery[region] = platform.Delivery(mode)
		}
	}
	if p.Cost != nil {
		c := p.costModel()
		out.Cost = &c
	}
	return out
}

func (p *Platform) platformServices() []platform.Service {
	var out []platform.Service
	for _, s := range p.Services {
		out = append(out, platform.Service{Name: s.Name, APIName: s.ApiName, SLOs: s.sloObjectives()})
	}
	return out
}
