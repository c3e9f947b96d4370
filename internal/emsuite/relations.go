package emsuite

import (
	"context"
	"slices"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// TestCycleInsertsNullThenUpdates: a new author whose favourite book is its
// own new book (Author.FavouriteBook nullable ↔ Book.Author not null) is
// inserted with a NULL favourite, the book after it, then the favourite is
// set by an UPDATE, all in one transaction.
func TestCycleInsertsNullThenUpdates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		a := &Author{Name: "ann", Email: "ann@cycle"}
		b := &Book{Title: "own", Author: a}
		a.FavouriteBook = b
		if err := m.Persist(a); err != nil {
			t.Fatal(err)
		}
		mark := e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		equalStrings(t, "cycle flush", shapes(e.rec.since(mark)), []string{
			"BEGIN", "INSERT author ×1", "INSERT book ×1", "UPDATE author SET favourite_book_id", "COMMIT",
		})
		check := e.fork()
		got, err := em.FindOneOrFail[Author](ctx, check, a.ID, em.Populate("favouriteBook"))
		if err != nil {
			t.Fatal(err)
		}
		if got.FavouriteBook == nil || got.FavouriteBook.ID != b.ID || got.FavouriteBook.Title != "own" {
			t.Fatalf("favourite book read back: %+v, want book %d", got.FavouriteBook, b.ID)
		}
		if got.Version != 1 || a.Version != 1 {
			t.Errorf("the fix-up update bumped the version: row v%d, entity v%d", got.Version, a.Version)
		}
		if m.IsDirty(a) || m.IsDirty(b) {
			t.Error("entities dirty after the cycle flush")
		}
		// Removing both rows of the cycle in one flush.
		if err := check.Remove(got, got.FavouriteBook); err != nil {
			t.Fatal(err)
		}
		mark = e.rec.mark()
		if err := check.Flush(ctx); err != nil {
			t.Fatalf("removing both sides of the cycle: %v", err)
		}
		equalStrings(t, "cycle delete", shapes(e.rec.since(mark)), []string{
			"BEGIN", "UPDATE author SET favourite_book_id", "DELETE book", "DELETE author", "COMMIT",
		})
		if n, k := e.count(t, "author"), e.count(t, "book"); n+k != 0 {
			t.Errorf("%d authors, %d books left after removing the cycle", n, k)
		}
	})
}

// pivotRows returns the (book id, tag id) rows of the book_tags pivot.
func pivotRows(t *testing.T, e *env) [][2]int64 {
	t.Helper()
	var rows []struct {
		Book int64 `db:"book_id"`
		Tag  int64 `db:"tag_id"`
	}
	if err := qb.Select("book_id", "tag_id").From("book_tags").OrderBy("book_id", qb.Asc).OrderBy("tag_id", qb.Asc).
		Scan(context.Background(), e.orm.SQL(), &rows); err != nil {
		t.Fatal(err)
	}
	out := make([][2]int64, len(rows))
	for i, r := range rows {
		out[i] = [2]int64{r.Book, r.Tag}
	}
	return out
}

func equalPairs(t *testing.T, what string, got, want [][2]int64) {
	t.Helper()
	slices.SortFunc(want, func(a, b [2]int64) int {
		if a[0] != b[0] {
			return int(a[0] - b[0])
		}
		return int(a[1] - b[1])
	})
	if !slices.Equal(got, want) {
		t.Errorf("%s: pivot rows %v, want %v", what, got, want)
	}
}

