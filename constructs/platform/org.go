package platform

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/oam"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Monitoring is the monitoring account of an organization platform.
type Monitoring struct {
	// Account is the 12-digit monitoring account: the central stack
	// (stream, archive, Grafana), the OAM sinks and the sink reader role.
	// Required with Accounts.
	Account string
	// Region holds the central stack. Default: us-east-1. It must be one
	// of the sink regions, so the central Grafana sees the linked accounts.
	Region string
	// OrganizationID, when set, adds aws:PrincipalOrgID to the sink and
	// reader policies: a configured account must also be in the
	// organization. Default: none (the account list alone decides).
	OrganizationID string
	// SinkRegions are the regions with a monitoring stack and its OAM sink.
	// Default: every region any workload account uses. A workload region
	// outside it is an error (its link would have no sink).
	SinkRegions []string
	// Link is what every workload account-region shares with the
	// monitoring account; Name and MonitoringAccount are set by the
	// platform, and the sink policy allows exactly Link.ResourceTypes.
	Link oam.LinkProps
}

// Account is one workload account of an organization platform.
type Account struct {
	// Name appears in its stack names, <name>-<account>-<region>, so
	// `cdk deploy '<name>-<account>-*'` deploys one account. Lowercase
	// letters, digits and hyphens, starting with a letter, 1-20
	// characters; unique, not "central", "monitoring" or "billing", and
	// no name followed by "-" may start another (their globs would
	// overlap).
	Name string
	// ID is the 12-digit account id, unique among the accounts. It may be
	// the monitoring account, which then also runs workloads (and, being
	// the monitoring account, needs no link).
	ID string
	// Regions are the account's workload regions. Required.
	Regions []string
	// Services are the account's workloads, in each of its regions.
	// Required; names unique within the account.
	Services []Service
	// Budget is the account's own AWS Budgets budget for its share of the
	// estimate (AccountBudgetProps). Default: the account's declared
	// estimate plus 25%.
	Budget AccountBudget
}

// AccountBudget is a workload account's budget: an AWS::Budgets::Budget in
// the account's stack of its first region (budgets are global to an
// account, so one region holds it), filtered to the observability
// services, notifying a topic in the account. A budget created in a
// member account tracks that account's own costs
// (https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html),
// so no LINKED_ACCOUNT filter and no payer-account access are needed.
type AccountBudget struct {
	// MonthlyUSD is the account's budget in USD. When set, synth stops if
	// the account's declared estimate (its services' lines; the monitoring
	// account's also the shared and central ones) is above it, and the
	// account's traffic must be declared. Default (0): the account's
	// declared estimate plus 25%, rounded up to a dollar, which only
	// alerts.
	MonthlyUSD float64
	// Emails subscribe to the account's budget topic, at most 10. Default:
	// Billing.Emails; with none, synth warns that the account's budget
	// alerts reach nobody.
	Emails []string
	// Disabled creates no budget for the account. Default: false (billing
	// disabled disables every account's budget too).
	Disabled bool
}

// reservedAccountNames would make an account's stack glob match the
// platform's own stacks.
var reservedAccountNames = []string{"central", "monitoring", "billing"}

// Org reports whether p is an organization platform (it has Accounts).
func (p Props) Org() bool { return len(p.Accounts) > 0 }

// withOrgDefaults derives the single-account fields from the monitoring
// account and the union of the workload accounts' regions and services.
func (p Props) withOrgDefaults() Props {
	p.derived = true
	p.Account = p.Monitoring.Account
	p.CentralRegion = p.Monitoring.Region
	if p.CentralRegion == "" {
		p.CentralRegion = DefaultCentralRegion
	}
	p.Monitoring.Region = p.CentralRegion
	p.Regions, p.Services = nil, nil
	seenRegion, seenService := map[string]bool{}, map[string]bool{}
	for _, a := range p.Accounts {
		for _, r := range a.Regions {
			if !seenRegion[r] {
				seenRegion[r] = true
				p.Regions = append(p.Regions, r)
			}
		}
		for _, s := range a.Services {
			if !seenService[s.Name] {
				seenService[s.Name] = true
				p.Services = append(p.Services, s)
			}
		}
	}
	if len(p.Monitoring.SinkRegions) == 0 {
		p.Monitoring.SinkRegions = p.Regions
	}
	return p
}

