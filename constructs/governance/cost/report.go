package cost

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Report is the monthly estimate of both architectures with every line
// that makes it up.
type Report struct {
	// PriceSet is the price table used, with the source of every figure.
	PriceSet PriceSet
	// Units states the units of every figure.
	Units Units
	// Architecture is the declared architecture with defaults applied.
	Architecture Architecture
	// Total compares the two architectures.
	Total Row
	// ByComponent has one row per component, in Components order.
	ByComponent []Row
	// ByRegion has one row per region, sorted.
	ByRegion []Row
	// ByService has one row per service, sorted, SharedService last.
	ByService []Row
	// ByAccount has one row per account of an organization platform
	// (Architecture.Accounts, then the monitoring account), and
	// ByAccountRegion one per account-region, by account then region; both
	// are nil for a single-account platform.
	ByAccount       []AccountRow
	ByAccountRegion []AccountRow
	// Warnings flags inputs the seed warns against.
	Warnings []string
	// Assumptions lists what the model assumes beyond its inputs.
	Assumptions []string
	// Assumed lists the services and regions whose traffic nobody
	// declared ("checkout-api in eu-west-1"), priced from assumed volumes.
	Assumed []string
	// Lines is every priced quantity, declared lines first.
	Lines []Line
	// Analysis compares each region's analysis tier with Logs Insights;
	// nil unless Architecture.Analysis priced one.
	Analysis []AnalysisComparison
}

// componentNotes explain, per component, why the declared architecture
// may cost more than the naive one.
var componentNotes = map[Component]string{
	ComponentForwarding: "Forwarding is a cost the platform adds, not a saving: it copies each region's metrics to the central stream so that dashboards, alarms and the archive read one place instead of querying every region. " +
		"The declared forwarder reads each statistic as its own GetMetricData query (billed per metric requested), where the naive poll's one GetMetricStatistics call per metric returns every statistic, so its API line is higher; " +
		"it then writes one record per series per window instead of one per datapoint, so its Kinesis and Firehose lines are lower.",
	ComponentMetricStreams: "Metric Streams bill every metric update; the naive architecture polls the same metrics with GetMetricData every minute, which is cheaper per update but is not a push delivery.",
}

// Units states the units of a report.
type Units struct {
	Currency        string
	BytesPerGB      float64
	DaysPerMonth    int
	SecondsPerMonth int
}

// Row compares one group of lines across the two architectures.
type Row struct {
	Name     string
	Naive    float64
	Declared float64
	// Savings is Naive - Declared.
	Savings float64
	// SavingsPercent is Savings / Naive × 100 (0 when Naive is 0).
	SavingsPercent float64
	// Note explains a row whose declared cost is above the naive one.
	Note string
}

func (r *Row) add(arch string, usd float64) {
	if arch == Naive {
		r.Naive += usd
	} else {
		r.Declared += usd
	}
}

func (r *Row) finish() {
	r.Savings = r.Naive - r.Declared
	r.SavingsPercent = 0
	if r.Naive > 0 {
		r.SavingsPercent = r.Savings / r.Naive * 100
	}
}

// Assumptions the model makes; they are printed in every report.
var assumptions = []string{
	"Monthly figures use a 30-day month (2,592,000 s) and steady state: storage holds retention days of volume.",
	"Free tiers and volume discounts other than custom metric tiers are not applied (an upper bound).",
	"Custom metric tiers are applied per region; the blended rate is charged to each service in the region.",
	"Errors and slow requests are treated as disjoint when counting always-kept traces (an upper bound).",
	"Trace retrieval and scans, dashboards, data transfer and OpenSearch are not modelled.",
	"A metric-math alarm is billed one alarm metric per metric it reads (unverified); anomaly detectors are not billed on their own.",
	"The naive architecture sends every tier to one CloudWatch Logs Standard group, traces every request, calls PutMetricData once per datapoint, forwards one record per datapoint and polls streamed metrics with GetMetricData every minute.",
}

