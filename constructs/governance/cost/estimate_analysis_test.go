package cost

import (
	"math"
	"strings"
	"testing"
)

// analysisVolumes is one service in two regions logging 1 GB a month of
// ERROR and 3 GB of WARN in eu-west-1 (500-byte lines).
func analysisVolumes() Volumes {
	// 1 line/request of 500 bytes: rps × 2,592,000 × 500 / 1e9 GB a month.
	rps := 4 / (SecondsPerMonth * 500 / 1e9) // 4 GB a month in all
	return Volumes{Services: []Service{{
		Name:    "api",
		Regions: []RegionTraffic{{Region: "eu-west-1", RequestsPerSecond: rps}, {Region: "us-east-1", RequestsPerSecond: rps}},
		Logs:    LogVolume{LinesPerRequest: 1, BytesPerLine: 500, Tiers: TierMix{Error: 0.25, Warn: 0.75}},
	}}}
}

func analysisReport(t *testing.T, tier AnalysisTier) *Report {
	t.Helper()
	ps, err := LoadPriceSet(PriceSetUSEast1)
	if err != nil {
		t.Fatal(err)
	}
	a := Architecture{}
	a.Logs.Tiers.Error.InsightsScanShare, a.Logs.Tiers.Warn.InsightsScanShare = 2, 0.5
	a.Analysis = &tier
	r, err := Estimate(analysisVolumes(), a, ps)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func analysisLines(r *Report, region string) map[string]Line {
	out := map[string]Line{}
	for _, l := range r.Lines {
		if l.Component == ComponentAnalysis && l.Region == region {
			out[l.Item] = l
		}
	}
	return out
}

func TestAnalysisLinesPriceTheOCUFloorStorageAndFirehose(t *testing.T) {
	before := func() *Report {
		ps, _ := LoadPriceSet(PriceSetUSEast1)
		a := Architecture{}
		a.Logs.Tiers.Error.InsightsScanShare, a.Logs.Tiers.Warn.InsightsScanShare = 2, 0.5
		r, _ := Estimate(analysisVolumes(), a, ps)
		return r
	}()
	r := analysisReport(t, AnalysisTier{Regions: []string{"eu-west-1"}, Standby: true})
	lines := analysisLines(r, "eu-west-1")
	if len(lines) != 6 {
		t.Fatalf("%d analysis lines in eu-west-1, want 2 OCU + 2 tiers × (storage, Firehose): %v", len(lines), lines)
	}
	if n := len(analysisLines(r, "us-east-1")); n != 0 {
		t.Errorf("%d analysis lines in us-east-1, which has no collection", n)
	}
	// Written out from the AWS figures: 1 indexing + 1 search OCU with
	// standby, 720 h, $0.24; ERROR 1 GB kept 30 days, WARN 3 GB kept 7
	// days at $0.024; one 700-byte record per 500-byte event, billed 5 KB.
	want := map[string]float64{
		"OpenSearch Serverless indexing OCU-hours, the collection's minimum": 720 * 0.24,
		"OpenSearch Serverless search OCU-hours, the collection's minimum":   720 * 0.24,
		"ERROR: OpenSearch Serverless storage, 30 days":                      1.0 / 30 * 30 * 0.024,
		"WARN: OpenSearch Serverless storage, 7 days":                        3.0 / 30 * 7 * 0.024,
		"ERROR: Firehose ingestion to OpenSearch Serverless":                 1e9 / 500 * 5120 / 1e9 * 0.029,
		"WARN: Firehose ingestion to OpenSearch Serverless":                  3e9 / 500 * 5120 / 1e9 * 0.029,
	}
	for item, usd := range want {
		l, ok := lines[item]
		if !ok {
			t.Errorf("no line %q", item)
			continue
		}
		if l.Architecture != Declared {
			t.Errorf("%s priced in the %s architecture", item, l.Architecture)
		}
		assertClose(t, item, l.CostUSD, usd)
	}
	var sum float64
	for _, usd := range want {
		sum += usd
	}
	assertClose(t, "declared total grows by the lines", r.Total.Declared-before.Total.Declared, sum)
	assertClose(t, "naive total unchanged", r.Total.Naive, before.Total.Naive)
	last := r.ByComponent[len(r.ByComponent)-1]
	if last.Name != string(ComponentAnalysis) {
		t.Fatalf("last component row %q, want analysis", last.Name)
	}
	assertClose(t, "analysis row", last.Declared, sum)
	if len(before.ByComponent) != len(r.ByComponent)-1 || before.ByComponent[len(before.ByComponent)-1].Name == string(ComponentAnalysis) {
		t.Errorf("a report without the tier has an analysis row")
	}
}

func TestAnalysisFloorIsComparedWithLogsInsightsOnTheSameVolume(t *testing.T) {
	// Both regions carry the same traffic, so both comparisons must match.
	both := analysisReport(t, AnalysisTier{Regions: []string{"us-east-1", "eu-west-1"}, Standby: true})
	if len(both.Analysis) != 2 {
		t.Fatalf("comparisons %+v", both.Analysis)
	}
	a, b := both.Analysis[0], both.Analysis[1]
	a.Region, b.Region = "", ""
	if a != b || a.IndexedGB == 0 {
		t.Errorf("comparisons of two identical regions differ: %+v", both.Analysis)
	}
	r := analysisReport(t, AnalysisTier{Regions: []string{"eu-west-1"}, Standby: true})
	if len(r.Analysis) != 1 {
		t.Fatalf("comparisons %+v", r.Analysis)
	}
	c := r.Analysis[0]
	assertClose(t, "floor", c.FloorUSD, 2*720*0.24)
	assertClose(t, "indexed GB", c.IndexedGB, 4)
	assertClose(t, "one Insights scan", c.InsightsScanUSD, 4*0.005)
	assertClose(t, "declared Insights use", c.InsightsDeclaredUSD, (1*2+3*0.5)*0.005)
	assertClose(t, "break-even scans", c.BreakEvenScans, 2*720*0.24/(4*0.005))
	text := strings.Join(r.Assumptions, "\n")
	for _, want := range []string{"fixed floor $345.60 a month", "$0.02 for one CloudWatch Logs Insights scan", "it pays off above 17,280 full scans a month",
		"1 indexing + 1 search OCUs (with standby replicas)", "unverified"} {
		if !strings.Contains(text, want) {
			t.Errorf("assumptions lack %q:\n%s", want, text)
		}
	}

	// Without standby replicas the floor halves.
	r = analysisReport(t, AnalysisTier{Regions: []string{"eu-west-1"}})
	assertClose(t, "floor without standby", r.Analysis[0].FloorUSD, 720*0.24)
	if !strings.Contains(strings.Join(r.Assumptions, "\n"), "0.5 indexing + 0.5 search OCUs (without standby replicas") {
		t.Errorf("assumptions do not state the mode:\n%s", strings.Join(r.Assumptions, "\n"))
	}
}

func TestAnalysisRetentionAndIndexRatioFollowTheTier(t *testing.T) {
	r := analysisReport(t, AnalysisTier{Regions: []string{"eu-west-1"}, Tiers: []Tier{TierWarn}, RetentionDays: map[Tier]int{TierWarn: 14}, IndexRatio: 1.5})
	lines := analysisLines(r, "eu-west-1")
	l, ok := lines["WARN: OpenSearch Serverless storage, 14 days"]
	if !ok {
		t.Fatalf("no WARN storage line for 14 days: %v", lines)
	}
	assertClose(t, "GB-month", l.Quantity, 3.0/30*14*1.5)
	if _, ok := lines["ERROR: OpenSearch Serverless storage, 30 days"]; ok {
		t.Error("ERROR priced although only WARN is indexed")
	}
}

func TestAnalysisTierValidationListsEveryProblem(t *testing.T) {
	err := AnalysisTier{Tiers: []Tier{"FATAL"}, RetentionDays: map[Tier]int{TierError: 0, TierWarn: 4000}, IndexRatio: math.NaN()}.Validate()
	for _, want := range []string{"regions", "tiers[0]", "retentionDays.ERROR", "retentionDays.WARN", "indexRatio"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v lacks %s", err, want)
		}
	}
	ps, _ := LoadPriceSet(PriceSetUSEast1)
	if _, err := Estimate(analysisVolumes(), Architecture{Analysis: &AnalysisTier{}}, ps); err == nil || !strings.Contains(err.Error(), "analysis.regions") {
		t.Errorf("Estimate accepted an analysis tier without regions (%v)", err)
	}
}

// The analysis lines join the report Estimate built: the assumed
// service-regions and the line sources survive.
func TestAnalysisKeepsTheAssumedVolumesAndCarriesItsSource(t *testing.T) {
	v := analysisVolumes()
	v.Services[0].Regions[1].Assumed = true
	ps, err := LoadPriceSet(PriceSetUSEast1)
	if err != nil {
		t.Fatal(err)
	}
	a := Architecture{Analysis: &AnalysisTier{Regions: []string{"eu-west-1"}}, Sources: map[string]string{SourceAnalysis: "logs.analysis"}}
	r, err := Estimate(v, a, ps)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Assumed) != 1 || r.Assumed[0] != "api in us-east-1" {
		t.Errorf("assumed %q, want [api in us-east-1]", r.Assumed)
	}
	n := 0
	for _, l := range r.Lines {
		if l.Component == ComponentAnalysis {
			n++
			if l.Source != "logs.analysis" {
				t.Errorf("analysis line %q from %q", l.Item, l.Source)
			}
		}
	}
	if n == 0 {
		t.Fatal("no analysis lines")
	}
}
