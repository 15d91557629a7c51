// Package chart draws a cost report as SVG with gonum.org/v1/plot: the
// total of both architectures against the budget, naive against declared
// per component, and the declared cost by region and by service.
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
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

// legendEntry is the height of one legend entry; panelDataHeight about
// the height of a panel's bars (the SVG's height less titles and axes,
// halved).
const (
	legendEntry     = vg.Length(14)
	panelDataHeight = vg.Length(180)
)

// bars draws one panel as horizontal bars, the first row at the top, each
// bar with its value at its end: costs that differ by orders of magnitude
// (naive metrics against declared alarms) all stay readable.
func bars(title string, rows []cost.Row, withNaive bool, budgetUSD float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "USD per month"
	p.X.Min = 0
	p.X.Tick.Marker = usdTicks{}
	names := make([]string, len(rows))
	naive, declared := make(plotter.Values, len(rows)), make(plotter.Values, len(rows))
	for i, row := range rows {
		j := len(rows) - 1 - i // NominalY counts from the bottom
		names[j], naive[j], declared[j] = row.Name, row.Naive, row.Declared
	}
	width := vg.Points(14)
	if len(rows) > 6 {
		width = vg.Points(9)
	}
	d, err := plotter.NewBarChart(declared, width)
	if err != nil {
		return nil, fmt.Errorf("chart: %s: %w", title, err)
	}
	d.Color, d.LineStyle.Width, d.Horizontal = declaredColor, 0, true
	dy := vg.Length(0)
	if withNaive {
		n, err := plotter.NewBarChart(naive, width)
		if err != nil {
			return nil, fmt.Errorf("chart: %s: %w", title, err)
		}
		n.Color, n.LineStyle.Width, n.Horizontal = naiveColor, 0, true
		// naive above declared in each row
		n.Offset, d.Offset, dy = width/2, -width/2, width/2
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
	p.X.Max = top * 1.35 // room for the value labels
	if withNaive {
		if err := valueLabels(p, naive, dy); err != nil {
			return nil, err
		}
	}
	if err := valueLabels(p, declared, -dy); err != nil {
		return nil, err
	}
	if budgetUSD > 0 {
		line, err := plotter.NewLine(plotter.XYs{{X: budgetUSD, Y: -0.5}, {X: budgetUSD, Y: float64(len(rows)) - 0.5}})
		if err != nil {
			return nil, fmt.Errorf("chart: budget: %w", err)
		}
		line.Color, line.Width, line.Dashes = budgetColor, vg.Points(2), []vg.Length{vg.Points(6), vg.Points(3)}
		p.Add(line)
		p.Legend.Add(fmt.Sprintf("budget %s", usd(budgetUSD)), line)
	}
	// The legend's first entry sits on the title's line, right of it;
	// the rows get an empty band above them for the other entries, so
	// the legend never covers a bar or its value.
	p.Legend.Top, p.Legend.Left = true, false
	p.Legend.YOffs = legendEntry
	p.Legend.Padding = vg.Points(2)
	extra := 0 // legend entries after the first
	if withNaive {
		extra++
	}
	if budgetUSD > 0 {
		extra++
	}
	band := legendEntry * vg.Length(extra)
	p.Y.Min = -0.5
	p.Y.Max = float64(len(rows)) - 0.5 + float64(band/(panelDataHeight-band))*float64(len(rows))
	p.NominalY(names...)
	return p, nil
}

// valueLabels writes each non-zero value right of its bar's end.
func valueLabels(p *plot.Plot, vals plotter.Values, dy vg.Length) error {
	var xys plotter.XYs
	var texts []string
	for i, v := range vals {
		if v == 0 {
			continue
		}
		xys = append(xys, plotter.XY{X: v, Y: float64(i)})
		texts = append(texts, usd(v))
	}
	if len(xys) == 0 {
		return nil
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts})
	if err != nil {
		return fmt.Errorf("chart: labels: %w", err)
	}
	l.Offset = vg.Point{X: vg.Points(3), Y: dy}
	for i := range l.TextStyle {
		l.TextStyle[i].Font = font.From(plot.DefaultFont, 9)
		l.TextStyle[i].XAlign, l.TextStyle[i].YAlign = draw.XLeft, draw.YCenter
	}
	p.Add(l)
	return nil
}

// usd formats a cost: whole dollars with thousands separators from $100,
// cents below unless whole.
func usd(v float64) string {
	if v < 100 && v != math.Trunc(v) {
		return "$" + strconv.FormatFloat(v, 'f', 2, 64)
	}
	s := strconv.FormatFloat(v, 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return "$" + s
}

// usdTicks labels the cost axis in whole dollars.
type usdTicks struct{}

func (usdTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = usd(ticks[i].Value)
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
