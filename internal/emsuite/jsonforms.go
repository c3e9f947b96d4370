package emsuite

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
)

// Sample has a column of each kind the bulk forms carry (MySQL's and
// MariaDB's JSON_TABLE documents, PostgreSQL's arrays) or refuse (times,
// bytes: those steps keep the other forms).
type Sample struct {
	ID    int64 `orm:"pk"`
	Big   int64
	Small int32
	Text  string `orm:"type=text"`
	Name  string `orm:"length=200"`
	Maybe *string
	Count *int64
	Ratio float64
	Frac  float32
	Flag  bool
	At    time.Time
	Blob  []byte
}

// randomText mixes ASCII, quotes, backslashes, control characters, JSON
// escapes written out, accents and 4-byte UTF-8.
func randomText(rng *rand.Rand, max int) string {
	parts := []string{"a", "Z", "\"", "\\", "'", "\n", "\t", "\x01", "\x1f", "\\u0000", "é", "ü", "😀", "𝄞", "漢", " ", "/", "`", "null", "%", "_"}
	var b strings.Builder
	for range rng.IntN(max) {
		b.WriteString(parts[rng.IntN(len(parts))])
	}
	return b.String()
}

func randomInt64(rng *rand.Rand) int64 {
	switch rng.IntN(6) {
	case 0:
		return math.MaxInt64
	case 1:
		return math.MinInt64
	case 2:
		return 1<<53 + 1 // not exact as a float64
	case 3:
		return -(1<<53 + 1)
	}
	return int64(rng.Uint64())
}

func randomFloat(rng *rand.Rand) float64 {
	switch rng.IntN(8) {
	case 0:
		return 0.1
	case 1:
		return math.MaxFloat64
	case 2:
		return math.SmallestNonzeroFloat64
	case 3:
		return -1e-300
	case 4:
		return math.Copysign(0, -1) // -0: refused by JSON, written by the other forms
	}
	return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(40)-20))
}

// randomize changes the columns of s picked by mask (bit i: column i).
func randomize(rng *rand.Rand, s *Sample, mask int) {
	if mask&1 != 0 {
		s.Big = randomInt64(rng)
	}
	if mask&2 != 0 {
		s.Small = int32(rng.Uint32())
	}
	if mask&4 != 0 {
		s.Text = randomText(rng, 40)
	}
	if mask&8 != 0 {
		s.Name = randomText(rng, 12)
	}
	if mask&16 != 0 {
		if rng.IntN(3) == 0 {
			s.Maybe = nil
		} else {
			v := randomText(rng, 8)
			s.Maybe = &v
		}
	}
	if mask&32 != 0 {
		if rng.IntN(3) == 0 {
			s.Count = nil
		} else {
			v := randomInt64(rng)
			s.Count = &v
		}
	}
	if mask&64 != 0 {
		s.Ratio = randomFloat(rng)
	}
	if mask&128 != 0 {
		s.Frac = float32(randomFloat(rng))
		if math.IsInf(float64(s.Frac), 0) {
			s.Frac = math.MaxFloat32
		}
	}
	if mask&256 != 0 {
		s.Flag = !s.Flag
	}
	if mask&512 != 0 {
		s.At = time.Unix(rng.Int64N(4e9), rng.Int64N(1e6)*1000).UTC()
	}
	if mask&1024 != 0 {
		s.Blob = []byte(randomText(rng, 10) + "\x00\xff")
	}
}

