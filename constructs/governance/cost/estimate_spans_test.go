package cost

import (
	"strings"
	"testing"
)

// 100 requests/s with 1% errors and a 1% baseline: the declared
// architecture exports 2,592,000 + 0.99 x 0.01 x 259,200,000 = 5,158,080
// traces a month.
func spansVolumes() Volumes {
	return oneService(100, Service{Traces: TraceSampling{BaselineRate: 0.01, ErrorShare: 0.01}})
}

func TestSpanLinesPriceIngestionAndIndexingOfTheExportedTraces(t *testing.T) {
	ps := mustPrices(t, PriceSetUSEast1)
	ps.Prices[PriceSpansIngested] = Price{USD: 0.5, Source: "test"}
	ps.Prices[PriceSpansIndexed] = Price{USD: 2, Source: "test"}
	r := mustEstimate(t, spansVolumes(), Architecture{TransactionSearch: TransactionSearch{IndexingPercentage: 5, SpansPerTrace: 8, BytesPerSpan: 500}}, ps)
	const traces = 2_592_000 + 0.99*0.01*259_200_000
	const spans = traces * 8
	usd, gb := costOf(r, matching(Declared, ComponentSpans, "ingested"))
	assertClose(t, "GB of spans", gb, spans*500/1e9)
	assertClose(t, "$ ingestion", usd, spans*500/1e9*0.5)
	usd, free := costOf(r, matching(Declared, ComponentSpans, "free share"))
	assertClose(t, "free indexed spans", free, spans*0.01)
	if usd != 0 {
		t.Errorf("the free 1%% costs $%g", usd)
	}
	usd, paid := costOf(r, matching(Declared, ComponentSpans, "charged"))
	assertClose(t, "paid indexed spans", paid, spans*0.04)
	assertClose(t, "$ indexing", usd, spans*0.04*2/1e6)
	if _, n := costOf(r, matching(Naive, ComponentSpans)); n != 0 {
		t.Error("the naive architecture has no Transaction Search lines")
	}
	// The per-trace lines stay: spans are priced beside them.
	if _, n := costOf(r, matching(Declared, ComponentTraces)); !closeTo(n, traces) {
		t.Errorf("declared X-Ray traces = %g, want %g", n, traces)
	}
	for _, w := range r.Warnings {
		if strings.Contains(w, "Transaction Search") {
			t.Errorf("sourced prices must not warn: %s", w)
		}
	}
}

func TestDefaultIndexingIsTheFreeShareOnly(t *testing.T) {
	r := mustEstimate(t, spansVolumes(), Architecture{}, mustPrices(t, PriceSetUSEast1))
	if _, paid := costOf(r, matching(Declared, ComponentSpans, "charged")); paid != 0 {
		t.Errorf("default 1%% indexing has %g paid spans", paid)
	}
	if _, free := costOf(r, matching(Declared, ComponentSpans, "free share")); free == 0 {
		t.Error("no free indexing line")
	}
}

func TestUnverifiedSpanPricesAreMarkedWhereTheUserSeesThem(t *testing.T) {
	r := mustEstimate(t, spansVolumes(), Architecture{TransactionSearch: TransactionSearch{IndexingPercentage: 10}}, mustPrices(t, PriceSetUSEast1))
	var notes []string
	for _, l := range r.Lines {
		if l.Component == ComponentSpans && l.PriceKey != PriceSpansIndexedFree {
			notes = append(notes, l.Note)
		}
	}
	if len(notes) != 2 {
		t.Fatalf("span lines with a paid price = %d, want 2", len(notes))
	}
	for _, n := range notes {
		if !strings.Contains(n, "price unverified") {
			t.Errorf("note %q does not say the price is unverified", n)
		}
	}
	warned := 0
	for _, w := range r.Warnings {
		if strings.Contains(w, "Transaction Search") && strings.Contains(w, "unverified") {
			warned++
		}
	}
	if warned != 1 {
		t.Errorf("%d Transaction Search warnings, want 1: %v", warned, r.Warnings)
	}
	if !strings.Contains(r.Table(), "\nspans (price unverified) ") {
		t.Errorf("the table hides the unverified $0 component:\n%s", r.Table())
	}
}

func TestTransactionSearchDisabledAndValidated(t *testing.T) {
	r := mustEstimate(t, spansVolumes(), Architecture{TransactionSearch: TransactionSearch{Disabled: true}}, mustPrices(t, PriceSetUSEast1))
	if _, n := costOf(r, matching(Declared, ComponentSpans)); n != 0 {
		t.Error("disabled Transaction Search still has span lines")
	}
	err := Architecture{TransactionSearch: TransactionSearch{IndexingPercentage: 101, SpansPerTrace: 20000, BytesPerSpan: -1}}.Validate()
	for _, want := range []string{"transactionSearch.indexingPercentage: 101", "transactionSearch.spansPerTrace: 20000", "transactionSearch.bytesPerSpan: -1"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}
