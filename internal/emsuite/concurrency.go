package emsuite

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// TestConcurrentForks: 16 goroutines share one ORM, each with its own
// fork: insert an author and books, find them back (identity holds within
// the fork), update, and read the other goroutines' rows in a fresh fork.
// Run with -race: metadata, the pool and the query counter are shared.
func TestConcurrentForks(t *testing.T) {
	const workers = 16
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		before := e.orm.QueryCount()
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := worker(ctx, e, w); err != nil {
					errs <- fmt.Errorf("worker %d: %w", w, err)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := e.count(t, "author"); n != workers {
			t.Errorf("%d authors, want %d", n, workers)
		}
		if n := e.count(t, "book"); n != 3*workers {
			t.Errorf("%d books, want %d", n, 3*workers)
		}
		all, err := em.Find[Author](ctx, e.fork(), qb.Cond{"age": 1}, em.Populate("books"))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range all {
			books, err := a.Books.Items()
			if err != nil || len(books) != 3 || a.Version != 2 {
				t.Errorf("author %s: %d books (%v), version %d", a.Name, len(books), err, a.Version)
			}
		}
		if len(all) != workers {
			t.Errorf("%d authors updated, want %d", len(all), workers)
		}
		if got := e.orm.QueryCount() - before; got < workers*4 {
			t.Errorf("query counter moved by %d for %d workers", got, workers)
		}
	})
}

func worker(ctx context.Context, e *env, w int) error {
	m := e.fork()
	a := &Author{Name: fmt.Sprint("worker ", w), Email: fmt.Sprintf("w%d@race", w)}
	persisted := map[*Book]bool{}
	for i := range 3 {
		b := &Book{Title: fmt.Sprintf("w%d b%d", w, i), Author: a}
		persisted[b] = true
		if err := m.Persist(b); err != nil {
			return err
		}
	}
	if err := m.Flush(ctx); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	found, err := em.FindOneOrFail[Author](ctx, m, qb.Cond{"email": a.Email})
	if err != nil {
		return fmt.Errorf("find: %w", err)
	}
	if found != a {
		return fmt.Errorf("find returned another instance than the one persisted")
	}
	books, err := em.Find[Book](ctx, m, qb.Cond{"author.email": a.Email})
	if err != nil || len(books) != 3 {
		return fmt.Errorf("find books: %d, %v", len(books), err)
	}
	for _, b := range books {
		// A wrong generated key would hydrate the row into a new instance.
		if !persisted[b] {
			return fmt.Errorf("book %d %q found is not an instance persisted by this fork", b.ID, b.Title)
		}
	}
	a.Age = 1
	for _, b := range books {
		b.Price = float64(w)
	}
	if err := m.Flush(ctx); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	other, err := em.Count[Author](ctx, e.fork(), nil)
	if err != nil || other < 1 {
		return fmt.Errorf("count in a fresh fork: %d, %v", other, err)
	}
	return nil
}