// sameSample compares two samples column by column, floats by bits but
// for the sign of a zero where the database does not keep it
// (negZeroBecomesZero).
func sameSample(a, b *Sample, anyZero bool) bool {
	feq := func(x, y float64) bool {
		if anyZero && x == 0 && y == 0 {
			return true
		}
		return math.Float64bits(x) == math.Float64bits(y)
	}
	strp := func(x, y *string) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	intp := func(x, y *int64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return a.ID == b.ID && a.Big == b.Big && a.Small == b.Small && a.Text == b.Text && a.Name == b.Name &&
		strp(a.Maybe, b.Maybe) && intp(a.Count, b.Count) && feq(a.Ratio, b.Ratio) &&
		feq(float64(a.Frac), float64(b.Frac)) && a.Flag == b.Flag && a.At.Equal(b.At) && bytes.Equal(a.Blob, b.Blob)
}

// TestBulkValuesRoundTrip is a seeded, randomized check that every value a
// bulk update writes comes back exactly, whichever form the step took:
// int64 extremes and 2^53+1, int32, strings with quotes, backslashes,
// control characters and 4-byte UTF-8, NULLs, floats at the ends of their
// range, bools, times with microseconds, bytes. Rows change random column
// sets, so one flush has many steps, some carried by JSON_TABLE (MySQL,
// MariaDB) or arrays (PostgreSQL) and some refused by them.
func TestBulkValuesRoundTrip(t *testing.T) {
	forEachBackendWith(t, func(c *unitorm.Config) { c.Entities = append(c.Entities, Sample{}) }, func(t *testing.T, e *env) {
		ctx := context.Background()
		for _, seed := range []uint64{1, 2} {
			rng := rand.New(rand.NewPCG(seed, 99))
			n := 6 * max(min(uow.JSONMinRows.Update, 1024), uow.ArrayMinRows.Update, 8)
			m := e.fork()
			samples := make([]*Sample, n)
			for i := range samples {
				samples[i] = &Sample{}
				randomize(rng, samples[i], 1<<11-1)
			}
			if err := m.Persist(anySlice(samples)...); err != nil {
				t.Fatal(err)
			}
			if err := m.Flush(ctx); err != nil {
				t.Fatalf("seed %d: insert: %v", seed, err)
			}
			jsonSteps := 0
			for round := range 4 {
				// A few column sets shared by many rows, so that steps
				// are large enough for the bulk forms.
				masks := []int{1 << rng.IntN(11), rng.IntN(1 << 9), rng.IntN(1 << 11), 1<<9 - 1}
				for _, s := range samples {
					randomize(rng, s, masks[rng.IntN(len(masks))])
				}
				mark := e.rec.mark()
				if err := m.Flush(ctx); err != nil {
					t.Fatalf("seed %d round %d: update: %v\n%s", seed, round, err, strings.Join(e.rec.since(mark), "\n"))
				}
				for _, q := range e.rec.since(mark) {
					if strings.Contains(q, "JSON_TABLE(") {
						jsonSteps++
					}
				}
				fresh := e.fork()
				got, err := em.FindAll[Sample](ctx, fresh)
				if err != nil {
					t.Fatal(err)
				}
				byID := map[int64]*Sample{}
				for _, s := range got {
					byID[s.ID] = s
				}
				bad := 0
				for _, s := range samples {
					if g, ok := byID[s.ID]; !ok || !sameSample(s, g, negZeroBecomesZero(e.b)) {
						if bad++; bad <= 3 {
							t.Errorf("seed %d round %d: entity %s\nrow %s", seed, round, fmtSample(s), fmtSample(g))
						}
					}
				}
				if bad > 0 {
					t.Fatalf("seed %d round %d: %d of %d rows differ; statements:\n%s", seed, round, bad, n, strings.Join(e.rec.since(mark), "\n"))
				}
			}
			if e.orm.Dialect().Has(dialect.JSONTable) && jsonSteps == 0 {
				t.Errorf("seed %d: no update ran through JSON_TABLE", seed)
			}
		}
	})
}

func fmtSample(s *Sample) string {
	if s == nil {
		return "<missing>"
	}
	deref := func(p any) any {
		switch v := p.(type) {
		case *string:
			if v != nil {
				return fmt.Sprintf("%q", *v)
			}
		case *int64:
			if v != nil {
				return *v
			}
		}
		return nil
	}
	return fmt.Sprintf("{ID:%d Big:%d Small:%d Text:%q Name:%q Maybe:%v Count:%v Ratio:%v Frac:%v Flag:%v At:%s Blob:%q}",
		s.ID, s.Big, s.Small, s.Text, s.Name, deref(s.Maybe), deref(s.Count), s.Ratio, s.Frac, s.Flag, s.At.Format(time.RFC3339Nano), s.Blob)
}

// Keyed and KeyedV have keys the application chooses, KeyedV a version:
// their deletes carry keys from the whole int64 range.
type Keyed struct {
	ID   int64 `orm:"pk,autoincrement=false"`
	Name string
}

type KeyedV struct {
	ID      int64 `orm:"pk,autoincrement=false"`
	Name    string
	Version int64 `orm:"version"`
}

// TestBulkDeletesByExtremeKeys is a seeded, randomized check that a bulk
// delete removes exactly the rows of the removed entities when keys span
// the int64 range (both ends, ±(2^53+1), which a float64 cannot hold),
// whichever form the step took: an IN list or OR of pairs, SQLite's
// json_each, MySQL's and MariaDB's JSON_TABLE, PostgreSQL's = ANY arrays.
func TestBulkDeletesByExtremeKeys(t *testing.T) {
	forEachBackendWith(t, func(c *unitorm.Config) { c.Entities = append(c.Entities, Keyed{}, KeyedV{}) }, func(t *testing.T, e *env) {
		ctx := context.Background()
		n := 3 * max(uow.JSONEachMinRows.Delete, uow.JSONEachMinRows.VersionedDelete, uow.JSONMinRows.VersionedDelete,
			uow.ArrayMinRows.Delete, 8)
		for _, seed := range []uint64{1, 2, 3} {
			rng := rand.New(rand.NewPCG(seed, 7))
			for _, table := range []string{"keyed", "keyed_v"} {
				if _, err := qb.DeleteFrom(table).Where(qb.Raw("1 = 1")).Exec(ctx, e.orm.SQL()); err != nil {
					t.Fatal(err)
				}
			}
			keys := map[int64]bool{math.MinInt64: true, math.MaxInt64: true, 1<<53 + 1: true, -(1<<53 + 1): true, -1: true, 1: true}
			for len(keys) < n {
				if k := randomInt64(rng); k != 0 {
					keys[k] = true
				}
			}
			m := e.fork()
			for k := range keys {
				if err := m.Persist(&Keyed{ID: k, Name: "k"}, &KeyedV{ID: k, Name: "v"}); err != nil {
					t.Fatal(err)
				}
			}
			if err := m.Flush(ctx); err != nil {
				t.Fatalf("seed %d: insert: %v", seed, err)
			}
			m = e.fork()
			ks, err := em.FindAll[Keyed](ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			vs, err := em.FindAll[KeyedV](ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			if len(ks) != n || len(vs) != n {
				t.Fatalf("seed %d: loaded %d and %d rows, want %d", seed, len(ks), len(vs), n)
			}
			keptK, keptV := map[int64]bool{}, map[int64]bool{}
			for _, k := range ks {
				if rng.IntN(3) == 0 {
					keptK[k.ID] = true
				} else if err := m.Remove(k); err != nil {
					t.Fatal(err)
				}
			}
			for _, v := range vs {
				if rng.IntN(3) == 0 {
					keptV[v.ID] = true
				} else if err := m.Remove(v); err != nil {
					t.Fatal(err)
				}
			}
			mark := e.rec.mark()
			if err := m.Flush(ctx); err != nil {
				t.Fatalf("seed %d: delete: %v\n%s", seed, err, strings.Join(e.rec.since(mark), "\n"))
			}
			stmts := strings.Join(e.rec.since(mark), "\n")
			d := e.orm.Dialect()
			if d.Has(dialect.JSONEach) && !strings.Contains(stmts, "json_each(") ||
				d.Has(dialect.JSONTable) && !strings.Contains(stmts, "JSON_TABLE(") ||
				d.Has(dialect.ArrayParams) && !strings.Contains(stmts, "= ANY(") {
				t.Errorf("seed %d: the deletes did not take the bulk form of %s:\n%s", seed, d.Name(), stmts)
			}
			fresh := e.fork()
			gotK, err := em.FindAll[Keyed](ctx, fresh)
			if err != nil {
				t.Fatal(err)
			}
			gotV, err := em.FindAll[KeyedV](ctx, fresh)
			if err != nil {
				t.Fatal(err)
			}
			check := func(name string, got []int64, want map[int64]bool) {
				left := map[int64]bool{}
				for _, id := range got {
					left[id] = true
				}
				if len(left) != len(want) || len(got) != len(want) {
					t.Errorf("seed %d: %s: %d rows left, want %d", seed, name, len(got), len(want))
				}
				for id := range want {
					if !left[id] {
						t.Errorf("seed %d: %s %d was deleted, its entity was not removed", seed, name, id)
					}
				}
			}
			idsK := make([]int64, len(gotK))
			for i, k := range gotK {
				idsK[i] = k.ID
			}
			idsV := make([]int64, len(gotV))
			for i, v := range gotV {
				idsV[i] = v.ID
			}
			check("Keyed", idsK, keptK)
			check("KeyedV", idsV, keptV)
		}
	})
}
