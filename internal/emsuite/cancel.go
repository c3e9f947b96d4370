package emsuite

import (
	"github.com/unitorm/unitorm/dialect"

	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/internal/uow"
)

// TestCancelDuringFlush cancels the flush's context part-way — from the
// query callback after the first INSERT ran, and from an entity hook before
// any statement — and checks that nothing is written, the error wraps
// context.Canceled, and the entities are still new.
func TestCancelDuringFlush(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		t.Run("from the query callback after the first insert", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			m := e.fork()
			author := &Author{Name: "ann", Email: "ann@cancel"}
			books := []*Book{{Title: "one", Author: author}, {Title: "two", Author: author}}
			for _, b := range books {
				if err := m.Persist(b); err != nil {
					t.Fatal(err)
				}
			}
			inserts := 0
			e.rec.setHook(func(ev unitorm.QueryEvent) {
				if strings.HasPrefix(ev.SQL, "INSERT") {
					inserts++
					cancel()
				}
			})
			err := m.Flush(ctx)
			e.rec.setHook(nil)
			if inserts != 1 {
				t.Errorf("%d inserts ran, want the cancel to stop the flush after the first", inserts)
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("flush error %v, want one wrapping context.Canceled", err)
			}
			if a, b := e.count(t, "author"), e.count(t, "book"); a+b != 0 {
				t.Errorf("cancelled flush left %d authors, %d books", a, b)
			}
			if author.ID != 0 || stateOf(m, author) != uow.StateNew {
				t.Errorf("author after the cancelled flush: id %d, state %v", author.ID, stateOf(m, author))
			}
			if err := m.Flush(context.Background()); err != nil {
				t.Fatalf("flush with a live context after the cancel: %v", err)
			}
			if a, b := e.count(t, "author"), e.count(t, "book"); a != 1 || b != 2 {
				t.Errorf("after the retry: %d authors, %d books", a, b)
			}
		})
		t.Run("while a statement runs", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			m := e.fork()
			var items []*Item
			for i := range 40_000 { // several INSERTs, or on PostgreSQL one long one
				it := &Item{Seq: i, Label: "cancel me"}
				items = append(items, it)
				if err := m.Persist(it); err != nil {
					t.Fatal(err)
				}
			}
			var once sync.Once
			e.rec.setHook(func(ev unitorm.QueryEvent) {
				// BEGIN: the first write is being sent or run when the
				// cancel fires (several INSERTs, or on PostgreSQL one long
				// one).
				if ev.SQL == "BEGIN" {
					once.Do(func() { time.AfterFunc(time.Millisecond, cancel) })
				}
			})
			if e.orm.Dialect().Has(dialect.ArrayParams) {
				// PostgreSQL writes the 40,000 rows with one statement
				// and no BEGIN: the cancel is armed as the flush starts
				// and lands in the statement (or, on a slow machine,
				// before it: nothing is written either way).
				once.Do(func() { time.AfterFunc(10*time.Millisecond, cancel) })
			}
			err := m.Flush(ctx)
			e.rec.setHook(nil)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("flush error %v, want one wrapping context.Canceled", err)
			}
			if n := e.count(t, "item"); n != 0 {
				t.Errorf("cancelled flush left %d items", n)
			}
			for _, it := range items[:3] {
				if it.ID != 0 || stateOf(m, it) != uow.StateNew {
					t.Errorf("item %d after the cancelled flush: id %d, %v", it.Seq, it.ID, stateOf(m, it))
				}
			}
		})
		t.Run("from a hook before any statement", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			m := e.fork()
			g := &Gadget{Name: "Bomb", before: func(context.Context) error { cancel(); return nil }}
			if err := m.Persist(g, &Note{Text: "with the gadget"}); err != nil {
				t.Fatal(err)
			}
			mark := e.rec.mark()
			err := m.Flush(ctx)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("flush error %v, want one wrapping context.Canceled", err)
			}
			for _, s := range e.rec.since(mark) {
				if !strings.HasPrefix(s, "BEGIN") && !strings.HasPrefix(s, "ROLLBACK") {
					t.Errorf("the cancelled flush ran %q", s)
				}
			}
			if n, g := e.count(t, "note"), e.count(t, "gadget"); n+g != 0 {
				t.Errorf("cancelled flush left %d notes, %d gadgets", n, g)
			}
		})
	})
}
