package emsuite

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
)

// bulkSizes straddle the row counts at which PostgreSQL switches to the
// array forms (uow.ArrayMinRows, per kind of step) and reach a few thousand
// rows.
func bulkSizes() []int {
	t := uow.ArrayMinRows
	sizes := []int{1, 5}
	for _, k := range []int{t.Update, t.Delete, t.Insert} {
		sizes = append(sizes, k-1, k, k+1)
	}
	return append(sizes, 700, 3000)
}

// arrayThreshold is the row count from which a statement of verb runs in
// the array form.
func arrayThreshold(verb string) int {
	switch verb {
	case "INSERT":
		return uow.ArrayMinRows.Insert
	case "UPDATE":
		return uow.ArrayMinRows.Update
	}
	return uow.ArrayMinRows.Delete
}

// TestBulkWritesMatchMemory is a seeded, randomized check of the statement
// forms a flush picks by size (VALUES, CASE and IN lists; on PostgreSQL,
// unnest and = ANY arrays from uow.ArrayMinRows rows): after inserts with
// shuffled unique values, updates of two different column sets in one
// flush and deletes of a random subset, the table holds exactly what the
// entities in memory say, each row under the key its entity got.
func TestBulkWritesMatchMemory(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		arrays := e.orm.Dialect().Has(dialect.ArrayParams)
		for _, seed := range []uint64{1, 2} {
			for _, n := range bulkSizes() {
				rng := rand.New(rand.NewPCG(seed, uint64(n)))
				if _, err := qb.DeleteFrom("item").Where(qb.Raw("1 = 1")).Exec(ctx, e.orm.SQL()); err != nil {
					t.Fatal(err)
				}
				m := e.fork()
				items := make([]*Item, n)
				for i, seq := range rng.Perm(n) {
					items[i] = &Item{Seq: seq, Label: fmt.Sprintf("s%d-%x", seed, rng.Uint32()), Batch: rng.IntN(5)}
				}
				if err := m.Persist(anySlice(items)...); err != nil {
					t.Fatal(err)
				}
				mark := e.rec.mark()
				if err := m.Flush(ctx); err != nil {
					t.Fatalf("seed %d, %d rows: insert: %v", seed, n, err)
				}
				checkArrayForm(t, e, arrays, n, mark, "INSERT", "unnest(")
				checkItems(t, e, items, fmt.Sprintf("seed %d, %d rows, after insert", seed, n))

				// Two change sets in one flush: labels only, and labels
				// with batches.
				for _, it := range items {
					switch rng.IntN(4) {
					case 0, 1:
						it.Label += "+"
					case 2:
						it.Label += "*"
						it.Batch += 10
					}
				}
				mark = e.rec.mark()
				if err := m.Flush(ctx); err != nil {
					t.Fatalf("seed %d, %d rows: update: %v", seed, n, err)
				}
				// Each of the two change sets (about a half and a quarter
				// of the rows) is its own step.
				if n >= 16*arrayThreshold("UPDATE") {
					checkArrayForm(t, e, arrays, n, mark, "UPDATE", "unnest(")
				}
				checkItems(t, e, items, fmt.Sprintf("seed %d, %d rows, after update", seed, n))

				var kept []*Item
				for _, it := range items {
					if rng.IntN(3) == 0 {
						if err := m.Remove(it); err != nil {
							t.Fatal(err)
						}
					} else {
						kept = append(kept, it)
					}
				}
				mark = e.rec.mark()
				if err := m.Flush(ctx); err != nil {
					t.Fatalf("seed %d, %d rows: delete: %v", seed, n, err)
				}
				if n >= 4*arrayThreshold("DELETE") {
					checkArrayForm(t, e, arrays, n, mark, "DELETE", "= ANY(")
				}
				checkItems(t, e, kept, fmt.Sprintf("seed %d, %d rows, after delete", seed, n))
			}
		}
	})
}

// TestBulkVersionedWritesAreAtomic: versioned updates and deletes of many
// rows check every row's version; one row changed behind the ORM's back
// fails the whole flush with ErrOptimisticLock, and neither the table nor
// the entities change.
func TestBulkVersionedWritesAreAtomic(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		arrays := e.orm.Dialect().Has(dialect.ArrayParams)
		n := 4 * max(uow.ArrayMinRows.Update, uow.ArrayMinRows.Delete)
		m := e.fork()
		accts := make([]*Account, n)
		for i := range accts {
			accts[i] = &Account{Owner: fmt.Sprint("owner ", i), Balance: i}
		}
		if err := m.Persist(anySlice(accts)...); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		for _, a := range accts {
			a.Balance += 100
		}
		mark := e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		checkArrayForm(t, e, arrays, n, mark, "UPDATE", "unnest(")
		for _, a := range accts {
			if a.Version != 2 {
				t.Fatalf("account %d: version %d after one update, want 2", a.ID, a.Version)
			}
		}
		// Another session bumps one row.
		stale := accts[n/2]
		if _, err := qb.Update("account").Set("version", 7).Where(qb.Cond{"id": stale.ID}).Exec(ctx, e.orm.SQL()); err != nil {
			t.Fatal(err)
		}
		for _, a := range accts {
			a.Balance += 1000
		}
		err := m.Flush(ctx)
		if !errors.Is(err, unitorm.ErrOptimisticLock) {
			t.Fatalf("update over a stale row: %v, want ErrOptimisticLock", err)
		}
		var sum int64
		if err := qb.Select(qb.Raw("SUM(balance)")).From("account").Scan(ctx, e.orm.SQL(), &sum); err != nil {
			t.Fatal(err)
		}
		if want := int64(n*(n-1)/2 + 100*n); sum != want {
			t.Errorf("balances sum to %d after the failed flush, want %d (unchanged)", sum, want)
		}
		for _, a := range accts {
			if a.Version != 2 {
				t.Fatalf("account %d: version %d after the failed flush, want 2", a.ID, a.Version)
			}
		}
		// Deletes check versions too.
		m2 := e.fork()
		all, err := em.FindAll[Account](ctx, m2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := qb.Update("account").Set("version", 9).Where(qb.Cond{"id": all[0].ID}).Exec(ctx, e.orm.SQL()); err != nil {
			t.Fatal(err)
		}
		if err := m2.Remove(anySlice(all)...); err != nil {
			t.Fatal(err)
		}
		if err := m2.Flush(ctx); !errors.Is(err, unitorm.ErrOptimisticLock) {
			t.Fatalf("delete over a stale row: %v, want ErrOptimisticLock", err)
		}
		if got := e.count(t, "account"); got != int64(n) {
			t.Errorf("%d accounts after the failed delete, want %d", got, n)
		}
	})
}