func newReport(e *estimator) *Report {
	lines := e.lines
	slices.SortStableFunc(lines, compareLines)
	r := &Report{
		PriceSet:     e.ps,
		Units:        Units{Currency: "USD", BytesPerGB: e.ps.BytesPerGB, DaysPerMonth: DaysPerMonth, SecondsPerMonth: SecondsPerMonth},
		Architecture: e.a,
		Total:        Row{Name: "total"},
		Warnings:     e.warnings,
		Assumptions:  assumptions,
		Lines:        lines,
	}
	components := make([]Row, len(componentOrder))
	for i, c := range componentOrder {
		components[i].Name = string(c)
	}
	regions, services := map[string]*Row{}, map[string]*Row{}
	for i := range lines {
		l := &lines[i]
		r.Total.add(l.Architecture, l.CostUSD)
		// A component outside componentOrder (the optional analysis tier)
		// gets its row only in reports that price it; lines are sorted, so
		// its lines come last.
		ci := componentIndex(l.Component)
		if ci == len(componentOrder) {
			if n := len(components); components[n-1].Name != string(l.Component) {
				components = append(components, Row{Name: string(l.Component)})
			}
			ci = len(components) - 1
		}
		components[ci].add(l.Architecture, l.CostUSD)
		rowFor(regions, l.Region).add(l.Architecture, l.CostUSD)
		rowFor(services, l.Service).add(l.Architecture, l.CostUSD)
	}
	r.Total.finish()
	for i := range components {
		components[i].finish()
		if components[i].Declared > components[i].Naive {
			components[i].Note = componentNotes[Component(components[i].Name)]
		}
	}
	r.Assumed = e.assumed
	r.ByComponent = components
	r.ByRegion = sortedRows(regions)
	r.ByService = sortedRows(services)
	if n := len(r.ByService); n > 0 && r.ByService[0].Name == SharedService {
		r.ByService = append(r.ByService[1:], r.ByService[0])
	}
	r.accountViews()
	return r
}

// accountLabels are the rows named by their labels, for the tables.
func accountLabels(rows []AccountRow) []Row {
	out := make([]Row, len(rows))
	for i, a := range rows {
		out[i] = a.Row
		out[i].Name = a.Label()
	}
	return out
}

func roundedAccountRows(rows []AccountRow) []AccountRow {
	if rows == nil {
		return nil
	}
	out := make([]AccountRow, len(rows))
	for i, a := range rows {
		out[i] = a
		out[i].Row = a.Row.rounded()
	}
	return out
}

func rowFor(m map[string]*Row, name string) *Row {
	if r, ok := m[name]; ok {
		return r
	}
	r := &Row{Name: name}
	m[name] = r
	return r
}

func sortedRows(m map[string]*Row) []Row {
	rows := make([]Row, 0, len(m))
	for _, k := range sortedKeys(m) {
		m[k].finish()
		rows = append(rows, *m[k])
	}
	return rows
}

// sig rounds x to 12 significant digits so that float noise
// (0.30000000000000004) does not reach the outputs.
func sig(x float64) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	y, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return y
}

func (r Row) rounded() Row {
	return Row{Name: r.Name, Naive: sig(r.Naive), Declared: sig(r.Declared), Savings: sig(r.Savings), SavingsPercent: sig(r.SavingsPercent), Note: r.Note}
}

func roundedRows(rows []Row) []Row {
	out := make([]Row, len(rows))
	for i, r := range rows {
		out[i] = r.rounded()
	}
	return out
}

// JSON renders the full report, indented, with figures rounded to 12
// significant digits.
func (r *Report) JSON() ([]byte, error) {
	out := *r
	out.Total = r.Total.rounded()
	out.ByComponent, out.ByRegion, out.ByService = roundedRows(r.ByComponent), roundedRows(r.ByRegion), roundedRows(r.ByService)
	out.ByAccount, out.ByAccountRegion = roundedAccountRows(r.ByAccount), roundedAccountRows(r.ByAccountRegion)
	out.Lines = make([]Line, len(r.Lines))
	for i, l := range r.Lines {
		l.Quantity, l.UnitPriceUSD, l.CostUSD = sig(l.Quantity), sig(l.UnitPriceUSD), sig(l.CostUSD)
		out.Lines[i] = l
	}
	b, err := json.MarshalIndent(toReportJSON(out), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("cost report: %w", err)
	}
	return append(b, '\n'), nil
}

