package emsuite

import (
	"context"
	"errors"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

var errBoom = errors.New("boom")

// noteTexts returns the texts of the notes in the table, sorted.
func noteTexts(t *testing.T, e *env) []string {
	t.Helper()
	var texts []string
	if err := qb.Select("text").From("note").OrderBy("text", qb.Asc).Scan(context.Background(), e.orm.SQL(), &texts); err != nil {
		t.Fatal(err)
	}
	return texts
}

func persistFlush(ctx context.Context, m *em.EntityManager, entities ...any) error {
	if err := m.Persist(entities...); err != nil {
		return err
	}
	return m.Flush(ctx)
}

func TestTransactional(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()

		t.Run("commit on nil; the fork's entities join the caller", func(t *testing.T) {
			m := e.fork()
			n := &Note{Text: "committed"}
			mark := e.rec.mark()
			err := m.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
				return tm.Persist(n)
			})
			if err != nil {
				t.Fatal(err)
			}
			// The closing flush needs no savepoint: if it fails, everything
			// rolls back.
			equalStrings(t, "Transactional", shapes(e.rec.since(mark)), []string{
				"BEGIN", "INSERT note ×1", "COMMIT"})
			if n.ID == 0 || !m.Contains(n) {
				t.Errorf("note id %d, managed by the caller %v", n.ID, m.Contains(n))
			}
			equalStrings(t, "notes", noteTexts(t, e), []string{"committed"})
		})

		t.Run("rollback on error", func(t *testing.T) {
			m := e.fork()
			n := &Note{Text: "rolled back"}
			err := m.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
				if err := persistFlush(ctx, tm, n); err != nil {
					return err
				}
				return errBoom
			})
			if !errors.Is(err, errBoom) {
				t.Fatalf("Transactional returned %v, want fn's error", err)
			}
			equalStrings(t, "notes", noteTexts(t, e), []string{"committed"})
			if m.Contains(n) {
				t.Error("the caller tracks an entity of the rolled-back transaction")
			}
		})

		t.Run("rollback on panic", func(t *testing.T) {
			m := e.fork()
			mark := e.rec.mark()
			func() {
				defer func() {
					if p := recover(); p != errBoom {
						t.Errorf("recovered %v, want the panic to go on after the rollback", p)
					}
				}()
				_ = m.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
					if err := persistFlush(ctx, tm, &Note{Text: "panicked"}); err != nil {
						return err
					}
					panic(errBoom)
				})
			}()
			got := shapes(e.rec.since(mark))
			if len(got) == 0 || got[len(got)-1] != "ROLLBACK" {
				t.Errorf("statements %q, want a ROLLBACK last", got)
			}
			equalStrings(t, "notes", noteTexts(t, e), []string{"committed"})
		})

		t.Run("nested: an inner error rolls back only the inner part", func(t *testing.T) {
			m := e.fork()
			mark := e.rec.mark()
			var innerNote *Note
			err := m.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
				if err := persistFlush(ctx, tm, &Note{Text: "outer before"}); err != nil {
					return err
				}
				innerNote = &Note{Text: "inner"}
				inner := tm.Transactional(ctx, func(ctx context.Context, im *em.EntityManager) error {
					if err := persistFlush(ctx, im, innerNote); err != nil {
						return err
					}
					return errBoom
				})
				if !errors.Is(inner, errBoom) {
					t.Errorf("inner Transactional returned %v", inner)
				}
				return tm.Persist(&Note{Text: "outer after"})
			})
			if err != nil {
				t.Fatal(err)
			}
			equalStrings(t, "nested statements", shapes(e.rec.since(mark)), []string{
				"BEGIN",
				"SAVEPOINT", "INSERT note ×1", "RELEASE SAVEPOINT", // the outer fork's flush
				"SAVEPOINT",                                        // the inner Transactional
				"SAVEPOINT", "INSERT note ×1", "RELEASE SAVEPOINT", // the inner fork's flush
				"ROLLBACK TO SAVEPOINT", // the inner error
				"INSERT note ×1",        // the outer fork's last flush
				"COMMIT",
			})
			equalStrings(t, "notes", noteTexts(t, e), []string{"committed", "outer after", "outer before"})
			if m.Contains(innerNote) {
				t.Error("the inner note, rolled back, is tracked by the caller")
			}
		})
	})
}

