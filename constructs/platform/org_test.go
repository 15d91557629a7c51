package platform

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/oam"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

const monitoringAccount = "111111111111"

func orgProps() Props {
	return Props{
		Name:       "acme",
		Monitoring: Monitoring{Account: monitoringAccount, Region: "eu-west-1", OrganizationID: "o-a1b2c3d4e5"},
		Accounts: []Account{
			{Name: "payments", ID: "222222222222", Regions: []string{"eu-west-1", "us-east-1"}, Services: []Service{{Name: "checkout-api", APIName: "checkout-api"}}},
			{Name: "identity", ID: "333333333333", Regions: []string{"eu-west-1"}, Services: []Service{{Name: "auth-service"}, {Name: "checkout-api"}}},
			// The monitoring account also runs a workload: no link for it.
			{Name: "ops", ID: monitoringAccount, Regions: []string{"eu-west-1"}, Services: []Service{{Name: "health-check"}}},
		},
		Billing: Billing{BillingProps: governance.BillingProps{MonthlyUSD: 100}},
	}
}

func templateOf(t *testing.T, s awscdk.Stack) string {
	t.Helper()
	b, _ := json.Marshal(assertions.Template_FromStack(s, nil).ToJSON())
	return string(b)
}

func TestOrgPlatformHasCentralMonitoringAndAccountRegionStacksInOrder(t *testing.T) {
	app := cdktest.NewApp(t, "")
	p, err := New(app, orgProps())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range p.Stacks() {
		names = append(names, *s.StackName()+"@"+*s.Account()+"/"+*s.Region())
	}
	want := []string{
		"acme-central@111111111111/eu-west-1",
		"acme-monitoring-eu-west-1@111111111111/eu-west-1", "acme-monitoring-us-east-1@111111111111/us-east-1",
		"acme-payments-eu-west-1@222222222222/eu-west-1", "acme-payments-us-east-1@222222222222/us-east-1",
		"acme-identity-eu-west-1@333333333333/eu-west-1", "acme-ops-eu-west-1@111111111111/eu-west-1",
		"acme-billing@111111111111/us-east-1",
	}
	if !slices.Equal(names, want) {
		t.Fatalf("stacks\n%v\nwant\n%v", names, want)
	}
	deps := func(s awscdk.Stack) []string {
		var out []string
		for _, d := range *s.Dependencies() {
			out = append(out, *d.StackName())
		}
		slices.Sort(out)
		return out
	}
	for _, r := range p.Regional {
		got := deps(r.Stack)
		wantDeps := []string{"acme-central"}
		if r.AccountName != "ops" {
			wantDeps = append(wantDeps, "acme-monitoring-"+r.Region)
		}
		slices.Sort(wantDeps)
		if !slices.Equal(got, wantDeps) {
			t.Errorf("%s depends on %v, want %v", *r.Stack.StackName(), got, wantDeps)
		}
		if (r.Link == nil) != (r.AccountName == "ops") {
			t.Errorf("%s: link %v; only the monitoring account's own stacks have none", *r.Stack.StackName(), r.Link)
		}
	}
	// Each account's stacks hold only its own services.
	for _, r := range p.Regional {
		var svcs []string
		for _, sh := range r.Shards {
			for _, s := range sh.Services {
				svcs = append(svcs, s.Name)
			}
		}
		want := map[string]string{"payments": "checkout-api", "identity": "auth-service,checkout-api", "ops": "health-check"}[r.AccountName]
		if strings.Join(svcs, ",") != want {
			t.Errorf("%s services %v, want %s", *r.Stack.StackName(), svcs, want)
		}
	}
	// Each sink allows exactly the other accounts with workloads in its
	// region, in the organization: identity runs only in eu-west-1.
	for _, m := range p.Monitoring {
		tpl := templateOf(t, m.Stack)
		want := map[string][]string{"eu-west-1": {"222222222222", "333333333333"}, "us-east-1": {"222222222222"}}[m.Region]
		for _, acct := range []string{"222222222222", "333333333333"} {
			if got := strings.Contains(tpl, "arn:aws:iam::"+acct+":root"); got != slices.Contains(want, acct) {
				t.Errorf("%s: names %s %t, want %t", *m.Stack.StackName(), acct, got, !got)
			}
		}
		if !strings.Contains(tpl, `"aws:PrincipalOrgID":"o-a1b2c3d4e5"`) {
			t.Errorf("%s lacks aws:PrincipalOrgID", *m.Stack.StackName())
		}
		if strings.Contains(tpl, monitoringAccount+":root") {
			t.Errorf("%s: the monitoring account may not link to itself", *m.Stack.StackName())
		}
	}
	// The writer role and the reader role trust the same derived accounts.
	central := templateOf(t, p.Central.Stack)
	for _, want := range []string{"arn:aws:iam::222222222222:role/acme-forwarder", "arn:aws:iam::333333333333:role/acme-forwarder",
		`"RoleName":"acme-oam-sink-reader"`, "arn:aws:ssm:us-east-1:111111111111:parameter/acme/oam/sink-arn"} {
		if !strings.Contains(central, want) {
			t.Errorf("central stack lacks %s", want)
		}
	}
	// The forwarders of other accounts write to the monitoring account.
	payments := templateOf(t, p.Regional[0].Stack)
	if !strings.Contains(payments, "arn:aws:iam::111111111111:role/acme-metrics-writer") {
		t.Errorf("payments forwarder does not target the monitoring account's writer role")
	}
	// The account-regions are exposed for per-account-region checks.
	var ars []string
	for _, ar := range p.AccountRegions() {
		ars = append(ars, ar.Account+"/"+ar.Region+"/"+ar.AccountName)
	}
	if !slices.Equal(ars, []string{"111111111111/eu-west-1/ops", "111111111111/us-east-1/", "222222222222/eu-west-1/payments", "222222222222/us-east-1/payments", "333333333333/eu-west-1/identity"}) {
		t.Errorf("account-regions %v", ars)
	}
}

