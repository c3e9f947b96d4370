package main

import (
	"bytes"
	"strings"
	"testing"
)

const sampleOutput = `goos: linux
BenchmarkRead/pgx-2         	   10000	    100000 ns/op	     754 B/op	      10 allocs/op
BenchmarkRead/unitorm-2     	   10000	    120000 ns/op	    7152 B/op	     126 allocs/op
BenchmarkRead/pgx-2         	   10000	    300000 ns/op	     754 B/op	      10 allocs/op
BenchmarkRead/pgx-2         	   10000	    110000 ns/op	     754 B/op	      10 allocs/op
BenchmarkUoW/db=postgres/n=10000/op=insert/lib=unitorm-2 	1	200000000 ns/op	1 B/op	2 allocs/op
BenchmarkUoW/db=postgres/n=10000/op=insert/lib=pgx-2     	1	100000000 ns/op	1 B/op	2 allocs/op
PASS
`

func TestParseAndSummarize(t *testing.T) {
	samples, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != 6 {
		t.Fatalf("parsed %d samples, want 6", len(samples))
	}
	st := summarize(samples)
	tests := []struct {
		name        string
		n           int
		ns, allocs  float64
		spreadAbove float64
	}{
		{"Read/pgx", 3, 110000, 10, 90},
		{"Read/unitorm", 1, 120000, 126, -1},
		{"UoW/db=postgres/n=10000/op=insert/lib=pgx", 1, 1e8, 2, -1},
	}
	for _, tt := range tests {
		s, ok := st[tt.name]
		if !ok {
			t.Fatalf("%s missing from %v", tt.name, st)
		}
		if s.n != tt.n || s.ns != tt.ns || s.alloc != tt.allocs || s.spread() <= tt.spreadAbove {
			t.Errorf("%s = %+v (spread %.0f%%), want n=%d ns=%v allocs=%v", tt.name, s, s.spread(), tt.n, tt.ns, tt.allocs)
		}
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestWriteRatios(t *testing.T) {
	samples, _ := parse(strings.NewReader(sampleOutput))
	var buf bytes.Buffer
	write(&buf, "test", [][2]string{{"CPU", "x"}}, summarize(samples), "")
	out := buf.String()
	for _, want := range []string{
		"| unitorm | — | — | — | 1.09 | — |", // Read ratio 120000/110000
		"| insert | 200.00 ms | ±0% | 2 | — | 100.00 ms | 2.00 |",
		"| CPU | x |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

// TestMemoryMetrics reads BenchmarkMemoryPerEntity's custom metrics and
// writes its section with their ratio.
func TestMemoryMetrics(t *testing.T) {
	in := "BenchmarkMemoryPerEntity-2   \t       1\t2928104820 ns/op\t       251.1 B/entity\t        65.49 B/plain-row\t         3.834 x-plain\n"
	ss, err := parse(strings.NewReader(in))
	if err != nil || len(ss) != 1 {
		t.Fatalf("parse: %v, %d samples", err, len(ss))
	}
	if ss[0].entity != 251.1 || ss[0].plain != 65.49 {
		t.Fatalf("metrics %v / %v, want 251.1 / 65.49", ss[0].entity, ss[0].plain)
	}
	var b strings.Builder
	writeMemory(&b, summarize(ss))
	if !strings.Contains(b.String(), "| 251.1 B | 65.5 B | 3.83× |") {
		t.Fatalf("section:\n%s", b.String())
	}
}
