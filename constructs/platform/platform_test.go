package platform

import (
	"os"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

func minimal() Props {
	return Props{
		Regions:  []string{"eu-west-1"},
		Services: []Service{{Name: "checkout-api", APIName: "checkout-api"}, {Name: "auth-service"}},
		Billing:  Billing{BillingProps: governance.BillingProps{MonthlyUSD: 100}},
	}
}

func TestValidateListsEveryPlatformProblemAtOnceWithPaths(t *testing.T) {
	err := Props{Name: "Acme", Regions: []string{"mars-1", "mars-1"}, ServicesPerShard: 101,
		Services: []Service{{Name: "a"}, {Name: "a"}}, Account: "42"}.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`name: "Acme" is not allowed`, `account: "42" is not allowed; a 12-digit AWS account id`,
		`regions[0]: "mars-1" is not allowed`, `regions[1]: "mars-1" is not allowed`,
		`services[1].name: "a" is not allowed; a name not used by another service`,
		"servicesPerShard: 101 is not allowed",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v\nlacks %q", err, want)
		}
	}
}

func TestValidateChecksCompletePropsOfEveryRealService(t *testing.T) {
	// GIVEN an alarm metric that needs an API name, with a bad band width
	p := minimal()
	p.Alarms.Service.Metrics = []anomaly.Metric{{ID: "api", MetricSource: anomaly.MetricSource{Namespace: "AWS/ApiGateway", MetricName: "Latency",
		Dimensions: map[string]string{"ApiName": anomaly.APIPlaceholder}}, Anomaly: anomaly.Anomaly{BandWidth: -1}}}
	// WHEN validated
	err := p.Validate()
	// THEN the problem is reported once, under the capability's path
	if err == nil || strings.Count(err.Error(), "alarms.service.metrics[0].anomaly.bandWidth: -1 is not allowed") != 1 {
		t.Fatalf("got %v", err)
	}
}

func TestBillingWithoutAnAmountOrCostIsAnError(t *testing.T) {
	p := minimal()
	p.Billing = Billing{}
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "billing.monthlyUSD: 0 is not allowed") {
		t.Fatalf("got %v", err)
	}
	p.Billing.Disabled = true
	if err := p.Validate(); err != nil {
		t.Fatalf("disabled billing: %v", err)
	}
}

func TestBillingAmountDerivesFromTheBudgetThenTheEstimate(t *testing.T) {
	p := minimal()
	p.Billing = Billing{}
	c := cost.DefaultConfig()
	p.Cost = &c
	if _, ok := p.BillingProps(nil); ok {
		t.Fatal("derived without a budget or an estimate")
	}
	b, ok := p.BillingProps(&cost.Report{Total: cost.Row{Declared: 100}})
	if !ok || b.MonthlyUSD != 125 || b.BudgetName != "o11yscale-observability" {
		t.Fatalf("from the estimate: %+v %v", b, ok)
	}
	c.Budget.MonthlyUSD = 700
	if b, _ := p.BillingProps(&cost.Report{Total: cost.Row{Declared: 100}}); b.MonthlyUSD != 700 {
		t.Fatalf("the declared budget wins over the estimate: %v", b.MonthlyUSD)
	}
}

func TestNewCreatesNothingWhenPropsAreInvalid(t *testing.T) {
	app := cdktest.NewApp(t, "")
	_, err := New(app, Props{})
	if err == nil || !strings.HasPrefix(err.Error(), "platform: ") {
		t.Fatalf("got %v", err)
	}
	if n := len(*app.Node().Children()); n != 0 {
		t.Fatalf("%d constructs created for invalid props", n)
	}
}

func TestShardsKeepOrderAndSize(t *testing.T) {
	p := Props{ServicesPerShard: 2, Services: []Service{{Name: "a"}, {Name: "b"}, {Name: "c"}}}
	got := p.Shards()
	if len(got) != 2 || got[0][1].Name != "b" || got[1][0].Name != "c" {
		t.Fatalf("shards %v", got)
	}
}

func TestTheRouterCoversTheServicesPrefix(t *testing.T) {
	p := &Platform{Props: minimal().withDefaults()}
	if got := p.routerProps(nil).LogGroupPrefix; got != "/o11yscale/" {
		t.Fatalf("default prefix %q", got)
	}
	p.Props.Logs.Service.LogGroupPrefix = "/acme"
	if got := p.routerProps(nil).LogGroupPrefix; got != "/acme/" {
		t.Fatalf("the router must follow the services' prefix, got %q", got)
	}
}

func TestRouterSettingsAreCheckedBeforeAnythingIsCreated(t *testing.T) {
	p := minimal()
	p.Logs.Router.MinStatus = 99
	app := cdktest.NewApp(t, "")
	_, err := New(app, p)
	if err == nil || !strings.Contains(err.Error(), "logs.router.minStatus: 99 is not allowed") {
		t.Fatalf("got %v", err)
	}
	if n := len(*app.Node().Children()); n != 0 {
		t.Fatalf("%d constructs created before the router settings were rejected", n)
	}
}

func TestANegativeBillingAmountIsReportedAsGiven(t *testing.T) {
	p := minimal()
	p.Billing.MonthlyUSD = -5
	err := p.Validate()
	if err == nil || !strings.Contains(err.Error(), "billing.monthlyUSD: -5 is not allowed") || strings.Contains(err.Error(), "0 is not allowed") {
		t.Fatalf("got %v", err)
	}
}
