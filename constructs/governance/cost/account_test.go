package cost

import (
	"errors"
	"strings"
	"testing"
)

// orgVolumes is two workload accounts sharing a service name, the second
// in two regions, with forwarding into a central region whose monitoring
// account runs no workloads.
func orgVolumes(paymentsRPS float64) (Volumes, Architecture) {
	svc := func(account, name string, rps float64, regions ...string) Service {
		s := Service{Name: name, Account: account, Logs: LogVolume{LinesPerRequest: 2, BytesPerLine: 400},
			Traces:           TraceSampling{BaselineRate: 0.05, ReservoirPerSecond: 1, ErrorShare: 0.01},
			Metrics:          CustomMetrics{Groups: []MetricGroup{{Name: "api", Metrics: 3, Dimensions: map[string]int{"route": 5}}}},
			Alarms:           Alarms{Standard: 2, Anomaly: 1, Composite: 1},
			ForwardedMetrics: 4, StreamedMetrics: 8}
		for _, r := range regions {
			s.Regions = append(s.Regions, RegionTraffic{Region: r, RequestsPerSecond: rps})
		}
		return s
	}
	v := Volumes{Services: []Service{
		svc("payments", "api", paymentsRPS, "eu-west-1"),
		svc("search", "api", 50, "eu-west-1", "us-west-2"),
		svc("search", "indexer", 5, "us-west-2"),
	}, Grafana: GrafanaUsers{Editors: 2, Viewers: 10}}
	a := Architecture{
		CentralRegion:     "us-east-1",
		Accounts:          []AccountRef{{Name: "payments", ID: "111111111111"}, {Name: "search", ID: "222222222222"}},
		MonitoringAccount: AccountRef{Name: MonitoringAccountName, ID: "999999999999"},
		SharedAlarms:      map[string]Alarms{"us-east-1": {Standard: 4}, "search/us-west-2": {Standard: 1}},
	}
	return v, a
}

func TestAccountTotalsSumToThePlatformTotal(t *testing.T) {
	v, a := orgVolumes(100)
	r := mustEstimate(t, v, a, mustPrices(t, "us-east-1-2026-11"))
	if len(r.ByAccount) != 3 {
		t.Fatalf("ByAccount = %+v, want payments, search and monitoring", r.ByAccount)
	}
	for _, rows := range [][]AccountRow{r.ByAccount, r.ByAccountRegion} {
		var naive, declared float64
		for _, x := range rows {
			naive += x.Naive
			declared += x.Declared
		}
		assertClose(t, "sum of naive", naive, r.Total.Naive)
		assertClose(t, "sum of declared", declared, r.Total.Declared)
	}
	for _, l := range r.Lines {
		if l.Account == "" {
			t.Errorf("line without an account in an organization report: %+v", l)
		}
	}
	// The shared and central lines are the monitoring account's.
	mon, _ := r.AccountTotal(MonitoringAccountName)
	if mon.ID != "999999999999" || mon.Declared == 0 {
		t.Errorf("monitoring row = %+v, want the central lines under 999999999999", mon)
	}
	for _, l := range r.Lines {
		central := l.Component == ComponentGrafana || strings.Contains(l.Item, "central Kinesis") || strings.Contains(l.Item, "Kinesis PUT payload units from") ||
			strings.Contains(l.Item, "archive of forwarded metrics") || strings.Contains(l.Item, "archive of streamed metrics")
		if central && l.Account != MonitoringAccountName {
			t.Errorf("central line billed to %q: %s", l.Account, l.Item)
		}
		if strings.Contains(l.Item, "archive of streamed metrics") && l.Region != "us-east-1" {
			t.Errorf("the streams' archive is the central bucket's, in us-east-1: %+v", l)
		}
		if l.Item == "forwarder Lambda requests" && l.Account == MonitoringAccountName {
			t.Errorf("the forwarder runs in each workload account-region, not the monitoring account: %+v", l)
		}
	}
	// One forwarder per workload account-region: payments/eu-west-1,
	// search/eu-west-1, search/us-west-2.
	if _, n := costOf(r, func(l Line) bool { return l.Architecture == Declared && l.Item == "forwarder Lambda requests" }); n != 3*SecondsPerMonth/300 {
		t.Errorf("forwarder runs = %g, want 3 account-regions × %d", n, SecondsPerMonth/300)
	}
	// A shared alarm keyed by account-region is that account's.
	if usd, _ := costOf(r, func(l Line) bool {
		return l.Account == "search" && l.Service == SharedService && l.Component == ComponentAlarms && l.Region == "us-west-2"
	}); usd == 0 {
		t.Error("the shared alarm of search/us-west-2 is not billed to search")
	}
}