// Markdown renders the full report: totals, breakdowns, prices with their
// sources and every line as quantity × unit price = cost.
func (r *Report) Markdown() []byte {
	var b bytes.Buffer
	b.Grow(16384 + 200*len(r.Lines))
	fmt.Fprintf(&b, "# Observability cost estimate\n\n")
	fmt.Fprintf(&b, "Price set `%s`", r.PriceSet.Name)
	if r.PriceSet.Base != "" {
		fmt.Fprintf(&b, " (over `%s`)", r.PriceSet.Base)
	}
	fmt.Fprintf(&b, ". All figures are %s per month; 1 month = %d days = %s s; 1 GB = %s bytes.\n\n",
		r.Units.Currency, r.Units.DaysPerMonth, groupDigits(float64(r.Units.SecondsPerMonth), 0), groupDigits(r.Units.BytesPerGB, 0))
	b.WriteString("Naive: every log tier to CloudWatch Logs Standard, every request traced, one API call per datapoint. Declared: the configured architecture.\n\n")

	writeRows := func(title, first string, rows []Row) {
		fmt.Fprintf(&b, "## %s\n\n| %s | Naive | Declared | Savings | Savings %% |\n|---|---:|---:|---:|---:|\n", title, first)
		for _, row := range rows {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", row.Name, money(row.Naive), money(row.Declared), money(row.Savings), percent(row.SavingsPercent))
		}
		b.WriteString("\n")
	}
	writeRows("Total", "", []Row{r.Total})
	writeRows("By component", "Component", r.ByComponent)
	for _, row := range r.ByComponent {
		if row.Note != "" {
			fmt.Fprintf(&b, "**%s costs more than naive (%s savings).** %s\n\n", row.Name, percent(row.SavingsPercent), row.Note)
		}
	}
	writeRows("By region", "Region", r.ByRegion)
	if len(r.ByAccount) > 0 {
		b.WriteString("Shared and central lines (central stream, archive, Grafana, billing alarm) are the monitoring account's. " +
			"Each account-region runs its own forwarder and has its own custom metric tiers.\n\n")
		writeRows("By account", "Account", accountLabels(r.ByAccount))
		writeRows("By account-region", "Account / region", accountLabels(r.ByAccountRegion))
	}
	writeRows("By service", "Service", r.ByService)

	if len(r.Warnings) > 0 {
		b.WriteString("## Warnings\n\n")
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "- %s\n", w)
		}
		b.WriteString("\n")
	}
	if len(r.Assumed) > 0 {
		fmt.Fprintf(&b, "## Assumed volumes\n\nNo traffic is declared under `cost.volumes.services` for these %d service-regions; their lines are priced from assumed volumes (cost.AssumedService) and say \"assumed traffic\". Declare the volumes to make the estimate yours; a budget guard (`cost.budget`) requires them.\n\n", len(r.Assumed))
		for _, a := range r.Assumed {
			fmt.Fprintf(&b, "- %s\n", a)
		}
		b.WriteString("\n")
	}
	b.WriteString("## Assumptions\n\n")
	for _, a := range r.Assumptions {
		fmt.Fprintf(&b, "- %s\n", a)
	}
	b.WriteString("\n## Prices\n\n| Key | USD | Per | Source |\n|---|---:|---|---|\n")
	for _, k := range PriceKeys() {
		p, u := r.PriceSet.Prices[k], priceKeys[k]
		fmt.Fprintf(&b, "| `%s` | %s | %s %s | %s |\n", k, plain(p.USD), groupDigits(u.quantity, 0), u.unit, escapePipes(p.Source))
	}
	fmt.Fprintf(&b, "| GB definition | | %s bytes | %s |\n\n", groupDigits(r.PriceSet.BytesPerGB, 0), escapePipes(r.PriceSet.BytesPerGBSource))

	for _, arch := range architectures[:] {
		title := map[string]string{Naive: "Naive", Declared: "Declared"}[arch]
		// An organization's lines name their account.
		accountHead, accountRule := "", ""
		if len(r.ByAccount) > 0 {
			accountHead, accountRule = "Account | ", "---|"
		}
		fmt.Fprintf(&b, "## %s lines\n\n| %sService | Region | Component | Item | Quantity | Unit price | Cost | Note | From |\n|%s---|---|---|---|---:|---:|---:|---|---|\n", title, accountHead, accountRule)
		for _, l := range r.Lines {
			if l.Architecture != arch {
				continue
			}
			account := ""
			if accountHead != "" {
				account = " " + l.Account + " |"
			}
			fmt.Fprintf(&b, "|%s %s | %s | %s | %s | %s %s | %s | %s | %s | %s |\n", account, l.Service, l.Region, l.Component, escapePipes(l.Item),
				quantity(l.Quantity), l.Unit, unitPrice(l.UnitPriceUSD), lineCost(l.CostUSD), escapePipes(l.Note), escapePipes(l.Source))
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// Table renders the short summary printed after synth: one row per
// component with a cost, one per region, and the total.
func (r *Report) Table() string {
	rows := [][]string{{"component", "naive", "declared", "savings", "savings %"}}
	cells := func(row Row) []string {
		return []string{row.Name, money(row.Naive), money(row.Declared), money(row.Savings), percent(row.SavingsPercent)}
	}
	unverified := r.unverifiedComponents()
	for _, row := range r.ByComponent {
		if unverified[row.Name] {
			// A component priced (partly) at an unverified $0 must not
			// look free or vanish from the table.
			row.Name += " (price unverified)"
		} else if row.Naive == 0 && row.Declared == 0 {
			continue
		}
		rows = append(rows, cells(row))
	}
	rows = append(rows, []string{"region"})
	for _, row := range r.ByRegion {
		rows = append(rows, cells(row))
	}
	if len(r.ByAccount) > 0 {
		rows = append(rows, []string{"account"})
		for _, row := range accountLabels(r.ByAccount) {
			rows = append(rows, cells(row))
		}
	}
	rows = append(rows, cells(r.Total))
	widths := make([]int, 5)
	for _, cs := range rows {
		for i, c := range cs {
			widths[i] = max(widths[i], len(c))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Observability cost estimate (price set %s; USD per 30-day month; 1 GB = %s bytes)\n", r.PriceSet.Name, groupDigits(r.PriceSet.BytesPerGB, 0))
	if len(r.Assumed) > 0 {
		fmt.Fprintf(&b, "ASSUMED volumes for %d service-region(s): declare cost.volumes.services to replace them (see the report)\n", len(r.Assumed))
	}
	for _, row := range r.ByComponent {
		if row.Note != "" {
			fmt.Fprintf(&b, "%s costs more than naive: a cost the platform adds to centralise metrics (see the report)\n", row.Name)
		}
	}
	for _, cs := range rows {
		line := fmt.Sprintf("%-*s", widths[0], cs[0])
		for i := 1; i < len(cs); i++ {
			line += fmt.Sprintf("  %*s", widths[i], cs[i])
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return b.String()
}

// unverifiedComponents names the components with a line priced from a
// price whose source starts with "unverified".
func (r *Report) unverifiedComponents() map[string]bool {
	out := map[string]bool{}
	for _, l := range r.Lines {
		if isUnverified(r.PriceSet, l.PriceKey) {
			out[string(l.Component)] = true
		}
	}
	return out
}

// Money formats x as the report does: $1,234.56.
func Money(x float64) string { return money(x) }

func money(x float64) string {
	if x < 0 {
		return "-$" + groupDigits(-x, 2)
	}
	return "$" + groupDigits(x, 2)
}

// lineCost shows costs under a dollar with four significant digits so that
// quantity × unit price stays checkable.
func lineCost(x float64) string {
	if x > 0 && x < 1 {
		r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 4, 64), 64)
		return "$" + strconv.FormatFloat(r, 'f', -1, 64)
	}
	return money(x)
}

func percent(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) + "%" }

// quantity shows whole quantities with digit groups and small ones with
// six significant digits.
func quantity(x float64) string {
	if x >= 1000 {
		return groupDigits(x, 0)
	}
	return strconv.FormatFloat(sig(x), 'g', 6, 64)
}

func unitPrice(x float64) string { return "$" + plain(x) }

// plain formats x without an exponent.
func plain(x float64) string { return strconv.FormatFloat(sig(x), 'f', -1, 64) }

// groupDigits formats x with the given decimals and commas between
// thousands.
func groupDigits(x float64, decimals int) string {
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + frac
}

func escapePipes(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
