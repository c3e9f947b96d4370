package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
	"unicode/utf8"
)

// chart is one ratio table drawn as grouped horizontal bars: per group (a
// row of the table, e.g. a phase) one bar per series (a column, e.g. a
// library), its length the ratio.
type chart struct {
	title  string
	groups []string
	series []string
	values [][]float64 // values[group][series]; NaN = no value
	// ref draws a dashed line at this ratio (default 1); target, when set,
	// a second one (e.g. the 5× goal against MikroORM).
	ref, target float64
}

// palette colours the series in order (colour-blind-safe Okabe–Ito).
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

const (
	svgWidth   = 760
	rightSpace = 70 // room for the last bar's value
	barHeight  = 11
	groupGap   = 8
	titleSpace = 36
	axisSpace  = 22
	chartGap   = 24
)

// chartHeight is the height one chart takes, legend included.
func chartHeight(c chart) int {
	return titleSpace + len(c.groups)*(len(c.series)*barHeight+groupGap) + axisSpace + legendHeight(c)
}

func legendHeight(c chart) int { return ((len(c.series) + 3) / 4) * 16 }

// hasValues reports whether c has a value to draw.
func (c chart) hasValues() bool {
	for _, g := range c.values {
		for _, v := range g {
			if !math.IsNaN(v) {
				return true
			}
		}
	}
	return false
}

// writeSVG draws charts one below the other as a standalone SVG document;
// charts without a value are left out.
func writeSVG(w io.Writer, all []chart) {
	var charts []chart
	for _, c := range all {
		if c.hasValues() {
			charts = append(charts, c)
		}
	}
	h := 0
	for _, c := range charts {
		h += chartHeight(c) + chartGap
	}
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n",
		svgWidth, h, svgWidth, h)
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" fill="#fff"/>`+"\n")
	y := 0
	for _, c := range charts {
		drawChart(w, c, y)
		y += chartHeight(c) + chartGap
	}
	fmt.Fprintln(w, "</svg>")
}

// scaleMax is the ratio the plot's right edge stands for: the largest
// value, reference or target, rounded up to a tick.
func scaleMax(c chart) float64 {
	m := math.Max(c.refOr1(), c.target)
	for _, g := range c.values {
		for _, v := range g {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				m = math.Max(m, v)
			}
		}
	}
	step := tickStep(m)
	return math.Ceil(m/step) * step
}

func (c chart) refOr1() float64 {
	if c.ref == 0 {
		return 1
	}
	return c.ref
}

// tickStep picks 1, 2 or 5 × 10^k giving at most 10 ticks up to m.
func tickStep(m float64) float64 {
	if m <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(m)))
	for _, f := range []float64{0.1, 0.2, 0.5, 1, 2, 5} {
		if m/(f*p) <= 10 {
			return f * p
		}
	}
	return 10 * p
}

// labelWidth is the room left of the plot for c's longest group label
// (about 6.5 px a character at 11 px), at least 80 px.
func labelWidth(c chart) int {
	n := 0
	for _, g := range c.groups {
		n = max(n, utf8.RuneCountInString(g))
	}
	return max(80, n*13/2+12)
}

func drawChart(w io.Writer, c chart, y0 int) {
	esc := html.EscapeString
	labelWidth := labelWidth(c)
	plotWidth := svgWidth - labelWidth - rightSpace
	fmt.Fprintf(w, `<text x="4" y="%d" font-size="13" font-weight="bold">%s</text>`+"\n", y0+16, esc(c.title))
	top := y0 + titleSpace
	plotH := len(c.groups) * (len(c.series)*barHeight + groupGap)
	m := scaleMax(c)
	x := func(v float64) float64 { return float64(labelWidth) + v/m*float64(plotWidth) }
	// Grid and ticks.
	step := tickStep(m)
	for t := 0.0; t <= m+step/2; t += step {
		fmt.Fprintf(w, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", x(t), top, x(t), top+plotH)
		fmt.Fprintf(w, `<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>`+"\n", x(t), top+plotH+14, trimFloat(t))
	}
	line := func(v float64, colour, label string) {
		fmt.Fprintf(w, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-dasharray="4 3"/>`+"\n", x(v), top-4, x(v), top+plotH, colour)
		fmt.Fprintf(w, `<text x="%.1f" y="%d" text-anchor="middle" fill="%s">%s</text>`+"\n", x(v), top-6, colour, esc(label))
	}
	line(c.refOr1(), "#333", trimFloat(c.refOr1())+"×")
	if c.target > 0 {
		line(c.target, "#c00", "target "+trimFloat(c.target)+"×")
	}
	y := top
	for gi, g := range c.groups {
		gh := len(c.series) * barHeight
		fmt.Fprintf(w, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", labelWidth-6, y+gh/2+4, esc(g))
		for si := range c.series {
			v := nan
			if gi < len(c.values) && si < len(c.values[gi]) {
				v = c.values[gi][si]
			}
			by := y + si*barHeight
			if math.IsNaN(v) {
				fmt.Fprintf(w, `<text x="%d" y="%d" fill="#999">—</text>`+"\n", labelWidth+3, by+barHeight-2)
				continue
			}
			fmt.Fprintf(w, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %s: %.2f</title></rect>`+"\n",
				labelWidth, by+1, math.Max(x(v)-float64(labelWidth), 0.5), barHeight-2, palette[si%len(palette)], esc(g), esc(c.series[si]), v)
			fmt.Fprintf(w, `<text x="%.1f" y="%d" fill="#333">%.2f</text>`+"\n", x(v)+3, by+barHeight-2, v)
		}
		y += gh + groupGap
	}
	// Legend, four series a line.
	ly := top + plotH + axisSpace
	for si, s := range c.series {
		lx := labelWidth + (si%4)*(plotWidth/4)
		row := ly + (si/4)*16
		fmt.Fprintf(w, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/>`+"\n", lx, row, palette[si%len(palette)])
		fmt.Fprintf(w, `<text x="%d" y="%d">%s</text>`+"\n", lx+14, row+9, esc(s))
	}
}

func trimFloat(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}
