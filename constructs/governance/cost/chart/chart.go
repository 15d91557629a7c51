// Package chart draws a cost report as SVG with gonum.org/v1/plot: the
// total of both architectures against the budget, naive against declared
// per component, and the declared cost by region and by service.
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

// MaxServices is how many services the by-service panel names; the rest
// are summed into one bar.
const MaxServices = 12

var (
	naiveColor    = color.RGBA{R: 0xb0, G: 0xb0, B: 0xb0, A: 0xff}
	declaredColor = color.RGBA{R: 0x2b, G: 0x6c, B: 0xb0, A: 0xff}
	budgetColor   = color.RGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}
)

// SVG renders r; budgetUSD > 0 draws the budget line on the totals.
// Equal inputs give equal bytes.
func SVG(r *cost.Report, budgetUSD float64) ([]byte, error) {
	if r == nil {
		return nil, fmt.Errorf("chart: no cost report")
	}
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	var comps []cost.Row
	for _, row := range r.ByComponent {
		if row.Naive != 0 || row.Declared != 0 {
			comps = append(comps, row)
		}
	}
	panels := []*plot.Plot{}
	total, err := bars("Total per month", []cost.Row{r.Total}, true, budgetUSD)
	if err != nil {
		return nil, err
	}
	byComp, err := bars("By component", comps, true, 0)
	if err != nil {
		return nil, err
	}
	byRegion, err := bars("Declared by region", r.ByRegion, false, 0)
	if err != nil {
		return nil, err
	}
	byService, err := bars("Declared by service", topServices(r.ByService), false, 0)
	if err != nil {
		return nil, err
	}
	panels = append(panels, total, byComp, byRegion, byService)

	const w, h = 28 * vg.Centimeter, 20 * vg.Centimeter
	canvas := vgsvg.NewWith(vgsvg.UseWH(w, h), vgsvg.EmbedFonts(false))
	dc := draw.New(canvas)
	tiles := draw.Tiles{Rows: 2, Cols: 2, PadX: vg.Centimeter, PadY: vg.Centimeter, PadTop: vg.Centimeter, PadBottom: vg.Centimeter / 2, PadLeft: vg.Centimeter / 2, PadRight: vg.Centimeter / 2}
	for i, p := range panels {
		p.Draw(tiles.At(dc, i%2, i/2))
	}
	title := fmt.Sprintf("Observability cost estimate (%s per month, price set %s)", r.Units.Currency, r.PriceSet.Name)
	sty := draw.TextStyle{Color: color.Black, Font: font.From(plot.DefaultFont, 14), XAlign: draw.XCenter, YAlign: draw.YTop, Handler: plot.DefaultTextHandler}
	dc.FillText(sty, vg.Point{X: w / 2, Y: h - vg.Centimeter/4}, title)
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}

// topServices keeps the MaxServices most expensive services (declared) in
// report order and sums the rest.
func topServices(rows []cost.Row) []cost.Row {
	if len(rows) <= MaxServices {
		return rows
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return rows[idx[a]].Declared > rows[idx[b]].Declared })
	keep := map[int]bool{}
	for _, i := range idx[:MaxServices-1] {
		keep[i] = true
	}
	var out []cost.Row
	other := cost.Row{Name: fmt.Sprintf("%d others", len(rows)-(MaxServices-1))}
	for i, row := range rows {
		if keep[i] {
			out = append(out, row)
		} else {
			other.Naive += row.Naive
			other.Declared += row.Declared
		}
	}
	return append(out, other)
}

