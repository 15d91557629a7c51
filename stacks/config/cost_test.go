package config

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

// TestCostBlockMirrorsTheCostModel checks that every struct of the cost
// block has exactly the fields of its cost model counterpart, every one
// with a yaml key, so mirror can never drop or invent a field.
func TestCostBlockMirrorsTheCostModel(t *testing.T) {
	var walk func(path string, block, model reflect.Type)
	walk = func(path string, block, model reflect.Type) {
		switch block.Kind() {
		case reflect.Struct:
			if block.NumField() != model.NumField() {
				t.Errorf("%s: %s has %d fields, %s %d", path, block, block.NumField(), model, model.NumField())
			}
			for i := 0; i < block.NumField(); i++ {
				f := block.Field(i)
				if f.Tag.Get("yaml") == "" || f.Tag.Get("json") == "" {
					t.Errorf("%s.%s has no yaml or json key", path, f.Name)
				}
				m, ok := model.FieldByName(f.Name)
				if !ok {
					t.Errorf("%s.%s: no such field in %s", path, f.Name, model)
					continue
				}
				if m.Tag != "" {
					t.Errorf("%s.%s: the cost model's field carries tags %q", path, f.Name, m.Tag)
				}
				walk(path+"."+f.Name, f.Type, m.Type)
			}
		case reflect.Slice, reflect.Map:
			walk(path+"[]", block.Elem(), model.Elem())
		default:
			if !block.ConvertibleTo(model) || !model.ConvertibleTo(block) {
				t.Errorf("%s: %s and %s do not convert", path, block, model)
			}
		}
	}
	walk("cost", reflect.TypeOf(Cost{}), reflect.TypeOf(cost.Inputs{}))
}

func TestDefaultCostBlockMapsBackToTheDefaultInputs(t *testing.T) {
	if got, want := Default().costModel(), cost.DefaultInputs(); !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip changed the default:\n got %+v\nwant %+v", got, want)
	}
}

