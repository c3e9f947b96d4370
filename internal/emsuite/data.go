package emsuite

import (
	"context"
	"errors"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
)

func TestCreateAndAssign(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		a, err := em.Create[Author](m, map[string]any{"name": "ann", "email": "ann@create", "age": 33, "nickname": "annie"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Name != "ann" || a.Age != 33 || a.Nickname == nil || *a.Nickname != "annie" || stateOf(m, a) != uow.StateNew {
			t.Fatalf("created %+v (state %v)", a, stateOf(m, a))
		}
		b, err := em.Create[Book](m, map[string]any{"title": "created", "author": a})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || b.ID == 0 || b.Author != a {
			t.Fatalf("after flush: author %d, book %d with author %p", a.ID, b.ID, b.Author)
		}
		// A relation given by key becomes the managed instance.
		b2, err := em.Create[Book](m, map[string]any{"title": "by key", "author": a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if b2.Author != a {
			t.Errorf("author given by key: %p, want the managed %p", b2.Author, a)
		}

		t.Run("unknown key: error, nothing created", func(t *testing.T) {
			m := e.fork()
			x, err := em.Create[Author](m, map[string]any{"name": "x", "emial": "typo"})
			if !errors.Is(err, unitorm.ErrUnknownProperty) || x != nil {
				t.Errorf("Create with an unknown key: %v, %v; want ErrUnknownProperty", x, err)
			}
			if n := uow.OfManager(m).IdentityMap().Len(); n != 0 {
				t.Errorf("%d entities tracked after the failed Create", n)
			}
		})

		t.Run("Assign checks every key before changing anything", func(t *testing.T) {
			before := *a
			for _, data := range []map[string]any{
				{"name": "new", "nope": 1},
				{"name": "new", "age": "not a number"},
				{"name": "new", "age": map[string]any{"$gt": 1}},
				{"name": "new", "favouriteBook": "not a key"},
			} {
				if err := m.Assign(a, data); err == nil {
					t.Errorf("Assign(%v) succeeded", data)
				}
				if a.Name != before.Name || a.Age != before.Age || a.FavouriteBook != before.FavouriteBook {
					t.Errorf("Assign(%v) failed but changed the entity: %+v", data, a)
				}
			}
			if err := m.Assign(a, map[string]any{"name": "assigned", "age": 0, "favouriteBook": b}); err != nil {
				t.Fatal(err)
			}
			mark := e.rec.mark()
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			got := shapes(e.rec.since(mark))
			want := "UPDATE author SET name,age,favourite_book_id,version"
			found := false
			for _, s := range got {
				found = found || s == want
			}
			if !found {
				t.Errorf("flush after Assign ran %q, want %q among them", got, want)
			}
		})
	})
}

func TestUpsert(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		a := &Author{Name: "first", Email: "up@sert", Age: 1}
		if err := m.Upsert(ctx, a, "email"); err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || !m.Contains(a) || m.IsDirty(a) {
			t.Fatalf("after the inserting upsert: id %d, managed %v, dirty %v", a.ID, m.Contains(a), m.IsDirty(a))
		}
		m2 := e.fork()
		b := &Author{Name: "second", Email: "up@sert", Age: 2}
		if err := m2.Upsert(ctx, b, "email"); err != nil {
			t.Fatal(err)
		}
		if b.ID != a.ID {
			t.Errorf("the updating upsert got key %d, want the existing row's %d", b.ID, a.ID)
		}
		if n := e.count(t, "author"); n != 1 {
			t.Errorf("%d authors after two upserts of one email", n)
		}
		got, err := em.FindOneOrFail[Author](ctx, e.fork(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "second" || got.Age != 2 {
			t.Errorf("row after the second upsert: %+v", got)
		}
		// The upserted entity is managed: a change to it is flushed.
		b.Age = 3
		if err := m2.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := em.FindOneOrFail[Author](ctx, e.fork(), a.ID); got == nil || got.Age != 3 {
			t.Errorf("row after changing the upserted entity: %+v", got)
		}
	})
}

func TestNativeOperations(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		for _, text := range []string{"a", "b", "c"} {
			n, err := em.NativeInsert[Note](ctx, m, map[string]any{"text": text})
			if err != nil || n != 1 {
				t.Fatalf("NativeInsert: %d, %v", n, err)
			}
		}
		if n := uow.OfManager(m).IdentityMap().Len(); n != 0 {
			t.Errorf("native inserts tracked %d entities", n)
		}
		b, err := em.FindOneOrFail[Note](ctx, m, qb.Cond{"text": "b"})
		if err != nil {
			t.Fatal(err)
		}
		n, err := em.NativeUpdate[Note](ctx, m, qb.Cond{"text": qb.In("a", "b")}, map[string]any{"text": "z"})
		if err != nil || n != 2 {
			t.Fatalf("NativeUpdate: %d, %v", n, err)
		}
		if b.Text != "b" || m.IsDirty(b) {
			t.Errorf("NativeUpdate touched the managed entity: %+v dirty %v", b, m.IsDirty(b))
		}
		equalStrings(t, "notes", noteTexts(t, e), []string{"c", "z", "z"})
		n, err = em.NativeDelete[Note](ctx, m, qb.Cond{"text": "z"})
		if err != nil || n != 2 {
			t.Fatalf("NativeDelete: %d, %v", n, err)
		}
		equalStrings(t, "notes", noteTexts(t, e), []string{"c"})
		mark := e.rec.mark()
		if _, err := em.NativeUpdate[Note](ctx, m, qb.Cond{"nope": 1}, map[string]any{"text": "x"}); !errors.Is(err, unitorm.ErrUnknownProperty) {
			t.Errorf("NativeUpdate on an unknown property: %v", err)
		}
		if _, err := em.NativeInsert[Note](ctx, m, map[string]any{"nope": 1}); !errors.Is(err, unitorm.ErrUnknownProperty) {
			t.Errorf("NativeInsert of an unknown property: %v", err)
		}
		if got := e.rec.since(mark); len(got) != 0 {
			t.Errorf("refused native operations ran %q", got)
		}
	})
}

