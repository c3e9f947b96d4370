package mongotest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/emsuite"
	"github.com/unitorm/unitorm/qb"
)

// Gauge holds floats of both widths, plain and nullable.
type Gauge struct {
	ID  string `orm:"pk"`
	Seq int
	F32 float32
	F64 float64
	P32 *float32
	P64 *float64
}

// gaugeFloats are a gauge's floats as the doubles MongoDB stores (a
// float32 is a double holding the same value); nil is NULL.
func gaugeFloats(g *Gauge) map[string]*float64 {
	out := map[string]*float64{"f32": ptrTo(float64(g.F32)), "f64": ptrTo(g.F64), "p32": nil, "p64": nil}
	if g.P32 != nil {
		out["p32"] = ptrTo(float64(*g.P32))
	}
	if g.P64 != nil {
		out["p64"] = ptrTo(*g.P64)
	}
	return out
}

func ptrTo[T any](v T) *T { return &v }

func drawGauge(rng *rand.Rand, g *Gauge) {
	g.F32, g.F64 = emsuite.DrawFloat32(rng), emsuite.DrawFloat64(rng)
	g.P32, g.P64 = nil, nil
	if rng.IntN(5) > 0 {
		g.P32 = ptrTo(emsuite.DrawFloat32(rng))
	}
	if rng.IntN(5) > 0 {
		g.P64 = ptrTo(emsuite.DrawFloat64(rng))
	}
}

func fmtF(p *float64) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprintf("%v (%#016x)", *p, math.Float64bits(*p))
}

// serverKeepsNegZero asks the server, with the official driver alone,
// whether a -0 double reads back as -0. MongoDB keeps it (a BSON double);
// FerretDB v1 stores 0.
func serverKeepsNegZero(e *env) bool {
	e.t.Helper()
	coll := e.drv.Database().Collection("negzero_probe")
	res, err := coll.InsertOne(e.ctx, bson.D{{Key: "x", Value: math.Copysign(0, -1)}})
	if err != nil {
		e.t.Fatal(err)
	}
	var doc struct{ X float64 }
	if err := coll.FindOne(e.ctx, bson.D{{Key: "_id", Value: res.InsertedID}}).Decode(&doc); err != nil {
		e.t.Fatal(err)
	}
	if doc.X != 0 {
		e.t.Fatalf("-0 reads back as %v", doc.X)
	}
	return math.Signbit(doc.X)
}

// TestFloatsRoundTrip is the MongoDB side of emsuite's test of the same
// name: float32 and float64 values, plain and nullable, drawn across every
// magnitude, the extremes, decimals of more digits than the type holds,
// and -0, are sent with their exact bit patterns (the commands are
// checked), read back with them by a fresh EntityManager after an insert
// and after an update, and found by an equality condition. The only
// exception is the server's: a -0 reads back as 0 where the server does
// not keep it (FerretDB; serverKeepsNegZero asks it). Seeded.
func TestFloatsRoundTrip(t *testing.T) {
	e := newEnv(t, Gauge{})
	keepsNegZero := serverKeepsNegZero(e)
	stored := func(f *float64) *float64 {
		if f != nil && *f == 0 && !keepsNegZero {
			return ptrTo(0.0)
		}
		return f
	}
	same := func(a, b *float64) bool {
		return a == nil && b == nil || a != nil && b != nil && math.Float64bits(*a) == math.Float64bits(*b)
	}
	for _, seed := range []uint64{1, 2, 3} {
		rng := rand.New(rand.NewPCG(seed, 0xf10a7))
		m := e.fork()
		gauges := make([]*Gauge, 90)
		for i := range gauges {
			gauges[i] = &Gauge{Seq: i}
			drawGauge(rng, gauges[i])
			if err := m.Persist(gauges[i]); err != nil {
				t.Fatal(err)
			}
		}
		for round, what := range []string{"inserted", "updated"} {
			if round == 1 {
				for _, g := range gauges {
					drawGauge(rng, g)
				}
			}
			wrote := make([]map[string]*float64, len(gauges))
			for i, g := range gauges {
				wrote[i] = gaugeFloats(g)
			}
			mark := e.mon.mark()
			e.flush(m)
			want := map[string]map[string]*float64{}
			for i, g := range gauges {
				want[g.ID] = wrote[i]
			}
			if round == 0 {
				// The insert commands carry the exact doubles.
				n := 0
				for _, c := range e.mon.since(mark) {
					if c.name != "insert" {
						continue
					}
					docs, _ := c.body.Lookup("documents").ArrayOK()
					vals, _ := docs.Values()
					for _, v := range vals {
						doc := v.Document()
						id := doc.Lookup("_id").ObjectID().Hex()
						if want[id] == nil {
							t.Fatalf("seed %d: insert of an unknown gauge %s", seed, id)
						}
						for prop, w := range want[id] {
							var got *float64
							if f, ok := doc.Lookup(prop).DoubleOK(); ok {
								got = &f
							}
							if !same(got, w) {
								t.Fatalf("seed %d: insert sends %s = %s for gauge %s, want %s", seed, prop, fmtF(got), id, fmtF(w))
							}
						}
						n++
					}
				}
				if n != len(gauges) {
					t.Fatalf("seed %d: %d documents inserted, want %d", seed, n, len(gauges))
				}
			}
			got, err := em.Find[Gauge](e.ctx, e.fork(), qb.Cond{"id": qb.In(anyIDs(gauges)...)})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(gauges) {
				t.Fatalf("seed %d, %s: %d gauges loaded, want %d", seed, what, len(got), len(gauges))
			}
			for _, g := range got {
				for prop, v := range gaugeFloats(g) {
					if w := stored(want[g.ID][prop]); !same(v, w) {
						t.Errorf("seed %d, %s: gauge %s %s = %s, wrote %s", seed, what, g.ID, prop, fmtF(v), fmtF(want[g.ID][prop]))
					}
				}
			}
			if t.Failed() {
				t.FailNow()
			}
			for _, g := range gauges[:12] {
				var p32, p64 any
				if g.P32 != nil {
					p32 = *g.P32
				}
				if g.P64 != nil {
					p64 = *g.P64
				}
				for _, c := range []qb.Cond{{"f32": g.F32}, {"f64": g.F64}, {"p32": p32}, {"p64": p64}} {
					found, err := em.Find[Gauge](e.ctx, e.fork(), c)
					if err != nil {
						t.Fatal(err)
					}
					ok := false
					for _, f := range found {
						ok = ok || f.ID == g.ID
					}
					if !ok {
						t.Errorf("seed %d, %s: Find %v does not find gauge %s", seed, what, c, g.ID)
					}
				}
			}
		}
	}
}

