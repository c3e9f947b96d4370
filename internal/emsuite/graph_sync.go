package emsuite

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/rel"
)

// The two sides of a relation are in step at once where Go lets the ORM
// see the change (collection methods), at Persist and Flush where it does
// not (pointer writes). The randomized test in integration/graphtest owns
// the property; these are its cases spelled out.

func TestCollectionChangesReachTheOtherSideAtOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		a1 := &Author{Name: "a1", Email: "a1@sync"}
		a2 := &Author{Name: "a2", Email: "a2@sync"}
		b := &Book{Title: "b", Author: a1}
		tag := &Tag{Name: "t"}
		if err := m.Persist(a1, a2, b, tag); err != nil {
			t.Fatal(err)
		}
		// Persisted new entities have complete collections, and b is in
		// a1's: a pointer write is synced at Persist.
		if got := items(t, &a1.Books); !slices.Equal(got, []*Book{b}) {
			t.Fatalf("a1.Books after Persist = %v, want [b]", got)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}

		// 1:m Add moves the item: owning pointer at once, old owner's
		// loaded collection loses it.
		a2.Books.Add(b)
		if b.Author != a2 {
			t.Fatalf("after a2.Books.Add(b): b.Author = %v, want a2", b.Author)
		}
		if got := items(t, &a1.Books); len(got) != 0 {
			t.Fatalf("a1.Books after the move = %v, want empty", got)
		}
		// m:n owning side: the loaded inverse side gets the owner at once.
		b.Tags.Add(tag)
		if got := items(t, &tag.Books); !slices.Equal(got, []*Book{b}) {
			t.Fatalf("tag.Books after b.Tags.Add(tag) = %v, want [b]", got)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		fresh := e.fork()
		fb, err := em.FindOneOrFail[Book](ctx, fresh, b.ID, em.Populate("author", "tags"))
		if err != nil {
			t.Fatal(err)
		}
		if fb.Author.ID != a2.ID {
			t.Fatalf("stored author = %d, want %d", fb.Author.ID, a2.ID)
		}
		if got := items(t, &fb.Tags); len(got) != 1 || got[0].ID != tag.ID {
			t.Fatalf("stored tags = %v", got)
		}

		// m:n inverse side: the owning side follows, and the row goes.
		tag.Books.Remove(b)
		if got := items(t, &b.Tags); len(got) != 0 {
			t.Fatalf("b.Tags after tag.Books.Remove(b) = %v, want empty", got)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		n, err := em.Count[Tag](ctx, e.fork(), nil)
		if err != nil || n != 1 {
			t.Fatalf("tags = %d, %v", n, err)
		}
		check := e.fork()
		ct, err := em.FindOneOrFail[Tag](ctx, check, tag.ID, em.Populate("books"))
		if err != nil {
			t.Fatal(err)
		}
		if got := items(t, &ct.Books); len(got) != 0 {
			t.Fatalf("stored tag.Books = %v, want none", got)
		}
	})
}

func TestUninitializedSideStaysUninitialized(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		seed := e.fork()
		a := &Author{Name: "u", Email: "u@sync"}
		b := &Book{Title: "ub", Author: a}
		tag := &Tag{Name: "ut"}
		if err := seed.Persist(b, tag); err != nil {
			t.Fatal(err)
		}
		if err := seed.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		m := e.fork()
		lb, err := em.FindOneOrFail[Book](ctx, m, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		lt, err := em.FindOneOrFail[Tag](ctx, m, tag.ID)
		if err != nil {
			t.Fatal(err)
		}
		mark := e.rec.mark()
		lb.Tags.Add(lt)
		if _, err := lt.Books.Len(); !errors.Is(err, rel.ErrNotInitialized) {
			t.Fatalf("tag.Books.Len() = %v, want ErrNotInitialized", err)
		}
		if q := e.rec.since(mark); len(q) != 0 {
			t.Fatalf("Add ran %v", q)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		// Loaded later, it holds the row once.
		if err := m.Init(ctx, &lt.Books); err != nil {
			t.Fatal(err)
		}
		if got := items(t, &lt.Books); !slices.Equal(got, []*Book{lb}) {
			t.Fatalf("tag.Books loaded after the flush = %v, want [book]", got)
		}
	})
}

func TestPointerWritesSyncedAtPersistAndFlush(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		a1 := &Author{Name: "p1", Email: "p1@sync"}
		a2 := &Author{Name: "p2", Email: "p2@sync"}
		b := &Book{Title: "pb", Author: a1}
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
		if got := items(t, &a1.Books); len(got) != 0 {
			t.Fatalf("a1.Books after Persist = %v, want empty", got)
		}
		if got := items(t, &a2.Books); !slices.Equal(got, []*Book{b}) {
			t.Fatalf("a2.Books after Persist = %v, want [b]", got)
		}
		// Without Persist: in step after the flush.
		b.Author = a1
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got := items(t, &a1.Books); !slices.Equal(got, []*Book{b}) {
			t.Fatalf("a1.Books after Flush = %v, want [b]", got)
		}
		if got := items(t, &a2.Books); len(got) != 0 {
			t.Fatalf("a2.Books after Flush = %v, want empty", got)
		}
		// A new child of a new parent, flushed together, is in the parent's
		// collection; the JSON says so.
		a3 := &Author{Name: "p3", Email: "p3@sync"}
		nb := &Book{Title: "nb", Author: a3}
		if err := m.Persist(nb); err != nil { // a3 cascades
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got := items(t, &a3.Books); !slices.Equal(got, []*Book{nb}) {
			t.Fatalf("a3.Books = %v, want [nb]", got)
		}
	})
}

// items returns the content of a collection, failing the test when it is
// not initialized.
func items[T any](t *testing.T, c *rel.Collection[T]) []T {
	t.Helper()
	got, err := c.Items()
	if err != nil {
		t.Fatalf("Items: %v", err)
	}
	return got
}