// SourceAccounts are the workload accounts other than the monitoring
// account, in order: those that link to its sinks.
func (p Props) SourceAccounts() []string {
	var out []string
	for _, a := range p.Accounts {
		if a.ID != p.Monitoring.Account && !slices.Contains(out, a.ID) {
			out = append(out, a.ID)
		}
	}
	return out
}

// AccountRegion is one account-region of the platform, for checks per
// account-region (quotas).
type AccountRegion struct {
	// Account is the account id ("" when account-agnostic), AccountName the
	// workload account's name ("" for the monitoring account's stacks and
	// in a single-account platform).
	Account, AccountName, Region string
	// Stacks are the top-level stacks deployed there.
	Stacks []awscdk.Stack
}

// AccountRegions lists every account-region the platform deploys to, in
// stack order, with its stacks.
func (p *Platform) AccountRegions() []AccountRegion {
	var out []AccountRegion
	index := map[string]int{}
	add := func(account, name, region string, s awscdk.Stack) {
		k := account + "/" + region
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, AccountRegion{Account: account, AccountName: name, Region: region})
		}
		if out[i].AccountName == "" {
			out[i].AccountName = name
		}
		out[i].Stacks = append(out[i].Stacks, s)
	}
	for _, s := range p.Stacks() {
		account := ""
		if a := s.Account(); a != nil && !*awscdk.Token_IsUnresolved(a) {
			account = *a
		}
		name := ""
		for _, r := range p.Regional {
			if r.Stack == s {
				name = r.AccountName
			}
		}
		add(account, name, *s.Region(), s)
	}
	return out
}

