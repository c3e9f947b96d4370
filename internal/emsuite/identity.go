package emsuite

import (
	"context"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// seedAuthors inserts authors named after names (emails name@x) with a
// separate fork and returns their keys by name.
func seedAuthors(t *testing.T, e *env, names ...string) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	m := e.fork()
	var as []*Author
	for _, n := range names {
		a := &Author{Name: n, Email: n + "@x", Age: 30}
		as = append(as, a)
		if err := m.Persist(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatalf("seed: %v", err)
	}
	ids := map[string]int64{}
	for _, a := range as {
		ids[a.Name] = a.ID
	}
	return ids
}

func TestIdentityMap(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ids := seedAuthors(t, e, "ann", "bob")
		m := e.fork()

		t.Run("two finds of one row return one pointer", func(t *testing.T) {
			a1, err := em.FindOneOrFail[Author](ctx, m, qb.Cond{"email": "ann@x"})
			if err != nil {
				t.Fatal(err)
			}
			all, err := em.Find[Author](ctx, m, nil, em.OrderBy("name", qb.Asc))
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 2 || all[0] != a1 {
				t.Fatalf("Find returned %d authors, first %p, want the FindOne instance %p", len(all), all[0], a1)
			}
		})

		t.Run("FindOne by primary key of a managed entity runs no query", func(t *testing.T) {
			a1, err := em.FindOneOrFail[Author](ctx, m, ids["ann"])
			if err != nil {
				t.Fatal(err)
			}
			mark := e.rec.mark()
			for _, where := range []any{ids["ann"], qb.Cond{"id": ids["ann"]}, int(ids["ann"])} {
				a2, err := em.FindOne[Author](ctx, m, where)
				if err != nil {
					t.Fatal(err)
				}
				if a2 != a1 {
					t.Errorf("FindOne(%#v) returned another instance", where)
				}
			}
			if got := e.rec.since(mark); len(got) != 0 {
				t.Errorf("managed FindOne by key ran %q, want nothing", got)
			}
		})

		t.Run("a managed entity with unflushed changes is not overwritten by a load", func(t *testing.T) {
			a, err := em.FindOneOrFail[Author](ctx, m, qb.Cond{"email": "bob@x"})
			if err != nil {
				t.Fatal(err)
			}
			a.Name = "changed"
			again, err := em.Find[Author](ctx, m, qb.Cond{"email": "bob@x"})
			if err != nil {
				t.Fatal(err)
			}
			if len(again) != 1 || again[0] != a || a.Name != "changed" {
				t.Fatalf("reload: %d rows, same=%v, name %q; want the same instance keeping its change", len(again), len(again) == 1 && again[0] == a, a.Name)
			}
			if err := m.Refresh(ctx, a); err != nil {
				t.Fatal(err)
			}
			if a.Name != "bob" {
				t.Errorf("after Refresh name = %q, want bob", a.Name)
			}
		})

		t.Run("Reference runs no query and a later load fills the same pointer", func(t *testing.T) {
			m := e.fork()
			mark := e.rec.mark()
			ref, err := em.Reference[Author](m, ids["bob"])
			if err != nil {
				t.Fatal(err)
			}
			if got := e.rec.since(mark); len(got) != 0 {
				t.Errorf("Reference ran %q", got)
			}
			if ref.ID != ids["bob"] || ref.Name != "" || m.IsLoaded(ref) {
				t.Fatalf("reference = %+v, loaded %v; want only the key, not loaded", ref, m.IsLoaded(ref))
			}
			again, err := em.Reference[Author](m, ids["bob"])
			if err != nil || again != ref {
				t.Fatalf("second Reference: %p, %v; want the same pointer", again, err)
			}
			loaded, err := em.FindOneOrFail[Author](ctx, m, ids["bob"])
			if err != nil {
				t.Fatal(err)
			}
			if got := shapes(e.rec.since(mark)); len(got) != 1 || got[0] != "SELECT author" {
				t.Errorf("loading the reference ran %q, want one SELECT", got)
			}
			if loaded != ref || ref.Name != "bob" || ref.Email != "bob@x" || !m.IsLoaded(ref) {
				t.Errorf("load returned %p (reference %p) with %+v", loaded, ref, ref)
			}
		})

		t.Run("a reference reached through a relation is filled by populate", func(t *testing.T) {
			m := e.fork()
			b := &Book{Title: "t", Author: mustRef[Author](t, m, ids["ann"])}
			if err := m.Persist(b); err != nil {
				t.Fatal(err)
			}
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			m2 := e.fork()
			ref := mustRef[Author](t, m2, ids["ann"])
			books, err := em.Find[Book](ctx, m2, qb.Cond{"id": b.ID}, em.Populate("author"))
			if err != nil {
				t.Fatal(err)
			}
			if len(books) != 1 || books[0].Author != ref || ref.Name != "ann" {
				t.Errorf("populated author %p (reference %p) name %q", books[0].Author, ref, ref.Name)
			}
		})
	})
}

func mustRef[T any](t *testing.T, m *em.EntityManager, pk any) *T {
	t.Helper()
	r, err := em.Reference[T](m, pk)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReadHelpers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		seedAuthors(t, e, "ann", "bob", "cid", "dee")
		m := e.fork()
		page, total, err := em.FindAndCount[Author](ctx, m, qb.Cond{"age": 30}, em.OrderBy("name", qb.Desc), em.Limit(2), em.Offset(1))
		if err != nil {
			t.Fatal(err)
		}
		if total != 4 || len(page) != 2 || page[0].Name != "cid" || page[1].Name != "bob" {
			t.Errorf("FindAndCount = %d rows (%v), total %d", len(page), names(page), total)
		}
		n, err := em.Count[Author](ctx, m, qb.Cond{"name": qb.In("ann", "bob")})
		if err != nil || n != 2 {
			t.Errorf("Count = %d, %v; want 2", n, err)
		}
		_, err = em.FindOneOrFail[Author](ctx, m, qb.Cond{"name": "nobody"})
		if !errorsIsNotFound(err) {
			t.Errorf("FindOneOrFail of nothing: %v, want ErrNotFound unwrapping to sql.ErrNoRows", err)
		}
		none, err := em.FindOne[Author](ctx, m, qb.Cond{"name": "nobody"})
		if none != nil || err != nil {
			t.Errorf("FindOne of nothing = %v, %v; want nil, nil", none, err)
		}
	})
}

func names(as []*Author) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Name
	}
	return out
}