func TestOrgValidationListsEveryProblemWithPathAndValue(t *testing.T) {
	p := orgProps()
	p.Regions = []string{"eu-west-1"}
	p.Monitoring.Account = "12"
	p.Monitoring.Region = "ap-south-1"
	p.Monitoring.OrganizationID = "org"
	p.Accounts = append(p.Accounts,
		Account{Name: "payments", ID: "222222222222", Regions: []string{"eu-west-1", "eu-west-1", "mars-1"}, Services: []Service{{Name: "a"}, {Name: "a"}}},
		Account{Name: "central", ID: "44444444444", Services: []Service{{Name: "Bad"}}},
		Account{Name: "payments-eu", ID: "555555555555", Regions: []string{"eu-west-1"}, Services: []Service{{Name: "x"}}},
	)
	p.Monitoring.Link.ResourceTypes = []oam.ResourceType{"AWS::S3::Bucket"}
	err := p.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`regions: "set" is not allowed; left empty with accounts`,
		`monitoring.account: "12" is not allowed`,
		`monitoring.region: "ap-south-1" is not allowed; a region with an OAM sink, one of [eu-west-1 us-east-1 mars-1]`,
		`accounts[3].name: "payments" is not allowed; a name not used by accounts[0]`,
		`accounts[3].id: "222222222222" is not allowed; an account id not used by accounts[0]`,
		`accounts[3].regions[1]: "eu-west-1" is not allowed; each region once per account`,
		`accounts[3].regions[2]: "mars-1" is not allowed; an AWS region code`,
		`accounts[3].services[1].name: "a" is not allowed; a name not used by another service of account payments`,
		`accounts[4].name: "central" is not allowed`,
		`accounts[4].id: "44444444444" is not allowed; a 12-digit AWS account id`,
		`accounts[4].regions: <empty> is not allowed`,
		`accounts[4].services[0].name: "Bad" is not allowed`,
		`accounts[5].name: "payments-eu" is not allowed; a name that does not start with "payments-"`,
		`monitoring.organizationId: "org" is not allowed`,
		`monitoring.link.resourceTypes[0]: "AWS::S3::Bucket" is not allowed`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v\nlacks %q", err, want)
		}
	}
}

func TestWorkloadRegionWithoutASinkIsAnError(t *testing.T) {
	p := orgProps()
	p.Monitoring.SinkRegions = []string{"eu-west-1"}
	err := p.Validate()
	if err == nil || !strings.Contains(err.Error(), `accounts[0].regions[1]: "us-east-1" is not allowed; a region with an OAM sink: one of monitoring.sinkRegions [eu-west-1]`) {
		t.Fatalf("got %v", err)
	}
	app := cdktest.NewApp(t, "")
	if _, err := New(app, p); err == nil || len(*app.Node().Children()) != 0 {
		t.Fatalf("New created stacks for an invalid platform: %v", err)
	}
}