func (p Props) validateOrg(v *validation.Errors) {
	m := p.Monitoring
	for _, f := range []struct {
		path string
		set  bool
	}{{"account", p.Account != ""}, {"centralRegion", p.CentralRegion != ""}, {"regions", len(p.Regions) > 0}, {"services", len(p.Services) > 0}} {
		if f.set {
			v.Add(f.path, "set", "left empty with accounts: the monitoring section and each account's regions and services replace it")
		}
	}
	if !accountRE.MatchString(m.Account) {
		v.Add("monitoring.account", m.Account, "the 12-digit monitoring account id (required with accounts)")
	}
	region := m.Region
	if region == "" {
		region = DefaultCentralRegion
	}
	if !regionRE.MatchString(region) {
		v.Add("monitoring.region", region, "an AWS region code such as us-east-1")
	}
	seenSink := map[string]bool{}
	for i, r := range m.SinkRegions {
		path := validation.Index("monitoring.sinkRegions", i)
		switch {
		case !regionRE.MatchString(r):
			v.Add(path, r, "an AWS region code such as eu-west-1")
		case seenSink[r]:
			v.Add(path, r, "each region once")
		}
		seenSink[r] = true
	}
	names, ids := map[string]int{}, map[string]int{}
	var workloadRegions []string
	for i, a := range p.Accounts {
		path := validation.Index("accounts", i)
		switch j, dup := names[a.Name]; {
		case !platRE.MatchString(a.Name):
			v.Add(path+".name", a.Name, "lowercase letters, digits and hyphens, starting with a letter, 1-20 characters")
		case slices.Contains(reservedAccountNames, a.Name):
			v.Add(path+".name", a.Name, "a name other than %s (their stack names are the platform's own)", strings.Join(reservedAccountNames, ", "))
		case dup:
			v.Add(path+".name", a.Name, "a name not used by accounts[%d]", j)
		}
		if _, dup := names[a.Name]; !dup {
			names[a.Name] = i
		}
		switch j, dup := ids[a.ID]; {
		case !accountRE.MatchString(a.ID):
			v.Add(path+".id", a.ID, "a 12-digit AWS account id")
		case dup:
			v.Add(path+".id", a.ID, "an account id not used by accounts[%d]", j)
		}
		if _, dup := ids[a.ID]; !dup {
			ids[a.ID] = i
		}
		if len(a.Regions) == 0 {
			v.Add(path+".regions", nil, "at least one workload region, e.g. [us-east-1, eu-west-1]")
		}
		seenRegion := map[string]bool{}
		for j, r := range a.Regions {
			rpath := validation.Index(path+".regions", j)
			switch {
			case !regionRE.MatchString(r):
				v.Add(rpath, r, "an AWS region code such as eu-west-1")
			case seenRegion[r]:
				v.Add(rpath, r, "each region once per account")
			case len(m.SinkRegions) > 0 && !seenSink[r]:
				v.Add(rpath, r, "a region with an OAM sink: one of monitoring.sinkRegions %v (a workload stack there would have no sink to link to)", m.SinkRegions)
			}
			seenRegion[r] = true
			if !slices.Contains(workloadRegions, r) {
				workloadRegions = append(workloadRegions, r)
			}
		}
		a.Budget.validate(path+".budget", v)
		if len(a.Services) == 0 {
			v.Add(path+".services", nil, "at least one service")
		}
		seenSvc := map[string]bool{}
		for j, s := range a.Services {
			spath := validation.Index(path+".services", j)
			switch {
			case !nameRE.MatchString(s.Name):
				v.Add(spath+".name", s.Name, "lowercase letters, digits and hyphens, starting with a letter, 1-40 characters")
			case seenSvc[s.Name]:
				v.Add(spath+".name", s.Name, "a name not used by another service of account %s", a.Name)
			}
			seenSvc[s.Name] = true
			if len(s.APIName) > 128 {
				v.Add(spath+".apiName", s.APIName, "at most 128 characters")
			}
		}
	}
	// `cdk deploy '<name>-<account>-*'` must select one account only.
	for a := range names {
		for b := range names {
			if a != b && strings.HasPrefix(b, a+"-") && platRE.MatchString(a) {
				v.Add(validation.Index("accounts", names[b])+".name", b, "a name that does not start with %q: `cdk deploy '%s-%s-*'` would also deploy it", a+"-", p.nameOrDefault(), a)
			}
		}
	}
	sinks := m.SinkRegions
	if len(sinks) == 0 {
		sinks = workloadRegions
	}
	if regionRE.MatchString(region) && len(sinks) > 0 && !slices.Contains(sinks, region) {
		v.Add("monitoring.region", region, "a region with an OAM sink, one of %v, so the central dashboards see the linked accounts", sinks)
	}
	if len(p.SourceAccounts()) > 0 {
		sink := oam.SinkProps{Name: p.nameOrDefault(), SourceAccounts: p.SourceAccounts(), OrganizationID: m.OrganizationID, ResourceTypes: m.Link.ResourceTypes}
		for _, fe := range validation.Fields(sink.Validate()) {
			if fe.Path == "organizationId" {
				v.Add("monitoring.organizationId", fe.Value, "%s", fe.Allowed)
			}
		}
		v.Merge("monitoring.link", p.linkProps().Validate())
		if m.Link.SinkArn != "" {
			v.Add("monitoring.link.sinkArn", m.Link.SinkArn, "empty: each region's link learns its own sink's ARN")
		}
	}
	if c := p.Metrics.CentralAccount; c != "" && c != m.Account {
		v.Add("metrics.centralAccount", c, "empty or the monitoring account %s: the central stack is there", m.Account)
	}
}

func (p Props) nameOrDefault() string {
	if p.Name == "" {
		return DefaultName
	}
	return p.Name
}

// linkProps completes the link props every workload account-region gets.
func (p Props) linkProps() oam.LinkProps {
	l := p.Monitoring.Link
	l.Name, l.MonitoringAccount = p.nameOrDefault(), p.Monitoring.Account
	return l
}

// MonitoringRegion is one monitoring-region stack of the monitoring
// account, holding that region's OAM sink.
type MonitoringRegion struct {
	Stack  awscdk.Stack
	Region string
	Sink   *oam.Sink
}

// MonitoringStackName is the stack of a monitoring region.
func MonitoringStackName(platform, region string) string {
	return platform + "-monitoring-" + region
}

