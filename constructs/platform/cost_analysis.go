package platform

import (
	"fmt"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

// The analysis tier (logs.analysis), when on: a collection in every
// region, the indexed tiers with their retention and the redundancy.
var _ = registerCostPart("analysis", func(d *costDerivation) {
	t, ok := d.p.CostAnalysisTier()
	if !ok {
		return
	}
	d.arch.Analysis = &t
	redundancy := "standby replicas"
	if !t.Standby {
		redundancy = "no standby replicas"
	}
	d.archSource(cost.SourceAnalysis, fmt.Sprintf("logs.analysis: a collection in each of %d regions, tiers %v, %s", len(t.Regions), t.Tiers, redundancy))
})