func bars(title string, rows []cost.Row, withNaive bool, budgetUSD float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "USD"
	p.Y.Min = 0
	p.Y.Tick.Marker = usdTicks{}
	names := make([]string, len(rows))
	naive, declared := make(plotter.Values, len(rows)), make(plotter.Values, len(rows))
	for i, row := range rows {
		names[i], naive[i], declared[i] = row.Name, row.Naive, row.Declared
	}
	width := vg.Points(18)
	if len(rows) > 6 {
		width = vg.Points(9)
	}
	d, err := plotter.NewBarChart(declared, width)
	if err != nil {
		return nil, fmt.Errorf("chart: %s: %w", title, err)
	}
	d.Color, d.LineStyle.Width = declaredColor, 0
	if withNaive {
		n, err := plotter.NewBarChart(naive, width)
		if err != nil {
			return nil, fmt.Errorf("chart: %s: %w", title, err)
		}
		n.Color, n.LineStyle.Width = naiveColor, 0
		n.Offset, d.Offset = -width/2, width/2
		p.Add(n)
		p.Legend.Add("naive", n)
	}
	p.Add(d)
	p.Legend.Add("declared", d)
	top := budgetUSD
	for i := range rows {
		top = max(top, declared[i])
		if withNaive {
			top = max(top, naive[i])
		}
	}
	p.Y.Max = top * 1.3 // room for the legend and the value labels
	if len(rows) <= 8 {
		if withNaive {
			if err := valueLabels(p, naive, -width/2); err != nil {
				return nil, err
			}
			if err := valueLabels(p, declared, width/2); err != nil {
				return nil, err
			}
		} else if err := valueLabels(p, declared, 0); err != nil {
			return nil, err
		}
	}
	if budgetUSD > 0 {
		line, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: budgetUSD}, {X: float64(len(rows)) - 0.5, Y: budgetUSD}})
		if err != nil {
			return nil, fmt.Errorf("chart: budget: %w", err)
		}
		line.Color, line.Width, line.Dashes = budgetColor, vg.Points(2), []vg.Length{vg.Points(6), vg.Points(3)}
		p.Add(line)
		p.Legend.Add(fmt.Sprintf("budget $%.0f", budgetUSD), line)
	}
	p.Legend.Top = true
	p.NominalX(names...)
	if len(rows) > 4 {
		p.X.Tick.Label.Rotation = 0.6
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YTop
	}
	return p, nil
}

// valueLabels writes each non-zero value above its bar, so small declared
// bars next to large naive ones stay readable.
func valueLabels(p *plot.Plot, vals plotter.Values, dx vg.Length) error {
	var xys plotter.XYs
	var texts []string
	for i, v := range vals {
		if v == 0 || (len(vals) > 1 && v < p.Y.Max/40) { // too short to be told apart from its neighbour
			continue
		}
		xys = append(xys, plotter.XY{X: float64(i), Y: v})
		texts = append(texts, "$"+strconv.FormatFloat(v, 'f', 0, 64))
	}
	if len(xys) == 0 {
		return nil
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts})
	if err != nil {
		return fmt.Errorf("chart: labels: %w", err)
	}
	l.Offset = vg.Point{X: dx, Y: vg.Points(3)}
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign = draw.XCenter
		l.TextStyle[i].Font.Size = vg.Points(8)
	}
	p.Add(l)
	return nil
}

// usdTicks labels the cost axis in whole dollars.
type usdTicks struct{}

func (usdTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = fmt.Sprintf("$%.0f", ticks[i].Value)
		}
	}
	return ticks
}

// Mermaid renders the per-component comparison as a Mermaid xychart
// (declared as bars, naive as a line) in a fenced block, with a heading.
func Mermaid(r *cost.Report) string {
	var names, naive, declared []string
	for _, row := range r.ByComponent {
		if row.Naive == 0 && row.Declared == 0 {
			continue
		}
		names = append(names, fmt.Sprintf("%q", row.Name))
		naive = append(naive, fmt.Sprintf("%.2f", row.Naive))
		declared = append(declared, fmt.Sprintf("%.2f", row.Declared))
	}
	if len(names) == 0 {
		return ""
	}
	var b bytes.Buffer
	b.WriteString("## Chart\n\nDeclared (bars) against naive (line) per component, " + r.Units.Currency + " per month; `cost.svg` next to this file adds the totals, regions and services.\n\n")
	b.WriteString("```mermaid\nxychart-beta\n")
	fmt.Fprintf(&b, "  title \"Monthly cost per component (%s)\"\n", r.Units.Currency)
	fmt.Fprintf(&b, "  x-axis [%s]\n", join(names))
	fmt.Fprintf(&b, "  y-axis \"%s per month\"\n", r.Units.Currency)
	fmt.Fprintf(&b, "  bar [%s]\n", join(declared))
	fmt.Fprintf(&b, "  line [%s]\n", join(naive))
	b.WriteString("```\n\n")
	return b.String()
}

func join(ss []string) string {
	var b bytes.Buffer
	for i, s := range ss {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s)
	}
	return b.String()
}
