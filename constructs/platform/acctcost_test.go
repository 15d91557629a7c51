package platform

import (
	"errors"
	"flag"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// orgCostProps is orgProps with declared traffic: checkout-api at 100/s in
// every account that runs it (payments in two regions, identity in one),
// payments' own entry overriding it in eu-west-1, and the other services.
func orgCostProps() Props {
	p := orgProps()
	svc := func(account, name string, rates map[string]float64) cost.ServiceTraffic {
		s := cost.ServiceTraffic{Name: name, Account: account, Logs: cost.LogVolume{LinesPerRequest: 3, BytesPerLine: 300},
			Traces: cost.TraceShares{ErrorShare: 0.01, SlowShare: 0.01}}
		for _, r := range []string{"eu-west-1", "us-east-1"} {
			if rps, ok := rates[r]; ok {
				s.Regions = append(s.Regions, cost.RegionRate{Region: r, RequestsPerSecond: rps})
			}
		}
		return s
	}
	p.Cost = &cost.Inputs{Volumes: cost.TrafficVolumes{Services: []cost.ServiceTraffic{
		svc("", "checkout-api", map[string]float64{"eu-west-1": 100, "us-east-1": 100}),
		svc("payments", "checkout-api", map[string]float64{"eu-west-1": 250, "us-east-1": 100}),
		svc("", "auth-service", map[string]float64{"eu-west-1": 40}),
		svc("", "health-check", map[string]float64{"eu-west-1": 1}),
	}}}
	return p
}

func orgReport(t *testing.T, p Props) (cost.Config, *cost.Report) {
	t.Helper()
	c, err := p.CostConfig()
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	return c, r
}

func TestOrgCostIsPricedPerAccountInItsOwnRegions(t *testing.T) {
	c, r := orgReport(t, orgCostProps())
	type key struct{ account, service string }
	got := map[key][]string{}
	for _, s := range c.Volumes.Services {
		for _, reg := range s.Regions {
			if reg.Assumed {
				t.Errorf("%s/%s in %s assumed; every service-region is declared", s.Account, s.Name, reg.Region)
			}
			got[key{s.Account, s.Name}] = append(got[key{s.Account, s.Name}], reg.Region)
		}
	}
	want := map[key]string{
		{"payments", "checkout-api"}: "eu-west-1 us-east-1", {"identity", "auth-service"}: "eu-west-1",
		{"identity", "checkout-api"}: "eu-west-1", {"ops", "health-check"}: "eu-west-1",
	}
	if len(got) != len(want) {
		t.Errorf("priced services %v, want %v", got, want)
	}
	for k, w := range want {
		if strings.Join(got[k], " ") != w {
			t.Errorf("%v priced in %v, want %s", k, got[k], w)
		}
	}
	// The account entry wins; the account-less one applies elsewhere.
	for _, s := range c.Volumes.Services {
		if s.Name == "checkout-api" && s.Regions[0].Region == "eu-west-1" {
			want := map[string]float64{"payments": 250, "identity": 100}[s.Account]
			if s.Regions[0].RequestsPerSecond != want {
				t.Errorf("checkout-api of %s at %g/s in eu-west-1, want %g", s.Account, s.Regions[0].RequestsPerSecond, want)
			}
		}
	}
	// The monitoring account runs a workload (ops), so it is named ops.
	if m := r.Architecture.MonitoringAccount; m.Name != "ops" || m.ID != monitoringAccount {
		t.Errorf("monitoring account %+v, want ops (%s)", m, monitoringAccount)
	}
}

func TestOrgAccountTotalsSumToThePlatformTotalWithCentralCostsInTheMonitoringAccount(t *testing.T) {
	p := orgCostProps()
	p.Cost.Volumes.Grafana = cost.GrafanaUsers{Editors: 2, Viewers: 5}
	p.Grafana.Mode = grafana.ModeGrafana
	_, r := orgReport(t, p)
	var naive, declared float64
	for _, a := range r.ByAccount {
		naive += a.Naive
		declared += a.Declared
	}
	if !closeEnough(naive, r.Total.Naive) || !closeEnough(declared, r.Total.Declared) {
		t.Errorf("accounts sum to %g naive / %g declared; platform total %g / %g", naive, declared, r.Total.Naive, r.Total.Declared)
	}
	var regional float64
	for _, a := range r.ByAccountRegion {
		regional += a.Declared
	}
	if !closeEnough(regional, r.Total.Declared) {
		t.Errorf("account-regions sum to %g, platform total %g", regional, r.Total.Declared)
	}
	if len(r.ByAccount) != 3 {
		t.Errorf("accounts %+v, want payments, identity and ops", r.ByAccount)
	}
	grafana := 0
	for _, l := range r.Lines {
		central := l.Component == cost.ComponentGrafana || strings.HasPrefix(l.Item, "central Kinesis") ||
			strings.Contains(l.Item, "archive of forwarded metrics") || strings.HasPrefix(l.Item, "Firehose ingestion to S3 from")
		if l.Component == cost.ComponentGrafana {
			grafana++
		}
		if central && l.Account != "ops" {
			t.Errorf("central line %q billed to %q, want the monitoring account ops", l.Item, l.Account)
		}
		if l.Account == "" {
			t.Errorf("line without an account: %+v", l)
		}
	}
	if grafana == 0 {
		t.Error("no Grafana lines: the central cost this test is about is missing")
	}
}

func closeEnough(a, b float64) bool {
	d := a - b
	return d < 1e-6*b+1e-9 && -d < 1e-6*b+1e-9
}

func TestMovingOneAccountsTrafficMovesOnlyThatAccountByTheFormula(t *testing.T) {
	p := orgCostProps()
	// Only trace recording scales with requests: no log lines, no error
	// or slow share, no custom metrics.
	for i := range p.Cost.Volumes.Services {
		s := &p.Cost.Volumes.Services[i]
		s.Logs, s.Traces = cost.LogVolume{}, cost.TraceShares{}
	}
	c, before := orgReport(t, p)
	const delta = 30.0
	p.Cost.Volumes.Services[1].Regions[0].RequestsPerSecond += delta // payments' checkout-api in eu-west-1
	_, after := orgReport(t, p)
	var baseline float64
	for _, s := range c.Volumes.Services {
		if s.Account == "payments" && s.Name == "checkout-api" {
			baseline = s.Traces.BaselineRate
		}
	}
	if baseline <= 0 {
		t.Fatalf("baseline rate %g: the derived sampling rule should sample", baseline)
	}
	price, _ := before.PriceSet.UnitPrice(cost.PriceXRayTracesRecorded)
	wantNaive := delta * cost.SecondsPerMonth * price
	wantDeclared := delta * cost.SecondsPerMonth * baseline * price
	for i, b := range before.ByAccountRegion {
		a := after.ByAccountRegion[i]
		wn, wd := 0.0, 0.0
		if b.Account == "payments" && b.Region == "eu-west-1" {
			wn, wd = wantNaive, wantDeclared
		}
		if !closeEnough(a.Naive-b.Naive, wn) || !closeEnough(a.Declared-b.Declared, wd) {
			t.Errorf("%s moved by %g naive / %g declared; want %g / %g", b.Label(), a.Naive-b.Naive, a.Declared-b.Declared, wn, wd)
		}
	}
	for i, b := range before.ByAccount {
		a := after.ByAccount[i]
		wd := 0.0
		if b.Account == "payments" {
			wd = wantDeclared
		}
		if !closeEnough(a.Declared-b.Declared, wd) {
			t.Errorf("account %s moved by %g, want %g", b.Account, a.Declared-b.Declared, wd)
		}
	}
}

func TestAccountBudgetBelowItsEstimateStopsSynthNamingTheAccount(t *testing.T) {
	p := orgCostProps()
	_, r := orgReport(t, p)
	payments, _ := r.AccountTotal("payments")
	identity, _ := r.AccountTotal("identity")
	p.Accounts[0].Budget.MonthlyUSD = 10 // below payments' estimate
	p.Accounts[1].Budget.MonthlyUSD = identity.Declared * 2
	app := cdktest.NewApp(t, "")
	_, err := New(app, p)
	var over *cost.AccountBudgetExceededError
	if !errors.As(err, &over) {
		t.Fatalf("New = %v, want an account budget error", err)
	}
	for _, want := range []string{"accounts[0].budget.monthlyUSD", "account payments (222222222222)", "$10.00", cost.Money(payments.Declared)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "identity") {
		t.Errorf("identity is within its budget but named: %v", err)
	}
	if n := len(*app.Node().Children()); n != 0 {
		t.Errorf("synth stopped after creating %d constructs", n)
	}
}

func TestAccountBudgetNeedsTheAccountsDeclaredTraffic(t *testing.T) {
	p := orgCostProps()
	p.Cost.Volumes.Services = p.Cost.Volumes.Services[:2] // no auth-service
	p.Accounts[1].Budget.MonthlyUSD = 500
	_, err := p.CostConfig()
	if err == nil || !strings.Contains(err.Error(), "accounts[1].budget.monthlyUSD") || !strings.Contains(err.Error(), "auth-service (account identity)") {
		t.Errorf("err = %v, want accounts[1].budget.monthlyUSD naming auth-service of identity", err)
	}
	// payments has no budget: its (declared) traffic is not required.
	if strings.Contains(err.Error(), "accounts[0]") {
		t.Errorf("err names an account without a budget: %v", err)
	}
}

func TestOrgCostVolumesAreCheckedAgainstTheAccount(t *testing.T) {
	p := orgCostProps()
	p.Cost.Volumes.Services = append(p.Cost.Volumes.Services,
		cost.ServiceTraffic{Name: "checkout-api", Account: "billing-team", Regions: []cost.RegionRate{{Region: "eu-west-1", RequestsPerSecond: 1}}},
		cost.ServiceTraffic{Name: "health-check", Account: "payments", Regions: []cost.RegionRate{{Region: "eu-west-1", RequestsPerSecond: 1}}},
		cost.ServiceTraffic{Name: "auth-service", Account: "identity", Regions: []cost.RegionRate{{Region: "us-east-1", RequestsPerSecond: 1}}},
	)
	_, err := p.CostConfig()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`cost.volumes.services[4].account: "billing-team"`, "one of the accounts (payments, identity, ops)",
		`cost.volumes.services[5].name: "health-check"`, "one of account payments's services (checkout-api)",
		`cost.volumes.services[6].regions[0].region: "us-east-1"`, "one of account identity's regions (eu-west-1)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
	// And a single-account platform takes no account.
	single := Props{Name: "one", Regions: []string{"eu-west-1"}, Services: []Service{{Name: "a"}},
		Cost: &cost.Inputs{Volumes: cost.TrafficVolumes{Services: []cost.ServiceTraffic{{Name: "a", Account: "x", Regions: []cost.RegionRate{{Region: "eu-west-1"}}}}}}}
	if _, err := single.CostConfig(); err == nil || !strings.Contains(err.Error(), "cost.volumes.services[0].account") {
		t.Errorf("single-account platform with an account entry: %v", err)
	}
}

func TestEveryWorkloadAccountGetsABudgetInItsFirstRegion(t *testing.T) {
	p := orgCostProps()
	p.Accounts[1].Budget.MonthlyUSD = 5000
	p.Accounts[1].Budget.Emails = []string{"identity-team@example.com"}
	app := cdktest.NewApp(t, "")
	pl, err := New(app, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.AccountBudgets) != 3 {
		t.Fatalf("account budgets %v, want payments, identity and ops", pl.AccountBudgets)
	}
	for i, a := range p.Accounts {
		b := pl.AccountBudgets[a.Name]
		if got := *b.Budget.Stack().StackName(); got != "acme-"+a.Name+"-"+a.Regions[0] {
			t.Errorf("%s's budget in %s, want its first region's stack", a.Name, got)
		}
		props, _ := pl.Props.AccountBudgetProps(i, pl.CostReport)
		tpl := assertions.Template_FromStack(b.Budget.Stack(), nil)
		tpl.HasResourceProperties(jsii.String("AWS::Budgets::Budget"), map[string]any{
			"Budget": map[string]any{"BudgetName": "acme-" + a.Name + "-observability", "BudgetLimit": map[string]any{"Amount": props.MonthlyUSD, "Unit": "USD"},
				"FilterExpression": map[string]any{"Dimensions": map[string]any{"Key": "SERVICE"}}},
		})
		// Only this account's budgets may publish.
		tpl.HasResourceProperties(jsii.String("AWS::SNS::TopicPolicy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Principal": map[string]any{"Service": "budgets.amazonaws.com"},
				"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": a.ID},
					"ArnLike": map[string]any{"aws:SourceArn": "arn:aws:budgets::" + a.ID + ":*"}},
			})})},
		})
		if other := len(*tpl.FindResources(jsii.String("AWS::Budgets::Budget"), nil)); other != 1 {
			t.Errorf("%s: %d budgets in its stack", a.Name, other)
		}
	}
	// The derived budget is the account's estimate plus 25%.
	row, _ := pl.CostReport.AccountTotal("payments")
	if props, _ := pl.Props.AccountBudgetProps(0, pl.CostReport); props.MonthlyUSD != math.Max(1, math.Ceil(row.Declared*1.25)) {
		t.Errorf("payments budget %g, want ceil(%g × 1.25)", props.MonthlyUSD, row.Declared)
	}
	// Accounts without emails are warned about, by config field.
	var warned []string
	for _, w := range pl.Warnings() {
		if strings.Contains(w.Message, "budget alerts of account") {
			warned = append(warned, w.Message)
		}
	}
	if len(warned) != 2 || !strings.Contains(strings.Join(warned, "\n"), "accounts[0].budget.emails") || strings.Contains(strings.Join(warned, "\n"), "account identity") {
		t.Errorf("warnings %q, want payments and ops (identity has an email)", warned)
	}
}

func TestOrgCostReportGolden(t *testing.T) {
	_, r := orgReport(t, orgCostProps())
	got := string(r.Markdown()) + "\n---- summary ----\n" + r.Table()
	const path = "testdata/org-cost-report.md"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("org cost report differs from %s (go test -run OrgCostReportGolden -update to accept):\n%s", path, firstDiff(string(want), got))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ"
}