func TestMovingOneAccountsTrafficMovesOnlyItsLine(t *testing.T) {
	ps := mustPrices(t, "us-east-1-2026-11")
	v, a := orgVolumes(100)
	// Only trace recording scales with traffic: no logs, metrics,
	// forwarding or streams, so the delta is one formula.
	for i := range v.Services {
		s := &v.Services[i]
		s.Logs, s.Metrics, s.ForwardedMetrics, s.StreamedMetrics = LogVolume{}, CustomMetrics{}, 0, 0
		s.Traces = TraceSampling{BaselineRate: 0.1}
	}
	before := mustEstimate(t, v, a, ps)
	const delta = 40.0
	v.Services[0].Regions[0].RequestsPerSecond += delta
	after := mustEstimate(t, v, a, ps)
	price, _ := ps.UnitPrice(PriceXRayTracesRecorded)
	want := map[string][2]float64{ // naive: every request; declared: the baseline rate
		"payments": {delta * SecondsPerMonth * price, delta * SecondsPerMonth * 0.1 * price},
	}
	for i, b := range before.ByAccount {
		got := after.ByAccount[i]
		w := want[b.Account]
		assertClose(t, b.Account+" naive delta", got.Naive-b.Naive, w[0])
		assertClose(t, b.Account+" declared delta", got.Declared-b.Declared, w[1])
	}
	for i, b := range before.ByAccountRegion {
		got := after.ByAccountRegion[i]
		w := [2]float64{}
		if b.Account == "payments" && b.Region == "eu-west-1" {
			w = want["payments"]
		}
		assertClose(t, b.Label()+" declared delta", got.Declared-b.Declared, w[1])
	}
}

func TestAccountBudgetGuard(t *testing.T) {
	v, a := orgVolumes(100)
	r := mustEstimate(t, v, a, mustPrices(t, "us-east-1-2026-11"))
	row, _ := r.AccountTotal("payments")
	_, err := Budget{MonthlyUSD: row.Declared - 0.01}.CheckAccount(r, "accounts[0].budget.monthlyUSD", "payments")
	var over *AccountBudgetExceededError
	if !errors.As(err, &over) {
		t.Fatalf("err = %v, want an AccountBudgetExceededError", err)
	}
	for _, want := range []string{"accounts[0].budget.monthlyUSD", "account payments (111111111111)", money(row.Declared), money(row.Declared - 0.01), "eu-west-1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if w, err := (Budget{MonthlyUSD: row.Declared}).CheckAccount(r, "p", "payments"); err != nil || !strings.Contains(w, "payments") {
		t.Errorf("at the budget: warning %q, err %v; want a warning and no error", w, err)
	}
	if w, err := (Budget{MonthlyUSD: row.Declared * 2}).CheckAccount(r, "p", "payments"); err != nil || w != "" {
		t.Errorf("under the budget: warning %q, err %v", w, err)
	}
	// Another account's budget does not see payments' estimate.
	search, _ := r.AccountTotal("search")
	if _, err := (Budget{MonthlyUSD: search.Declared + 1}).CheckAccount(r, "p", "search"); err != nil {
		t.Errorf("search within its budget: %v", err)
	}
}

func TestSingleAccountReportHasNoAccountViews(t *testing.T) {
	r := mustEstimate(t, oneService(10, Service{}), Architecture{}, mustPrices(t, "us-east-1-2026-11"))
	if r.ByAccount != nil || r.ByAccountRegion != nil {
		t.Errorf("account views in a single-account report: %+v", r.ByAccount)
	}
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	md := string(r.Markdown())
	for _, s := range []string{`"account"`, `"byAccount"`} {
		if strings.Contains(string(js), s) {
			t.Errorf("single-account JSON has %s", s)
		}
	}
	if strings.Contains(md, "By account") || strings.Contains(r.Table(), "account") {
		t.Error("single-account markdown or table has an account view")
	}
}

func TestOrganizationReportShowsAccounts(t *testing.T) {
	v, a := orgVolumes(100)
	r := mustEstimate(t, v, a, mustPrices(t, "us-east-1-2026-11"))
	md, table := string(r.Markdown()), r.Table()
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## By account\n", "## By account-region\n", "| search (222222222222) / us-west-2 |", "| monitoring (999999999999) / us-east-1 |", "| Account | Service | Region |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if !strings.Contains(table, "payments (111111111111)") {
		t.Errorf("summary table lacks the account rows:\n%s", table)
	}
	for _, want := range []string{`"byAccount"`, `"byAccountRegion"`, `"account": "search"`, `"id": "222222222222"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
}

func TestServiceNamesAreUniquePerAccount(t *testing.T) {
	v, _ := orgVolumes(1)
	if err := v.Validate(); err != nil {
		t.Fatalf("the same name in two accounts: %v", err)
	}
	v.Services = append(v.Services, v.Services[0])
	if err := v.Validate(); err == nil || !strings.Contains(err.Error(), "services[3].name") {
		t.Errorf("a name twice in one account: %v", err)
	}
}
