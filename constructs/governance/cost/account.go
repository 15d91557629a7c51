package cost

import (
	"fmt"
	"strings"
)

// The account dimension of an organization platform: every line names the
// account billed for it (Line.Account), so the report can total per
// account and per account-region. A service's lines are its account's;
// the shared and central lines (the central stream and its Firehose, the
// metric archive, Grafana, the billing alarm) are the monitoring
// account's. A single-account report has no account views.

// MonitoringAccountName names the monitoring account in the report when it
// runs no workloads of its own (otherwise it has its workload name).
const MonitoringAccountName = "monitoring"

// AccountRegionKey is the key of an account-region in the estimator's
// maps and in Architecture.SharedAlarms: the region alone without an
// account (single-account, or the monitoring account), else
// "<account>/<region>".
func AccountRegionKey(account, region string) string {
	if account == "" {
		return region
	}
	return account + "/" + region
}

// SplitAccountRegion splits an AccountRegionKey.
func SplitAccountRegion(key string) (account, region string) {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return "", key
}

// AccountRow totals the lines of one account, or of one account-region
// when Region is set.
type AccountRow struct {
	// Account is the account's name, ID its id.
	Account, ID string
	// Region is set in ByAccountRegion rows.
	Region string
	Row
}

// accountIDs maps the report's account names to ids, monitoring account
// included.
func (a Architecture) accountIDs() map[string]string {
	ids := map[string]string{}
	for _, x := range a.Accounts {
		ids[x.Name] = x.ID
	}
	if m := a.MonitoringAccount; m.Name != "" {
		ids[m.Name] = m.ID
	}
	return ids
}

// accountOrder lists the accounts in config order, then the monitoring
// account when it runs no workloads.
func (a Architecture) accountOrder() []string {
	var out []string
	for _, x := range a.Accounts {
		out = append(out, x.Name)
	}
	if m := a.MonitoringAccount.Name; m != "" && !containsString(out, m) {
		out = append(out, m)
	}
	return out
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// accountViews fills ByAccount and ByAccountRegion from the lines; a
// single-account report has neither.
func (r *Report) accountViews() {
	r.ByAccount, r.ByAccountRegion = nil, nil
	if len(r.Architecture.Accounts) == 0 {
		return
	}
	ids := r.Architecture.accountIDs()
	accounts, regions := map[string]*Row{}, map[string]*Row{}
	for _, l := range r.Lines {
		rowFor(accounts, l.Account).add(l.Architecture, l.CostUSD)
		rowFor(regions, AccountRegionKey(l.Account, l.Region)).add(l.Architecture, l.CostUSD)
	}
	for _, name := range r.Architecture.accountOrder() {
		row := rowFor(accounts, name)
		row.finish()
		r.ByAccount = append(r.ByAccount, AccountRow{Account: name, ID: ids[name], Row: *row})
		for _, key := range sortedKeys(regions) {
			if a, region := SplitAccountRegion(key); a == name || (a == "" && name == r.Architecture.MonitoringAccount.Name) {
				regions[key].finish()
				r.ByAccountRegion = append(r.ByAccountRegion, AccountRow{Account: name, ID: ids[name], Region: region, Row: *regions[key]})
			}
		}
	}
}

// Label is "name (id)", with the region after a slash in an
// account-region row.
func (a AccountRow) Label() string {
	s := a.Account + " (" + a.ID + ")"
	if a.Region != "" {
		s += " / " + a.Region
	}
	return s
}

// AccountTotal is the account's row of ByAccount, and whether it has one.
func (r *Report) AccountTotal(account string) (AccountRow, bool) {
	for _, a := range r.ByAccount {
		if a.Account == account {
			return a, true
		}
	}
	return AccountRow{}, false
}

// AccountBudgetExceededError reports an account whose declared estimate is
// above its own budget.
type AccountBudgetExceededError struct {
	// Path is the config field of the budget, e.g. "accounts[2].budget.monthlyUSD".
	Path        string
	Account, ID string
	BudgetUSD   float64
	EstimateUSD float64
	// ByRegion is the account's declared cost per region.
	ByRegion []Row
}

func (e *AccountBudgetExceededError) Error() string {
	return fmt.Sprintf("%s: account %s (%s): declared monthly estimate %s exceeds the account's budget of %s by %s; by region: %s",
		e.Path, e.Account, e.ID, money(e.EstimateUSD), money(e.BudgetUSD), money(e.EstimateUSD-e.BudgetUSD), breakdown(e.ByRegion))
}

// CheckAccount compares the account's declared total with its budget, as
// Check does for the platform: an *AccountBudgetExceededError above it
// (path names the budget's config field), a warning at or above the
// warn share, nothing without a budget.
func (b Budget) CheckAccount(r *Report, path, account string) (warning string, err error) {
	if err := b.Validate(); err != nil {
		return "", err
	}
	row, ok := r.AccountTotal(account)
	if b.MonthlyUSD == 0 || !ok {
		return "", nil
	}
	share := b.WarnShare
	if share == 0 {
		share = DefaultWarnShare
	}
	est := row.Declared
	switch {
	case est > b.MonthlyUSD:
		var regions []Row
		for _, x := range r.ByAccountRegion {
			if x.Account == account {
				row := x.Row
				row.Name = x.Region
				regions = append(regions, row)
			}
		}
		return "", &AccountBudgetExceededError{Path: path, Account: account, ID: row.ID, BudgetUSD: b.MonthlyUSD, EstimateUSD: est, ByRegion: byDeclared(regions)}
	case est >= share*b.MonthlyUSD:
		return fmt.Sprintf("cost budget of account %s (%s): declared monthly estimate %s is %s of its budget %s (warning at %s)",
			account, row.ID, money(est), percent(est/b.MonthlyUSD*100), money(b.MonthlyUSD), percent(share*100)), nil
	}
	return "", nil
}
