package emsuite

import (
	"context"
	"errors"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/internal/testkit"
	"github.com/unitorm/unitorm/internal/uow"
)

// TestCommitFailureIsAnError: a deferred constraint fails at COMMIT, not
// at the INSERT. The flush must report it and leave the entities new, as
// for any failed flush. PostgreSQL is the one backend here with deferrable
// constraints (SQLite defers only foreign keys; MySQL and MariaDB none).
func TestCommitFailureIsAnError(t *testing.T) {
	e := open(t, testkit.Postgres, nil)
	ctx := context.Background()
	if _, err := e.orm.DB().ExecContext(ctx,
		`ALTER TABLE note ADD CONSTRAINT note_text_deferred UNIQUE (text) DEFERRABLE INITIALLY DEFERRED`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		entities func() []any
	}{
		{"in a transaction of several statements", func() []any {
			return []any{&Note{Text: "dup"}, &Note{Text: "dup"}, &Account{Owner: "x"}}
		}},
		{"in a single statement without BEGIN", func() []any {
			return []any{&Note{Text: "dup"}, &Note{Text: "dup"}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := e.fork()
			ents := tc.entities()
			err := persistFlush(ctx, m, ents...)
			var ce *unitorm.ConstraintError
			if !errors.As(err, &ce) || ce.Kind != uow.UniqueConstraint || ce.Constraint != "note_text_deferred" {
				t.Fatalf("flush error %v, want the deferred unique violation", err)
			}
			for _, x := range ents {
				if stateOf(m, x) != uow.StateNew {
					t.Errorf("%T is %v after the failed commit, want new", x, stateOf(m, x))
				}
			}
			if n := ents[0].(*Note); n.ID != 0 {
				t.Errorf("note keeps key %d after the failed commit", n.ID)
			}
			if a, n := e.count(t, "account"), e.count(t, "note"); a+n != 0 {
				t.Errorf("%d accounts, %d notes after the failed commit", a, n)
			}
		})
	}
}

// A COMMIT that fails after Begin keeps nothing: the flushed entities get
// their keys back and are not left managed as if their rows existed.
func TestBeginCommitFailureUndoesFlushes(t *testing.T) {
	e := open(t, testkit.Postgres, nil)
	ctx := context.Background()
	if _, err := e.orm.DB().ExecContext(ctx,
		`ALTER TABLE note ADD CONSTRAINT note_text_deferred UNIQUE (text) DEFERRABLE INITIALLY DEFERRED`); err != nil {
		t.Fatal(err)
	}
	m := e.fork()
	if err := m.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	a, b := &Note{Text: "dup"}, &Note{Text: "dup"}
	if err := persistFlush(ctx, m, a, b); err != nil {
		t.Fatalf("flush inside the transaction: %v", err)
	}
	if a.ID == 0 {
		t.Fatal("no key after the flush inside the transaction")
	}
	if err := m.Commit(ctx); err == nil {
		t.Fatal("COMMIT with a deferred violation succeeded")
	}
	if a.ID != 0 || b.ID != 0 {
		t.Errorf("keys %d, %d kept after the failed COMMIT", a.ID, b.ID)
	}
	if m.Contains(a) || m.Contains(b) {
		t.Error("entities of the failed COMMIT are still managed")
	}
	if n := e.count(t, "note"); n != 0 {
		t.Errorf("%d notes stored", n)
	}
}
