package quotas

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Override raises (or lowers) one adjustable quota, for an account with an
// approved increase.
type Override struct {
	// Service and Quota name a row of [Table], e.g. "xray" and
	// "samplingRules".
	Service, Quota string
	// Value replaces the default; at least 1.
	Value int
	// Account and Region restrict the override to one account and/or
	// region. Default: every account and region.
	Account, Region string
}

// Props configures the check.
type Props struct {
	// Overrides are approved increases. Default: none.
	Overrides []Override
}

var (
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[1-9]$`)
)

// Validate checks every override: a known, adjustable quota and a positive
// value, every problem at once.
func (p Props) Validate() error {
	var v validation.Errors
	for i, o := range p.Overrides {
		path := validation.Index("overrides", i)
		q, ok := Lookup(o.Service, o.Quota)
		switch {
		case !ok:
			v.Add(path, o.Service+"/"+o.Quota, "one of %s", strings.Join(IDs(), ", "))
		case !q.Adjustable:
			v.Add(path, q.ID(), "an adjustable quota; AWS does not raise %s (%s): %s", q.Kind, q.sourceNote(), q.Fix)
		}
		if o.Value < 1 {
			v.Add(path+".value", o.Value, "a quota of at least 1")
		}
		if o.Account != "" && !accountRE.MatchString(o.Account) {
			v.Add(path+".account", o.Account, "a 12-digit AWS account id, or empty for every account")
		}
		if o.Region != "" && !regionRE.MatchString(o.Region) {
			v.Add(path+".region", o.Region, "an AWS region code such as eu-west-1, or empty for every region")
		}
	}
	return v.Err()
}

// IDs lists the "service/name" of every quota.
func IDs() []string {
	out := make([]string, len(Table))
	for i, q := range Table {
		out[i] = q.ID()
	}
	return out
}

// Usage is one count against one quota: Count items (or bytes, or
// characters) of Quota in one account-region, and for narrower scopes in
// one Subject (a log group, role, function...).
type Usage struct {
	// Quota is the ID of the table row.
	Quota string
	// Account is empty when the stack has no account.
	Account, Region string
	// Subject names the log group, role, function, parameter, bus or
	// alarm for scopes narrower than an account-region.
	Subject string
	Count   int
}

// Limit is the quota that applies to account and region: the last
// matching override, else the table's value.
func (p Props) Limit(q Quota, account, region string) (int, bool) {
	limit, raised := q.ValueIn(region), false
	for _, o := range p.Overrides {
		if o.Service == q.Service && o.Quota == q.Name && q.Adjustable &&
			(o.Account == "" || o.Account == account) && (o.Region == "" || o.Region == region) {
			limit, raised = o.Value, true
		}
	}
	return limit, raised
}

// Check compares usages with the quotas and returns every breach at once,
// each naming the account, region, kind, count, quota, source and fix, or
// nil.
func (p Props) Check(usages []Usage) error {
	var problems []string
	for _, u := range usages {
		q, ok := lookupID(u.Quota)
		if !ok {
			problems = append(problems, fmt.Sprintf("unknown quota %q", u.Quota))
			continue
		}
		limit, raised := p.Limit(q, u.Account, u.Region)
		if u.Count <= limit {
			continue
		}
		account := u.Account
		if account == "" {
			account = "(no account set)"
		}
		where := fmt.Sprintf("account %s, region %s", account, u.Region)
		if u.Subject != "" {
			where += ", " + string(q.Per) + " " + u.Subject
		}
		what := "quota"
		if raised {
			what = "raised quota"
		}
		fix := q.Fix
		if q.Adjustable {
			fix += fmt.Sprintf("; or, with an approved increase, raise it in config: quotas.overrides: [{service: %s, quota: %s, value: N}]", q.Service, q.Name)
		} else {
			fix += " (AWS does not raise this quota)"
		}
		problems = append(problems, fmt.Sprintf("%s: %d%s of %s is over the %s of %d per %s (%s); fix: %s",
			where, u.Count, q.unit(), q.Kind, what, limit, q.Per, q.sourceNote(), fix))
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return fmt.Errorf("the platform exceeds AWS service quotas; nothing was written:\n  %s", strings.Join(problems, "\n  "))
}

func lookupID(id string) (Quota, bool) {
	service, name, _ := strings.Cut(id, "/")
	return Lookup(service, name)
}

// Peak is the highest use of one quota across account-regions (and
// subjects).
type Peak struct {
	Quota Quota
	Usage Usage
	Limit int
}

// Peaks lists, in table order, the highest use (relative to its limit)
// of every quota that usages touch.
func (p Props) Peaks(usages []Usage) []Peak {
	best := map[string]Peak{}
	for _, u := range usages {
		q, ok := lookupID(u.Quota)
		if !ok {
			continue
		}
		limit, _ := p.Limit(q, u.Account, u.Region)
		cur, seen := best[u.Quota]
		if !seen || u.Count*cur.Limit > cur.Usage.Count*limit {
			best[u.Quota] = Peak{Quota: q, Usage: u, Limit: limit}
		}
	}
	var out []Peak
	for _, q := range Table {
		if pk, ok := best[q.ID()]; ok {
			out = append(out, pk)
		}
	}
	return out
}

// PeaksTable renders peaks as the table printed after synth.
func PeaksTable(peaks []Peak) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-38s %10s %10s  %s\n", "QUOTA", "PEAK", "QUOTA", "WHERE")
	for _, pk := range peaks {
		where := pk.Usage.Region
		if pk.Usage.Subject != "" {
			where += ", " + string(pk.Quota.Per) + " " + pk.Usage.Subject
		}
		note := ""
		if !pk.Quota.Verified {
			note = " (quota unverified)"
		}
		fmt.Fprintf(&b, "%-38s %10d %10d  %s%s\n", pk.Quota.ID(), pk.Usage.Count, pk.Limit, where, note)
	}
	return b.String()
}
