package config

import (
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/oam"
)

const orgDoc = `name: acme
monitoring:
  account: "111111111111"
  region: eu-west-1
  organizationId: o-a1b2c3d4e5
  link:
    resourceTypes: [AWS::CloudWatch::Metric, AWS::Logs::LogGroup]
accounts:
  - name: payments
    id: "222222222222"
    regions: [eu-west-1, us-east-1]
    services: [{name: checkout-api, apiName: checkout-api}]
  - name: identity
    id: "333333333333"
    regions: [eu-west-1]
    services: [{name: auth-service}, {name: checkout-api}]
metrics:
  regions: {us-east-1: both}
billing: {monthlyUSD: 500}
`

func TestOrgConfigMapsToAnOrganizationPlatform(t *testing.T) {
	p, err := Parse("org.yaml", []byte(orgDoc))
	if err != nil {
		t.Fatal(err)
	}
	// The deploy account given to Props does not move anything.
	props := p.Props("999999999999")
	if props.Account != "" || props.CentralRegion != "" || len(props.Regions) != 0 || len(props.Services) != 0 {
		t.Fatalf("placement fields set: %+v", props)
	}
	if props.Monitoring.Account != "111111111111" || props.Monitoring.Region != "eu-west-1" || props.Monitoring.OrganizationID != "o-a1b2c3d4e5" ||
		len(props.Monitoring.Link.ResourceTypes) != 2 || props.Monitoring.Link.ResourceTypes[1] != oam.LogGroups {
		t.Fatalf("monitoring %+v", props.Monitoring)
	}
	if len(props.Accounts) != 2 || props.Accounts[1].Name != "identity" || props.Accounts[1].ID != "333333333333" ||
		len(props.Accounts[1].Services) != 2 || props.Accounts[0].Services[0].APIName != "checkout-api" {
		t.Fatalf("accounts %+v", props.Accounts)
	}
	// Per-region sections see the union of the accounts' regions.
	if props.Metrics.Delivery["us-east-1"] != "both" {
		t.Fatalf("delivery %v", props.Metrics.Delivery)
	}
	d := props.WithDefaults()
	if d.Account != "111111111111" || d.CentralRegion != "eu-west-1" || strings.Join(d.Regions, ",") != "eu-west-1,us-east-1" || len(d.Services) != 2 {
		t.Fatalf("derived %s %s %v %v", d.Account, d.CentralRegion, d.Regions, d.Services)
	}
}

func TestOrgConfigErrorsNameFileFieldAndValue(t *testing.T) {
	cases := []struct {
		name, doc string
		want      []string
	}{
		{"unknown account field", strings.Replace(orgDoc, "    id: \"333333333333\"\n", "    id: \"333333333333\"\n    region: eu-west-1\n", 1),
			[]string{"org.yaml", "accounts[1]", "region"}},
		{"unknown monitoring field", strings.Replace(orgDoc, "  region: eu-west-1\n", "  regoin: eu-west-1\n", 1), []string{"org.yaml", "monitoring", "regoin"}},
		{"bad resource type", strings.Replace(orgDoc, "AWS::Logs::LogGroup]", "AWS::S3::Bucket]", 1), []string{`org.yaml: monitoring.link.resourceTypes[1]: "AWS::S3::Bucket" is not allowed`}},
		{"duplicate account id", strings.Replace(orgDoc, `"333333333333"`, `"222222222222"`, 1), []string{`accounts[1].id: "222222222222" is not allowed; an account id not used by accounts[0]`}},
		{"short account id and duplicate service", strings.Replace(strings.Replace(orgDoc, `"333333333333"`, `"3333"`, 1), "{name: auth-service}", "{name: checkout-api}", 1),
			[]string{`accounts[1].id: "3333" is not allowed`, `accounts[1].services[1].name: "checkout-api" is not allowed; a name not used by another service of account identity`}},
		{"monitoring region not covered", strings.Replace(orgDoc, "  region: eu-west-1\n", "  region: ap-south-1\n", 1),
			[]string{`monitoring.region: "ap-south-1" is not allowed; a region with an OAM sink, one of [eu-west-1 us-east-1]`}},
		{"top-level regions with accounts", "regions: [us-east-1]\n" + orgDoc, []string{`regions: "set" is not allowed; left empty with accounts`}},
		{"top-level account with accounts", "account: \"111111111111\"\n" + orgDoc, []string{`account: "set" is not allowed`}},
		{"monitoring without accounts", "monitoring: {account: \"111111111111\"}\nbilling: {monthlyUSD: 5}\n", []string{"accounts: <empty> is not allowed; at least one workload account"}},
		{"metrics region outside every account", strings.Replace(orgDoc, "{us-east-1: both}", "{ap-south-1: both}", 1), []string{`metrics.regions["ap-south-1"]`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("org.yaml", []byte(c.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v\nlacks %q", err, w)
				}
			}
		})
	}
}

