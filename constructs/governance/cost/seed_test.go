package cost

// Reproductions of the seed's cost figures with the seed price set, and one
// test per seed figure that does not follow from the seed's own prices.
// Each such test states the seed's figure, ours, and why they differ.

import (
	"math"
	"strings"
	"testing"
	"time"
)

const seedDay = 86400.0

// The log-volume example: 1,000 req/s × 100 lines × 500 bytes.
func TestSeedLogVolumeExampleCosts64800PerMonth(t *testing.T) {
	ps := mustPrices(t, PriceSetSeed)
	if ps.BytesPerGB != 1e9 {
		t.Fatalf("seed GB = %g bytes; the seed's arithmetic needs decimal GB", ps.BytesPerGB)
	}
	const rps, lines, bytesPerLine = 1000, 100, 500
	bytesPerSecond := float64(rps * lines * bytesPerLine)
	assertClose(t, "bytes per second (seed: 50 MB/s)", bytesPerSecond, 50e6)
	assertClose(t, "TB per day (seed: 4.32 TB/day)", bytesPerSecond*seedDay/1e12, 4.32)

	r := mustEstimate(t, oneService(rps, Service{Logs: LogVolume{LinesPerRequest: lines, BytesPerLine: bytesPerLine}}), Architecture{}, ps)
	usd, gb := costOf(r, matching(Naive, ComponentLogs, "ingestion"))
	assertClose(t, "ingested GB per month (4.32 TB/day × 30)", gb, 4320*DaysPerMonth)
	assertClose(t, "ingestion $ per day (seed: $2,160/day)", usd/DaysPerMonth, 2160)
	assertClose(t, "ingestion $ per month (seed: $64,800/month)", usd, 64800)
}

// example3Volumes is 9.6 TB/day in the seed's Example 3 tier mix.
func example3Volumes() Volumes {
	const lines, bytesPerLine = 10, 1000
	rps := 9.6e12 / seedDay / (lines * bytesPerLine)
	return oneService(rps, Service{Name: "platform-200-services", Logs: LogVolume{LinesPerRequest: lines, BytesPerLine: bytesPerLine, Tiers: DefaultTierMix()}})
}

// example3Architecture is the seed's Example 3 routing; the seed keeps
// INFO in S3 without saying for how long, so we state 30 days (its quick
// reference keeps INFO 7-30 days).
func example3Architecture() Architecture {
	return Architecture{Logs: LogArchitecture{Tiers: LogTierRoutes{
		Error: TierRoute{Destination: DestinationCloudWatch, RetentionDays: 30},
		Warn:  TierRoute{Destination: DestinationCloudWatch, RetentionDays: 7},
		Info:  TierRoute{Destination: DestinationS3, RetentionDays: 30},
		Debug: TierRoute{Destination: DestinationDrop},
	}}}
}

func TestSeedExample3BeforeColumnIsIngestionAtFiftyCentsPerGB(t *testing.T) {
	r := mustEstimate(t, example3Volumes(), example3Architecture(), mustPrices(t, PriceSetSeed))
	for _, tc := range []struct {
		tier      Tier
		tbPerDay  float64
		seedMonth float64
	}{
		{TierError, 0.1, 1500},
		{TierWarn, 0.5, 7500},
		{TierInfo, 5, 75000},
		{TierDebug, 4, 60000},
	} {
		t.Run(string(tc.tier), func(t *testing.T) {
			usd, gb := costOf(r, matching(Naive, ComponentLogs, string(tc.tier)+":", "ingestion"))
			assertClose(t, "GB per day", gb/DaysPerMonth, tc.tbPerDay*1000)
			assertClose(t, "Before $/month", usd, tc.seedMonth)
		})
	}
	usd, _ := costOf(r, matching(Naive, ComponentLogs, "ingestion"))
	assertClose(t, "Before total (seed: $144,000/month)", usd, 144000)
}

// The scenario's header (10 TB/day, $150k/month) agrees with the prices;
// its table's rows add up to 9.6 TB/day and $144,000, 0.4 TB/day fewer.
func TestSeedExample3HeaderTenTBPerDayIs150kButTableRowsSumTo9Point6(t *testing.T) {
	const lines, bytesPerLine = 10, 1000
	v := oneService(10e12/seedDay/(lines*bytesPerLine), Service{Logs: LogVolume{LinesPerRequest: lines, BytesPerLine: bytesPerLine}})
	r := mustEstimate(t, v, Architecture{}, mustPrices(t, PriceSetSeed))
	usd, _ := costOf(r, matching(Naive, ComponentLogs, "ingestion"))
	assertClose(t, "10 TB/day naive ingestion (seed: $150k/month)", usd, 150000)
	assertClose(t, "table rows 0.1 + 0.5 + 5 + 4 TB/day", 0.1+0.5+5+4, 9.6)
}

