package querytest

import (
	"github.com/unitorm/unitorm/internal/uow"

	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// decode is what a handler gets from a request body; number keeps
// json.Number instead of float64.
func decode(t *testing.T, body string, number bool) map[string]any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(body))
	if number {
		d.UseNumber()
	}
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func labelNames(t *testing.T, e *env, novel int64) []string {
	t.Helper()
	var names []string
	err := qb.Select("l.name").From("label l").Join("novel_labels p", "p.label_id = l.id").
		Where(qb.Cond{"p.novel_id": novel}).OrderBy("l.name", qb.Asc).Scan(context.Background(), e.orm.SQL(), &names)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestCreateFromJSON: em.Create takes a decoded request body — nested
// objects for relations (a key alone is a reference, no key a new
// entity), lists of keys and objects for collections, RFC 3339 times,
// JSON numbers (float64 or json.Number) for integers.
func TestCreateFromJSON(t *testing.T) {
	forEachSQL(t, manyEntities, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		w := &Writer{Name: "ann"}
		l0, l1 := &Label{Name: strp("go")}, &Label{Name: strp("db")}
		if err := m.Persist(w, l0, l1); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		for _, number := range []bool{false, true} {
			m := e.fork()
			body := `{"title": "dto", "price": 12, "published": "2024-05-06T07:08:09.5+02:00",
				"writer": {"id": ` + itoa(w.ID) + `},
				"labels": [{"name": "new", "rank": 2}, {"id": ` + itoa(l0.ID) + `}, ` + itoa(l1.ID) + `],
				"critiques": [{"stars": 5}, {"stars": 4}]}`
			n, err := em.Create[Novel](m, decode(t, body, number))
			if err != nil {
				t.Fatalf("create (json.Number %v): %v", number, err)
			}
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			check := e.fork()
			got, err := em.FindOneOrFail[Novel](ctx, check, n.ID, em.Populate("writer", "critiques"))
			if err != nil {
				t.Fatal(err)
			}
			want := time.Date(2024, 5, 6, 5, 8, 9, 500_000_000, time.UTC)
			if got.Price != 12 || got.Writer.Name != "ann" || got.Published == nil || !got.Published.Equal(want) {
				t.Errorf("stored %+v (published %v)", got, got.Published)
			}
			stars := []int{}
			crits, err := got.Critiques.Items()
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range crits {
				stars = append(stars, c.Stars)
			}
			slices.Sort(stars)
			if !slices.Equal(stars, []int{4, 5}) {
				t.Errorf("critiques %v", stars)
			}
			if names := labelNames(t, e, n.ID); !slices.Equal(names, []string{"db", "go", "new"}) {
				t.Errorf("labels %v", names)
			}
		}
	})
}

// TestDTOErrorsNamePaths: a bad value anywhere in the data is an error
// naming its path, and nothing is created or changed.
func TestDTOErrorsNamePaths(t *testing.T) {
	forEachSQL(t, manyEntities, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		w := &Writer{Name: "ann"}
		if err := m.Persist(w); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			body string
			path string
			want error
		}{
			{`{"title": "x", "labels": [{"name": "a"}, {"id": 1}, {"rank": "high"}]}`, "labels[2].rank", em.ErrInvalidData},
			{`{"title": "x", "price": 12.5}`, "price", em.ErrInvalidData},
			{`{"title": "x", "price": 1e30}`, "price", em.ErrInvalidData},
			{`{"title": "x", "published": "yesterday"}`, "published", em.ErrInvalidData},
			{`{"title": "x", "writer": {"id": 1, "nope": 2}}`, "writer.nope", em.ErrUnknownProperty},
			{`{"title": "x", "writer": {"name": "w", "house": {"name": 3}}}`, "writer.house.name", em.ErrInvalidData},
			{`{"title": "x", "critiques": [{"stars": 1}, {"stars": 2, "novel": {"title": []}}]}`, "critiques[1].novel.title", em.ErrInvalidData},
			{`{"title": "x", "labels": [null]}`, "labels[0]", em.ErrInvalidData},
			{`{"title": "x", "writer": {"id": ` + itoa(w.ID) + `, "name": "changed"}}`, "writer", em.ErrInvalidData},
		}
		for _, c := range cases {
			m := e.fork()
			_, err := em.Create[Novel](m, decode(t, c.body, false))
			var pe *em.PropertyError
			if !errors.As(err, &pe) || pe.Property != c.path || pe.Entity != "Novel" || !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v at %s", c.body, err, c.want, c.path)
				continue
			}
			if n := uow.OfManager(m).IdentityMap().Len(); n > 2 {
				t.Errorf("%s: %d entities tracked after the error", c.body, n)
			}
			before := e.statements()
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if n := e.statements() - before; n != 0 {
				t.Errorf("%s: the flush after the error ran %d statements", c.body, n)
			}
		}
	})
}

// TestAssignNestedAndMerge: an object with a key and fields changes a
// loaded entity (UPDATE at the flush); with em.Merge it is taken as the
// stored state (no UPDATE), also for a row that is not loaded.
func TestAssignNestedAndMerge(t *testing.T) {
	forEachSQL(t, manyEntities, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		w := &Writer{Name: "ann"}
		w2 := &Writer{Name: "bob"}
		n := &Novel{Title: "t", Writer: w}
		if err := m.Persist(n, w2); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		m = e.fork()
		got, err := em.FindOneOrFail[Novel](ctx, m, n.ID, em.Populate("writer"))
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Assign(got, decode(t, `{"price": 7, "writer": {"id": `+itoa(w.ID)+`, "name": "ann b"}}`, false)); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var name string
		if err := qb.Select("name").From("writer").Where(qb.Cond{"id": w.ID}).First(ctx, e.orm.SQL(), &name); err != nil || name != "ann b" {
			t.Errorf("nested change: %q %v", name, err)
		}
		// Merge: w2 is not loaded here; the object becomes its state.
		m = e.fork()
		got, err = em.FindOneOrFail[Novel](ctx, m, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Assign(got, decode(t, `{"writer": {"id": `+itoa(w2.ID)+`, "name": "bob"}}`, false), em.Merge()); err != nil {
			t.Fatal(err)
		}
		if got.Writer.ID != w2.ID || got.Writer.Name != "bob" || m.IsDirty(got.Writer) {
			t.Errorf("merged writer: %+v dirty %v", got.Writer, m.IsDirty(got.Writer))
		}
		before := e.statements()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var sqls []string
		e.mu.Lock()
		sqls = append(sqls, e.sql[before:]...)
		e.mu.Unlock()
		for _, s := range sqls {
			if strings.Contains(s, "UPDATE") && strings.Contains(s, "writer") && !strings.Contains(s, "novel") {
				t.Errorf("merge wrote the writer: %s", s)
			}
		}
		var wid int64
		if err := qb.Select("writer_id").From("novel").Where(qb.Cond{"id": n.ID}).First(ctx, e.orm.SQL(), &wid); err != nil || wid != w2.ID {
			t.Errorf("novel's writer %d %v", wid, err)
		}
		// Merge is about nested objects: the entity assigned to changes as usual.
		m = e.fork()
		got, err = em.FindOneOrFail[Novel](ctx, m, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Assign(got, map[string]any{"price": json.Number("99")}, em.Merge()); err != nil || got.Price != 99 || !m.IsDirty(got) {
			t.Errorf("root with merge: price %d dirty %v %v", got.Price, m.IsDirty(got), err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
