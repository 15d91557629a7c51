package platform

import (
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
