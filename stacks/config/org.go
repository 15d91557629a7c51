package config

import (
	"github.com/o11yscale/o11yscale/constructs/oam"
	"github.com/o11yscale/o11yscale/constructs/platform"
)

// Monitoring is the monitoring account of an organization platform: the
// central stack (stream, archive, Grafana) in its region, an OAM sink per
// region and the role the workload accounts read the sink ARNs through.
// Set it together with accounts, instead of account, centralRegion,
// regions and services.
type Monitoring struct {
	// Account is the 12-digit monitoring account id. Required.
	Account string `yaml:"account" json:"account"`
	// Region holds the central stack. Default: us-east-1. It must be a
	// sink region.
	Region string `yaml:"region,omitempty" json:"region,omitempty"`
	// OrganizationId, e.g. o-a1b2c3d4e5, additionally requires every
	// linking account to be in the organization (aws:PrincipalOrgID).
	// Default: none; the account list alone decides.
	OrganizationId string `yaml:"organizationId,omitempty" json:"organizationId,omitempty"`
	// SinkRegions have a monitoring stack with an OAM sink. Default: every
	// region any workload account uses.
	SinkRegions []string `yaml:"sinkRegions,omitempty" json:"sinkRegions,omitempty"`
	// Link is what each workload account-region shares through its OAM
	// link; the sink policy allows exactly these resource types.
	Link Link `yaml:"link,omitempty" json:"link,omitempty"`
}

// Link configures the OAM link of every workload account-region.
type Link struct {
	// ResourceTypes shared. Default: AWS::CloudWatch::Metric,
	// AWS::Logs::LogGroup, AWS::XRay::Trace,
	// AWS::ApplicationSignals::Service and
	// AWS::ApplicationSignals::ServiceLevelObjective.
	ResourceTypes []oam.ResourceType `yaml:"resourceTypes,omitempty" json:"resourceTypes,omitempty"`
	// LogGroupFilter selects the shared log groups in OAM filter syntax.
	// Default: the platform's log groups, LogGroupName LIKE '/<name>/%'.
	LogGroupFilter string `yaml:"logGroupFilter,omitempty" json:"logGroupFilter,omitempty"`
	// MetricFilter selects the shared namespaces. Default: the platform's,
	// Namespace LIKE '<Name>/%'.
	MetricFilter string `yaml:"metricFilter,omitempty" json:"metricFilter,omitempty"`
	// LabelTemplate labels each account in the monitoring account.
	// Default: $AccountName.
	LabelTemplate string `yaml:"labelTemplate,omitempty" json:"labelTemplate,omitempty"`
}

// Account is one workload account.
type Account struct {
	// Name is part of its stack names (<name>-<account>-<region>), so
	// `cdk deploy '<name>-<account>-*'` deploys one account. Lowercase
	// letters, digits and hyphens, 1-20 characters, unique.
	Name string `yaml:"name" json:"name"`
	// Id is the 12-digit account id, unique.
	Id string `yaml:"id" json:"id"`
	// Regions are the account's workload regions. Required.
	Regions []string `yaml:"regions" json:"regions"`
	// Services are the account's workloads, in each of its regions.
	// Required; names unique within the account.
	Services []Service `yaml:"services" json:"services"`
	// Budget is the account's own AWS Budgets budget, in its stack of its
	// first region. Default: the account's estimate plus 25%.
	Budget AccountBudget `yaml:"budget,omitempty" json:"budget,omitempty"`
}

// AccountBudget is a workload account's budget for its own share of the
// cost estimate (the per-account rows of the cost report).
type AccountBudget struct {
	// MonthlyUSD is the account's monthly budget in USD. When set, synth
	// stops if the account's declared estimate is above it, and every
	// service and region of the account needs declared traffic
	// (cost.volumes.services). Default: the account's estimate plus 25%,
	// rounded up to a dollar (alerts only).
	MonthlyUSD float64 `yaml:"monthlyUSD,omitempty" json:"monthlyUSD,omitempty"`
	// Emails receive the account's budget notifications, at most 10.
	// Default: billing.emails.
	Emails []string `yaml:"emails,omitempty" json:"emails,omitempty"`
	// Disabled creates no budget for the account. Default: false.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
}

// Org reports whether p is an organization platform (it has accounts).
func (p *Platform) Org() bool { return len(p.Accounts) > 0 }

// effective is p as the capability sections see it. For an organization
// platform it has the monitoring account and region as account and
// central region, and the union of the accounts' regions and services, so
// that per-region and per-service sections (metrics.regions, cost
// volumes, Grafana) validate and map as for one account. A single-account
// platform is its own effective view.
func (p *Platform) effective() *Platform {
	if !p.Org() {
		return p
	}
	d := p.orgProps().WithDefaults()
	e := *p
	e.Account, e.CentralRegion, e.Regions, e.Services = d.Account, d.CentralRegion, d.Regions, nil
	for _, s := range d.Services {
		e.Services = append(e.Services, Service{Name: s.Name, ApiName: s.APIName})
	}
	return &e
}

// orgProps are the organization fields of the platform props.
func (p *Platform) orgProps() platform.Props {
	out := platform.Props{Name: p.Name, Account: p.Account, CentralRegion: p.CentralRegion, Regions: p.Regions}
	for _, s := range p.Services {
		out.Services = append(out.Services, platform.Service{Name: s.Name, APIName: s.ApiName})
	}
	if m := p.Monitoring; m != nil {
		out.Monitoring = platform.Monitoring{
			Account: m.Account, Region: m.Region, OrganizationID: m.OrganizationId, SinkRegions: m.SinkRegions,
			Link: oam.LinkProps{ResourceTypes: m.Link.ResourceTypes, LogGroupFilter: m.Link.LogGroupFilter,
				MetricFilter: m.Link.MetricFilter, LabelTemplate: m.Link.LabelTemplate},
		}
	}
	for _, a := range p.Accounts {
		acct := platform.Account{Name: a.Name, ID: a.Id, Regions: a.Regions,
			Budget: platform.AccountBudget{MonthlyUSD: a.Budget.MonthlyUSD, Emails: a.Budget.Emails, Disabled: a.Budget.Disabled}}
		for _, s := range a.Services {
			acct.Services = append(acct.Services, platform.Service{Name: s.Name, APIName: s.ApiName, SLOs: s.sloObjectives()})
		}
		out.Accounts = append(out.Accounts, acct)
	}
	return out
}