// Seed: ERROR $1,500/mo after (CW, 30 days), no change. Ours: the same
// $1,500 ingestion plus $90 of storage (3 TB held 30 days × $0.03) that
// neither of the seed's columns counts.
func TestSeedExample3ErrorAfterAddsNinetyDollarsOfStorageTheSeedOmits(t *testing.T) {
	r := mustEstimate(t, example3Volumes(), example3Architecture(), mustPrices(t, PriceSetSeed))
	ingest, _ := costOf(r, matching(Declared, ComponentLogs, "ERROR:", "ingestion"))
	storage, stored := costOf(r, matching(Declared, ComponentLogs, "ERROR:", "storage"))
	assertClose(t, "ERROR ingestion (seed: $1,500)", ingest, 1500)
	assertClose(t, "ERROR GB-month held (0.1 TB/day × 30 days)", stored, 3000)
	assertClose(t, "ERROR storage (seed: not counted)", storage, 90)
}

// Seed: WARN $7,500 → $3,750 "(7d retention)". Retention changes storage,
// not ingestion: 0.5 TB/day still costs $7,500/month to ingest, and 7 days
// of storage add $105 (ours: $7,605). The seed's $3,750 is exactly the
// Infrequent Access class's ingestion price ($0.25/GB), which the seed's
// WARN tier cannot use because it subscribes WARN to OpenSearch.
func TestSeedExample3WarnSevenDayRetentionCannotHalveIngestion(t *testing.T) {
	ps := mustPrices(t, PriceSetSeed)
	r := mustEstimate(t, example3Volumes(), example3Architecture(), ps)
	ingest, _ := costOf(r, matching(Declared, ComponentLogs, "WARN:", "ingestion"))
	storage, stored := costOf(r, matching(Declared, ComponentLogs, "WARN:", "storage"))
	assertClose(t, "WARN ingestion with 7-day retention (seed: $3,750)", ingest, 7500)
	assertClose(t, "WARN GB-month held (0.5 TB/day × 7 days)", stored, 3500)
	assertClose(t, "WARN storage", storage, 105)

	ia := example3Architecture()
	ia.Logs.Tiers.Warn.Class = ClassInfrequentAccess
	r = mustEstimate(t, example3Volumes(), ia, ps)
	ingest, _ = costOf(r, matching(Declared, ComponentLogs, "WARN:", "ingestion, Infrequent Access"))
	assertClose(t, "WARN ingestion in the Infrequent Access class (= the seed's $3,750)", ingest, 3750)
}

// Seed: INFO $75,000 → $3,600 "(S3 direct)". With the seed's $0.023/GB-month
// and INFO kept 30 days in S3 Standard, 150,000 GB are held: $3,450 of
// storage plus $11.72 of PUTs (64 MB objects). The seed's $3,600 implies
// $0.024/GB-month for those 150 TB, a price the seed never states (or 31.3
// days of INFO at $0.023). With gzip (ratio 0.1) it would be about $346.
func TestSeedExample3InfoS3FigureImpliesTwoPointFourCentsNotTheSeedsPrice(t *testing.T) {
	ps := mustPrices(t, PriceSetSeed)
	r := mustEstimate(t, example3Volumes(), example3Architecture(), ps)
	storage, held := costOf(r, matching(Declared, ComponentLogs, "INFO:", "S3 Standard storage"))
	puts, objects := costOf(r, matching(Declared, ComponentLogs, "INFO:", "PUT"))
	cwIngest, _ := costOf(r, matching(Declared, ComponentLogs, "INFO:", "CloudWatch"))
	assertClose(t, "INFO GB-month held in S3 (5 TB/day × 30 days)", held, 150000)
	assertClose(t, "INFO S3 storage (seed: $3,600)", storage, 3450)
	assertClose(t, "INFO S3 PUTs (150,000 GB / 64 MB objects)", objects, 150000e9/64e6)
	assertClose(t, "INFO S3 PUT cost", puts, 150000e9/64e6*0.005/1000)
	assertClose(t, "INFO CloudWatch cost (S3 direct bypasses ingestion)", cwIngest, 0)

	s3Price, _ := ps.UnitPrice(PriceS3Standard)
	implied := 3600 / held
	if closeTo(implied, s3Price) {
		t.Fatalf("the seed's $3,600 should not follow from $%g/GB-month", s3Price)
	}
	assertClose(t, "price per GB-month the seed's $3,600 implies", implied, 0.024)
}

