package chart

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

func report() *cost.Report {
	return &cost.Report{
		Units:       cost.Units{Currency: "USD"},
		PriceSet:    cost.PriceSet{Name: "test"},
		Total:       cost.Row{Name: "total", Naive: 1000, Declared: 120},
		ByComponent: []cost.Row{{Name: "logs", Naive: 600, Declared: 100}, {Name: "traces", Naive: 400, Declared: 20}, {Name: "alarms"}},
		ByRegion:    []cost.Row{{Name: "eu-west-1", Naive: 1000, Declared: 120}},
		ByService:   []cost.Row{{Name: "checkout", Naive: 1000, Declared: 120}},
	}
}

func texts(t *testing.T, svg []byte) []string {
	t.Helper()
	var out []string
	dec := xml.NewDecoder(bytes.NewReader(svg))
	in := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("cost.svg is not XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			in = x.Name.Local == "text"
		case xml.CharData:
			if in {
				out = append(out, strings.TrimSpace(string(x)))
			}
		case xml.EndElement:
			in = false
		}
	}
}

func TestSVGShowsPanelsComponentsValuesAndTheBudget(t *testing.T) {
	svg, err := SVG(report(), 500)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(texts(t, svg), "|")
	for _, want := range []string{"Total per month", "By component", "Declared by region", "Declared by service", "logs", "traces", "eu-west-1", "checkout", "$1,000", "$120", "budget $500", "naive", "declared"} {
		if !strings.Contains(got, want) {
			t.Errorf("cost.svg has no text %q; texts: %s", want, got)
		}
	}
	if strings.Contains(got, "|alarms|") {
		t.Error("a component without cost is drawn")
	}
	none, err := SVG(report(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.Join(texts(t, none), "|"), "budget") {
		t.Error("budget line drawn without a budget")
	}
}

func TestSVGIsDeterministic(t *testing.T) {
	a, _ := SVG(report(), 500)
	b, _ := SVG(report(), 500)
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings of one report differ")
	}
}

func TestTopServicesSumsTheRest(t *testing.T) {
	var rows []cost.Row
	for i := range 30 {
		rows = append(rows, cost.Row{Name: string(rune('a'+i%26)) + string(rune('a'+i/26)), Declared: float64(i)})
	}
	got := topServices(rows)
	if len(got) != MaxServices {
		t.Fatalf("%d bars, want %d", len(got), MaxServices)
	}
	last := got[len(got)-1]
	if last.Name != "19 others" || last.Declared != 0+1+2+3+4+5+6+7+8+9+10+11+12+13+14+15+16+17+18 {
		t.Errorf("others bar = %+v", last)
	}
}

func TestMermaidListsEveryPricedComponent(t *testing.T) {
	m := Mermaid(report())
	for _, want := range []string{"```mermaid\nxychart-beta\n", `x-axis ["logs", "traces"]`, "bar [100.00, 20.00]", "line [600.00, 400.00]"} {
		if !strings.Contains(m, want) {
			t.Errorf("mermaid block lacks %q:\n%s", want, m)
		}
	}
	if _, err := SVG(nil, 0); err == nil {
		t.Error("nil report: no error")
	}
}

// Costs four orders of magnitude apart are all written out, so a declared
// cost next to a naive one thousands of times larger stays readable.
func TestSVGWritesEveryNonZeroValueWhateverItsSize(t *testing.T) {
	r := report()
	r.ByComponent = []cost.Row{{Name: "metrics", Naive: 73429.2, Declared: 393.97}, {Name: "alarms", Naive: 9.3, Declared: 9.3}, {Name: "forwarding", Naive: 17.86, Declared: 29.9}}
	svg, err := SVG(r, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := "|" + strings.Join(texts(t, svg), "|") + "|"
	for _, want := range []string{"|$73,429|", "|$394|", "|$9.30|", "|$17.86|", "|$29.90|"} {
		if !strings.Contains(got, want) {
			t.Errorf("cost.svg has no value %q; texts: %s", want, got)
		}
	}
	if strings.Contains(string(svg), "Serif") {
		t.Error("a text of cost.svg is in a serif font; every text is in the sans font")
	}
}

func TestUSD(t *testing.T) {
	for v, want := range map[float64]string{0: "$0", 9.3: "$9.30", 99.99: "$99.99", 100: "$100", 1234.5: "$1,234", 87404.45: "$87,404", 1234567: "$1,234,567"} {
		if got := usd(v); got != want {
			t.Errorf("usd(%v) = %q, want %q", v, got, want)
		}
	}
}
