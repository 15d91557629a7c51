package config

import (
	"strings"
	"testing"
)

// orgCostDoc declares checkout-api's traffic in every account that runs
// it, payments' own rate in eu-west-1, and auth-service.
const orgCostDoc = orgDoc + `cost:
  volumes:
    services:
      - name: checkout-api
        regions: [{region: eu-west-1, requestsPerSecond: 100}, {region: us-east-1, requestsPerSecond: 100}]
      - name: checkout-api
        account: payments
        regions: [{region: eu-west-1, requestsPerSecond: 300}, {region: us-east-1, requestsPerSecond: 100}]
      - name: auth-service
        account: identity
        regions: [{region: eu-west-1, requestsPerSecond: 40}]
`

func TestOrgCostConfigMapsAccountsAndBudgets(t *testing.T) {
	doc := strings.Replace(orgCostDoc, "    services: [{name: auth-service}, {name: checkout-api}]\n",
		"    services: [{name: auth-service}, {name: checkout-api}]\n    budget: {monthlyUSD: 900, emails: [identity@example.com]}\n", 1)
	p, err := Parse("org.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	props := p.Props("")
	if b := props.Accounts[1].Budget; b.MonthlyUSD != 900 || len(b.Emails) != 1 || b.Emails[0] != "identity@example.com" {
		t.Errorf("identity budget %+v", b)
	}
	if props.Cost.Volumes.Services[1].Account != "payments" {
		t.Errorf("volumes %+v: the account of the second entry is lost", props.Cost.Volumes.Services)
	}
	c, err := p.CostConfig()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range c.Volumes.Services {
		if s.Account == "payments" && s.Name == "checkout-api" && s.Regions[0].RequestsPerSecond != 300 {
			t.Errorf("payments' checkout-api at %g/s in eu-west-1, want its own 300", s.Regions[0].RequestsPerSecond)
		}
		if s.Account == "identity" && s.Name == "checkout-api" && s.Regions[0].RequestsPerSecond != 100 {
			t.Errorf("identity's checkout-api at %g/s, want the account-less 100", s.Regions[0].RequestsPerSecond)
		}
	}
}

func TestOrgCostConfigErrorsNameFieldPathAndValue(t *testing.T) {
	cases := []struct {
		name, doc string
		want      []string
	}{
		{"unknown budget field", strings.Replace(orgCostDoc, "    regions: [eu-west-1]\n", "    regions: [eu-west-1]\n    budget: {monthly: 5}\n", 1),
			[]string{"org.yaml", "accounts[1].budget", "monthly", "monthlyUSD"}},
		{"negative account budget and bad email", strings.Replace(orgCostDoc, "    regions: [eu-west-1]\n", "    regions: [eu-west-1]\n    budget: {monthlyUSD: -5, emails: [nobody]}\n", 1),
			[]string{`accounts[1].budget.monthlyUSD: -5 is not allowed`, `accounts[1].budget.emails[0]: "nobody" is not allowed; an email address`}},
		{"unknown account in volumes", strings.Replace(orgCostDoc, "account: identity", "account: idnetity", 1),
			[]string{`cost.volumes.services[2].account: "idnetity" is not allowed; empty (every account that runs the service) or one of the accounts (payments, identity)`}},
		{"service of another account", strings.Replace(orgCostDoc, "      - name: auth-service\n        account: identity", "      - name: auth-service\n        account: payments", 1),
			[]string{`cost.volumes.services[2].name: "auth-service" is not allowed; one of account payments's services (checkout-api)`}},
		{"region outside the account", strings.Replace(orgCostDoc, "[{region: eu-west-1, requestsPerSecond: 40}]", "[{region: us-east-1, requestsPerSecond: 40}]", 1),
			[]string{`cost.volumes.services[2].regions[0].region: "us-east-1" is not allowed; one of account identity's regions (eu-west-1)`}},
		{"duplicate entry for one account", orgCostDoc + "      - name: auth-service\n        account: identity\n        regions: [{region: eu-west-1, requestsPerSecond: 1}]\n",
			[]string{`cost.volumes.services[3].name: "auth-service" is not allowed; a service not already declared by volumes.services[2] (for the same account)`}},
		{"account budget without the account's traffic", strings.Replace(strings.Replace(orgCostDoc, "    regions: [eu-west-1]\n", "    regions: [eu-west-1]\n    budget: {monthlyUSD: 50}\n", 1),
			"      - name: auth-service\n        account: identity\n        regions: [{region: eu-west-1, requestsPerSecond: 40}]\n", "", 1),
			[]string{"accounts[1].budget.monthlyUSD: 50 is not allowed", "a cost.volumes.services entry for auth-service (account identity)"}},
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
