package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
)

const uowOutput = `BenchmarkUoW/db=sqlite/n=10000/op=insert/lib=unitorm-2 	1	60000000 ns/op	         0.9512 cpu/wall	1 B/op	2 allocs/op
BenchmarkUoW/db=sqlite/n=10000/op=insert/lib=sql-2     	1	40000000 ns/op	1 B/op	2 allocs/op
BenchmarkUoW/db=sqlite/n=10000/op=insert/lib=sql-fast-2	1	30000000 ns/op	1 B/op	2 allocs/op
BenchmarkUoW/db=sqlite/n=10000/op=find/lib=unitorm-2   	1	20000000 ns/op	1 B/op	2 allocs/op
BenchmarkUoW/db=sqlite/n=10000/op=find/lib=sql-2       	1	10000000 ns/op	1 B/op	2 allocs/op
BenchmarkUoWForms/db=mariadb/n=10000/op=update/lib=case300-2    	3	400000000 ns/op
BenchmarkUoWForms/db=mariadb/n=10000/op=update/lib=json-table-2 	3	200000000 ns/op
`

const mikroOutput = `BenchmarkMikroORM/db=postgres/n=10000/op=insert/lib=mikroorm 	1	250000000 ns/op
BenchmarkMikroORM/db=postgres/n=10000/op=insert/lib=mikroorm 	1	230000000 ns/op
BenchmarkMikroORM/db=postgres/n=10000/op=insert/lib=unitorm-2	1	50000000 ns/op	1 B/op	2 allocs/op
BenchmarkMikroORM/db=postgres/n=10000/op=insert/lib=pgx-2    	1	40000000 ns/op	1 B/op	2 allocs/op
BenchmarkMikroORM/db=postgres/n=10000/op=insert/lib=pgx-arrays-2	1	20000000 ns/op	1 B/op	2 allocs/op
`

func TestUoWBaselinesPerDatabase(t *testing.T) {
	samples, _ := parse(strings.NewReader(uowOutput))
	var buf bytes.Buffer
	charts := write(&buf, "test", nil, summarize(samples), "R.svg")
	out := buf.String()
	for _, want := range []string{
		"drawn in [R.svg](R.svg)",
		"same statements (sql) | × same | fastest form (sql-fast) |",
		"| insert | 60.00 ms | ±0% | 2 | 0.95 | 40.00 ms | 1.50 | 30.00 ms | 2.00 |", // cpu/wall before B/op
		"| find | 20.00 ms | ±0% | 2 | — | 10.00 ms | 2.00 | 10.00 ms | 2.00 |",      // find's one baseline in both columns
		"| update | **json-table** | 200.00 ms | ±0% | 200.00 ms | 1 | 0.50 |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if len(charts) != 2 {
		t.Fatalf("%d charts, want the UoW table's and the forms'", len(charts))
	}
	if got := charts[0].values[0]; got[0] != 1.5 || got[1] != 2 {
		t.Errorf("UoW chart insert bars = %v, want [1.5 2]", got)
	}
}

func TestMikroORMSection(t *testing.T) {
	samples, _ := parse(strings.NewReader(mikroOutput))
	var buf bytes.Buffer
	ch := writeMikro(&buf, [][2]string{{"date", "d"}}, summarize(samples))
	out := buf.String()
	if !strings.HasPrefix(out, mikroBegin) || !strings.HasSuffix(out, mikroEnd+"\n") {
		t.Errorf("section is not between its markers:\n%s", out)
	}
	// MikroORM's median (240 ms) ÷ unitorm's 50 ms; unitorm ÷ pgx, ÷ pgx-arrays.
	if want := "| postgres | insert | 240.00 ms | 50.00 ms | **4.80** | 40.00 ms | 1.25 | 20.00 ms | 2.50 |"; !strings.Contains(out, want) {
		t.Errorf("section lacks %q:\n%s", want, out)
	}
	if ch == nil || ch.target != mikroGoal || ch.values[0][0] != 4.8 || !math.IsNaN(ch.values[1][0]) {
		t.Errorf("chart = %+v, want insert 4.8 and no find bar", ch)
	}
	if writeMikro(io.Discard, nil, summarize(nil)) != nil {
		t.Error("a chart without MikroORM samples")
	}
}

func TestSVGIsWellFormed(t *testing.T) {
	charts := []chart{
		{title: "a <b> & c", groups: []string{"x", "y"}, series: []string{"s1", "s2"}, values: [][]float64{{1.5, nan}, {0.25, 12}}, target: 5},
		{title: "empty", groups: []string{"x"}, series: []string{"s"}, values: [][]float64{{nan}}},
	}
	var buf bytes.Buffer
	writeSVG(&buf, charts)
	dec := xml.NewDecoder(&buf)
	rects, texts := 0, []string{}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local == "rect" {
				rects++
			}
		case xml.CharData:
			texts = append(texts, string(el))
		}
	}
	all := strings.Join(texts, "|")
	// background + 3 bars + 2 legend swatches; the empty chart is left out.
	if rects != 6 || strings.Contains(all, "empty") || !strings.Contains(all, "a <b> & c") || !strings.Contains(all, "target 5×") {
		t.Errorf("rects = %d, texts %q", rects, all)
	}
}

func TestTickStep(t *testing.T) {
	for _, tt := range []struct{ m, want float64 }{{1, 0.1}, {3.5, 0.5}, {12, 2}, {0.6, 0.1}, {70, 10}} {
		if got := tickStep(tt.m); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("tickStep(%v) = %v, want %v", tt.m, got, tt.want)
		}
	}
}
