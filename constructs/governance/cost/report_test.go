package cost

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func defaultReport(t testing.TB) *Report {
	t.Helper()
	r, err := DefaultConfig().Estimate()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDefaultPlatformReportMatchesGolden(t *testing.T) {
	r := defaultReport(t)
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file string
		got  []byte
	}{
		{"default-report.json", js},
		{"default-report.md", r.Markdown()},
		{"default-table.txt", []byte(r.Table())},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.WriteFile(path, tc.got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(tc.got, want) {
				t.Errorf("%s differs from the golden file; review the diff and run go test -update", tc.file)
			}
		})
	}
}

func TestEveryLineIsQuantityTimesUnitPrice(t *testing.T) {
	r := defaultReport(t)
	for _, l := range r.Lines {
		if !closeTo(l.CostUSD, l.Quantity*l.UnitPriceUSD) {
			t.Errorf("%+v: %g × %g != %g", l, l.Quantity, l.UnitPriceUSD, l.CostUSD)
		}
		if l.Quantity <= 0 || l.Unit == "" || l.Item == "" || l.Service == "" || l.Region == "" {
			t.Errorf("incomplete line %+v", l)
		}
		if l.PriceKey == "" && l.UnitPriceUSD != 0 {
			t.Errorf("priced line without a price key: %+v", l)
		}
	}
}

func TestTotalsAndBreakdownsAreSumsOfLines(t *testing.T) {
	r := defaultReport(t)
	for _, arch := range []string{Naive, Declared} {
		total, _ := costOf(r, func(l Line) bool { return l.Architecture == arch })
		pick := func(row Row) float64 {
			if arch == Naive {
				return row.Naive
			}
			return row.Declared
		}
		assertClose(t, arch+" total", pick(r.Total), total)
		for name, rows := range map[string][]Row{"component": r.ByComponent, "region": r.ByRegion, "service": r.ByService} {
			sum := 0.0
			for _, row := range rows {
				sum += pick(row)
			}
			assertClose(t, arch+" sum by "+name, sum, total)
		}
	}
	for _, row := range append([]Row{r.Total}, r.ByComponent...) {
		assertClose(t, row.Name+" savings", row.Savings, row.Naive-row.Declared)
		if row.Naive > 0 {
			assertClose(t, row.Name+" savings %", row.SavingsPercent, row.Savings/row.Naive*100)
		}
	}
}

func TestReportIsIndependentOfInputOrder(t *testing.T) {
	a := DefaultConfig()
	b := DefaultConfig()
	s := b.Volumes.Services
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	for i := range s {
		rs := s[i].Regions
		rs[0], rs[len(rs)-1] = rs[len(rs)-1], rs[0]
	}
	ra, err := a.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := ra.JSON()
	jb, _ := rb.JSON()
	if !bytes.Equal(ja, jb) {
		t.Fatal("reordering services and regions changed the report")
	}
}

func TestReportOrdersComponentsRegionsAndServices(t *testing.T) {
	r := defaultReport(t)
	var names []string
	for _, row := range r.ByComponent {
		names = append(names, row.Name)
	}
	if got := strings.Join(names, ","); got != "logs,traces,spans,metrics,alarms,forwarding,metricStreams,grafana" {
		t.Errorf("components = %s", got)
	}
	names = names[:0]
	for _, row := range r.ByRegion {
		names = append(names, row.Name)
	}
	if got := strings.Join(names, ","); got != "ap-southeast-1,eu-west-1,us-east-1" {
		t.Errorf("regions = %s", got)
	}
	names = names[:0]
	for _, row := range r.ByService {
		names = append(names, row.Name)
	}
	if got := strings.Join(names, ","); got != "auth-service,checkout-api,health-check,order-service,(shared)" {
		t.Errorf("services = %s", got)
	}
	if r.Lines[0].Architecture != Declared || r.Lines[len(r.Lines)-1].Architecture != Naive {
		t.Error("declared lines must come first")
	}
}

func TestJSONRoundsFloatNoiseAndKeepsSources(t *testing.T) {
	js, err := defaultReport(t).JSON()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(js, []byte("00000000001")) || bytes.Contains(js, []byte("99999999999")) {
		t.Error("JSON carries float noise")
	}
	var decoded struct {
		PriceSet PriceSet `json:"priceSet"`
		Lines    []Line   `json:"lines"`
	}
	if err := json.Unmarshal(js, &decoded); err != nil {
		t.Fatal(err)
	}
	for _, l := range decoded.Lines {
		if l.PriceKey != "" && !strings.Contains(l.PriceKey, "*") && decoded.PriceSet.Prices[l.PriceKey].Source == "" {
			t.Errorf("line %q has no sourced price %q", l.Item, l.PriceKey)
		}
	}
}

func TestTableShowsEveryComponentWithACostRegionsAndTotal(t *testing.T) {
	r := defaultReport(t)
	table := r.Table()
	lines := strings.Split(strings.TrimRight(table, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "Observability cost estimate (price set us-east-1-2026-11") {
		t.Errorf("title = %q", lines[0])
	}
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "total") || !strings.Contains(last, money(r.Total.Declared)) || !strings.HasSuffix(last, percent(r.Total.SavingsPercent)) {
		t.Errorf("total line = %q", last)
	}
	for _, row := range append(r.ByComponent, r.ByRegion...) {
		if !strings.Contains(table, "\n"+row.Name+" ") {
			t.Errorf("table lacks %s", row.Name)
		}
	}
	if len(lines) > 16 {
		t.Errorf("table has %d lines; it is printed after every synth", len(lines))
	}
}