func anySlice[T any](xs []*T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// checkArrayForm checks, on a database with array parameters, that a step
// of n rows at or over its verb's threshold ran in the array form.
func checkArrayForm(t *testing.T, e *env, arrays bool, n, mark int, verb, marker string) {
	t.Helper()
	if !arrays || n < arrayThreshold(verb) {
		return
	}
	count := 0
	for _, s := range e.rec.since(mark) {
		if strings.HasPrefix(s, verb) || strings.Contains(s, "("+verb+" INTO ") {
			count++
			if !strings.Contains(s, marker) {
				t.Errorf("%d rows: %s without %q: %s", n, verb, marker, s)
			}
		}
	}
	if count == 0 {
		t.Errorf("%d rows: no %s ran", n, verb)
	}
}

// checkItems compares the item table with want, row by row under each
// entity's key.
func checkItems(t *testing.T, e *env, want []*Item, what string) {
	t.Helper()
	var rows []Item
	if err := qb.Select("id", "seq", "label", "batch").From("item").Scan(context.Background(), e.orm.SQL(), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(rows), len(want))
	}
	byID := make(map[int64]Item, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	bad := 0
	for _, it := range want {
		if r, ok := byID[it.ID]; !ok || r != *it {
			if bad++; bad <= 3 {
				t.Errorf("%s: entity %+v, row %+v (found %v)", what, *it, r, ok)
			}
		}
	}
}

// VCode is versioned and keyed by a string: no JSON or array form carries
// its deletes, which select rows by an OR of key and version pairs.
type VCode struct {
	Code    string `orm:"pk,length=12"`
	Version int64  `orm:"version"`
}

// TestBulkDeletesSelectedByOr: deletes whose rows are selected by an OR of
// conditions — composite keys, versioned rows with a key no bulk form
// carries, many-to-many links — succeed for more rows than SQLite's
// expression depth limit (1,000) allows in one OR, on every backend, and
// remove exactly those rows.
func TestBulkDeletesSelectedByOr(t *testing.T) {
	forEachBackendWith(t, func(c *unitorm.Config) { c.Entities = append(c.Entities, VCode{}) }, func(t *testing.T, e *env) {
		ctx := context.Background()
		const n = 1200
		m := e.fork()
		a := &Author{Name: "or", Email: "or@example.com"}
		b := &Book{Title: "many tags", Author: a}
		tags := make([]*Tag, n)
		var all []any
		all = append(all, a, b)
		for i := range n {
			all = append(all, &Membership{UserID: 7, GroupID: int64(i + 1), Role: "r"}, &VCode{Code: fmt.Sprintf("c%05d", i)})
			tags[i] = &Tag{Name: fmt.Sprint("t", i)}
			b.Tags.Add(tags[i])
		}
		if err := persistFlush(ctx, m, all...); err != nil {
			t.Fatal(err)
		}
		m = e.fork()
		ms, err := em.FindAll[Membership](ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := em.FindAll[VCode](ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		book, err := em.FindOne[Book](ctx, m, b.ID, em.Populate("tags"))
		if err != nil {
			t.Fatal(err)
		}
		items, err := book.Tags.Items()
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != n || len(vs) != n || len(items) != n {
			t.Fatalf("loaded %d memberships, %d codes, %d tags; want %d each", len(ms), len(vs), len(items), n)
		}
		if err := m.Remove(append(anySlice(ms), anySlice(vs)...)...); err != nil {
			t.Fatal(err)
		}
		keep := items[n-1]
		book.Tags.Remove(items[:n-1]...)
		if err := m.Flush(ctx); err != nil {
			t.Fatalf("delete %d rows of each: %v", n, err)
		}
		if got := e.count(t, "membership") + e.count(t, "v_code"); got != 0 {
			t.Errorf("%d memberships and codes left, want 0", got)
		}
		fresh := e.fork()
		again, err := em.FindOne[Book](ctx, fresh, b.ID, em.Populate("tags"))
		if err != nil {
			t.Fatal(err)
		}
		if left, err := again.Tags.Items(); err != nil || len(left) != 1 || left[0].ID != keep.ID {
			t.Errorf("book has tags %v (%v) after removing %d of %d, want only tag %d", left, err, n-1, n, keep.ID)
		}
	})
}
