package platform

import (
	"slices"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
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
	if p.Logs.Archive.Central.On() {
		v.Add("logs.archive.central", "set", "empty: the platform points every region at the central archive when Logs.CentralArchive is true")
	}
	if p.Logs.CentralArchive {
		if !p.Org() && p.Account == "" {
			v.Add("logs.archive.central", true, "false, or set account: the central archive's bucket and key policies name the account whose regions write into it")
		}
		if p.Account != "" {
			// The bucket settings were checked above.
			c := pl.centralArchiveProps()
			c.Archive = logtiers.ArchiveProps{}
			add("logs.archive", c.Validate())
		}
	}
	add("logs.router", pl.routerProps(nil).Validate())
	if p.Logs.Analysis.Enabled {
		for _, region := range p.Regions {
			add("logs.analysis", p.AnalysisProps(region).Validate())
		}
		v.Merge("", p.ValidateGrafanaReach())
		for region := range p.Logs.Analysis.Vpcs {
			if !slices.Contains(p.Regions, region) {
				v.Add(validation.Key("logs.analysis.vpcs", region), region, "a region of the platform (regions)")
			}
		}
	}
	add("logs.retention", p.Logs.Retention.Validate())
	add("alarms.alerting", pl.alertingProps(nil).Validate())
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

// ValidateGrafanaReach checks that the Grafana workspace can reach every
// analysis collection its dashboards search. The provisioner looks the
// collections up in its own account, and a private collection is reached
// only through an OpenSearch Serverless VPC endpoint that its network
// policy lists: one in the workspace's VPC, which serves collections of
// that VPC's region only
// (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-vpc.html,
// https://docs.aws.amazon.com/grafana/latest/userguide/AMG-configure-vpc.html).
func (p Props) ValidateGrafanaReach() error {
	var v validation.Errors
	g := p.GrafanaProps(nil)
	if !g.DeploysWorkspace() || !g.Analysis.On() {
		return nil
	}
	if p.Org() {
		v.Add("logs.analysis.enabled", true, "false with accounts while grafana.mode deploys a workspace: the collections would be in the workload accounts, "+
			"where the monitoring account's workspace can neither look them up nor reach a private one (network policies list VPC endpoints, and AWS documents none across accounts); "+
			"use grafana.mode: cloudwatch, or leave logs.analysis off")
		return v.Err()
	}
	if p.AnalysisProps("").Network == logtiers.NetworkPublic {
		return nil
	}
	if !g.Vpc.On() {
		v.Add("grafana.vpc.vpcId", "", "the Grafana workspace's VPC (grafana.vpc: vpcId, 2-6 subnetIds, 1-5 securityGroupIds) with a private analysis tier: "+
			"the workspace reaches the collection in %s through an OpenSearch Serverless VPC endpoint there; or logs.analysis.network: public with logs.analysis.publicReason", g.CentralRegion)
	}
	searched := g.Analysis.Regions
	if len(searched) == 0 {
		searched = p.Regions
	}
	for _, r := range searched {
		if r == g.CentralRegion || !slices.Contains(p.Regions, r) {
			continue // a region outside regions is reported by the grafana props
		}
		path := "grafana.analysisRegions"
		if i := slices.Index(g.Analysis.Regions, r); i >= 0 {
			path = validation.Index(path, i)
		}
		v.Add(path, r, "only %s, the workspace's region, with a private analysis tier: an OpenSearch Serverless VPC endpoint serves its own region's collections, "+
			"so the workspace cannot reach the private collection in %s (list grafana.analysisRegions: [%s], or logs.analysis.network: public with logs.analysis.publicReason)",
			g.CentralRegion, r, g.CentralRegion)
	}
	return v.Err()
}
