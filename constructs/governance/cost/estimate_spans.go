package cost

import (
	"fmt"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// TransactionSearch is the X-Ray Transaction Search side of the declared
// architecture: with it on, X-Ray ingests every exported span into the
// aws/spans log group, billed by CloudWatch per GB of spans instead of per
// trace recorded, and indexes IndexingPercentage of the spans as trace
// summaries, the first 1% free
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Enable-TransactionSearch.html).
//
// The prices of span ingestion and of indexing above 1% were not found in
// the AWS documentation available when this was written; the price set
// carries them as 0 with an "unverified" source, and every line says so.
// The per-trace X-Ray lines stay in the estimate beside the span lines, a
// conservative upper bound until those prices are set.
type TransactionSearch struct {
	// Disabled leaves the span lines out. Default: false (the platform
	// turns it on by default, sampling.TransactionSearchProps).
	Disabled bool
	// IndexingPercentage of spans indexed as trace summaries, above 0 and
	// at most 100. Default: 1.
	IndexingPercentage float64
	// SpansPerTrace is the average number of spans in an exported trace,
	// 1 to 10,000 (Transaction Search shows traces of up to 10,000 spans).
	// Default: 10, an assumption.
	SpansPerTrace float64
	// BytesPerSpan is the average size of a span as stored in aws/spans,
	// 1 to 1,000,000. Default: 1,000, an assumption.
	BytesPerSpan float64
}

// Price keys of the span lines.
const (
	PriceSpansIngested      = "cloudwatch.spansIngestedPerGB"
	PriceSpansIndexed       = "xray.spansIndexedPerMillion"
	PriceSpansIndexedFree   = "xray.spansIndexedFreePerMillion"
	freeIndexingPercentage  = 1
	defaultSpansPerTrace    = 10
	defaultBytesPerSpan     = 1000
	maxSpansPerTrace        = 10000
	maxBytesPerSpan         = 1e6
	transactionSearchPrefix = "transactionSearch"
)

func (t TransactionSearch) withDefaults() TransactionSearch {
	setDefault(&t.IndexingPercentage, freeIndexingPercentage)
	setDefault(&t.SpansPerTrace, defaultSpansPerTrace)
	setDefault(&t.BytesPerSpan, defaultBytesPerSpan)
	return t
}

func (t TransactionSearch) validate(errs *validation.Errors) {
	if p := t.IndexingPercentage; p != 0 && !(p > 0 && p <= 100) {
		errs.Add(transactionSearchPrefix+".indexingPercentage", p, "0 (default 1) or a percentage above 0 and at most 100")
	}
	if t.SpansPerTrace != 0 {
		checkRange(errs, transactionSearchPrefix+".spansPerTrace", t.SpansPerTrace, 1, maxSpansPerTrace)
	}
	if t.BytesPerSpan != 0 {
		checkRange(errs, transactionSearchPrefix+".bytesPerSpan", t.BytesPerSpan, 1, maxBytesPerSpan)
	}
}

// spans prices what Transaction Search does with the traces the declared
// architecture exports: span ingestion, free indexing, paid indexing.
func (e *estimator) spans(s Service, r RegionTraffic) {
	t := e.a.TransactionSearch
	if t.Disabled {
		return
	}
	kept, sampled := TracesRecorded(r.RequestsPerSecond, s.Traces)
	spans := (kept + sampled) * t.SpansPerTrace
	if spans > 0 && !e.spansWarned && (isUnverified(e.ps, PriceSpansIngested) || isUnverified(e.ps, PriceSpansIndexed)) {
		e.spansWarned = true
		e.warnings = append(e.warnings, "Transaction Search: the prices of span ingestion ("+PriceSpansIngested+") and of indexing above the free 1% ("+
			PriceSpansIndexed+") are unverified and priced at the set's figure; the X-Ray per-trace lines stay in the estimate as an upper bound")
	}
	shape := fmt.Sprintf("%g spans/trace x %g bytes/span (assumed)", t.SpansPerTrace, t.BytesPerSpan)
	e.add(Declared, ComponentSpans, s.Name, r.Region, "Transaction Search: spans ingested into aws/spans",
		spans*t.BytesPerSpan/e.ps.BytesPerGB, PriceSpansIngested, shape+"; "+unverifiedNote(e.ps, PriceSpansIngested)+
			"; the X-Ray per-trace lines stay beside it as an upper bound")
	free := spans * min(t.IndexingPercentage, freeIndexingPercentage) / 100
	e.add(Declared, ComponentSpans, s.Name, r.Region, "Transaction Search: spans indexed as trace summaries, free share (1%)",
		free, PriceSpansIndexedFree, fmt.Sprintf("indexingPercentage %g", t.IndexingPercentage))
	e.add(Declared, ComponentSpans, s.Name, r.Region, "Transaction Search: spans indexed as trace summaries, charged (above 1%)",
		spans*t.IndexingPercentage/100-free, PriceSpansIndexed,
		fmt.Sprintf("indexingPercentage %g; %s", t.IndexingPercentage, unverifiedNote(e.ps, PriceSpansIndexed)))
}

// isUnverified reports whether the price of key has no source: its source
// starts with "unverified".
func isUnverified(ps PriceSet, key string) bool {
	return strings.HasPrefix(ps.Prices[key].Source, "unverified")
}

// unverifiedNote says whether the price of key is sourced.
func unverifiedNote(ps PriceSet, key string) string {
	if isUnverified(ps, key) {
		return "price unverified (not in the AWS docs available), priced at the set's " +
			fmt.Sprintf("$%g until pricing.prices[%s] sets it", ps.Prices[key].USD, key)
	}
	return "price from " + key
}
