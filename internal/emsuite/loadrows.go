package emsuite

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// TestLoadedRowsAreIndependent: every instance a load hydrates holds its
// own row's values and nothing of another row's, whichever way its columns
// are scanned (books: plain values and foreign keys, scanned into one
// scratch instance and copied; authors: pointer fields, scanned in place),
// with limits above and below the row count, and again into an
// EntityManager that already tracks some of the rows (the fresh instance
// of a tracked row is handed back and reused). Seeded; a failure names the
// seed.
func TestLoadedRowsAreIndependent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		for _, seed := range []uint64{1, 2, 3} {
			rng := rand.New(rand.NewPCG(seed, 99))
			w := e.fork()
			type authorRow struct {
				name, email string
				age         int
				active      bool
				nick        *string
				born        *time.Time
			}
			authors := make([]*Author, 40)
			want := map[*Author]authorRow{}
			for i := range authors {
				a := &Author{Name: fmt.Sprintf("a%d-%d", seed, i), Email: fmt.Sprintf("a%d-%d@x", seed, i),
					Age: rng.IntN(90), Active: rng.IntN(2) == 0}
				if rng.IntN(3) > 0 {
					n := fmt.Sprintf("nick%d", rng.IntN(4)) // repeats: equal texts, separate pointers
					a.Nickname = &n
				}
				if rng.IntN(2) == 0 {
					b := time.Date(1950+rng.IntN(60), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
					a.Born = &b
				}
				authors[i] = a
				if err := w.Persist(a); err != nil {
					t.Fatal(err)
				}
			}
			pubs := []*Publisher{{Name: fmt.Sprint("p", seed, "a")}, {Name: fmt.Sprint("p", seed, "b")}}
			if err := w.Persist(pubs[0], pubs[1]); err != nil {
				t.Fatal(err)
			}
			books := make([]*Book, 300)
			for i := range books {
				b := &Book{Title: fmt.Sprintf("t%d-%d-%x", seed, i, rng.Uint32()), Price: float64(rng.IntN(100000)) / 100,
					Author: authors[rng.IntN(len(authors))]}
				if rng.IntN(2) == 0 {
					b.Publisher = pubs[rng.IntN(2)]
				}
				books[i] = b
				if err := w.Persist(b); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			for _, a := range authors {
				want[a] = authorRow{a.Name, a.Email, a.Age, a.Active, a.Nickname, a.Born}
			}
			prefix := fmt.Sprintf("t%d-", seed)

			check := func(what string, m *em.EntityManager, got []*Book, n int) {
				t.Helper()
				if len(got) != n {
					t.Fatalf("seed %d, %s: %d books, want %d", seed, what, len(got), n)
				}
				seenNick := map[*string]*Author{}
				for _, b := range got {
					var src *Book
					for _, x := range books {
						if x.ID == b.ID {
							src = x
						}
					}
					if src == nil || b.Title != src.Title || b.Price != src.Price {
						t.Fatalf("seed %d, %s: book %d holds %q %v, stored %+v", seed, what, b.ID, b.Title, b.Price, src)
					}
					if b.Author == nil || b.Author.ID != src.Author.ID {
						t.Fatalf("seed %d, %s: book %d has author %v, want %d", seed, what, b.ID, b.Author, src.Author.ID)
					}
					if (b.Publisher == nil) != (src.Publisher == nil) || (b.Publisher != nil && b.Publisher.ID != src.Publisher.ID) {
						t.Fatalf("seed %d, %s: book %d has the wrong publisher", seed, what, b.ID)
					}
					if err := m.Load(ctx, b.Author); err != nil {
						t.Fatal(err)
					}
					a := b.Author
					var wa authorRow
					for x, r := range want {
						if x.ID == a.ID {
							wa = r
						}
					}
					if a.Name != wa.name || a.Email != wa.email || a.Age != wa.age || a.Active != wa.active {
						t.Fatalf("seed %d, %s: author %d holds %+v, stored %+v", seed, what, a.ID, a, wa)
					}
					if (a.Nickname == nil) != (wa.nick == nil) || (a.Nickname != nil && *a.Nickname != *wa.nick) {
						t.Fatalf("seed %d, %s: author %d nickname %v, stored %v", seed, what, a.ID, a.Nickname, wa.nick)
					}
					if (a.Born == nil) != (wa.born == nil) || (a.Born != nil && !a.Born.Equal(*wa.born)) {
						t.Fatalf("seed %d, %s: author %d born %v, stored %v", seed, what, a.ID, a.Born, wa.born)
					}
					if a.Nickname != nil {
						if other, ok := seenNick[a.Nickname]; ok && other != a {
							t.Fatalf("seed %d, %s: authors %d and %d share one nickname pointer", seed, what, a.ID, other.ID)
						}
						seenNick[a.Nickname] = a
					}
				}
			}
			m := e.fork()
			for _, limit := range []int{0, 7, 299, 300, 1000} {
				opts := []em.FindOption{em.OrderBy("id", qb.Asc)}
				n := len(books)
				if limit > 0 {
					opts = append(opts, em.Limit(limit))
					n = min(limit, n)
				}
				fresh := e.fork()
				got, err := em.Find[Book](ctx, fresh, qb.Cond{"title": qb.Like(prefix + "%")}, opts...)
				if err != nil {
					t.Fatal(err)
				}
				check(fmt.Sprintf("limit %d, fresh", limit), fresh, got, n)
				// Into m, which tracks the rows of earlier rounds: those
				// come back as the instances m holds.
				before := map[int64]*Book{}
				if prev, err := em.Find[Book](ctx, m, qb.Cond{"title": qb.Like(prefix + "%")}, em.OrderBy("id", qb.Asc), em.Limit(max(limit/2, 1))); err == nil {
					for _, b := range prev {
						before[b.ID] = b
					}
				} else {
					t.Fatal(err)
				}
				again, err := em.Find[Book](ctx, m, qb.Cond{"title": qb.Like(prefix + "%")}, opts...)
				if err != nil {
					t.Fatal(err)
				}
				check(fmt.Sprintf("limit %d, into a tracking EntityManager", limit), m, again, n)
				for _, b := range again {
					if p, ok := before[b.ID]; ok && p != b {
						t.Fatalf("seed %d, limit %d: book %d loaded as a second instance", seed, limit, b.ID)
					}
				}
			}
		}
	})
}

