package emsuite

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/testkit"
	"github.com/unitorm/unitorm/qb"
)

// Gauge holds floats of both widths, plain and nullable (the entity of
// the float tests).
type Gauge struct {
	ID  int64 `orm:"pk"`
	Seq int
	F32 float32
	F64 float64
	P32 *float32
	P64 *float64
}

// gaugeValues are the stored values of a Gauge.
type gaugeValues struct {
	f32 float32
	f64 float64
	p32 *float32
	p64 *float64
	seq int
}

func valuesOf(g *Gauge) gaugeValues {
	v := gaugeValues{f32: g.F32, f64: g.F64, seq: g.Seq}
	if g.P32 != nil {
		v.p32 = ptr(*g.P32)
	}
	if g.P64 != nil {
		v.p64 = ptr(*g.P64)
	}
	return v
}

// floatSeeds are the seeds of TestFloatsRoundTrip.
var floatSeeds = []uint64{1, 2, 3, 4}

// drawGauge fills g's floats with values drawn by rng (see DrawFloat32 and
// DrawFloat64); a pointer is nil one time in five.
func drawGauge(rng *rand.Rand, g *Gauge) {
	g.F32 = DrawFloat32(rng)
	g.F64 = DrawFloat64(rng)
	g.P32, g.P64 = nil, nil
	if rng.IntN(5) > 0 {
		g.P32 = ptr(DrawFloat32(rng))
	}
	if rng.IntN(5) > 0 {
		g.P64 = ptr(DrawFloat64(rng))
	}
}

// DrawFloat32 draws a finite float32: a random bit pattern (every
// magnitude, subnormals included), an extreme (±MaxFloat32,
// ±SmallestNonzeroFloat32, the smallest normal), a decimal of 7 to 9
// significant digits, -0, +0 or a small integer. The Mongo suite draws its
// values here too.
func DrawFloat32(rng *rand.Rand) float32 {
	switch rng.IntN(8) {
	case 0, 1:
		for {
			f := math.Float32frombits(rng.Uint32())
			if !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) {
				return f
			}
		}
	case 2:
		ext := []float32{math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32,
			-math.SmallestNonzeroFloat32, 0x1p-126, -0x1p-126, math.Nextafter32(1, 2), math.Nextafter32(1, 0)}
		return ext[rng.IntN(len(ext))]
	case 3, 4:
		f, _ := parseDecimal(rng, 7+rng.IntN(3), -45, 38, 32)
		return float32(f)
	case 5:
		return float32(math.Copysign(0, -1))
	case 6:
		return 0
	}
	return float32(rng.IntN(2001) - 1000)
}

// DrawFloat64 draws a finite float64 as DrawFloat32 does, with decimals of
// 15 to 17 significant digits and the float64 extremes (and the float32
// ones: a float64 column holds them as well).
func DrawFloat64(rng *rand.Rand) float64 {
	switch rng.IntN(8) {
	case 0, 1:
		for {
			f := math.Float64frombits(rng.Uint64())
			if !math.IsNaN(f) && !math.IsInf(f, 0) {
				return f
			}
		}
	case 2:
		ext := []float64{math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64,
			-math.SmallestNonzeroFloat64, 0x1p-1022, -0x1p-1022, math.MaxFloat32, math.SmallestNonzeroFloat32,
			math.Nextafter(1, 2), math.Nextafter(1, 0), 0.1, 1e23}
		return ext[rng.IntN(len(ext))]
	case 3, 4:
		f, _ := parseDecimal(rng, 15+rng.IntN(3), -324, 308, 64)
		return f
	case 5:
		return math.Copysign(0, -1)
	case 6:
		return 0
	}
	return float64(rng.IntN(2001) - 1000)
}

// parseDecimal draws a decimal of digits significant digits (a random sign,
// a decimal exponent between lo and hi) and parses it at bitSize, drawing
// again until the result is finite and not zero.
func parseDecimal(rng *rand.Rand, digits, lo, hi, bitSize int) (float64, string) {
	for {
		b := make([]byte, 0, digits+8)
		if rng.IntN(2) == 0 {
			b = append(b, '-')
		}
		b = append(b, byte('1'+rng.IntN(9)))
		for range digits - 1 {
			b = append(b, byte('0'+rng.IntN(10)))
		}
		s := fmt.Sprintf("%se%d", b, lo+rng.IntN(hi-lo+1)-(digits-1))
		f, err := strconv.ParseFloat(s, bitSize)
		if err == nil && f != 0 && !math.IsInf(f, 0) {
			return f, s
		}
	}
}

// negZeroBecomesZero reports whether b stores -0 in a float column as +0,
// which is the database's doing, not unitorm's:
//   - SQLite: a value stored in a column of REAL affinity that is a whole
//     number is written as an integer (a documented storage optimization),
//     and -0 is the integer 0;
//   - MySQL and MariaDB: FLOAT and DOUBLE columns store -0 as 0 (a -0
//     bound through the binary protocol reads back as 0 with either
//     protocol).
//
// PostgreSQL's real and double precision and MongoDB's doubles keep it.
func negZeroBecomesZero(b testkit.Backend) bool {
	return b == testkit.SQLite || b == testkit.MySQL || b == testkit.MariaDB
}

