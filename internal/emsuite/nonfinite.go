package emsuite

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/testkit"
	"github.com/unitorm/unitorm/qb"
)

// nonFiniteStored says which non-finite floats b's float columns store:
//   - PostgreSQL: ±Inf and NaN (real and double precision);
//   - SQLite: ±Inf; a NaN is bound as NULL (SQLite has no NaN value);
//   - MySQL, MariaDB: neither; the server fails the statement ("Out of
//     range value", error 1264).
func nonFiniteStored(b testkit.Backend) (inf, nan bool) {
	switch b {
	case testkit.Postgres:
		return true, true
	case testkit.SQLite:
		return true, false
	}
	return false, false
}

// gaugeProps are the float properties of Gauge, each with a setter.
var gaugeProps = []struct {
	name string
	set  func(g *Gauge, f float64)
	get  func(g *Gauge) (float64, bool)
}{
	{"f32", func(g *Gauge, f float64) { g.F32 = float32(f) }, func(g *Gauge) (float64, bool) { return float64(g.F32), true }},
	{"f64", func(g *Gauge, f float64) { g.F64 = f }, func(g *Gauge) (float64, bool) { return g.F64, true }},
	{"p32", func(g *Gauge, f float64) { g.P32 = ptr(float32(f)) }, func(g *Gauge) (float64, bool) {
		if g.P32 == nil {
			return 0, false
		}
		return float64(*g.P32), true
	}},
	{"p64", func(g *Gauge, f float64) { g.P64 = ptr(f) }, func(g *Gauge) (float64, bool) {
		if g.P64 == nil {
			return 0, false
		}
		return *g.P64, true
	}},
}

// sameNonFinite reports whether got is the non-finite want: the same
// infinity, or a NaN (NaN payloads are not kept: PostgreSQL writes its own).
func sameNonFinite(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return got == want
}

// checkFloatRefused fails t unless err is the *em.ValidationError of one
// "float" violation on Gauge.prop and no statement ran since mark.
func checkFloatRefused(t *testing.T, e *env, what string, err error, prop string, mark int) {
	t.Helper()
	var ve *em.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, em.ErrValidation) {
		t.Fatalf("%s: error %v (%T), want a *em.ValidationError", what, err, err)
	}
	if len(ve.Violations) != 1 || ve.Violations[0].Entity != "Gauge" || ve.Violations[0].Property != prop ||
		ve.Violations[0].Rule != "float" {
		t.Fatalf("%s: violations %+v, want one of rule float on Gauge.%s", what, ve.Violations, prop)
	}
	if ran := e.rec.since(mark); len(ran) > 0 {
		t.Fatalf("%s: refused after running %q", what, ran)
	}
}

