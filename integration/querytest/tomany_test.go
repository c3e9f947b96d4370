package querytest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// The model for conditions through collections: Writer 1:m Novel (and
// m:1 House), Novel m:n Label (Label.Novels is the inverse side), Novel
// 1:m Critique. Label names repeat and may be NULL, so that "the same
// item" and NULL semantics matter.

type House struct {
	ID   int64 `orm:"pk"`
	Name string
}

type Writer struct {
	ID     int64 `orm:"pk"`
	Name   string
	House  *House                     `orm:"m:1,nullable"`
	Novels unitorm.Collection[*Novel] `orm:"1:m,mappedBy=Writer"`
}

type Novel struct {
	ID        int64 `orm:"pk"`
	Title     string
	Price     int
	Published *time.Time
	Writer    *Writer                       `orm:"m:1"`
	Labels    unitorm.Collection[*Label]    `orm:"m:n"`
	Critiques unitorm.Collection[*Critique] `orm:"1:m,mappedBy=Novel"`
}

type Label struct {
	ID     int64 `orm:"pk"`
	Name   *string
	Rank   int
	Novels unitorm.Collection[*Novel] `orm:"m:n,mappedBy=Labels"`
}

type Critique struct {
	ID    int64 `orm:"pk"`
	Stars int
	Novel *Novel `orm:"m:1"`
}

var manyEntities = []any{House{}, Writer{}, Novel{}, Label{}, Critique{}}

// world is what was stored, in memory, to compute the expected answers.
type world struct {
	houses  []*House
	writers []*Writer
	novels  []*Novel
	labels  []*Label
	novLab  map[*Novel][]*Label
	novCrit map[*Novel][]*Critique
}

func strp(s string) *string { return &s }

