package cost

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// ComponentAnalysis groups the analysis tier's lines (OpenSearch
// Serverless and the Firehose streams feeding it). Its row appears only in
// reports that price the tier (Architecture.Analysis).
const ComponentAnalysis Component = "analysis"

// Billing facts of the analysis tier.
const (
	// analysisRecordOverheadBytes is what the log router adds to each
	// message: logGroup, logStream, owner, id, timestamp and tier fields.
	analysisRecordOverheadBytes = 200
)

// AnalysisMinimumOCUs is the least compute an OpenSearch Serverless
// collection bills whatever its use: with standby replicas 1 OCU for
// indexing and 1 for search (0.5 OCU × 2 each), without 0.5 + 0.5
// (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-scaling.html).
func AnalysisMinimumOCUs(standby bool) (indexing, search float64) {
	if standby {
		return 1, 1
	}
	return 0.5, 0.5
}

// AnalysisTier is the platform's optional analysis tier, priced on top of
// the declared architecture: one OpenSearch Serverless time-series
// collection per region, fed one Firehose record per indexed event.
type AnalysisTier struct {
	// Regions with a collection. Required.
	Regions []string
	// Tiers indexed. Default: ERROR and WARN.
	Tiers []Tier
	// RetentionDays per indexed tier, 1-3650; a tier missing from the map
	// takes its route's retention (ERROR 30, WARN 7 by default).
	RetentionDays map[Tier]int
	// Standby is whether the collection has standby replicas (redundancy),
	// which doubles the OCU floor.
	Standby bool
	// IndexRatio is index bytes stored per raw log byte, above 0 and at
	// most 10. Default: 1 (an assumption, unverified: the index adds
	// structures, compression removes some).
	IndexRatio float64
}

func (t AnalysisTier) withDefaults(a Architecture) AnalysisTier {
	if len(t.Tiers) == 0 {
		t.Tiers = []Tier{TierError, TierWarn}
	}
	days := map[Tier]int{}
	for _, tier := range t.Tiers {
		days[tier] = t.RetentionDays[tier]
		if days[tier] == 0 {
			days[tier] = a.Logs.Tiers.route(tier).RetentionDays
		}
		if days[tier] == 0 {
			days[tier] = defaultRetentionDays(tier, DestinationCloudWatch)
		}
	}
	t.RetentionDays = days
	if t.IndexRatio == 0 {
		t.IndexRatio = 1
	}
	return t
}

// Validate reports every problem at once.
func (t AnalysisTier) Validate() error {
	var v validation.Errors
	if len(t.Regions) == 0 {
		v.Add("regions", "", "at least one region with an analysis collection")
	}
	for i, tier := range t.Tiers {
		if !slices.Contains(tierOrder[:], tier) {
			v.Add(validation.Index("tiers", i), string(tier), "one of ERROR, WARN, INFO, DEBUG")
		}
	}
	for _, tier := range sortedTiers(t.RetentionDays) {
		if d := t.RetentionDays[tier]; d < 1 || d > 3650 {
			v.Add("retentionDays."+string(tier), d, "1-3650 days")
		}
	}
	if t.IndexRatio < 0 || t.IndexRatio > 10 || math.IsNaN(t.IndexRatio) {
		v.Add("indexRatio", t.IndexRatio, "above 0 and at most 10 (0 for the default 1)")
	}
	return v.Err()
}

