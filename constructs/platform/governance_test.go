package platform

import (
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/sampling"
)

func TestTraceSamplingIsTheRuleAnOrdinaryRequestMatches(t *testing.T) {
	p := Props{Regions: []string{"us-east-1"}, Services: []Service{{Name: "health-check"}, {Name: "order-service"}, {Name: "auth-service"}},
		Billing: Billing{Disabled: true}}
	p.Sampling.Rules = []sampling.Rule{
		{Name: "health", ServiceName: "health-check", Priority: 1, FixedRate: 0},
		{Name: "order-posts", ServiceName: "order-*", HTTPMethod: "POST", Priority: 2, FixedRate: 1},
		{Name: "auth", ServiceName: "auth-*", Priority: 3, FixedRate: 0.2, ReservoirSize: 2},
	}
	c, err := p.CostConfig()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]cost.TraceSampling{
		"health-check": {BaselineRate: 0, ErrorShare: cost.AssumedErrorShare, SlowShare: cost.AssumedSlowShare},
		// The POST-only rule is skipped: ordinary requests have any method,
		// so X-Ray's default (1/s, then 5%) applies.
		"order-service": {BaselineRate: 0.05, ReservoirPerSecond: 1, ErrorShare: cost.AssumedErrorShare, SlowShare: cost.AssumedSlowShare},
		"auth-service":  {BaselineRate: 0.2, ReservoirPerSecond: 2, ErrorShare: cost.AssumedErrorShare, SlowShare: cost.AssumedSlowShare},
	}
	for _, s := range c.Volumes.Services {
		if s.Traces != want[s.Name] {
			t.Errorf("%s: got %+v, want %+v", s.Name, s.Traces, want[s.Name])
		}
	}
	if _, err := c.Estimate(); err != nil {
		t.Fatalf("derived config does not estimate: %v", err)
	}
}

// The span lines follow sampling.transactionSearch: its indexing
// percentage prices the charged share, and turning it off removes them.
func TestSpanLinesFollowTheTransactionSearchProps(t *testing.T) {
	spans := func(p Props) (charged float64, n int, from string) {
		t.Helper()
		c, err := p.CostConfig()
		if err != nil {
			t.Fatal(err)
		}
		r, err := c.Estimate()
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range r.Lines {
			if l.Component != cost.ComponentSpans {
				continue
			}
			n++
			from = l.Source
			if l.PriceKey == cost.PriceSpansIndexed {
				charged += l.Quantity
			}
		}
		return charged, n, from
	}
	p := Props{Regions: []string{"us-east-1"}, Services: []Service{{Name: "api"}}, Billing: Billing{Disabled: true}}
	if charged, n, _ := spans(p); n == 0 || charged != 0 {
		t.Fatalf("default (1%% indexed, all free): %d span lines, %g spans charged", n, charged)
	}
	p.Sampling.TransactionSearch.IndexingPercentage = 5
	charged, _, from := spans(p)
	if charged == 0 || !strings.Contains(from, "sampling.transactionSearch: indexingPercentage 5") {
		t.Fatalf("5%% indexed: %g spans charged, lines from %q", charged, from)
	}
	p.Sampling.TransactionSearch.Disabled = true
	p.Sampling.TailSampling.Exporter = sampling.ExporterXRayLegacy
	if _, n, _ := spans(p); n != 0 {
		t.Fatalf("Transaction Search off: %d span lines", n)
	}
}