// orgSLODoc is orgDoc with SLOs on services of both accounts.
var orgSLODoc = strings.NewReplacer(
	"    services: [{name: checkout-api, apiName: checkout-api}]\n",
	`    services:
      - name: checkout-api
        apiName: checkout-api
        slos:
          - {id: availability, kind: availability, environment: "lambda:default", goal: 99.9, window: 30d}
`,
	"    services: [{name: auth-service}, {name: checkout-api}]\n",
	`    services:
      - name: auth-service
        slos:
          - {id: login-latency, kind: latency, environment: "lambda:default", percentile: p99, threshold: 300ms}
      - name: checkout-api
`).Replace(orgDoc)

func TestOrgServiceSLOsAreValidatedAtTheirConfigPath(t *testing.T) {
	if _, err := Parse("org.yaml", []byte(orgSLODoc)); err != nil {
		t.Fatalf("valid organization with SLOs: %v", err)
	}
	bad := strings.NewReplacer(
		"kind: availability, environment", "kind: availabilty, environment",
		"goal: 99.9, window: 30d", "goal: 100, window: 30d",
		"percentile: p99, threshold: 300ms}", "percentile: p99, threshold: 300ms, alerts: [{id: fast, longWindow: 1h, shortWindow: 5m, budgetPercent: 2, severity: page}]}",
	).Replace(orgSLODoc)
	_, err := Parse("org.yaml", []byte(bad))
	if err == nil {
		t.Fatal("malformed SLOs accepted")
	}
	for _, want := range []string{
		`org.yaml: accounts[0].services[0].slos[0].kind: "availabilty" is not allowed; one of availability, latency`,
		`org.yaml: accounts[0].services[0].slos[0].goal: 100 is not allowed`,
		`org.yaml: accounts[1].services[0].slos[0].alerts[0].severity: "page" is not allowed`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in\n%v", want, err)
		}
	}
	// Each problem once, and never at a props path.
	for _, s := range []string{"slos[0].kind", "slos[0].goal", "alerts[0].severity"} {
		if n := strings.Count(err.Error(), s); n != 1 {
			t.Errorf("%s reported %d times:\n%v", s, n, err)
		}
	}
	if strings.Contains(err.Error(), "objectives") || strings.Contains(err.Error(), "\nslo ") {
		t.Errorf("props path in config error:\n%v", err)
	}
}

func TestOrgServiceProblemsAreListedWithOtherAccountProblems(t *testing.T) {
	// A duplicate service name and an over-long apiName (platform
	// problems) and a bad SLO, in different accounts, all at once, each at
	// its config path.
	bad := strings.NewReplacer(
		"        apiName: checkout-api\n", "        apiName: "+strings.Repeat("a", 129)+"\n",
		"      - name: auth-service\n", "      - name: checkout-api\n",
		"percentile: p99, threshold: 300ms}", "percentile: p99, threshold: 300ms, goal: 150}",
	).Replace(orgSLODoc)
	_, err := Parse("org.yaml", []byte(bad))
	if err == nil {
		t.Fatal("malformed organization accepted")
	}
	for _, want := range []string{
		`org.yaml: accounts[0].services[0].apiName: "` + strings.Repeat("a", 129) + `" is not allowed; at most 128 characters`,
		`org.yaml: accounts[1].services[1].name: "checkout-api" is not allowed; a name not used by another service of account identity`,
		`org.yaml: accounts[1].services[0].slos[0].goal: 150 is not allowed`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in\n%v", want, err)
		}
	}
	// A mistyped field of an account's service is named by its path too.
	_, err = Parse("org.yaml", []byte(strings.Replace(orgSLODoc, "        apiName: checkout-api\n", "        api: checkout-api\n", 1)))
	if err == nil || !strings.Contains(err.Error(), `accounts[0].services[0]: unknown field "api"; allowed: name, apiName, slos`) {
		t.Errorf("unknown service field: %v", err)
	}
}

func TestCentralIncidentsConfig(t *testing.T) {
	doc := strings.Replace(orgDoc, "billing:", "alarms:\n  alerting:\n    central: true\n    subscriptions: {email: [{endpoint: oncall@example.com}]}\nbilling:", 1)
	p, err := Parse("org.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	props := p.Props("")
	if !props.Alarms.Central || len(props.Alarms.Alerting.Subscriptions.Email) != 1 || props.Alarms.Alerting.Central.Enabled() {
		t.Fatalf("alarms %+v", props.Alarms)
	}
	if d, err := Parse("org.yaml", []byte(orgDoc)); err != nil || d.Props("").Alarms.Central {
		t.Fatalf("default: %v %v", d, err)
	}
	for _, c := range []struct {
		name, from, to string
		want           []string
	}{
		{"mistyped", "central: true", "central: yes please", []string{"org.yaml", "alarms.alerting.central", "true or false (line 21)"}},
		{"unknown field", "central: true", "centrl: true", []string{`org.yaml: alarms.alerting: unknown field "centrl"; allowed:`, "central (line 21)"}},
		{"subscriber", "endpoint: oncall@example.com", "endpoint: not-an-address", []string{`alarms.alerting.subscriptions.email[0].endpoint: "not-an-address" is not allowed`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("org.yaml", []byte(strings.Replace(doc, c.from, c.to, 1)))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v\nlacks %q", err, w)
				}
			}
		})
	}
}