// Metric streams of other accounts deliver into the central bucket: the
// bucket policy grants each such account, by id and delivery-role name,
// only its own prefixes; the stream writes exactly there.
func TestOrgMetricStreamsWriteOnlyUnderTheirAccountPrefix(t *testing.T) {
	p := orgProps()
	p.Metrics.Delivery = map[string]Delivery{"us-east-1": DeliverStream}
	app := cdktest.NewApp(t, "")
	pl, err := New(app, p)
	if err != nil {
		t.Fatal(err)
	}
	central := templateOf(t, pl.Central.Stack)
	for _, want := range []string{`"Sid":"MetricStreamObjects222222222222"`, "/metrics/account=222222222222/*", "/errors/account=222222222222/*",
		`"aws:PrincipalArn":"arn:aws:iam::222222222222:role/acme-metric-stream-*"`} {
		if !strings.Contains(central, want) {
			t.Errorf("central bucket policy lacks %s", want)
		}
	}
	// identity has no stream region; ops is the monitoring account itself.
	if strings.Contains(central, "MetricStreamObjects333333333333") || strings.Contains(central, "MetricStreamObjects111111111111") {
		t.Error("accounts without a cross-account stream were granted bucket writes")
	}
	var stream string
	for _, r := range pl.Regional {
		if r.AccountName == "payments" && r.Region == "us-east-1" {
			stream = templateOf(t, r.Stack)
		}
	}
	for _, want := range []string{`"RoleName":"acme-metric-stream-us-east-1"`, `"Prefix":"metrics/account=222222222222/region=us-east-1/year=`,
		`"ErrorOutputPrefix":"errors/account=222222222222/`} {
		if !strings.Contains(stream, want) {
			t.Errorf("payments us-east-1 stream lacks %s", want)
		}
	}
}

func TestOrgGrafanaDashboardsListTheWorkloadAccounts(t *testing.T) {
	g := orgProps().GrafanaProps(nil)
	var got []string
	for _, a := range g.Accounts {
		got = append(got, a.Name+"="+a.ID+strings.Join(a.Regions, ","))
	}
	want := []string{"payments=222222222222eu-west-1,us-east-1", "identity=333333333333eu-west-1", "ops=111111111111eu-west-1"}
	if !slices.Equal(got, want) || g.MonitoringAccount != monitoringAccount {
		t.Errorf("grafana accounts %v monitoring %q, want %v and %s", got, g.MonitoringAccount, want, monitoringAccount)
	}
	if err := g.Validate(); err != nil {
		t.Errorf("org grafana props: %v", err)
	}
	if single := minimal().GrafanaProps(nil); len(single.Accounts) != 0 || single.MonitoringAccount != "" {
		t.Errorf("single-account grafana props have accounts %v / %q", single.Accounts, single.MonitoringAccount)
	}
}

// A sink region where only the monitoring account runs workloads gets a
// sink without policy: no account has anything to link there.
func TestSinkOfARegionWithoutSourceAccountsAdmitsNobody(t *testing.T) {
	props := orgProps()
	props.Accounts = []Account{
		{Name: "payments", ID: "222222222222", Regions: []string{"us-east-1"}, Services: []Service{{Name: "checkout-api"}}},
		{Name: "ops", ID: monitoringAccount, Regions: []string{"eu-west-1"}, Services: []Service{{Name: "health-check"}}},
	}
	p, err := New(cdktest.NewApp(t, ""), props)
	if err != nil {
		t.Fatal(err)
	}
	policies := map[string]bool{}
	for _, m := range p.Monitoring {
		sinks := assertions.Template_FromStack(m.Stack, nil).FindResources(jsii.String("AWS::Oam::Sink"), nil)
		for _, s := range *sinks {
			_, has := (*s)["Properties"].(map[string]any)["Policy"]
			policies[m.Region] = has
		}
	}
	if want := map[string]bool{"eu-west-1": false, "us-east-1": true}; !maps.Equal(policies, want) {
		t.Errorf("sink policy per region %v, want %v", policies, want)
	}
}
