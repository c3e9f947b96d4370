package emsuite

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
)

// Cases found by review of the relation sync: each would leave memory and
// the database apart after a successful flush.

// storedTags returns the tag names stored for book id, read by a fresh fork.
func storedTagCount(t *testing.T, e *env, id int64) int {
	t.Helper()
	b, err := em.FindOneOrFail[Book](context.Background(), e.fork(), id, em.Populate("tags"))
	if err != nil {
		t.Fatal(err)
	}
	return len(items(t, &b.Tags))
}

func TestCopyOfAnEntityChangesNothingStored(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		b := &Book{Title: "orig", Author: &Author{Name: "c", Email: "c@copy"}}
		tag := &Tag{Name: "t"}
		if err := m.Persist(b, tag); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		cp := *b // a DTO or clone, never persisted
		cp.Tags.Add(tag)
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if n := storedTagCount(t, e, b.ID); n != 0 {
			t.Fatalf("a change to a copy of the book wrote %d pivot rows", n)
		}
		if got := items(t, &tag.Books); len(got) != 0 {
			t.Fatalf("tag.Books = %v after a change to a copy", got)
		}
	})
}

func TestDetachedEntityChangesNothingStored(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		b := &Book{Title: "d", Author: &Author{Name: "d", Email: "d@detach"}}
		tag := &Tag{Name: "t"}
		if err := m.Persist(b, tag); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if err := m.Detach(b); err != nil {
			t.Fatal(err)
		}
		b.Tags.Add(tag)
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if n := storedTagCount(t, e, b.ID); n != 0 {
			t.Fatalf("a change to a detached book wrote %d pivot rows", n)
		}
	})
}

func TestRolledBackTransactionalKeepsTheGraphInStep(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		a1 := &Author{Name: "a1", Email: "a1@tx"}
		a2 := &Author{Name: "a2", Email: "a2@tx"}
		a3 := &Author{Name: "a3", Email: "a3@tx"}
		b := &Book{Title: "b", Author: a1}
		if err := m.Persist(a1, a2, a3, b); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		if err := m.Transactional(ctx, func(context.Context, *em.EntityManager) error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("Transactional = %v", err)
		}
		b.Author = a2
		if err := m.Persist(b); err != nil {
			t.Fatal(err)
		}
		a3.Books.Add(b)
		b.Author = a1
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		in := func(a *Author) bool { return slices.Contains(items(t, &a.Books), b) }
		if !in(a1) || in(a2) || in(a3) {
			t.Fatalf("after the moves b is in a1: %v, a2: %v, a3: %v; want only a1", in(a1), in(a2), in(a3))
		}
	})
}

func TestCommittedTransactionalKeepsSyncLinks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		a1 := &Author{Name: "l1", Email: "l1@tx"}
		a2 := &Author{Name: "l2", Email: "l2@tx"}
		b := &Book{Title: "b", Author: a1}
		if err := m.Persist(a1, a2, b); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		b.Author = a2
		if err := m.Persist(b); err != nil {
			t.Fatal(err)
		}
		if err := m.Transactional(ctx, func(context.Context, *em.EntityManager) error {
			b.Author = a1
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got := items(t, &a1.Books); !slices.Equal(got, []*Book{b}) {
			t.Fatalf("a1.Books = %v, want [b]", got)
		}
		if got := items(t, &a2.Books); len(got) != 0 {
			t.Fatalf("a2.Books = %v, want empty", got)
		}
	})
}

func TestSetOnUnloadedOrphanRemovalCollectionDeletesTheOldItems(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		c := &Cart{Name: "c"}
		c.Items.Add(&CartItem{Sku: "1"}, &CartItem{Sku: "2"})
		if err := m.Persist(c); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		r := e.fork()
		rc, err := em.FindOneOrFail[Cart](ctx, r, c.ID) // items not loaded
		if err != nil {
			t.Fatal(err)
		}
		if _, err := em.FindAll[CartItem](ctx, r); err != nil { // one old item in memory, pointing at the cart
			t.Fatal(err)
		}
		rc.Items.Set(&CartItem{Sku: "3"})
		if err := r.Flush(ctx); err != nil {
			t.Fatalf("flush: %v", err)
		}
		if n := e.count(t, "cart_item"); n != 1 {
			t.Fatalf("%d cart items stored after Set of one on a collection removing orphans, want 1", n)
		}
	})
}

func TestCollectionAssignedToALoadedEntityReplacesItsContent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		t1, t2 := &Tag{Name: "t1"}, &Tag{Name: "t2"}
		b := &Book{Title: "b", Author: &Author{Name: "as", Email: "as@assign"}}
		b.Tags.Add(t1)
		if err := m.Persist(b, t2); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		b.Tags = unitorm.NewCollection(t2)
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if n := storedTagCount(t, e, b.ID); n != 1 {
			t.Fatalf("%d tags stored after assigning a collection of one, want 1", n)
		}
		if got := items(t, &t1.Books); len(got) != 0 {
			t.Fatalf("t1.Books = %v after b.Tags was replaced without it", got)
		}
	})
}