// TestPreviewFlush: the statements of the next flush, in order, without
// running anything or changing any entity; the flush then runs exactly
// those statements.
func TestPreviewFlush(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ids := seedAuthors(t, e, "ann", "bob")
		m := e.fork()
		ann, err := em.FindOneOrFail[Author](ctx, m, ids["ann"])
		if err != nil {
			t.Fatal(err)
		}
		bob, err := em.FindOneOrFail[Author](ctx, m, ids["bob"])
		if err != nil {
			t.Fatal(err)
		}
		ann.Age = 99
		if err := m.Remove(bob); err != nil {
			t.Fatal(err)
		}
		cid := &Author{Name: "cid", Email: "cid@x"}
		book := &Book{Title: "new", Author: cid, Tags: unitorm.NewCollection(&Tag{Name: "t"})}
		if err := m.Persist(book); err != nil {
			t.Fatal(err)
		}
		before := e.orm.QueryCount()
		mark := e.rec.mark()
		plan, err := m.PreviewFlush()
		if err != nil {
			t.Fatal(err)
		}
		if got := e.orm.QueryCount(); got != before || len(e.rec.since(mark)) != 0 {
			t.Errorf("PreviewFlush ran %d statements", got-before)
		}
		if cid.ID != 0 || book.ID != 0 || ann.Version != 1 || stateOf(m, cid) != uow.StateNew {
			t.Errorf("PreviewFlush changed entities: cid %d, book %d, ann v%d", cid.ID, book.ID, ann.Version)
		}
		var previewed []string
		for _, s := range plan {
			previewed = append(previewed, norm(s.SQL))
		}
		again, err := m.PreviewFlush()
		if err != nil || len(again) != len(plan) {
			t.Errorf("a second preview differs: %d statements, %v", len(again), err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var ran []string
		for _, s := range e.rec.since(mark) {
			if sh := shape(s); sh != "BEGIN" && sh != "COMMIT" {
				ran = append(ran, norm(s))
			}
		}
		equalStrings(t, "previewed vs run", previewed, ran)
		equalStrings(t, "preview shapes", shapes(previewed), []string{
			"INSERT tag ×1", "INSERT author ×1", "INSERT book ×1", "UPDATE author SET age,version",
			"INSERT book_tags ×1", "DELETE author",
		})
	})
}