// The architecture is no longer declared in the cost block: the old keys
// are unknown fields, reported by path.
func TestCostBlockHasNoSecondDeclarationOfTheArchitecture(t *testing.T) {
	_, err := Parse("p.yaml", []byte(billingBase+"billing: {monthlyUSD: 10}\ncost:\n  architecture: {logs: {tiers: {warn: {retentionDays: 14}}}}\n  volumes: {services: [{name: a, regions: [{region: us-east-1, requestsPerSecond: 1}], alarms: {standard: 3}}]}\n"))
	if err == nil {
		t.Fatal("cost.architecture and cost.volumes.services[0].alarms were accepted")
	}
	for _, want := range []string{`cost: unknown field "architecture"`, `cost.volumes.services[0]: unknown field "alarms"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestCostBlockDecodesTrafficAndAssumptions(t *testing.T) {
	p, err := Parse("p.yaml", []byte(billingBase+`billing: {monthlyUSD: 10}
cost:
  pricing: {base: seed, overrides: {xray.tracesRecordedPerMillion: 5.5}}
  volumes:
    services:
      - name: a
        regions: [{region: us-east-1, requestsPerSecond: 3}]
        metrics: {groups: [{name: red, metrics: 3, dimensions: {Endpoint: 4}}]}
        traces: {errorShare: 0.02, slowShare: 0.01}
    grafana: {editors: 2, viewers: 10}
  assumptions:
    logs: {compressionRatio: 0.5, insightsScan: {error: 2}}
    metricPublishing: {mode: statisticSets, flushInterval: 30s}
    forwarder: {lambdaDuration: 3s}
  budget: {monthlyUSD: 20000, warnShare: 0.9}
`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.CostConfig()
	if err != nil {
		t.Fatal(err)
	}
	s := c.Volumes.Services[0]
	a := c.Architecture
	switch {
	case c.Pricing.Base != "seed" || c.Pricing.Overrides["xray.tracesRecordedPerMillion"] != 5.5:
		t.Errorf("pricing %+v", c.Pricing)
	case s.Regions[0].RequestsPerSecond != 3 || s.Regions[0].Assumed || s.Metrics.Groups[0].Dimensions["Endpoint"] != 4 || s.Traces.ErrorShare != 0.02:
		t.Errorf("service %+v", s)
	case a.Logs.CompressionRatio != 0.5 || a.Logs.Tiers.Error.InsightsScanShare != 2 || a.MetricPublishing.FlushInterval != 30*time.Second || a.Forwarder.LambdaDuration != 3*time.Second:
		t.Errorf("assumptions %+v", a)
	case c.Volumes.Grafana.Viewers != 10 || c.Budget.MonthlyUSD != 20000:
		t.Errorf("grafana %+v budget %+v", c.Volumes.Grafana, c.Budget)
	}
	if _, err := c.Estimate(); err != nil {
		t.Fatal(err)
	}
}

// A config without a cost block still gets a report, from assumed
// traffic that every line and the report label.
func TestConfigWithoutVolumesPricesAssumedTraffic(t *testing.T) {
	r := estimate(t, billingBase+"billing: {monthlyUSD: 10}\n")
	if len(r.Assumed) != 1 || r.Assumed[0] != "a in us-east-1" || r.Total.Declared <= 0 {
		t.Fatalf("assumed %v, declared %v", r.Assumed, r.Total.Declared)
	}
	if !strings.Contains(string(r.Markdown()), "## Assumed volumes") || !strings.Contains(r.Table(), "ASSUMED volumes for 1 service-region") {
		t.Error("the report does not label the assumed volumes")
	}
	for _, l := range r.Lines {
		if l.Component == cost.ComponentLogs && !strings.Contains(l.Source, "assumed traffic") {
			t.Errorf("log line %q does not say it is assumed: %q", l.Item, l.Source)
		}
	}
}

// A budget guards nothing on assumed traffic: the error names the missing
// entries by config path.
func TestBudgetWithoutVolumesNamesTheMissingFields(t *testing.T) {
	doc := "regions: [us-east-1, eu-west-1]\nservices: [{name: a}, {name: b}]\nbilling: {monthlyUSD: 10}\n" +
		"cost:\n  budget: {monthlyUSD: 500}\n  volumes: {services: [{name: a, regions: [{region: us-east-1, requestsPerSecond: 5}]}]}\n"
	_, err := Parse("p.yaml", []byte(doc))
	if err == nil {
		t.Fatal("a budget over assumed traffic was accepted")
	}
	for _, want := range []string{"cost.volumes.services", "a cost.volumes.services entry for b", "cost.volumes.services[0].regions for eu-west-1", "cost.budget.monthlyUSD"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestCostVolumesNameThePlatformsServicesAndRegions(t *testing.T) {
	_, err := Parse("p.yaml", []byte(billingBase+"billing: {monthlyUSD: 10}\ncost: {volumes: {services: [{name: nope, regions: [{region: eu-north-1, requestsPerSecond: 1}]}]}}\n"))
	if err == nil {
		t.Fatal("unknown service and region accepted")
	}
	for _, want := range []string{"cost.volumes.services[0].name", "nope", "cost.volumes.services[0].regions[0].region", "eu-north-1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// --- The declared cost follows the config: each change below moves the
// declared total by exactly the amount the test computes from the price
// table and the formulas in the cost package's doc.

const formulaBase = `regions: [us-east-1]
services: [{name: api}]
billing: {disabled: true}
cost:
  volumes:
    services:
      - name: api
        regions: [{region: us-east-1, requestsPerSecond: 100}]
        logs: {linesPerRequest: 10, bytesPerLine: 500, tiers: {error: 0.01, warn: 0.04, info: 0.55, debug: 0.4}}
        traces: {errorShare: 0.01, slowShare: 0.01}
    grafana: {editors: 1, viewers: 4}
`

func declaredTotal(t *testing.T, doc string) float64 {
	t.Helper()
	return estimate(t, doc).Total.Declared
}

// estimate parses doc and prices its derived cost config.
func estimate(t *testing.T, doc string) *cost.Report {
	t.Helper()
	p, err := Parse("p.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.CostConfig()
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func price(t *testing.T, key string) float64 {
	t.Helper()
	ps, err := cost.LoadPriceSet(cost.PriceSetUSEast1)
	if err != nil {
		t.Fatal(err)
	}
	usd, unit := ps.UnitPrice(key)
	if unit == "" {
		t.Fatalf("no price %s", key)
	}
	return usd
}

func assertMoves(t *testing.T, base, changed string, want float64) {
	t.Helper()
	got := declaredTotal(t, changed) - declaredTotal(t, base)
	if want == 0 || math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Fatalf("declared cost moved by %.10f, want %.10f", got, want)
	}
}

// monthGB is the base service's monthly log volume in GB: 100 req/s × 10
// lines × 500 bytes × 2,592,000 s ÷ 1e9.
const monthGB = 100 * 10 * 500 * 2592000 / 1e9

func TestWarnRetentionMovesTheDeclaredCost(t *testing.T) {
	changed := formulaBase + "logs: {tiers: {warn: {retentionDays: 14}}}\n"
	// WARN is 4% of the volume, stored 14 instead of 7 days (steady state:
	// daily volume × days).
	want := 0.04 * monthGB / 30 * (14 - 7) * price(t, cost.PriceLogsStorage)
	assertMoves(t, formulaBase, changed, want)
}

func TestInfoDestinationMovesTheDeclaredCost(t *testing.T) {
	changed := formulaBase + "logs: {tiers: {info: {destination: cloudwatch}}}\n"
	info := 0.55 * monthGB
	// Before: S3 Standard for the archive's 30 days, Glacier Instant
	// Retrieval until its 365-day expiry, one PUT per 64 MB object.
	s3 := info/30*30*price(t, cost.PriceS3Standard) + info/30*(365-30)*price(t, cost.PriceS3GlacierInstantRetrieval) +
		info*1e9/64e6*price(t, cost.PriceS3PutRequests)
	// After: Standard ingestion and 14 days (INFO's default) of storage.
	cw := info*price(t, cost.PriceLogsIngestionStandard) + info/30*14*price(t, cost.PriceLogsStorage)
	assertMoves(t, formulaBase, changed, cw-s3)
}

func TestSamplingBaselineMovesTheDeclaredCost(t *testing.T) {
	rules := func(rate float64) string {
		return "sampling: {rules: [{name: catch-all, priority: 9000, fixedRate: " + strconv.FormatFloat(rate, 'f', -1, 64) + ", reservoirSize: 1}]}\n"
	}
	base, changed := formulaBase+rules(0.05), formulaBase+rules(0.10)
	requests := 100.0 * 2592000
	reservoir := 1.0 * 2592000
	// Ordinary requests (98%) after the reservoir, sampled 5 more percent.
	want := 0.98 * (requests - reservoir) * 0.05 * price(t, cost.PriceXRayTracesRecorded)
	assertMoves(t, base, changed, want)
}

func TestForwarderScheduleMovesTheDeclaredCost(t *testing.T) {
	changed := formulaBase + "metrics: {forwarder: {schedule: 10m}}\n"
	// The default forwarded set for a service without an API: its Lambda
	// Duration with Average, Maximum and Minimum: 1 series, 3 queries.
	declared := func(schedule time.Duration) float64 {
		runs := 2592000 / schedule.Seconds()
		perWindow := schedule.Seconds() / 60
		recordBytes := perWindow * 350
		roundUp := func(x, unit float64) float64 { return math.Ceil(x/unit) * unit }
		return 3*runs*price(t, cost.PriceGetMetricData) +
			runs*price(t, cost.PriceLambdaRequests) +
			runs*2*256.0/1024*price(t, cost.PriceLambdaArm64GBSecond) +
			runs*roundUp(recordBytes, 1024)/1e9*price(t, cost.PriceKinesisOnDemandIngested) +
			runs*roundUp(recordBytes, 5*1024)/1e9*price(t, cost.PriceFirehoseIngested)
	}
	assertMoves(t, formulaBase, changed, declared(10*time.Minute)-declared(5*time.Minute))
}

func TestOneMoreAlarmMovesTheDeclaredCost(t *testing.T) {
	metric := func(id string) string {
		return "{id: " + id + ", namespace: AWS/Lambda, metricName: Duration, dimensions: {FunctionName: \"{service}\"}}"
	}
	base := formulaBase + "alarms: {metrics: [" + metric("one") + "]}\n"
	changed := formulaBase + "alarms: {metrics: [" + metric("one") + ", " + metric("two") + "]}\n"
	// One more anomaly-band alarm: 3 standard alarm metrics.
	assertMoves(t, base, changed, 3*price(t, cost.PriceAlarmStandard))
}

func TestGrafanaViewersMoveTheDeclaredCostOnlyWithAWorkspace(t *testing.T) {
	withWorkspace := formulaBase + "grafana: {mode: both}\n"
	more := strings.Replace(withWorkspace, "viewers: 4", "viewers: 9", 1)
	assertMoves(t, withWorkspace, more, 5*price(t, cost.PriceGrafanaViewer))
	// The default mode creates no workspace, so its users cost nothing.
	if a, b := declaredTotal(t, formulaBase), declaredTotal(t, strings.Replace(formulaBase, "viewers: 4", "viewers: 9", 1)); a != b {
		t.Fatalf("viewers priced without a workspace: %v then %v", a, b)
	}
}

func TestCostPricesTransactionSearchAsSamplingConfiguresIt(t *testing.T) {
	base := "regions: [us-east-1]\nservices: [{name: a}]\nbilling: {monthlyUSD: 10}\n" +
		"cost: {volumes: {services: [{name: a, regions: [{region: us-east-1, requestsPerSecond: 10}]}]}%s}\n"
	cases := []struct {
		name, cost, sampling string
		disabled             bool
		pct, spansPerTrace   float64
	}{
		{"sampling's percentage", "", "sampling: {transactionSearch: {indexingPercentage: 5}}\n", false, 5, 0},
		// The cost block only assumes the spans' shape; what is indexed is
		// sampling's.
		{"the spans' shape from the assumptions", ", assumptions: {transactionSearch: {spansPerTrace: 4}}", "sampling: {transactionSearch: {indexingPercentage: 5}}\n", false, 5, 4},
		{"off when sampling turns it off", "",
			"sampling: {tailSampling: {exporter: xray-legacy}, transactionSearch: {disabled: true}}\n", true, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse("p.yaml", []byte(fmt.Sprintf(base, c.cost)+c.sampling))
			if err != nil {
				t.Fatal(err)
			}
			cc, err := p.CostConfig()
			if err != nil {
				t.Fatal(err)
			}
			ts := cc.Architecture.TransactionSearch
			if ts.Disabled != c.disabled || ts.IndexingPercentage != c.pct || ts.SpansPerTrace != c.spansPerTrace {
				t.Errorf("transactionSearch = %+v, want disabled %v, indexingPercentage %g, spansPerTrace %g", ts, c.disabled, c.pct, c.spansPerTrace)
			}
		})
	}
}

// Six additional statistics on a streamed metric bill two more metric
// updates per update (one per set of up to five), for the one service in
// the stream region, every minute.
func TestStreamStatisticsMoveTheDeclaredCost(t *testing.T) {
	base := formulaBase + "metrics: {regions: {us-east-1: stream}}\n"
	changed := formulaBase + "metrics:\n  regions: {us-east-1: stream}\n  stream:\n    statistics:\n" +
		"      - {namespace: AWS/Lambda, metricName: Duration, statistics: [p50, p90, p95, p99, p99.9, tm99]}\n"
	assertMoves(t, base, changed, 2*cost.MinutesPerMonth*price(t, cost.PriceMetricStreamUpdates))
	r := estimate(t, changed)
	found := false
	for _, l := range r.Lines {
		if strings.Contains(l.Item, "6 additional statistics of AWS/Lambda/Duration") {
			found = true
			if !strings.Contains(l.Source, "metrics.stream.statistics") {
				t.Errorf("line %q does not name metrics.stream.statistics: %q", l.Item, l.Source)
			}
		}
	}
	if !found {
		t.Error("no line prices the additional statistics")
	}
}
