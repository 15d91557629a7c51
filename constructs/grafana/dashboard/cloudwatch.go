package dashboard

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// CloudWatchGlobalAPIBody is the DashboardBody of an AWS::CloudWatch::Dashboard
// showing the same view as GlobalAPIPerformance and, when p has SLOs, the
// SLO rows of SLOOverview below it, for accounts without IAM Identity
// Center (which Managed Grafana needs). Each metric carries its own
// region, so one dashboard shows every workload region.
func CloudWatchGlobalAPIBody(p Platform) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p = p.WithDefaults()
	type widget struct {
		Type       string         `json:"type"`
		X          int            `json:"x"`
		Y          int            `json:"y"`
		Width      int            `json:"width"`
		Height     int            `json:"height"`
		Properties map[string]any `json:"properties"`
	}
	panels := GlobalAPIPerformance(p).Panels
	if len(p.SLOs) > 0 {
		// The SLO rows go below the API panels.
		bottom := 0
		for _, pn := range panels {
			bottom = max(bottom, pn.GridPos.Y+pn.GridPos.H)
		}
		for _, pn := range SLOOverview(p).Panels {
			pn.GridPos.Y += bottom
			panels = append(panels, pn)
		}
	}
	var widgets []widget
	for _, pn := range panels {
		var metrics [][]any
		for _, t := range pn.Targets {
			q, ok := t.(*CloudWatchQuery)
			if !ok {
				return nil, fmt.Errorf("panel %q: target %s is not a CloudWatch query", pn.Title, t.refID())
			}
			for _, in := range inAccounts(p, pn, q) {
				metrics = append(metrics, cloudWatchRow(in.q, in.account))
			}
		}
		// CloudWatch's grid is 24 wide like Grafana's; its rows are
		// shorter, so heights are scaled down.
		widgets = append(widgets, widget{
			Type: "metric", X: pn.GridPos.X, Y: pn.GridPos.Y * 3 / 4, Width: pn.GridPos.W, Height: pn.GridPos.H * 3 / 4,
			Properties: map[string]any{
				"title":   pn.Title,
				"view":    "timeSeries",
				"stacked": false,
				"region":  p.CentralRegion,
				"period":  periodSeconds,
				"metrics": metrics,
				"yAxis":   map[string]any{"left": map[string]any{"min": 0}},
			},
		})
	}
	b, err := json.Marshal(map[string]any{"widgets": widgets})
	if err != nil {
		return nil, fmt.Errorf("rendering CloudWatch dashboard body: %w", err)
	}
	return b, nil
}

// cloudWatchRow is q as a metrics array entry of a metric widget, read in
// account when set (a linked account, through OAM).
func cloudWatchRow(q *CloudWatchQuery, account string) []any {
	if q.Expression != "" {
		return []any{map[string]any{"expression": q.Expression, "id": q.ID, "region": q.Region, "label": q.Label}}
	}
	row := []any{q.Namespace, q.MetricName}
	for _, k := range sortedKeys(q.Dimensions) {
		row = append(row, k, q.Dimensions[k][0])
	}
	opts := map[string]any{"region": q.Region, "label": q.Label, "stat": q.Statistic}
	if q.ID != "" {
		opts["id"] = q.ID
	}
	if q.Hide {
		opts["visible"] = false
	}
	if account != "" {
		opts["accountId"] = account
	}
	return append(row, opts)
}

type accountQuery struct {
	q       *CloudWatchQuery
	account string
}

// inAccounts is q as the CloudWatch dashboard draws it. A CloudWatch
// dashboard has no "all accounts" for a metric, so in an organization
// platform a workload query becomes one query per account that runs in
// its region, carrying the account's id in its options (CloudWatch
// dashboards read a linked account's metrics by accountId in a monitoring
// account, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Cross-Account-Cross-Region.html),
// labelled with the account's name; ids get the account's index and
// expressions read their own account's copies. A query that names an
// account keeps it; a single-account platform's queries are unchanged.
func inAccounts(p Platform, pn Panel, q *CloudWatchQuery) []accountQuery {
	if !p.Org() {
		return []accountQuery{{q: q}}
	}
	if q.Expression == "" && q.AccountID != "$"+AccountVariable {
		return []accountQuery{{q: q, account: q.AccountID}}
	}
	var ids []string
	for _, t := range pn.Targets {
		if o, ok := t.(*CloudWatchQuery); ok && o.Expression == "" && o.ID != "" {
			ids = append(ids, regexp.QuoteMeta(o.ID))
		}
	}
	var idRE *regexp.Regexp
	if len(ids) > 0 {
		idRE = regexp.MustCompile(`\b(` + strings.Join(ids, "|") + `)\b`)
	}
	var out []accountQuery
	for k, a := range p.Accounts {
		if !slices.Contains(a.Regions, q.Region) {
			continue
		}
		c := *q
		c.Label = a.Name + " " + q.Label
		suffix := "_" + strconv.Itoa(k)
		if c.ID != "" {
			c.ID += suffix
		}
		if c.Expression != "" && idRE != nil {
			c.Expression = idRE.ReplaceAllString(c.Expression, "${1}"+suffix)
		}
		account := a.ID
		if c.Expression != "" {
			account = ""
		}
		out = append(out, accountQuery{q: &c, account: account})
	}
	return out
}

func sortedKeys(d Dimensions) []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