// Seed: DEBUG $60,000 → $0 (dropped). Ours agrees.
func TestSeedExample3DebugDroppedCostsNothing(t *testing.T) {
	r := mustEstimate(t, example3Volumes(), example3Architecture(), mustPrices(t, PriceSetSeed))
	usd, gb := costOf(r, matching(Declared, ComponentLogs, "DEBUG:"))
	assertClose(t, "DEBUG declared cost (seed: $0)", usd, 0)
	assertClose(t, "DEBUG GB dropped at the source", gb, 4000*DaysPerMonth)
}

// Seed: After total $8,850/month, savings $135,150 (94%) against $144,000.
// Ours: $1,590 + $7,605 + $3,461.72 + $0 = $12,656.72. Against the seed's
// ingestion-only Before column that saves 91.2%; against our naive
// architecture, which also stores 30 days of 9.6 TB/day ($8,640), 91.7%.
func TestSeedExample3AfterTotalIsTwelveThousandSixHundredNotEightThousandEightHundred(t *testing.T) {
	r := mustEstimate(t, example3Volumes(), example3Architecture(), mustPrices(t, PriceSetSeed))
	puts := 150000e9 / 64e6 * 0.005 / 1000
	wantAfter := 1500 + 90 + 7500 + 105 + 3450 + puts
	after, _ := costOf(r, matching(Declared, ComponentLogs))
	assertClose(t, "After total (seed: $8,850)", after, wantAfter)

	before, _ := costOf(r, matching(Naive, ComponentLogs, "ingestion"))
	if got := (before - after) / before * 100; math.Abs(got-91.2) > 0.05 {
		t.Errorf("savings against the Before column = %.2f%%, want 91.2%% (seed: 94%%)", got)
	}
	naive, _ := costOf(r, matching(Naive, ComponentLogs))
	assertClose(t, "naive total with 30 days of storage", naive, 144000+9600*30*0.03)
	logs := r.ByComponent[componentIndex(ComponentLogs)]
	if math.Abs(logs.SavingsPercent-91.7) > 0.05 {
		t.Errorf("report's logs savings = %.2f%%, want 91.7%%", logs.SavingsPercent)
	}
}

const example1RPS = 50000

func TestSeedExample1NaiveTracesCost129600PerMonth(t *testing.T) {
	r := mustEstimate(t, oneService(example1RPS, Service{}), Architecture{}, mustPrices(t, PriceSetSeed))
	usd, traces := costOf(r, matching(Naive, ComponentTraces))
	assertClose(t, "traces per day (seed: 4.32 billion)", traces/DaysPerMonth, 4.32e9)
	assertClose(t, "$ per day (seed: $4,320/day)", usd/DaysPerMonth, 4320)
	assertClose(t, "$ per month (seed: about $130k)", usd, 129600)
}

// Seed: "0.1% baseline + all errors = ~43M traces/day", $1,290/month. The
// 0.1% baseline alone records 4.32M traces/day, $129.60/month: ten times
// fewer. ~43M/day needs errors and slow requests to be about 0.9% of
// requests, which the report takes as an input (errorShare + slowShare).
func TestSeedExample1BaselineAloneIsFourPointThreeMillionTracesNotFortyThree(t *testing.T) {
	ps := mustPrices(t, PriceSetSeed)
	r := mustEstimate(t, oneService(example1RPS, Service{Traces: TraceSampling{BaselineRate: 0.001}}), Architecture{}, ps)
	usd, traces := costOf(r, matching(Declared, ComponentTraces))
	assertClose(t, "baseline-only traces per day (seed: ~43M)", traces/DaysPerMonth, 4.32e6)
	assertClose(t, "baseline-only $ per month (seed: $1,290)", usd, 129.6)
}

func TestSeedExample1FortyThreeMillionTracesImplyKeptShareNearNinePerMille(t *testing.T) {
	const baseline, seedTracesPerDay = 0.001, 43e6
	requestsPerDay := example1RPS * seedDay
	// traces = requests × (k + (1-k) × baseline), solved for k.
	keep := (seedTracesPerDay/requestsPerDay - baseline) / (1 - baseline)
	if keep < 0.0089 || keep > 0.0090 {
		t.Fatalf("implied error+slow share = %.5f, want about 0.9%%", keep)
	}
	v := oneService(example1RPS, Service{Traces: TraceSampling{BaselineRate: baseline, ErrorShare: keep}})
	r := mustEstimate(t, v, Architecture{}, mustPrices(t, PriceSetSeed))
	usd, traces := costOf(r, matching(Declared, ComponentTraces))
	assertClose(t, "traces per day with the implied share", traces/DaysPerMonth, seedTracesPerDay)
	assertClose(t, "$ per month (seed: $1,290)", usd, 1290)
	naive, _ := costOf(r, matching(Naive, ComponentTraces))
	if got := (1 - usd/naive) * 100; math.Abs(got-99.0) > 0.05 {
		t.Errorf("reduction = %.2f%%, want 99.0%% (seed: 99%%)", got)
	}
}