func anyIDs(gs []*Gauge) []any {
	out := make([]any, len(gs))
	for i, g := range gs {
		out[i] = g.ID
	}
	return out
}

// TestNonFiniteFloats: ±Inf and NaN are stored and read back on a server
// that has them (MongoDB: BSON doubles), and refused before any command is
// sent on one that has not (FerretDB refuses an infinity and drops the
// connection on a NaN): a *em.ValidationError naming the entity and the
// property. Which the server is comes from the driver
// (Driver.NonFiniteFloats); that FerretDB refuses an infinity sent anyway
// is asserted here.
func TestNonFiniteFloats(t *testing.T) {
	e := newEnv(t, Gauge{})
	inf, nan := e.drv.NonFiniteFloats()
	if !inf {
		_, err := e.drv.Database().Collection("gauge").InsertOne(e.ctx, bson.D{{Key: "f64", Value: math.Inf(1)}})
		if err == nil {
			t.Fatal("the server stores +Inf: Driver.NonFiniteFloats should say so")
		}
	}
	for _, v := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		ok := inf
		if math.IsNaN(v) {
			ok = nan
		}
		for _, prop := range []string{"f32", "f64", "p32", "p64"} {
			g := &Gauge{}
			switch prop {
			case "f32":
				g.F32 = float32(v)
			case "f64":
				g.F64 = v
			case "p32":
				g.P32 = ptrTo(float32(v))
			case "p64":
				g.P64 = ptrTo(v)
			}
			m := e.fork()
			if err := m.Persist(g); err != nil {
				t.Fatal(err)
			}
			mark := e.mon.mark()
			err := m.Flush(e.ctx)
			if !ok {
				var ve *em.ValidationError
				if !errors.As(err, &ve) || len(ve.Violations) != 1 || ve.Violations[0].Entity != "Gauge" ||
					ve.Violations[0].Property != prop || ve.Violations[0].Rule != "float" {
					t.Fatalf("%s = %v: error %v, want a *em.ValidationError on Gauge.%s", prop, v, err, prop)
				}
				if sent := e.mon.names(mark); len(sent) > 0 {
					t.Fatalf("%s = %v: refused after sending %v", prop, v, sent)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s = %v: %v", prop, v, err)
			}
			got, err := em.FindOne[Gauge](e.ctx, e.fork(), g.ID)
			if err != nil {
				t.Fatal(err)
			}
			f := gaugeFloats(got)[prop]
			if f == nil || (math.IsNaN(v) != math.IsNaN(*f)) || (!math.IsNaN(v) && *f != v) {
				t.Fatalf("%s = %v reads back as %s", prop, v, fmtF(f))
			}
		}
	}
}