// TestManyToManyPivots: pivot rows follow the collection's diff — add,
// remove, Set on a loaded collection, Set on an unloaded one (replaces all
// rows), changes made on the inverse side — and removing an owner takes its
// rows with it.
func TestManyToManyPivots(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		a := &Author{Name: "ann", Email: "ann@mn"}
		go1, db, orm, sql := &Tag{Name: "go"}, &Tag{Name: "db"}, &Tag{Name: "orm"}, &Tag{Name: "sql"}
		b := &Book{Title: "b1", Author: a, Tags: unitorm.NewCollection(go1, db)}
		b2 := &Book{Title: "b2", Author: a}
		if err := m.Persist(b, b2, orm, sql); err != nil {
			t.Fatal(err)
		}
		mark := e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		got := shapes(e.rec.since(mark))
		if got[len(got)-2] != "INSERT book_tags ×2" {
			t.Errorf("new book's tags: statements %q, want the pivot insert last", got)
		}
		equalPairs(t, "after insert", pivotRows(t, e), [][2]int64{{b.ID, go1.ID}, {b.ID, db.ID}})

		t.Run("add and remove on a loaded collection", func(t *testing.T) {
			m := e.fork()
			bk, err := em.FindOneOrFail[Book](ctx, m, b.ID, em.Populate("tags"))
			if err != nil {
				t.Fatal(err)
			}
			tags, err := bk.Tags.Items()
			if err != nil || len(tags) != 2 {
				t.Fatalf("loaded tags %d, %v", len(tags), err)
			}
			o := mustRef[Tag](t, m, orm.ID)
			bk.Tags.Remove(tags[0])
			bk.Tags.Add(o)
			mark := e.rec.mark()
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			equalStrings(t, "add+remove", shapes(e.rec.since(mark)), []string{
				"BEGIN", "DELETE book_tags", "INSERT book_tags ×1", "COMMIT",
			})
			equalPairs(t, "after add+remove", pivotRows(t, e), [][2]int64{{b.ID, tags[1].ID}, {b.ID, orm.ID}})
		})

		t.Run("Set on a loaded collection writes the difference", func(t *testing.T) {
			m := e.fork()
			bk, err := em.FindOneOrFail[Book](ctx, m, b.ID, em.Populate("tags"))
			if err != nil {
				t.Fatal(err)
			}
			bk.Tags.Set(mustRef[Tag](t, m, orm.ID), mustRef[Tag](t, m, sql.ID))
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			equalPairs(t, "after Set", pivotRows(t, e), [][2]int64{{b.ID, orm.ID}, {b.ID, sql.ID}})
		})

		t.Run("Set on an unloaded collection replaces every row", func(t *testing.T) {
			m := e.fork()
			bk, err := em.FindOneOrFail[Book](ctx, m, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bk.Tags.Items(); err == nil {
				t.Fatal("reading an unloaded collection did not fail")
			}
			bk.Tags.Set(mustRef[Tag](t, m, go1.ID))
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			equalPairs(t, "after Set on unloaded", pivotRows(t, e), [][2]int64{{b.ID, go1.ID}})
		})

		t.Run("changes on the inverse side write the owner's rows", func(t *testing.T) {
			m := e.fork()
			tg, err := em.FindOneOrFail[Tag](ctx, m, db.ID, em.Populate("books"))
			if err != nil {
				t.Fatal(err)
			}
			if n, err := tg.Books.Len(); err != nil || n != 0 {
				t.Fatalf("tag db has %d books (%v), want 0", n, err)
			}
			tg.Books.Add(mustRef[Book](t, m, b.ID), mustRef[Book](t, m, b2.ID))
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			equalPairs(t, "after inverse add", pivotRows(t, e), [][2]int64{{b.ID, go1.ID}, {b.ID, db.ID}, {b2.ID, db.ID}})
			tg.Books.Remove(mustRef[Book](t, m, b.ID))
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			equalPairs(t, "after inverse remove", pivotRows(t, e), [][2]int64{{b.ID, go1.ID}, {b2.ID, db.ID}})
		})

		t.Run("removing an owner removes its rows", func(t *testing.T) {
			m := e.fork()
			bk, err := em.FindOneOrFail[Book](ctx, m, b2.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Remove(bk); err != nil {
				t.Fatal(err)
			}
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			equalPairs(t, "after removing b2", pivotRows(t, e), [][2]int64{{b.ID, go1.ID}})
		})
	})
}

// TestOrphanRemovalAndCascadeRemove: an item taken out of a collection
// declared orphanRemoval is deleted; removing the cart removes its remaining
// items first (cascade remove, children before parents).
func TestOrphanRemovalAndCascadeRemove(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		c := &Cart{Name: "c"}
		items := []*CartItem{{Sku: "a"}, {Sku: "b"}, {Sku: "c"}}
		c.Items = unitorm.NewCollection(items...)
		if err := m.Persist(c); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, "cart_item"); n != 3 {
			t.Fatalf("%d cart items after cascade persist, want 3", n)
		}
		for _, it := range items {
			if it.Cart != c {
				t.Errorf("item %s points at %p, want its cart (the owning side set from the collection)", it.Sku, it.Cart)
			}
		}

		m = e.fork()
		cart, err := em.FindOneOrFail[Cart](ctx, m, c.ID, em.Populate("items"))
		if err != nil {
			t.Fatal(err)
		}
		loaded, _ := cart.Items.Items()
		cart.Items.Remove(loaded[0])
		mark := e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		equalStrings(t, "orphan removal", shapes(e.rec.since(mark)), []string{"DELETE cart_item"})
		if n := e.count(t, "cart_item"); n != 2 {
			t.Errorf("%d cart items after the orphan removal, want 2", n)
		}
		if m.Contains(loaded[0]) {
			t.Error("the orphan is still managed after its delete")
		}

		if err := m.Remove(cart); err != nil {
			t.Fatal(err)
		}
		mark = e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		equalStrings(t, "cascade remove", shapes(e.rec.since(mark)), []string{"BEGIN", "DELETE cart_item", "DELETE cart", "COMMIT"})
		if n, k := e.count(t, "cart"), e.count(t, "cart_item"); n+k != 0 {
			t.Errorf("%d carts, %d items left after cascade remove", n, k)
		}
	})
}