// buildWorld stores a random world (seeded) and returns it.
func buildWorld(t *testing.T, e *env, seed uint64) *world {
	t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 16))
	w := &world{novLab: map[*Novel][]*Label{}, novCrit: map[*Novel][]*Critique{}}
	m := e.fork()
	for i := range 3 {
		w.houses = append(w.houses, &House{Name: fmt.Sprintf("h%d", i)})
	}
	names := []*string{strp("go"), strp("db"), strp("web"), nil}
	for i := range 9 {
		w.labels = append(w.labels, &Label{Name: names[i%len(names)], Rank: r.IntN(5)})
	}
	for i := range 14 {
		wr := &Writer{Name: fmt.Sprintf("w%d", i%5)}
		if r.IntN(4) > 0 {
			wr.House = w.houses[r.IntN(len(w.houses))]
		}
		w.writers = append(w.writers, wr)
	}
	for i := range 60 {
		n := &Novel{Title: fmt.Sprintf("n%d", i%7), Price: r.IntN(100), Writer: w.writers[r.IntN(len(w.writers))]}
		var labs []*Label
		for _, l := range w.labels {
			if r.IntN(4) == 0 {
				labs = append(labs, l)
			}
		}
		n.Labels = unitorm.NewCollection(labs...)
		w.novLab[n] = labs
		for range r.IntN(4) {
			c := &Critique{Stars: 1 + r.IntN(5), Novel: n}
			w.novCrit[n] = append(w.novCrit[n], c)
			if err := m.Persist(c); err != nil {
				t.Fatal(err)
			}
		}
		w.novels = append(w.novels, n)
		if err := m.Persist(n); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range w.labels {
		if err := m.Persist(x); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) novelsOf(wr *Writer) []*Novel {
	var out []*Novel
	for _, n := range w.novels {
		if n.Writer == wr {
			out = append(out, n)
		}
	}
	return out
}

func named(l *Label, s string) bool { return l.Name != nil && *l.Name == s }

func anyOf[T any](xs []T, f func(T) bool) bool { return slices.ContainsFunc(xs, f) }

func allOf[T any](xs []T, f func(T) bool) bool {
	for _, x := range xs {
		if !f(x) {
			return false
		}
	}
	return true
}

type manyCase[T any] struct {
	name string
	cond qb.Condition
	want func(*T) bool
}

func novelCases(w *world) []manyCase[Novel] {
	lab := func(f func(*Label) bool) func(*Novel) bool {
		return func(n *Novel) bool { return anyOf(w.novLab[n], f) }
	}
	crit := func(n *Novel) []*Critique { return w.novCrit[n] }
	l0, l1 := w.labels[0], w.labels[1]
	return []manyCase[Novel]{
		{"m:n path", qb.Cond{"labels.name": "go"}, lab(func(l *Label) bool { return named(l, "go") })},
		{"same item for one Cond", qb.Cond{"labels.name": "db", "labels.rank": qb.Gte(3)},
			lab(func(l *Label) bool { return named(l, "db") && l.Rank >= 3 })},
		{"Some", qb.Some("labels", qb.Cond{"rank": qb.Lt(1)}), lab(func(l *Label) bool { return l.Rank < 1 })},
		{"None", qb.None("labels", qb.Cond{"name": "go"}), func(n *Novel) bool { return !lab(func(l *Label) bool { return named(l, "go") })(n) }},
		{"Every with NULLs", qb.Every("labels", qb.Cond{"name": qb.In("go", "db")}),
			func(n *Novel) bool {
				return allOf(w.novLab[n], func(l *Label) bool { return named(l, "go") || named(l, "db") })
			}},
		{"Every 1:m", qb.Every("critiques", qb.Cond{"stars": qb.Gte(3)}),
			func(n *Novel) bool { return allOf(crit(n), func(c *Critique) bool { return c.Stars >= 3 }) }},
		{"Some without condition", qb.Some("critiques", nil), func(n *Novel) bool { return len(crit(n)) > 0 }},
		{"None without condition", qb.None("labels", nil), func(n *Novel) bool { return len(w.novLab[n]) == 0 }},
		{"1:m path with price", qb.Cond{"critiques.stars": 5, "price": qb.Lt(60)},
			func(n *Novel) bool {
				return n.Price < 60 && anyOf(crit(n), func(c *Critique) bool { return c.Stars == 5 })
			}},
		{"or", qb.Or(qb.Cond{"labels.name": "web"}, qb.Cond{"price": qb.Lt(10)}),
			func(n *Novel) bool { return n.Price < 10 || lab(func(l *Label) bool { return named(l, "web") })(n) }},
		{"not", qb.Not(qb.Cond{"labels.name": "go"}), func(n *Novel) bool { return !lab(func(l *Label) bool { return named(l, "go") })(n) }},
		{"collection = key", qb.Cond{"labels": l0.ID}, lab(func(l *Label) bool { return l == l0 })},
		{"collection in keys", qb.Cond{"labels": qb.In(l0.ID, l1.ID)}, lab(func(l *Label) bool { return l == l0 || l == l1 })},
		{"collection nin keys", qb.Cond{"labels": qb.Nin(l0.ID)}, func(n *Novel) bool { return !lab(func(l *Label) bool { return l == l0 })(n) }},
		{"collection is empty", qb.Cond{"labels": nil}, func(n *Novel) bool { return len(w.novLab[n]) == 0 }},
		{"to-one then to-many", qb.Cond{"writer.novels.price": qb.Gt(90)},
			func(n *Novel) bool { return anyOf(w.novelsOf(n.Writer), func(o *Novel) bool { return o.Price > 90 }) }},
		{"to-one path inside", qb.Some("critiques", qb.Cond{"novel.writer.house.name": "h2", "stars": qb.Gte(4)}),
			func(n *Novel) bool {
				return n.Writer.House != nil && n.Writer.House.Name == "h2" &&
					anyOf(crit(n), func(c *Critique) bool { return c.Stars >= 4 })
			}},
	}
}

func writerCases(w *world) []manyCase[Writer] {
	has := func(wr *Writer, f func(*Novel) bool) bool { return anyOf(w.novelsOf(wr), f) }
	return []manyCase[Writer]{
		{"depth 2 (1:m, m:n)", qb.Cond{"novels.labels.name": "db"},
			func(wr *Writer) bool {
				return has(wr, func(n *Novel) bool { return anyOf(w.novLab[n], func(l *Label) bool { return named(l, "db") }) })
			}},
		{"to-one and depth 2 mixed", qb.Cond{"house.name": "h1", "novels.critiques.stars": 5},
			func(wr *Writer) bool {
				return wr.House != nil && wr.House.Name == "h1" &&
					has(wr, func(n *Novel) bool { return anyOf(w.novCrit[n], func(c *Critique) bool { return c.Stars == 5 }) })
			}},
		{"Some over two collections", qb.Some("novels.labels", qb.Cond{"rank": 4}),
			func(wr *Writer) bool {
				return has(wr, func(n *Novel) bool { return anyOf(w.novLab[n], func(l *Label) bool { return l.Rank == 4 }) })
			}},
		{"None over two collections", qb.None("novels.critiques", qb.Cond{"stars": 1}),
			func(wr *Writer) bool {
				return !has(wr, func(n *Novel) bool { return anyOf(w.novCrit[n], func(c *Critique) bool { return c.Stars == 1 }) })
			}},
		{"Every over two collections", qb.Every("novels.critiques", qb.Cond{"stars": qb.Gte(2)}),
			func(wr *Writer) bool {
				return allOf(w.novelsOf(wr), func(n *Novel) bool {
					return allOf(w.novCrit[n], func(c *Critique) bool { return c.Stars >= 2 })
				})
			}},
		{"nested Some in a Cond", qb.Some("novels", qb.Cond{"price": qb.Gt(50), "labels.name": "web"}),
			func(wr *Writer) bool {
				return has(wr, func(n *Novel) bool {
					return n.Price > 50 && anyOf(w.novLab[n], func(l *Label) bool { return named(l, "web") })
				})
			}},
	}
}

func labelCases(w *world) []manyCase[Label] {
	return []manyCase[Label]{
		{"inverse m:n then to-one", qb.Cond{"novels.writer.name": "w3", "novels.price": qb.Lt(25)},
			func(l *Label) bool {
				for n, labs := range w.novLab {
					if n.Writer.Name == "w3" && n.Price < 25 && slices.Contains(labs, l) {
						return true
					}
				}
				return false
			}},
	}
}

// checkPaged runs c with every page size and offset and checks that the
// pages together are exactly the expected roots, in key order, none twice.
func checkPaged[T any](t *testing.T, e *env, all []*T, id func(*T) int64, c manyCase[T]) {
	t.Helper()
	ctx := context.Background()
	var want []int64
	for _, x := range all {
		if c.want(x) {
			want = append(want, id(x))
		}
	}
	slices.Sort(want)
	if testing.Verbose() {
		t.Logf("%s: %d of %d", c.name, len(want), len(all))
	}
	m := e.fork()
	n, err := em.Count[T](ctx, m, c.cond)
	if err != nil {
		t.Fatalf("%s: count: %v", c.name, err)
	}
	if n != int64(len(want)) {
		t.Errorf("%s: count %d, want %d", c.name, n, len(want))
	}
	for _, size := range []int{1, 4, 7, 100} {
		var got []int64
		for off := 0; off <= len(want); off += size {
			page, err := em.Find[T](ctx, e.fork(), c.cond, em.OrderBy("id", qb.Asc), em.Limit(size), em.Offset(off))
			if err != nil {
				t.Fatalf("%s: page %d+%d: %v", c.name, off, size, err)
			}
			if len(page) > size {
				t.Fatalf("%s: page of %d has %d rows", c.name, size, len(page))
			}
			for _, x := range page {
				got = append(got, id(x))
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: pages of %d gave %v, want %v", c.name, size, got, want)
		}
	}
}

// TestToManyConditionsModel: every condition through a collection matches
// exactly the roots the in-memory model says, counted and paged with
// LIMIT/OFFSET at several sizes, never a root twice.
func TestToManyConditionsModel(t *testing.T) {
	forEachSQL(t, manyEntities, func(t *testing.T, e *env) {
		for _, seed := range []uint64{1, 2} {
			w := buildWorld(t, e, seed)
			for _, c := range novelCases(w) {
				checkPaged(t, e, w.novels, func(n *Novel) int64 { return n.ID }, c)
			}
			for _, c := range writerCases(w) {
				checkPaged(t, e, w.writers, func(x *Writer) int64 { return x.ID }, c)
			}
			for _, c := range labelCases(w) {
				checkPaged(t, e, w.labels, func(x *Label) int64 { return x.ID }, c)
			}
			// Clean up for the next seed: the model counts everything stored.
			for _, tbl := range []string{"critique", "novel_labels", "novel", "label", "writer", "house"} {
				if _, err := qb.DeleteFrom(tbl).Exec(context.Background(), e.orm.SQL()); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

// TestOrderByToOnePath: ordering by a property of a to-one relation joins
// it once; rows come in the model's order.
func TestOrderByToOnePath(t *testing.T) {
	forEachSQL(t, manyEntities, func(t *testing.T, e *env) {
		ctx := context.Background()
		w := buildWorld(t, e, 3)
		got, err := em.Find[Novel](ctx, e.fork(), qb.Cond{"labels.name": "go"},
			em.OrderBy("writer.name", qb.Desc), em.OrderBy("id", qb.Asc), em.Limit(10))
		if err != nil {
			t.Fatal(err)
		}
		var want []*Novel
		for _, n := range w.novels {
			if anyOf(w.novLab[n], func(l *Label) bool { return named(l, "go") }) {
				want = append(want, n)
			}
		}
		slices.SortStableFunc(want, func(a, b *Novel) int {
			if a.Writer.Name != b.Writer.Name {
				return -compareStr(a.Writer.Name, b.Writer.Name)
			}
			return int(a.ID - b.ID)
		})
		want = want[:min(10, len(want))]
		if len(got) != len(want) {
			t.Fatalf("%d novels, want %d", len(got), len(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID {
				t.Fatalf("row %d is novel %d, want %d", i, got[i].ID, want[i].ID)
			}
		}
	})
}

func compareStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestToManyBadPaths: a wrong path through a collection is a typed error
// naming entity and property, and runs nothing.
func TestToManyBadPaths(t *testing.T) {
	forEachSQL(t, manyEntities, func(t *testing.T, e *env) {
		ctx := context.Background()
		cases := []struct {
			cond qb.Condition
			prop string
		}{
			{qb.Cond{"labels.nope": 1}, "nope"},
			{qb.Some("title", nil), "title"},
			{qb.Some("writer", nil), "writer"},
			{qb.Cond{"labels": qb.Like("x")}, "labels"},
			{qb.Every("labels.nope", nil), "nope"},
		}
		for _, c := range cases {
			before := e.statements()
			_, err := em.Find[Novel](ctx, e.fork(), c.cond)
			var pe *em.PropertyError
			if !errors.As(err, &pe) || !errors.Is(err, em.ErrUnknownProperty) || pe.Property != c.prop {
				t.Errorf("%v: err %v, want a PropertyError on %q", c.cond, err, c.prop)
			}
			if n := e.statements() - before; n != 0 {
				t.Errorf("%v: %d statements ran", c.cond, n)
			}
		}
		// Ordering by a to-many path is refused too.
		if _, err := em.Find[Novel](ctx, e.fork(), nil, em.OrderBy("labels.name", qb.Asc)); !errors.Is(err, em.ErrUnknownProperty) {
			t.Errorf("order by a to-many path: %v", err)
		}
	})
}

// TestToManySQLShape: a condition through a collection is a correlated
// EXISTS (NOT EXISTS for None/Every): the root query joins no collection,
// which is what keeps LIMIT counting roots.
func TestToManySQLShape(t *testing.T) {
	forEachSQL(t, manyEntities, func(t *testing.T, e *env) {
		m := e.fork()
		cases := []struct {
			cond         qb.Condition
			exists, nots int
		}{
			{qb.Cond{"labels.name": "go", "labels.rank": 1, "writer.name": "x"}, 1, 0},
			{qb.Cond{"novels.labels.name": "go"}, 2, 0},
			{qb.Every("critiques", qb.Cond{"stars": 5}), 2, 2},
			{qb.None("labels", nil), 1, 1},
		}
		for i, c := range cases {
			var sel qb.SelectQuery
			var err error
			if i == 1 {
				sel, err = em.QB[Writer](m).Where(c.cond).Limit(3).SQL()
			} else {
				sel, err = em.QB[Novel](m).Where(c.cond).Limit(3).SQL()
			}
			if err != nil {
				t.Fatal(err)
			}
			sql, _, err := sel.ToSQL(e.orm.SQL().Dialect())
			if err != nil {
				t.Fatal(err)
			}
			root := sql[:strings.Index(sql, "WHERE")]
			if strings.Contains(root, "novel_labels") || strings.Contains(root, "critique") {
				t.Errorf("%v: the root query joins a collection: %s", c.cond, sql)
			}
			if n := strings.Count(sql, "EXISTS ("); n != c.exists {
				t.Errorf("%v: %d EXISTS, want %d: %s", c.cond, n, c.exists, sql)
			}
			if n := strings.Count(sql, "NOT EXISTS ("); n != c.nots {
				t.Errorf("%v: %d NOT EXISTS, want %d: %s", c.cond, n, c.nots, sql)
			}
		}
	})
}
