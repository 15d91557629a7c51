package platform

import (
	"testing"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/sampling"
)

func TestTraceSamplingFromRulesTakesTheRuleAnOrdinaryRequestMatches(t *testing.T) {
	c := cost.DefaultConfig()
	base := c.Volumes.Services[0]
	svc := func(name string, tr cost.TraceSampling) cost.Service {
		s := base
		s.Name, s.Traces = name, tr
		return s
	}
	c.Volumes.Services = []cost.Service{
		svc("health-check", cost.TraceSampling{FromRules: true, ErrorShare: 0.01}),
		svc("order-service", cost.TraceSampling{FromRules: true}),
		svc("declared", cost.TraceSampling{BaselineRate: 0.2}),
	}
	rules := []sampling.Rule{
		{ServiceName: "health-check", Priority: 1, FixedRate: 0},
		{ServiceName: "order-*", HTTPMethod: "POST", Priority: 2, FixedRate: 1},
		{Priority: 9999, FixedRate: 0.05, ReservoirSize: 1},
	}
	got := ResolveTraceSampling(c, rules).Volumes.Services
	want := []cost.TraceSampling{
		{BaselineRate: 0, ErrorShare: 0.01},
		// The POST-only rule is skipped: ordinary requests have any method.
		{BaselineRate: 0.05, ReservoirPerSecond: 1},
		{BaselineRate: 0.2},
	}
	for i := range want {
		if got[i].Traces != want[i] {
			t.Errorf("%s: got %+v, want %+v", got[i].Name, got[i].Traces, want[i])
		}
	}
	if !c.Volumes.Services[0].Traces.FromRules {
		t.Fatal("the caller's config was modified")
	}
	if _, err := ResolveTraceSampling(c, nil).Estimate(); err != nil {
		t.Fatalf("resolved config does not estimate: %v", err)
	}
	if _, err := c.Estimate(); err == nil {
		t.Fatal("an unresolved fromRules was estimated")
	}
}
