package platform

import (
	"fmt"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

// Transaction Search: on unless sampling.transactionSearch turns it off,
// indexing what it configures; the spans' shape is an assumption
// (cost.assumptions.transactionSearch).
var _ = registerCostPart("spans", func(d *costDerivation) {
	ts := d.pl.samplingProps().TransactionSearch
	a := d.in.Assumptions.TransactionSearch
	d.arch.TransactionSearch = cost.TransactionSearch{Disabled: ts.Disabled, IndexingPercentage: ts.IndexingPercentage,
		SpansPerTrace: a.SpansPerTrace, BytesPerSpan: a.BytesPerSpan}
	if ts.Disabled {
		d.archSource(cost.SourceSpans, "sampling.transactionSearch.disabled")
		return
	}
	pct := ts.IndexingPercentage
	if pct == 0 {
		pct = 1
	}
	d.archSource(cost.SourceSpans, fmt.Sprintf("sampling.transactionSearch: indexingPercentage %g", pct))
})