// TestNonFiniteFloats: ±Inf and NaN in a float property, plain or nullable,
// are stored and read back where the database has them (nonFiniteStored),
// and elsewhere refused before any statement runs — by a flush that
// inserts or updates them, by Upsert and by NativeInsert — with a typed
// error naming the entity and the property; the EntityManager stays
// usable. What the database does with such a value when it is sent anyway
// is asserted too, so the refusal follows the database and not a guess. A
// NaN loaded from the database is no change: a flush after loading it
// sends nothing.
func TestNonFiniteFloats(t *testing.T) {
	forEachBackendWith(t, func(c *unitorm.Config) { c.Entities = []any{Gauge{}} }, func(t *testing.T, e *env) {
		ctx := context.Background()
		inf, nan := nonFiniteStored(e.b)
		d := e.orm.Dialect()
		if d.Has(dialect.FloatInfinity) != inf || d.Has(dialect.FloatNaN) != nan {
			t.Fatalf("dialect %s: FloatInfinity %v, FloatNaN %v; the database stores ±Inf: %v, NaN: %v",
				d.Name(), d.Has(dialect.FloatInfinity), d.Has(dialect.FloatNaN), inf, nan)
		}
		seq := 0
		for _, v := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
			stored := inf
			if math.IsNaN(v) {
				stored = nan
			}
			for _, p := range gaugeProps {
				what := fmt.Sprintf("%s = %v", p.name, v)
				// Insert.
				seq++
				g := &Gauge{Seq: seq}
				p.set(g, v)
				m := e.fork()
				if err := m.Persist(g); err != nil {
					t.Fatal(err)
				}
				mark := e.rec.mark()
				err := m.Flush(ctx)
				if !stored {
					checkFloatRefused(t, e, what+": insert", err, p.name, mark)
					if g.ID != 0 {
						t.Fatalf("%s: the refused entity got key %d", what, g.ID)
					}
					p.set(g, 1.5) // fixed: the same EntityManager flushes it
					if err := m.Flush(ctx); err != nil {
						t.Fatalf("%s: flush after fixing the value: %v", what, err)
					}
				} else if err != nil {
					t.Fatalf("%s: insert: %v", what, err)
				}
				fresh := e.fork()
				got, err := em.FindOne[Gauge](ctx, fresh, g.ID)
				if err != nil || got == nil {
					t.Fatalf("%s: load: %v", what, err)
				}
				if stored {
					if f, ok := p.get(got); !ok || !sameNonFinite(f, v) {
						t.Fatalf("%s: read back %v (set: %v)", what, f, ok)
					}
					// Loaded and unchanged: nothing to write (a NaN is
					// no change from the same NaN).
					mark := e.rec.mark()
					if err := fresh.Flush(ctx); err != nil {
						t.Fatal(err)
					}
					if ran := e.rec.since(mark); len(ran) > 0 {
						t.Fatalf("%s: a flush after loading ran %q", what, ran)
					}
				}

				// Update of a stored row (holding v already where v is
				// stored: a finite value first, then v).
				if stored {
					p.set(got, 2.5)
					if err := fresh.Flush(ctx); err != nil {
						t.Fatal(err)
					}
				}
				p.set(got, v)
				mark = e.rec.mark()
				err = fresh.Flush(ctx)
				if !stored {
					checkFloatRefused(t, e, what+": update", err, p.name, mark)
					p.set(got, 2.5)
					if err := fresh.Flush(ctx); err != nil {
						t.Fatalf("%s: flush after fixing the value: %v", what, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: update: %v", what, err)
				}
				again, err := em.FindOne[Gauge](ctx, e.fork(), g.ID)
				if err != nil {
					t.Fatal(err)
				}
				if f, ok := p.get(again); !ok || !sameNonFinite(f, v) {
					t.Fatalf("%s: updated, read back %v (set: %v)", what, f, ok)
				}
			}
			if stored {
				continue
			}
			// Upsert and NativeInsert refuse it as well.
			m := e.fork()
			mark := e.rec.mark()
			err := m.Upsert(ctx, &Gauge{Seq: -1, F64: v})
			checkFloatRefused(t, e, fmt.Sprintf("Upsert of f64 = %v", v), err, "f64", mark)
			_, err = em.NativeInsert[Gauge](ctx, m, map[string]any{"seq": -1, "p64": v})
			var pe *em.PropertyError
			if !errors.As(err, &pe) || pe.Entity != "Gauge" || pe.Property != "p64" || !errors.Is(err, em.ErrInvalidData) {
				t.Fatalf("NativeInsert of p64 = %v: error %v, want a *em.PropertyError on Gauge.p64 (ErrInvalidData)", v, err)
			}
			if ran := e.rec.since(mark); len(ran) > 0 {
				t.Fatalf("NativeInsert of p64 = %v: refused after running %q", v, ran)
			}
			// What the database does with the value sent anyway (a bare
			// statement, past unitorm's check).
			_, err = qb.InsertInto("gauge").Columns("seq", "f32", "f64", "p64").Values(-2, 0, 0, v).Exec(ctx, e.orm.SQL())
			switch {
			case e.b == testkit.SQLite && math.IsNaN(v):
				if err != nil {
					t.Fatalf("SQLite, raw NaN: %v", err)
				}
				var rows []struct{ P64 *float64 }
				if err := qb.Select("p64").From("gauge").Where(qb.Cond{"seq": -2}).Scan(ctx, e.orm.SQL(), &rows); err != nil {
					t.Fatal(err)
				}
				if len(rows) != 1 || rows[0].P64 != nil {
					t.Fatalf("SQLite stores a NaN as %v, not NULL: unitorm may let it through", rows)
				}
				if _, err := qb.DeleteFrom("gauge").Where(qb.Cond{"seq": -2}).Exec(ctx, e.orm.SQL()); err != nil {
					t.Fatal(err)
				}
			case err == nil:
				t.Fatalf("%s stores %v sent as it is: unitorm may let it through (dialect.FloatInfinity, FloatNaN)", e.b, v)
			}
		}
	})
}