// WorkloadStackName is the stack of a workload account-region.
func WorkloadStackName(platform, account, region string) string {
	return platform + "-" + account + "-" + region
}

// accountView is the platform as one workload account sees it: its id,
// regions and services, and the central stack in the monitoring account.
func (p *Platform) accountView(a Account) *Platform {
	view := &Platform{Props: p.Props, Central: p.Central}
	view.Props.Account, view.Props.Regions, view.Props.Services = a.ID, a.Regions, a.Services
	if a.ID != p.Props.Monitoring.Account {
		view.Props.Metrics.CentralAccount = p.Props.Monitoring.Account
	}
	return view
}

// buildOrg creates, after the central stack, the monitoring account's
// reader role and sink stacks, then one stack per workload account-region
// that depends on the central stack and on its region's sink stack, so
// `cdk deploy --all` deploys in order.
func (p *Platform) buildOrg(scope constructs.Construct) error {
	props := p.Props
	sources := props.SourceAccounts()
	sinks := map[string]*MonitoringRegion{}
	if len(sources) > 0 {
		if _, err := oam.NewReader(p.Central.Stack, "OamSinkReader", oam.ReaderProps{
			Name: props.Name, SourceAccounts: sources, OrganizationID: props.Monitoring.OrganizationID, Regions: props.Monitoring.SinkRegions,
		}); err != nil {
			return err
		}
		for _, region := range props.Monitoring.SinkRegions {
			id := MonitoringStackName(props.Name, region)
			ms := awscdk.NewStack(scope, jsii.String(id), &awscdk.StackProps{
				Env:         p.env(region),
				StackName:   jsii.String(id),
				Description: jsii.String(fmt.Sprintf("o11yscale %s: OAM sink of the monitoring account in %s", props.Name, region)),
			})
			sink, err := oam.NewSink(ms, "Sink", oam.SinkProps{
				Name: props.Name, SourceAccounts: sources, OrganizationID: props.Monitoring.OrganizationID,
				ResourceTypes: props.Monitoring.Link.ResourceTypes,
			})
			if err != nil {
				return err
			}
			m := &MonitoringRegion{Stack: ms, Region: region, Sink: sink}
			sinks[region] = m
			p.Monitoring = append(p.Monitoring, m)
		}
	}
	for _, a := range props.Accounts {
		view := p.accountView(a)
		for _, region := range a.Regions {
			id := WorkloadStackName(props.Name, a.Name, region)
			r, err := p.addRegionalStack(scope, view, id, fmt.Sprintf("o11yscale %s: workload account %s (%s) in %s", props.Name, a.Name, a.ID, region), region)
			if err != nil {
				return err
			}
			r.AccountName = a.Name
			if a.ID != props.Monitoring.Account {
				sink, ok := sinks[region]
				if !ok {
					// Validate refuses this; a hand-built Props must not get
					// a link without a sink either.
					return fmt.Errorf("%s: region %s has no OAM sink stack (monitoring.sinkRegions %v)", id, region, props.Monitoring.SinkRegions)
				}
				r.Stack.AddDependency(sink.Stack, jsii.String("the link needs its region's sink and sink policy"))
				if r.Link, err = oam.NewLink(r.Stack, "OamLink", props.linkProps()); err != nil {
					return err
				}
			}
			p.Regional = append(p.Regional, r)
		}
	}
	return nil
}

func (b AccountBudget) validate(path string, v *validation.Errors) {
	if math.IsNaN(b.MonthlyUSD) || math.IsInf(b.MonthlyUSD, 0) || b.MonthlyUSD < 0 {
		v.Add(path+".monthlyUSD", b.MonthlyUSD, "0 (the account's estimate plus 25%%) or a positive monthly amount in USD")
	}
	if len(b.Emails) > 10 {
		v.Add(path+".emails", len(b.Emails), "at most 10 addresses")
	}
	for i, e := range b.Emails {
		if !strings.Contains(e, "@") || strings.ContainsAny(e, " \t\n") {
			v.Add(validation.Index(path+".emails", i), e, "an email address")
		}
	}
}
