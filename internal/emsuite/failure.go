package emsuite

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/testkit"
	"github.com/unitorm/unitorm/internal/uow"
)

// stateOf returns the Unit of Work state of a tracked entity.
func stateOf(m *em.EntityManager, entity any) uow.State {
	en, ok := uow.OfManager(m).EntryOf(entity)
	if !ok {
		return 0
	}
	return en.State
}

// TestUniqueViolationRollsBackWholeFlush: five new authors, the third with
// the first one's email. Nothing is written, the error is a
// *ConstraintError naming the constraint, the entities are as they were
// (new, no key, no version), and a flush after fixing the email succeeds.
func TestUniqueViolationRollsBackWholeFlush(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		var as []*Author
		for i := range 5 {
			email := fmt.Sprintf("a%d@x", i)
			if i == 2 {
				email = "a0@x"
			}
			a := &Author{Name: fmt.Sprintf("a%d", i), Email: email}
			as = append(as, a)
			if err := m.Persist(a); err != nil {
				t.Fatal(err)
			}
		}
		err := m.Flush(ctx)
		var ce *unitorm.ConstraintError
		if !errors.As(err, &ce) {
			t.Fatalf("flush error %v (%T), want a *unitorm.ConstraintError", err, err)
		}
		if ce.Kind != uow.UniqueConstraint {
			t.Errorf("kind %v, want unique", ce.Kind)
		}
		switch e.b {
		case testkit.SQLite: // SQLite names the table and columns, not the index
			if ce.Table != "author" || len(ce.Columns) != 1 || ce.Columns[0] != "email" {
				t.Errorf("SQLite constraint error names %s%v, want author[email]", ce.Table, ce.Columns)
			}
		default:
			if ce.Constraint != "author_email_unique" {
				t.Errorf("constraint %q, want author_email_unique", ce.Constraint)
			}
		}
		if ce.Unwrap() == nil {
			t.Error("the constraint error does not wrap the driver's error")
		}
		var fe *unitorm.FlushError
		if !errors.As(err, &fe) || fe.SQL == "" {
			t.Errorf("the error does not say which statement failed: %v", err)
		}
		if n := e.count(t, "author"); n != 0 {
			t.Errorf("%d authors written by a failed flush", n)
		}
		for i, a := range as {
			if a.ID != 0 || a.Version != 0 || stateOf(m, a) != uow.StateNew {
				t.Errorf("author %d after the failed flush: id %d, version %d, state %v; want new, no key", i, a.ID, a.Version, stateOf(m, a))
			}
		}
		as[2].Email = "a2@x"
		if err := m.Flush(ctx); err != nil {
			t.Fatalf("flush after the fix: %v", err)
		}
		if n := e.count(t, "author"); n != 5 {
			t.Errorf("%d authors after the second flush, want 5", n)
		}
		check := e.fork()
		for i, a := range as {
			if a.ID == 0 || a.Version != 1 || stateOf(m, a) != uow.StateManaged {
				t.Errorf("author %d: id %d, version %d, state %v", i, a.ID, a.Version, stateOf(m, a))
				continue
			}
			got, err := em.FindOneOrFail[Author](ctx, check, a.ID)
			if err != nil || got.Email != a.Email {
				t.Errorf("author %d read back: %+v, %v; want email %s", a.ID, got, err, a.Email)
			}
		}
	})
}

// TestNotNullViolationWritesNothing: six new rows, the second violating NOT
// NULL — a nil required relation, or a nil pointer column tagged notnull.
// No row is written (the author inserted by the same flush's first statement
// is rolled back too), and the entities stay new.
func TestNotNullViolationWritesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		t.Run("nil required relation", func(t *testing.T) {
			m := e.fork()
			author := &Author{Name: "ann", Email: "ann@nn"}
			var books []*Book
			for i := range 6 {
				b := &Book{Title: fmt.Sprint("book ", i), Author: author}
				if i == 1 {
					b.Author = nil
				}
				books = append(books, b)
				if err := m.Persist(b); err != nil {
					t.Fatal(err)
				}
			}
			err := m.Flush(ctx)
			if err == nil {
				t.Fatal("flush with a nil required relation succeeded")
			}
			if !uow.IsNotNullViolation(err) {
				t.Errorf("error %v is not a NOT NULL violation", err)
			}
			if a, b := e.count(t, "author"), e.count(t, "book"); a+b != 0 {
				t.Errorf("failed flush left %d authors and %d books", a, b)
			}
			if author.ID != 0 || stateOf(m, author) != uow.StateNew {
				t.Errorf("author after the failed flush: id %d, state %v", author.ID, stateOf(m, author))
			}
			for i, b := range books {
				if b.ID != 0 || stateOf(m, b) != uow.StateNew {
					t.Errorf("book %d after the failed flush: id %d, state %v", i, b.ID, stateOf(m, b))
				}
			}
			books[1].Author = author
			if err := m.Flush(ctx); err != nil {
				t.Fatalf("flush after the fix: %v", err)
			}
			if n := e.count(t, "book"); n != 6 {
				t.Errorf("%d books after the fix, want 6", n)
			}
		})
		t.Run("nil pointer column tagged notnull", func(t *testing.T) {
			m := e.fork()
			var ps []*Parcel
			for i := range 6 {
				p := &Parcel{Label: fmt.Sprint("p", i), Weight: ptr(i + 1)}
				if i == 1 {
					p.Weight = nil
				}
				ps = append(ps, p)
				if err := m.Persist(p); err != nil {
					t.Fatal(err)
				}
			}
			mark := e.rec.mark()
			err := m.Flush(ctx)
			if !uow.IsNotNullViolation(err) {
				t.Fatalf("flush error %v, want a NOT NULL violation", err)
			}
			if n := e.count(t, "parcel"); n != 0 {
				t.Errorf("failed flush left %d parcels (statements %q)", n, e.rec.since(mark))
			}
			for i, p := range ps {
				if p.ID != 0 || stateOf(m, p) != uow.StateNew {
					t.Errorf("parcel %d: id %d, state %v", i, p.ID, stateOf(m, p))
				}
			}
		})
	})
}
