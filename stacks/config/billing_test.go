package config

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/governance"
)

const billingBase = "regions: [us-east-1]\nservices: [{name: a}]\n"

const oneService = "cost: {volumes: {services: [{name: a, regions: [{region: us-east-1, requestsPerSecond: 10}], logs: {linesPerRequest: 5}}]}}\n"

func TestBillingAmountIsDerivedFromTheBudgetThenTheEstimate(t *testing.T) {
	p, err := Parse("p.yaml", []byte(billingBase+"name: shop\nbilling: {emails: [ops@example.com]}\ncost: {budget: {monthlyUSD: 700}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	props, err := p.BillingProps(nil)
	want := governance.BillingProps{Name: "shop", MonthlyUSD: 700, Emails: []string{"ops@example.com"}, BudgetName: "shop-observability"}
	if err != nil || !reflect.DeepEqual(props, want) {
		t.Fatalf("got %+v, %v; want %+v", props, err, want)
	}

	p, err = Parse("p.yaml", []byte(billingBase+oneService))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := p.CostConfig()
	report, err := c.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	props, err = p.BillingProps(report)
	if err != nil || props.MonthlyUSD != math.Ceil(report.Total.Declared*1.25) || props.MonthlyUSD <= 0 {
		t.Fatalf("got %+v, %v; declared %v", props, err, report.Total.Declared)
	}
	if err := props.Validate(); err != nil {
		t.Fatalf("derived props are incomplete: %v", err)
	}
}

func TestBillingValidationChecksTheCompletePropsOnce(t *testing.T) {
	// The amount is derived from the estimate; the other fields are
	// reported once each although both the block and the props check them.
	_, err := Parse("p.yaml", []byte(billingBase+oneService+"billing: {actualShare: 20, emails: [nope], budgetName: 'a:b'}\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "3 problem(s)") {
		t.Fatalf("want exactly 3 problems, got %v", err)
	}
	for _, path := range []string{"billing.actualShare: 20", `billing.emails[0]: "nope"`, `billing.budgetName: "a:b"`} {
		if n := strings.Count(err.Error(), path); n != 1 {
			t.Errorf("%s reported %d times: %v", path, n, err)
		}
	}
}

func TestBillingWithoutADerivableAmountIsReportedAtMonthlyUsd(t *testing.T) {
	for name, doc := range map[string]string{
		"no cost block":     billingBase,
		"zero estimate":     billingBase + "cost: {volumes: {services: [{name: a, regions: [{region: us-east-1, requestsPerSecond: 0}]}]}}\n",
		"no volumes":        billingBase + "cost: {pricing: {base: seed}}\n",
		"other fields, too": billingBase + "billing: {forecastShare: -1}\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(doc))
			if err == nil || !strings.Contains(err.Error(), "billing.monthlyUSD: 0 is not allowed; a monthly USD threshold") {
				t.Fatalf("got %v", err)
			}
			if strings.Contains(doc, "forecastShare") && !strings.Contains(err.Error(), "billing.forecastShare: -1") {
				t.Fatalf("other fields unchecked: %v", err)
			}
		})
	}
	p := &Platform{Name: "x"}
	if _, err := p.BillingProps(nil); err == nil || !strings.HasPrefix(err.Error(), "billing.monthlyUSD: 0 is not allowed") {
		t.Fatalf("BillingProps: %v", err)
	}
}

func TestAnInvalidCostBlockIsReportedUnderCostOnly(t *testing.T) {
	_, err := Parse("p.yaml", []byte(billingBase+"cost: {volumes: {services: [{name: a, regions: [{region: us-east-1, requestsPerSecond: -1}]}]}}\n"))
	if err == nil || !strings.Contains(err.Error(), "cost.volumes.services[0]") || strings.Contains(err.Error(), "billing.") {
		t.Fatalf("got %v", err)
	}
}