func TestBeginCommitRollback(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		if err := m.Commit(ctx); !errors.Is(err, unitorm.ErrNoTransaction) {
			t.Errorf("Commit without Begin: %v, want ErrNoTransaction", err)
		}
		if err := m.Rollback(ctx); !errors.Is(err, unitorm.ErrNoTransaction) {
			t.Errorf("Rollback without Begin: %v, want ErrNoTransaction", err)
		}

		if err := m.Begin(ctx); err != nil {
			t.Fatal(err)
		}
		if err := m.Begin(ctx); err == nil {
			t.Error("a second Begin on the same EntityManager succeeded")
		}
		if err := persistFlush(ctx, m, &Note{Text: "flushed then rolled back"}); err != nil {
			t.Fatal(err)
		}
		if err := m.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		if got := noteTexts(t, e); len(got) != 0 {
			t.Errorf("notes after Rollback: %q", got)
		}

		if err := m.Begin(ctx); err != nil {
			t.Fatal(err)
		}
		n := &Note{Text: "committed"}
		if err := m.Persist(n); err != nil {
			t.Fatal(err)
		}
		mark := e.rec.mark()
		if err := m.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		got := shapes(e.rec.since(mark))
		if len(got) == 0 || got[len(got)-1] != "COMMIT" {
			t.Errorf("Commit ran %q, want the flush then COMMIT", got)
		}
		equalStrings(t, "notes", noteTexts(t, e), []string{"committed"})
		if m.InTransaction() {
			t.Error("still in a transaction after Commit")
		}

		// A failed flush inside the transaction undoes only itself.
		if err := m.Begin(ctx); err != nil {
			t.Fatal(err)
		}
		if err := persistFlush(ctx, m, &Note{Text: "kept"}); err != nil {
			t.Fatal(err)
		}
		a1, a2 := &Author{Name: "a", Email: "dup@tx"}, &Author{Name: "b", Email: "dup@tx"}
		if err := persistFlush(ctx, m, a1, a2); !errors.As(err, new(*unitorm.ConstraintError)) {
			t.Fatalf("duplicate emails inside Begin: %v", err)
		}
		m.Detach(a2)
		if err := m.Commit(ctx); err != nil {
			t.Fatalf("commit after a failed flush: %v", err)
		}
		equalStrings(t, "notes", noteTexts(t, e), []string{"committed", "kept"})
		if n := e.count(t, "author"); n != 1 || a1.ID == 0 {
			t.Errorf("%d authors after the commit (a1 id %d), want a1 alone", n, a1.ID)
		}
	})
}

// TestPessimisticLocks: row locks are refused outside a transaction,
// before any query, and taken inside one.
func TestPessimisticLocks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		seed := seedAccount(t, e)
		m := e.fork()
		for _, mode := range []em.LockMode{em.LockPessimisticWrite, em.LockPessimisticRead, em.LockPessimisticWriteOrFail, em.LockPessimisticPartialWrite} {
			mark := e.rec.mark()
			_, err := em.Find[Account](ctx, m, qb.Cond{"id": seed.ID}, em.Lock(mode))
			if !errors.Is(err, unitorm.ErrNoTransaction) {
				t.Errorf("lock mode %d outside a transaction: %v, want ErrNoTransaction", mode, err)
			}
			if got := e.rec.since(mark); len(got) != 0 {
				t.Errorf("refused lock ran %q", got)
			}
		}
		if _, err := em.QB[Account](m).ForUpdate().All(ctx); !errors.Is(err, unitorm.ErrNoTransaction) {
			t.Errorf("QB ForUpdate outside a transaction: %v", err)
		}
		err := m.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
			mark := e.rec.mark()
			a, err := em.FindOneOrFail[Account](ctx, tm, qb.Cond{"id": seed.ID}, em.Lock(em.LockPessimisticWrite))
			if err != nil {
				return err
			}
			got := e.rec.since(mark)
			if e.b != "sqlite" && (len(got) != 1 || !containsFold(got[0], "FOR UPDATE")) {
				t.Errorf("locked find ran %q, want SELECT ... FOR UPDATE", got)
			}
			a.Balance = 1
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := readAccount(t, e, seed.ID); got.Balance != 1 {
			t.Errorf("balance %d after the locked update", got.Balance)
		}
	})
}

// Transactional's fork starts from the caller's identity map: entities the
// caller loaded can be changed inside fn and are written in the transaction;
// after a commit the caller is up to date, after a rollback it still sees
// fn's changes as pending and the versions are as before.
func TestTransactionalSharesCallersEntities(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		seedM := e.fork()
		acc := &Account{Owner: "ann", Balance: 10}
		if err := persistFlush(ctx, seedM, acc); err != nil {
			t.Fatal(err)
		}

		m := e.fork()
		a, err := em.FindOneOrFail[Account](ctx, m, acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		err = m.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
			same, err := em.FindOne[Account](ctx, tm, acc.ID)
			if err != nil {
				return err
			}
			if same != a {
				t.Errorf("the fork loaded another instance of the caller's account")
			}
			a.Balance = 20
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if a.Version != 2 {
			t.Errorf("version after the transaction = %d, want 2", a.Version)
		}
		mark := e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatalf("the caller's flush after the commit: %v (stale records?)", err)
		}
		if got := e.rec.since(mark); len(got) != 0 {
			t.Errorf("the caller re-wrote what the transaction wrote: %q", got)
		}

		// Rollback: the change stays pending in the caller, the version is
		// put back, and a later flush writes it.
		err = m.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
			a.Balance = 30
			if err := tm.Flush(ctx); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Fatalf("Transactional returned %v", err)
		}
		if a.Version != 2 || a.Balance != 30 {
			t.Fatalf("after the rollback: version %d balance %d, want 2 and 30", a.Version, a.Balance)
		}
		if !m.IsDirty(a) {
			t.Fatal("the rolled-back change is not pending in the caller")
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatalf("flushing the pending change after the rollback: %v", err)
		}
		fresh, err := em.FindOneOrFail[Account](ctx, e.fork(), acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fresh.Balance != 30 || fresh.Version != 3 {
			t.Fatalf("stored balance %d version %d, want 30 and 3", fresh.Balance, fresh.Version)
		}
	})
}
