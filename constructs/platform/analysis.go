package platform

import (
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
)

// CostAnalysisTier is the analysis tier as the cost model prices it: a
// collection in every region, the indexed tiers with their retention and
// the redundancy. ok is false when the tier is off.
func (p Props) CostAnalysisTier() (t cost.AnalysisTier, ok bool) {
	if !p.Logs.Analysis.Enabled {
		return cost.AnalysisTier{}, false
	}
	a := p.AnalysisProps("")
	tiers := a.Tiers
	if tiers == nil {
		tiers = []logtiers.Tier{logtiers.Error, logtiers.Warn}
	}
	t = cost.AnalysisTier{Regions: p.Regions, RetentionDays: map[cost.Tier]int{}, Standby: a.Redundancy != logtiers.RedundancyNone}
	days := map[logtiers.Tier]int{logtiers.Error: a.Retention.Error, logtiers.Warn: a.Retention.Warn, logtiers.Info: a.Retention.Info, logtiers.Debug: a.Retention.Debug}
	for _, tier := range tiers {
		t.Tiers = append(t.Tiers, cost.Tier(tier))
		if d := days[tier]; d != 0 {
			t.RetentionDays[cost.Tier(tier)] = d
		}
	}
	return t, true
}
