package emsuite

import (
	"context"
	"errors"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// Assign on a to-many property writes exactly the difference, and a failed
// Assign leaves a loaded collection as it was.
func TestAssignCollection(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		tags := []*Tag{{Name: "t1"}, {Name: "t2"}, {Name: "t3"}}
		b := &Book{Title: "b", Author: &Author{Name: "a", Email: "a@x"}}
		b.Tags.Add(tags...)
		if err := persistFlush(ctx, m, b); err != nil {
			t.Fatal(err)
		}
		m = e.fork()
		book, err := em.FindOneOrFail[Book](ctx, m, b.ID, em.Populate("tags"))
		if err != nil {
			t.Fatal(err)
		}
		loaded, _ := book.Tags.Items()
		err = m.Assign(book, map[string]any{"tags": []any{loaded[1].ID}, "title": map[string]any{"$ne": ""}})
		if err == nil {
			t.Fatal("Assign with a map value succeeded")
		}
		if items, _ := book.Tags.Items(); len(items) != 3 || book.Tags.IsDirty() {
			t.Fatalf("a failed Assign changed the collection: %d items, dirty %v", len(items), book.Tags.IsDirty())
		}
		if err := m.Assign(book, map[string]any{"tags": []any{loaded[1], loaded[2].ID}}); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, "book_tags"); n != 2 {
			t.Fatalf("%d pivot rows after assigning 2 tags, want 2", n)
		}
	})
}

// Upsert never writes an older version over the stored one: a fork that
// loaded the row earlier still gets ErrOptimisticLock.
func TestUpsertKeepsVersion(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		a := &Author{Name: "v", Email: "v@x"}
		if err := persistFlush(ctx, m, a); err != nil {
			t.Fatal(err)
		}
		stale := e.fork()
		old, err := em.FindOneOrFail[Author](ctx, stale, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			a.Age++
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		up := e.fork()
		b := &Author{Name: "upserted", Email: "v@x"}
		if err := up.Upsert(ctx, b, "email"); err != nil {
			t.Fatal(err)
		}
		if b.Version != 4 || b.ID != a.ID {
			t.Fatalf("upserted entity: id %d version %d, want %d and 4", b.ID, b.Version, a.ID)
		}
		old.Name = "stale"
		if err := stale.Flush(ctx); !errors.Is(err, unitorm.ErrOptimisticLock) {
			t.Fatalf("stale flush after the upsert: %v, want ErrOptimisticLock", err)
		}
		// Upsert without conflict properties needs the key.
		if err := e.fork().Upsert(ctx, &Author{Name: "n", Email: "n@x"}); err == nil {
			t.Fatal("Upsert of a new entity without a key or conflict properties succeeded")
		}
	})
}

// A removed entity whose key was changed is refused instead of deleting
// another row.
func TestRemoveAfterKeyChangeIsRefused(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		x, y := &Note{Text: "x"}, &Note{Text: "y"}
		if err := persistFlush(ctx, m, x, y); err != nil {
			t.Fatal(err)
		}
		if err := m.Remove(y); err != nil {
			t.Fatal(err)
		}
		y.ID = x.ID
		if err := m.Flush(ctx); !errors.Is(err, unitorm.ErrInvalidKey) {
			t.Fatalf("flush = %v, want ErrInvalidKey", err)
		}
		if n := e.count(t, "note"); n != 2 {
			t.Fatalf("%d notes left, want 2", n)
		}
	})
}

// Revised counts its updates in a BeforeUpdate hook.
type Revised struct {
	ID        int64 `orm:"pk"`
	Name      string
	Revisions int
	Version   int `orm:"version"`
}

func (r *Revised) BeforeUpdate(context.Context) error { r.Revisions++; return nil }

// Before-hook changes are undone when the flush fails, so a retry runs the
// hook on the entity as it was.
func TestBeforeHookUndoneOnFailure(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		acc := &Revised{Name: "r"}
		if err := persistFlush(ctx, m, acc); err != nil {
			t.Fatal(err)
		}
		if _, err := e.orm.SQL().ExecContext(ctx, "UPDATE "+e.orm.Dialect().QuoteIdent("revised")+" SET version = version + 1"); err != nil {
			t.Fatal(err)
		}
		acc.Name = "changed"
		if err := m.Flush(ctx); !errors.Is(err, unitorm.ErrOptimisticLock) {
			t.Fatalf("flush = %v, want ErrOptimisticLock", err)
		}
		if acc.Revisions != 0 {
			t.Fatalf("revisions = %d after the failed flush, want 0 (hook change undone)", acc.Revisions)
		}
		if err := m.Refresh(ctx, acc); err != nil {
			t.Fatal(err)
		}
		acc.Name = "again"
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if acc.Revisions != 1 {
			t.Fatalf("revisions = %d after one successful update, want 1", acc.Revisions)
		}
	})
}

func TestNegativeOffsetIsAnError(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		_, err := em.Find[Note](context.Background(), e.fork(), qb.Cond{"text": "x"}, em.Offset(-1))
		if err == nil {
			t.Fatal("negative offset accepted")
		}
	})
}
