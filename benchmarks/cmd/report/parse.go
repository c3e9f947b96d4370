package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// sample is one benchmark result line.
type sample struct {
	name   string // full name without "Benchmark" and the -GOMAXPROCS suffix
	ns     float64
	bytes  float64
	allocs float64
	// entity and plain are BenchmarkMemoryPerEntity's metrics: heap bytes
	// per managed entity and per plain scanned row.
	entity, plain float64
	// cpuWall is BenchmarkUoW's metric: the process's CPU time over the
	// wall time of the timed parts (see cpuMeter).
	cpuWall float64
}

// stats are the medians of one benchmark's samples.
type stats struct {
	n                int
	ns, bytes, alloc float64
	min, max         float64 // ns/op
	entity, plain    float64 // medians of the memory metrics (see sample)
	cpuWall          float64 // median of the CPU share (see sample)
}

// spread is the half-range of ns/op around the median, in percent.
func (s stats) spread() float64 {
	if s.ns == 0 {
		return 0
	}
	return (s.max - s.min) / 2 / s.ns * 100
}

// The metrics after ns/op come in the order the benchmark reported them,
// so each is found on its own.
var (
	entityRE = regexp.MustCompile(`\s([\d.]+) B/entity`)
	plainRE  = regexp.MustCompile(`\s([\d.]+) B/plain-row`)
	bytesRE  = regexp.MustCompile(`\s([\d.]+) B/op`)
	allocsRE = regexp.MustCompile(`\s([\d.]+) allocs/op`)
	cpuRE    = regexp.MustCompile(`\s([\d.]+) cpu/wall`)
)

var lineRE = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op`)

// parse reads `go test -bench` output and returns the samples in order.
func parse(r io.Reader) ([]sample, error) {
	var out []sample
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := lineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		s := sample{name: m[1]}
		s.ns, _ = strconv.ParseFloat(m[2], 64)
		for _, f := range []struct {
			re  *regexp.Regexp
			dst *float64
		}{{bytesRE, &s.bytes}, {allocsRE, &s.allocs}, {entityRE, &s.entity}, {plainRE, &s.plain}, {cpuRE, &s.cpuWall}} {
			if x := f.re.FindStringSubmatch(sc.Text()); x != nil {
				*f.dst, _ = strconv.ParseFloat(x[1], 64)
			}
		}
		out = append(out, s)
	}
	return out, sc.Err()
}

// summarize groups samples by name and takes medians.
func summarize(samples []sample) map[string]stats {
	by := map[string][]sample{}
	for _, s := range samples {
		by[s.name] = append(by[s.name], s)
	}
	out := make(map[string]stats, len(by))
	for name, ss := range by {
		ns := make([]float64, len(ss))
		bs := make([]float64, len(ss))
		as := make([]float64, len(ss))
		es := make([]float64, len(ss))
		ps := make([]float64, len(ss))
		cs := make([]float64, len(ss))
		for i, s := range ss {
			ns[i], bs[i], as[i], es[i], ps[i], cs[i] = s.ns, s.bytes, s.allocs, s.entity, s.plain, s.cpuWall
		}
		st := stats{n: len(ss), ns: median(ns), bytes: median(bs), alloc: median(as), entity: median(es), plain: median(ps), cpuWall: median(cs)}
		st.min, st.max = ns[0], ns[len(ns)-1] // sorted by median
		out[name] = st
	}
	return out
}

// median sorts xs and returns its median.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}

// params splits "UoW/db=postgres/n=10000/op=insert/lib=pgx" into its
// top-level name and key=value parts; parts without "=" are stored under
// "sub".
func params(name string) (string, map[string]string) {
	parts := strings.Split(name, "/")
	kv := map[string]string{}
	for _, p := range parts[1:] {
		if k, v, ok := strings.Cut(p, "="); ok {
			kv[k] = v
		} else {
			kv["sub"] = p
		}
	}
	return parts[0], kv
}

// duration formats nanoseconds with a unit that suits them.
func duration(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func count(x float64) string {
	s := strconv.FormatFloat(x, 'f', 0, 64)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[0] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