func sortedTiers(m map[Tier]int) []Tier {
	out := make([]Tier, 0, len(m))
	for t := range m {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// AnalysisComparison sets one region's analysis tier against CloudWatch
// Logs Insights on the same volume.
type AnalysisComparison struct {
	// Account is the workload account of an organization platform (each
	// account-region has its own collection); empty otherwise.
	Account string
	Region  string
	// FloorUSD is the minimum OCU-hours of a month, paid even when idle.
	FloorUSD float64
	// VariableUSD is storage and Firehose ingestion.
	VariableUSD float64
	// IndexedGB is the month's raw volume of the indexed tiers.
	IndexedGB float64
	// InsightsScanUSD is one Logs Insights scan of IndexedGB.
	InsightsScanUSD float64
	// InsightsDeclaredUSD is Logs Insights at the declared routes'
	// InsightsScanShare, the queries the tier would take over.
	InsightsDeclaredUSD float64
	// BreakEvenScans is how many full scans of IndexedGB a month cost as
	// much as the floor: above it the tier is the cheaper way to query.
	BreakEvenScans float64
}

// addAnalysis prices the analysis tier t (Architecture.Analysis) for
// volumes v into the report Estimate built: its lines (declared
// architecture, component analysis), the totals, and one comparison per
// region with Logs Insights, also stated among the assumptions.
func (r *Report) addAnalysis(v Volumes, t AnalysisTier) error {
	t = t.withDefaults(r.Architecture)
	e := &estimator{a: r.Architecture, ps: r.PriceSet, lines: slices.Clone(r.Lines), warnings: r.Warnings,
		assumed: r.Assumed, from: r.Architecture.Sources[SourceAnalysis]}
	comparisons := e.analysis(v, t)
	assumptions := slices.Clone(r.Assumptions)
	idx, search := AnalysisMinimumOCUs(t.Standby)
	mode := "with standby replicas"
	if !t.Standby {
		mode = "without standby replicas (no redundancy)"
	}
	ocuPrice, _ := r.PriceSet.UnitPrice(PriceOpenSearchServerlessOCUHour)
	assumptions = append(assumptions,
		fmt.Sprintf("The analysis tier's collection runs at its minimum of %g indexing + %g search OCUs (%s), %d hours a month at $%s per OCU-hour; heavier indexing or queries scale it up and are not modelled. The price set marks the OCU and storage prices unverified.",
			idx, search, mode, HoursPerMonth, plain(ocuPrice)),
		fmt.Sprintf("The analysis tier indexes one Firehose record per event (the message plus %d bytes of router fields, billed in 5 KB steps) and stores %g index bytes per raw byte for each tier's retention; Firehose's charge for delivery into a VPC (private collections) is not modelled (https://aws.amazon.com/firehose/pricing/).",
			analysisRecordOverheadBytes, t.IndexRatio))
	for _, c := range comparisons {
		payoff := "nothing is indexed there, so it never pays off"
		if !math.IsInf(c.BreakEvenScans, 1) {
			payoff = "it pays off above " + groupDigits(c.BreakEvenScans, 0) + " full scans a month"
		}
		assumptions = append(assumptions, fmt.Sprintf(
			"Analysis tier in %s: fixed floor %s a month (+ %s storage and delivery) against %s for one CloudWatch Logs Insights scan of the same %s GB of indexed tiers, %s at the declared Insights use; %s.",
			AccountRegionKey(c.Account, c.Region), money(c.FloorUSD), money(c.VariableUSD), money(c.InsightsScanUSD), groupDigits(c.IndexedGB, 1),
			money(c.InsightsDeclaredUSD), payoff))
	}
	out := newReport(e)
	out.Assumptions, out.Analysis = assumptions, comparisons
	*r = *out
	return nil
}

func (e *estimator) analysis(v Volumes, t AnalysisTier) []AnalysisComparison {
	regions := slices.Clone(t.Regions)
	sort.Strings(regions)
	byRegion := map[string]*AnalysisComparison{}
	idx, search := AnalysisMinimumOCUs(t.Standby)
	ocu, _ := e.ps.UnitPrice(PriceOpenSearchServerlessOCUHour)
	insights, _ := e.ps.UnitPrice(PriceLogsInsightsScanned)
	// One collection per region, or per account-region of an organization
	// (each workload stack has its own).
	keys := regions
	if len(e.a.Accounts) > 0 {
		keys = nil
		for _, a := range e.a.Accounts {
			for _, region := range regions {
				for _, s := range v.Services {
					if s.Account == a.Name && slices.ContainsFunc(s.Regions, func(r RegionTraffic) bool { return r.Region == region }) {
						keys = append(keys, AccountRegionKey(a.Name, region))
						break
					}
				}
			}
		}
	}
	out := make([]AnalysisComparison, 0, len(keys)) // byRegion points into it: no reallocation
	for _, key := range keys {
		var region string
		e.account, region = SplitAccountRegion(key)
		e.add(Declared, ComponentAnalysis, SharedService, region, "OpenSearch Serverless indexing OCU-hours, the collection's minimum",
			idx*HoursPerMonth, PriceOpenSearchServerlessOCUHour, fmt.Sprintf("%g OCU × %d h, billed even when idle", idx, HoursPerMonth))
		e.add(Declared, ComponentAnalysis, SharedService, region, "OpenSearch Serverless search OCU-hours, the collection's minimum",
			search*HoursPerMonth, PriceOpenSearchServerlessOCUHour, fmt.Sprintf("%g OCU × %d h, billed even when idle", search, HoursPerMonth))
		out = append(out, AnalysisComparison{Account: e.account, Region: region, FloorUSD: (idx + search) * HoursPerMonth * ocu})
		byRegion[key] = &out[len(out)-1]
	}
	services := slices.Clone(v.Services)
	sort.Slice(services, func(i, j int) bool { return services[i].Name < services[j].Name })
	for _, s := range services {
		e.account = s.Account
		for _, r := range s.Regions {
			c := byRegion[AccountRegionKey(s.Account, r.Region)]
			if c == nil {
				continue
			}
			bytesPerLine := s.Logs.BytesPerLine
			if bytesPerLine == 0 {
				bytesPerLine = 500
			}
			mix := s.Logs.Tiers
			if mix.isZero() {
				mix = DefaultTierMix()
			}
			total := MonthlyLogGB(r.RequestsPerSecond, s.Logs.LinesPerRequest, bytesPerLine, e.ps.BytesPerGB)
			for _, tier := range t.Tiers {
				gb := total * mix.share(tier)
				if gb == 0 {
					continue
				}
				days := t.RetentionDays[tier]
				stored := StoredGBMonth(gb, days, t.IndexRatio)
				events := gb * e.ps.BytesPerGB / bytesPerLine
				billed := events * roundUp(bytesPerLine+analysisRecordOverheadBytes, firehoseRoundBytes) / e.ps.BytesPerGB
				e.add(Declared, ComponentAnalysis, s.Name, r.Region, fmt.Sprintf("%s: OpenSearch Serverless storage, %d days", tier, days),
					stored, PriceOpenSearchServerlessStorage, fmt.Sprintf("steady state: daily volume × retention days × index ratio %g", t.IndexRatio))
				e.add(Declared, ComponentAnalysis, s.Name, r.Region, fmt.Sprintf("%s: Firehose ingestion to OpenSearch Serverless", tier),
					billed, PriceFirehoseIngested, fmt.Sprintf("%s records of %g bytes, each billed as a multiple of 5 KB", groupDigits(events, 0), bytesPerLine+analysisRecordOverheadBytes))
				storage, _ := e.ps.UnitPrice(PriceOpenSearchServerlessStorage)
				fh, _ := e.ps.UnitPrice(PriceFirehoseIngested)
				c.VariableUSD += stored*storage + billed*fh
				c.IndexedGB += gb
				c.InsightsDeclaredUSD += gb * e.a.Logs.Tiers.route(tier).InsightsScanShare * insights
			}
		}
	}
	e.account = ""
	for i := range out {
		c := &out[i]
		c.InsightsScanUSD = c.IndexedGB * insights
		c.BreakEvenScans = math.Inf(1)
		if c.InsightsScanUSD > 0 {
			c.BreakEvenScans = c.FloorUSD / c.InsightsScanUSD
		}
		c.FloorUSD, c.VariableUSD, c.InsightsScanUSD, c.InsightsDeclaredUSD = sig(c.FloorUSD), sig(c.VariableUSD), sig(c.InsightsScanUSD), sig(c.InsightsDeclaredUSD)
	}
	return out
}