// storedF32 and storedF64 are what b gives back for a value written.
func storedF32(b testkit.Backend, f float32) float32 {
	if f == 0 && negZeroBecomesZero(b) {
		return 0
	}
	return f
}

func storedF64(b testkit.Backend, f float64) float64 {
	if f == 0 && negZeroBecomesZero(b) {
		return 0
	}
	return f
}

// sameF32 and sameF64 compare bit patterns: -0 is not 0.
func sameF32(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }
func sameF64(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

func fmtP32(p *float32) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprintf("%v (%#08x)", *p, math.Float32bits(*p))
}

func fmtP64(p *float64) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprintf("%v (%#016x)", *p, math.Float64bits(*p))
}

// checkGauge fails t unless got holds what b stores of want.
func checkGauge(t *testing.T, b testkit.Backend, what string, got *Gauge, want gaugeValues) {
	t.Helper()
	if got.Seq != want.seq {
		t.Fatalf("%s: gauge %d has seq %d, want %d", what, got.ID, got.Seq, want.seq)
	}
	if w := storedF32(b, want.f32); !sameF32(got.F32, w) {
		t.Errorf("%s: gauge %d f32 = %s, wrote %s, want %s", what, got.ID, fmtP32(&got.F32), fmtP32(&want.f32), fmtP32(&w))
	}
	if w := storedF64(b, want.f64); !sameF64(got.F64, w) {
		t.Errorf("%s: gauge %d f64 = %s, wrote %s, want %s", what, got.ID, fmtP64(&got.F64), fmtP64(&want.f64), fmtP64(&w))
	}
	switch {
	case (got.P32 == nil) != (want.p32 == nil):
		t.Errorf("%s: gauge %d p32 = %s, wrote %s", what, got.ID, fmtP32(got.P32), fmtP32(want.p32))
	case got.P32 != nil && !sameF32(*got.P32, storedF32(b, *want.p32)):
		t.Errorf("%s: gauge %d p32 = %s, wrote %s", what, got.ID, fmtP32(got.P32), fmtP32(want.p32))
	}
	switch {
	case (got.P64 == nil) != (want.p64 == nil):
		t.Errorf("%s: gauge %d p64 = %s, wrote %s", what, got.ID, fmtP64(got.P64), fmtP64(want.p64))
	case got.P64 != nil && !sameF64(*got.P64, storedF64(b, *want.p64)):
		t.Errorf("%s: gauge %d p64 = %s, wrote %s", what, got.ID, fmtP64(got.P64), fmtP64(want.p64))
	}
}