// Mistake 3: 100k req/s traced in full costs $8,640/day, $259k/month; the
// 0.1% baseline cuts that by 99.9% only when no request is an error or
// slow (every kept error lowers the reduction).
func TestSeedMistake3FullTracingCosts259kAndBaselineCutsItByNinetyNinePointNine(t *testing.T) {
	v := oneService(100000, Service{Traces: TraceSampling{BaselineRate: 0.001}})
	r := mustEstimate(t, v, Architecture{}, mustPrices(t, PriceSetSeed))
	naive, traces := costOf(r, matching(Naive, ComponentTraces))
	assertClose(t, "traces per day (seed: 8.64B)", traces/DaysPerMonth, 8.64e9)
	assertClose(t, "$ per day (seed: $8,640)", naive/DaysPerMonth, 8640)
	assertClose(t, "$ per month (seed: $259k)", naive, 259200)
	declared, _ := costOf(r, matching(Declared, ComponentTraces))
	assertClose(t, "reduction % (seed: 99.9%)", (1-declared/naive)*100, 99.9)
}

// Seed: local aggregation "reduces API calls by ~1000x". The ratio is the
// datapoints one series receives per flush: 1,000 when a series gets
// 1,000 datapoints a minute (about 16.7/s) at the seed's 60 s flush.
func TestSeedStatisticSetsCutCallsThousandfoldAtThousandDatapointsPerFlush(t *testing.T) {
	v := oneService(1000.0/60, Service{Metrics: CustomMetrics{Groups: []MetricGroup{{Name: "ResponseTime"}}}})
	a := Architecture{MetricPublishing: MetricPublishing{Mode: PublishStatisticSets, FlushInterval: time.Minute}}
	r := mustEstimate(t, v, a, mustPrices(t, PriceSetSeed))
	naiveUSD, naiveCalls := costOf(r, matching(Naive, ComponentMetrics, "PutMetricData"))
	declaredUSD, calls := costOf(r, matching(Declared, ComponentMetrics, "PutMetricData"))
	assertClose(t, "calls ratio (seed: ~1000x)", naiveCalls/calls, 1000)
	assertClose(t, "cost ratio (seed: cuts costs proportionally)", naiveUSD/declaredUSD, 1000)
}

// Cardinality: 20 × 4 × 3 × 5 = 1,200 series; adding UserID with 1M
// values gives 1.2 billion, which the report flags.
func TestSeedCardinalityExampleAndUserIDWarning(t *testing.T) {
	dims := map[string]int{"Service": 20, "Region": 4, "Tier": 3, "Status": 5}
	g := MetricGroup{Name: "RequestDuration", Dimensions: dims}
	assertClose(t, "series (seed: 1,200)", g.Series(), 1200)
	dims["UserID"] = 1000000
	assertClose(t, "series with UserID (seed: 1.2 billion)", g.Series(), 1.2e9)

	r := mustEstimate(t, oneService(10, Service{Metrics: CustomMetrics{Groups: []MetricGroup{g}}}), Architecture{}, mustPrices(t, PriceSetSeed))
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], `"RequestDuration" has 1200000000 series per metric`) {
		t.Fatalf("warnings = %q, want one about RequestDuration's 1.2B series", r.Warnings)
	}
}

// Mistake 4: "1 TB logs = $30/month"; after 1 year, $360; after 5, $1,800.
func TestSeedMistake4OneTerabyteStoredCostsThirtyDollarsAMonth(t *testing.T) {
	ps := mustPrices(t, PriceSetSeed)
	price, _ := ps.UnitPrice(PriceLogsStorage)
	// 1 TB ingested per 30 days, held 30 days, is 1 TB stored.
	held := StoredGBMonth(1000, 30, 1)
	assertClose(t, "GB held", held, 1000)
	assertClose(t, "$ per month (seed: $30)", held*price, 30)
	assertClose(t, "$ after 1 year (seed: $360)", held*price*12, 360)
	assertClose(t, "$ after 5 years (seed: $1,800)", held*price*60, 1800)
}

// The seed's trace price is not X-Ray's list price for recorded traces:
// at $5 per million, Example 1's naive tracing costs five times as much.
func TestSeedTracePriceIsOneFifthOfTheListPrice(t *testing.T) {
	v := oneService(example1RPS, Service{})
	seed := mustEstimate(t, v, Architecture{}, mustPrices(t, PriceSetSeed))
	list := mustEstimate(t, v, Architecture{}, mustPrices(t, PriceSetUSEast1))
	s, _ := costOf(seed, matching(Naive, ComponentTraces))
	l, _ := costOf(list, matching(Naive, ComponentTraces))
	assertClose(t, "list-price naive traces per month", l, 648000)
	assertClose(t, "list / seed", l/s, 5)
}