// PtrBase is embedded by pointer (Go embedding) in PtrEmb: its fields,
// the key among them, are PtrEmb's columns, reached through the pointer.
type PtrBase struct {
	ID   int64 `orm:"pk,autoincrement=false"`
	Note string
}

type PtrEmb struct {
	*PtrBase
	Name    string
	Version int `orm:"version"`
}

// TestEmbeddedPointerRowsAreIndependent: entities that embed a struct by
// pointer load one instance of it per row (never one shared by the rows
// of a load), and changes to its fields are flushed like any other column.
// Seeded: rows get random notes and names, a random subset changes (base
// or own fields) and another is removed, and a fresh EntityManager must
// read back exactly the model.
func TestEmbeddedPointerRowsAreIndependent(t *testing.T) {
	forEachBackendWith(t, func(c *unitorm.Config) { c.Entities = append(c.Entities, PtrEmb{}) }, func(t *testing.T, e *env) {
		ctx := context.Background()
		for _, seed := range []uint64{1, 2} {
			rng := rand.New(rand.NewPCG(seed, 5))
			if _, err := qb.DeleteFrom("ptr_emb").Where(qb.Raw("1 = 1")).Exec(ctx, e.orm.SQL()); err != nil {
				t.Fatal(err)
			}
			n := 20 + rng.IntN(40)
			type row struct{ note, name string }
			model := map[int64]row{}
			w := e.fork()
			for i := range n {
				id := int64(i + 1)
				r := row{fmt.Sprint("n", rng.IntN(1000)), fmt.Sprint("x", rng.IntN(1000))}
				model[id] = r
				if err := w.Persist(&PtrEmb{PtrBase: &PtrBase{ID: id, Note: r.note}, Name: r.name}); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			check := func(when string) {
				t.Helper()
				got, err := em.FindAll[PtrEmb](ctx, e.fork())
				if err != nil {
					t.Fatal(err)
				}
				bases := map[*PtrBase]bool{}
				for _, g := range got {
					if g.PtrBase == nil || bases[g.PtrBase] {
						t.Fatalf("seed %d, %s: rows share their embedded *PtrBase (or have none)", seed, when)
					}
					bases[g.PtrBase] = true
					if want, ok := model[g.ID]; !ok || want.note != g.Note || want.name != g.Name {
						t.Errorf("seed %d, %s: row %d is {%q %q}, want %+v (present: %v)", seed, when, g.ID, g.Note, g.Name, want, ok)
					}
				}
				if len(got) != len(model) {
					t.Errorf("seed %d, %s: %d rows, want %d", seed, when, len(got), len(model))
				}
			}
			check("after insert")
			m := e.fork()
			all, err := em.FindAll[PtrEmb](ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range all {
				switch rng.IntN(4) {
				case 0:
					x.Note += "+"
					model[x.ID] = row{x.Note, x.Name}
				case 1:
					x.Name += "*"
					model[x.ID] = row{x.Note, x.Name}
				case 2:
					if err := m.Remove(x); err != nil {
						t.Fatal(err)
					}
					delete(model, x.ID)
				}
			}
			if err := m.Flush(ctx); err != nil {
				t.Fatalf("seed %d: flush: %v", seed, err)
			}
			check("after changes")
		}
	})
}

// AutoBase holds a generated key and a NOT NULL time; AutoEmb embeds it by
// pointer.
type AutoBase struct {
	ID int64 `orm:"pk"`
	At time.Time
}

type AutoEmb struct {
	*AutoBase
	Name string
}

// TestEmbeddedPointerMisuse: a struct embedded by pointer is each entity's
// own. Two entities pointing to one (new, or assigned after a load) fail
// the flush with ErrDuplicateIdentity before anything is written; setting
// the one that holds the key to nil is ErrInvalidKey; a nil one on a new
// entity is allocated at Persist, so its fields are written as zero
// values (as if embedded by value) and the generated key lands in it.
func TestEmbeddedPointerMisuse(t *testing.T) {
	forEachBackendWith(t, func(c *unitorm.Config) { c.Entities = append(c.Entities, PtrEmb{}, AutoEmb{}) }, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		// With the key set, the second Persist sees the first's key.
		shared := &PtrBase{ID: 901, Note: "shared"}
		if err := m.Persist(&PtrEmb{PtrBase: shared, Name: "a"}, &PtrEmb{PtrBase: shared, Name: "b"}); !errors.Is(err, unitorm.ErrDuplicateIdentity) {
			t.Fatalf("persist of two entities sharing one keyed *PtrBase: %v, want ErrDuplicateIdentity", err)
		}
		// Without a key yet (generated), the flush finds them.
		m = e.fork()
		auto := &AutoBase{}
		if err := m.Persist(&AutoEmb{AutoBase: auto, Name: "a"}, &AutoEmb{AutoBase: auto, Name: "b"}); err != nil {
			t.Fatal(err)
		}
		err := m.Flush(ctx)
		if !errors.Is(err, unitorm.ErrDuplicateIdentity) || !strings.Contains(err.Error(), "AutoBase") {
			t.Fatalf("flush of two new entities sharing one *AutoBase: %v, want ErrDuplicateIdentity naming AutoBase", err)
		}
		if n := e.count(t, "auto_emb") + e.count(t, "ptr_emb"); n != 0 {
			t.Fatalf("%d rows written by refused calls", n)
		}

		w := e.fork()
		if err := persistFlush(ctx, w, &PtrEmb{PtrBase: &PtrBase{ID: 902, Note: "x"}, Name: "x"}, &PtrEmb{PtrBase: &PtrBase{ID: 903, Note: "y"}, Name: "y"}); err != nil {
			t.Fatal(err)
		}
		m = e.fork()
		all, err := em.Find[PtrEmb](ctx, m, qb.Cond{"id": qb.In(int64(902), int64(903))}, em.OrderBy("id", qb.Asc))
		if err != nil || len(all) != 2 {
			t.Fatalf("load: %v, %v", all, err)
		}
		all[1].PtrBase = all[0].PtrBase
		all[1].Name = "changed"
		if err := m.Flush(ctx); !errors.Is(err, unitorm.ErrDuplicateIdentity) {
			t.Fatalf("flush after sharing a loaded *PtrBase: %v, want ErrDuplicateIdentity", err)
		}
		m = e.fork()
		x, err := em.FindOne[PtrEmb](ctx, m, int64(902))
		if err != nil {
			t.Fatal(err)
		}
		x.PtrBase = nil
		if err := m.Flush(ctx); !errors.Is(err, unitorm.ErrInvalidKey) {
			t.Fatalf("flush with the key's struct set to nil: %v, want ErrInvalidKey", err)
		}
		check, err := em.Find[PtrEmb](ctx, e.fork(), qb.Cond{"id": qb.In(int64(902), int64(903))}, em.OrderBy("id", qb.Asc))
		if err != nil || len(check) != 2 || check[0].Name != "x" || check[1].Name != "y" || check[1].Note != "y" {
			t.Fatalf("rows changed by refused flushes: %+v %v", check, err)
		}

		m = e.fork()
		a := &AutoEmb{Name: "no base"}
		if err := persistFlush(ctx, m, a); err != nil {
			t.Fatalf("persist with a nil *AutoBase: %v", err)
		}
		if a.AutoBase == nil || a.ID == 0 {
			t.Fatalf("the nil *AutoBase was not allocated and given the key: %+v", a)
		}
		got, err := em.FindOne[AutoEmb](ctx, e.fork(), a.ID)
		if err != nil || got.Name != "no base" || !got.At.IsZero() {
			t.Fatalf("read back %+v, %v; want the zero time", got, err)
		}
	})
}