// TestFloatsRoundTrip: float32 and float64 values, plain and nullable,
// come back from the database with the bit pattern they were written with
// — every magnitude, subnormals, the extremes, decimals with more digits
// than the type's guaranteed precision, -0 — whether they were inserted
// (a VALUES list, and on PostgreSQL the unnest form of large batches) or
// updated (one row, and a batch), and whether they are read with Find
// without parameters (MySQL's text protocol), with parameters (its binary
// protocol) or with FindOne. The one exception is the database's own: -0
// reads back as +0 on SQLite, MySQL and MariaDB (see negZeroBecomesZero).
// An equality condition on each column finds the row just written. Seeded;
// a failure names the seed.
func TestFloatsRoundTrip(t *testing.T) {
	forEachBackendWith(t, func(c *unitorm.Config) { c.Entities = []any{Gauge{}} }, func(t *testing.T, e *env) {
		ctx := context.Background()
		checkNegZeroStored(t, e)
		seq := 0
		for _, seed := range floatSeeds {
			rng := rand.New(rand.NewPCG(seed, 0xf10a7))
			want := map[int64]gaugeValues{}
			w := e.fork()
			for _, n := range []int{150, 3} { // PostgreSQL: the unnest form, then VALUES
				batch := make([]*Gauge, n)
				for i := range batch {
					seq++
					batch[i] = &Gauge{Seq: seq}
					drawGauge(rng, batch[i])
					if err := w.Persist(batch[i]); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Flush(ctx); err != nil {
					t.Fatalf("seed %d: insert: %v", seed, err)
				}
				for _, g := range batch {
					want[g.ID] = valuesOf(g)
				}
			}
			checkGauges(t, e, fmt.Sprintf("seed %d, inserted", seed), want)
			checkGaugeConditions(t, e, fmt.Sprintf("seed %d, inserted", seed), want)

			// Updates: every row (a batch), then one row.
			m := e.fork()
			all, err := em.Find[Gauge](ctx, m, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range all {
				if _, ours := want[g.ID]; ours {
					drawGauge(rng, g)
					want[g.ID] = valuesOf(g)
				}
			}
			if err := m.Flush(ctx); err != nil {
				t.Fatalf("seed %d: update: %v", seed, err)
			}
			checkGauges(t, e, fmt.Sprintf("seed %d, updated", seed), want)
			one := all[rng.IntN(len(all))]
			drawGauge(rng, one)
			// A change from 0 to -0 (or back) is a change: its bits differ.
			one.F64 = math.Copysign(0, -1)
			if math.Signbit(want[one.ID].f64) || want[one.ID].f64 != 0 {
				one.F64 = 0
			}
			want[one.ID] = valuesOf(one)
			if err := m.Flush(ctx); err != nil {
				t.Fatalf("seed %d: update one: %v", seed, err)
			}
			checkGauges(t, e, fmt.Sprintf("seed %d, one updated", seed), want)
			checkGaugeConditions(t, e, fmt.Sprintf("seed %d, updated", seed), want)
		}
	})
}

// checkNegZeroStored asserts what the database itself does with a -0 sent
// by a bare statement and read back by a bare query (no entity, no
// hydration): negZeroBecomesZero must describe the database, not unitorm.
func checkNegZeroStored(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	negZero := math.Copysign(0, -1)
	if _, err := qb.InsertInto("gauge").Columns("seq", "f32", "f64").Values(-1, float32(negZero), negZero).Exec(ctx, e.orm.SQL()); err != nil {
		t.Fatal(err)
	}
	var rows []struct{ F32, F64 float64 }
	if err := qb.Select("f32", "f64").From("gauge").Where(qb.Cond{"seq": -1}).Scan(ctx, e.orm.SQL(), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("bare -0 row: %d rows", len(rows))
	}
	for _, f := range []float64{rows[0].F32, rows[0].F64} {
		if f != 0 || math.Signbit(f) == negZeroBecomesZero(e.b) {
			t.Fatalf("%s: a bare -0 reads back as %v (sign bit %v); negZeroBecomesZero says %v",
				e.b, f, math.Signbit(f), negZeroBecomesZero(e.b))
		}
	}
	if _, err := qb.DeleteFrom("gauge").Where(qb.Cond{"seq": -1}).Exec(ctx, e.orm.SQL()); err != nil {
		t.Fatal(err)
	}
}

// checkGauges loads the gauges of want into fresh EntityManagers, three
// ways, and checks their values.
func checkGauges(t *testing.T, e *env, what string, want map[int64]gaugeValues) {
	t.Helper()
	ctx := context.Background()
	check := func(how string, got []*Gauge) {
		t.Helper()
		n := 0
		for _, g := range got {
			if w, ok := want[g.ID]; ok {
				n++
				checkGauge(t, e.b, what+", "+how, g, w)
			}
		}
		if n != len(want) {
			t.Fatalf("%s, %s: %d of the %d gauges loaded", what, how, n, len(want))
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	got, err := em.Find[Gauge](ctx, e.fork(), nil)
	if err != nil {
		t.Fatal(err)
	}
	check("Find without parameters", got)
	got, err = em.Find[Gauge](ctx, e.fork(), qb.Cond{"seq": qb.Gte(0)}, em.OrderBy("id", qb.Asc), em.Limit(100000))
	if err != nil {
		t.Fatal(err)
	}
	check("Find with parameters", got)
	got = got[:0]
	m := e.fork()
	for _, id := range sampleIDs(want, 20) {
		g, err := em.FindOne[Gauge](ctx, m, id)
		if err != nil {
			t.Fatalf("%s: FindOne %d: %v", what, id, err)
		}
		checkGauge(t, e.b, what+", FindOne", g, want[id])
	}
	if t.Failed() {
		t.FailNow()
	}
}

// checkGaugeConditions checks that an equality condition on each float
// property, with the value written, finds the row (for some rows of want).
func checkGaugeConditions(t *testing.T, e *env, what string, want map[int64]gaugeValues) {
	t.Helper()
	ctx := context.Background()
	m := e.fork()
	for _, id := range sampleIDs(want, 15) {
		w := want[id]
		conds := []qb.Cond{{"f32": w.f32}, {"f64": w.f64}, {"p32": w.p32}, {"p64": w.p64}}
		if w.p32 != nil {
			conds = append(conds, qb.Cond{"p32": *w.p32})
		}
		if w.p64 != nil {
			conds = append(conds, qb.Cond{"p64": *w.p64})
		}
		for _, c := range conds {
			got, err := em.Find[Gauge](ctx, m, c)
			if err != nil {
				t.Fatalf("%s: %v: %v", what, c, err)
			}
			found := false
			for _, g := range got {
				found = found || g.ID == id
			}
			if !found {
				t.Errorf("%s: Find %v (gauge %d) finds %d rows, not the gauge", what, fmtCond(c), id, len(got))
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// sampleIDs returns n of want's keys spread over their order (the same
// ones on every run, so that a seed's failure repeats).
func sampleIDs(want map[int64]gaugeValues, n int) []int64 {
	ids := slices.Sorted(maps.Keys(want))
	if len(ids) <= n {
		return ids
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = ids[i*len(ids)/n]
	}
	return out
}

func fmtCond(c qb.Cond) string {
	for k, v := range c {
		switch x := v.(type) {
		case float32:
			return k + " = " + fmtP32(&x)
		case float64:
			return k + " = " + fmtP64(&x)
		case *float32:
			return k + " = " + fmtP32(x)
		case *float64:
			return k + " = " + fmtP64(x)
		}
	}
	return fmt.Sprint(map[string]any(c))
}
