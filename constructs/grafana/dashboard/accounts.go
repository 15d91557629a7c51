package dashboard

import (
	"regexp"
	"slices"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"
)

// Account is one workload account of an organization platform, as the
// dashboards' account variable lists it. The monitoring account, where
// Grafana runs, sees its metrics through CloudWatch cross-account
// observability (OAM links), so one data source per region serves every
// account.
type Account struct {
	// Name is the option's text in the account variable.
	Name string
	// ID is the 12-digit account id, the option's value.
	ID string
	// Regions are the account's workload regions, a subset of
	// Platform.Regions. The CloudWatch fallback dashboard draws one series
	// per account and region; Grafana queries every region for the
	// selected account.
	Regions []string
}

// AccountVariable is the name of the account template variable of an
// organization platform's dashboards.
const AccountVariable = "account"

// allAccounts is the CloudWatch data source's accountId for "every linked
// account": the value of its own All option (ALL_ACCOUNTS_OPTION in the
// plugin's query editor), documented as "By default, the All option is
// specified, which will target all linked accounts" at
// https://grafana.com/docs/grafana/latest/datasources/aws-cloudwatch/query-editor/#cross-account-observability
const allAccounts = "all"

var (
	accountIDRE   = regexp.MustCompile(`^[0-9]{12}$`)
	accountNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
)

// Org reports whether p is an organization platform's (it has Accounts).
func (p Platform) Org() bool { return len(p.Accounts) > 0 }

func validateAccounts(v *validation.Errors, p Platform) {
	if !p.Org() {
		if p.MonitoringAccount != "" {
			v.Add("monitoringAccount", p.MonitoringAccount, "empty without accounts (a single-account platform reads its own account)")
		}
		return
	}
	if !accountIDRE.MatchString(p.MonitoringAccount) {
		v.Add("monitoringAccount", p.MonitoringAccount, "the 12-digit monitoring account id (required with accounts): the central stream and Firehose are there")
	}
	names, ids := map[string]bool{}, map[string]bool{}
	for i, a := range p.Accounts {
		at := validation.Index("accounts", i)
		switch {
		// ',' and ':' separate a custom variable's options and their
		// text from their value.
		case !accountNameRE.MatchString(a.Name):
			v.Add(at+".name", a.Name, "1-64 letters, digits, '_', '.' or '-', starting with a letter or digit")
		case names[a.Name]:
			v.Add(at+".name", a.Name, "each account name once")
		}
		names[a.Name] = true
		switch {
		case !accountIDRE.MatchString(a.ID):
			v.Add(at+".id", a.ID, "a 12-digit AWS account id")
		case ids[a.ID]:
			v.Add(at+".id", a.ID, "each account id once")
		}
		ids[a.ID] = true
		if len(a.Regions) == 0 {
			v.Add(at+".regions", nil, "at least one of the platform's regions")
		}
		checkEach(v, at+".regions", a.Regions, func(r string) bool { return slices.Contains(p.Regions, r) },
			"one of the platform's regions "+strings.Join(p.Regions, ", "), "each region once")
	}
}

// accountVariable is a custom variable with one option per workload
// account, "<name> : <id>" (Grafana's key/value form of custom variable
// options: the name is shown, the id is the value), plus All, which
// expands to the data source's "all" (a custom all value; the variable
// is single-valued because a query's accountId holds one account). See
// https://grafana.com/docs/grafana/latest/dashboards/variables/add-template-variables/#add-a-custom-variable
func accountVariable(accounts []Account) Variable {
	v := Variable{
		Name: AccountVariable, Label: "Account", Type: "custom",
		IncludeAll: true, AllValue: allAccounts,
		Current: VariableOption{Text: "All", Value: "$__all", Selected: true},
		Options: []VariableOption{{Text: "All", Value: "$__all", Selected: true}},
	}
	var query []string
	for _, a := range accounts {
		query = append(query, a.Name+" : "+a.ID)
		v.Options = append(v.Options, VariableOption{Text: a.Name, Value: a.ID})
	}
	v.Query = strings.Join(query, ",")
	return v
}

// withAccounts gives d, for an organization platform, the account
// variable (first) and every CloudWatch query that reads metrics
// accountId $account, unless it already names an account (the central
// stream's, in the monitoring account). Metric math expressions read the
// queries they name, which carry the account. A single-account d is
// returned unchanged.
func withAccounts(p Platform, d Dashboard) Dashboard {
	if !p.Org() {
		return d
	}
	d.Templating.List = append([]Variable{accountVariable(p.Accounts)}, d.Templating.List...)
	for i := range d.Panels {
		for _, t := range d.Panels[i].Targets {
			if q, ok := t.(*CloudWatchQuery); ok && q.Expression == "" && q.AccountID == "" {
				q.AccountID = "$" + AccountVariable
			}
		}
	}
	return d
}

// inMonitoringAccount pins q, a query of a central resource, to the
// monitoring account of an organization platform.
func inMonitoringAccount(p Platform, q *CloudWatchQuery) *CloudWatchQuery {
	if p.Org() {
		q.AccountID = p.MonitoringAccount
	}
	return q
}

func accountsContract(accounts []Account) []contract.Account {
	var out []contract.Account
	for _, a := range accounts {
		out = append(out, contract.Account{Name: a.Name, ID: a.ID, Regions: a.Regions})
	}
	return out
}

func accountsFromContract(accounts []contract.Account) []Account {
	var out []Account
	for _, a := range accounts {
		out = append(out, Account{Name: a.Name, ID: a.ID, Regions: a.Regions})
	}
	return out
}
