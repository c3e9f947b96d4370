package emsuite

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
)

func seedAccount(t *testing.T, e *env) *Account {
	t.Helper()
	m := e.fork()
	a := &Account{Owner: "ann", Balance: 100}
	if err := m.Persist(a); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.Version != 1 {
		t.Fatalf("new account has version %d, want 1", a.Version)
	}
	return a
}

// readAccount reads an account's row in a fresh fork.
func readAccount(t *testing.T, e *env, id int64) *Account {
	t.Helper()
	a, err := em.FindOneOrFail[Account](context.Background(), e.fork(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestOptimisticLockBetweenForks: two forks load one versioned row; the
// first update wins, the second fails with ErrOptimisticLock naming the
// entity and key, and the rest of the second flush (a new note, a change to
// another account) is rolled back.
func TestOptimisticLockBetweenForks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		seed := seedAccount(t, e)
		other := seedAccount(t, e)
		m1, m2 := e.fork(), e.fork()
		a1, err := em.FindOneOrFail[Account](ctx, m1, seed.ID)
		if err != nil {
			t.Fatal(err)
		}
		a2, err := em.FindOneOrFail[Account](ctx, m2, seed.ID)
		if err != nil {
			t.Fatal(err)
		}
		o2, err := em.FindOneOrFail[Account](ctx, m2, other.ID)
		if err != nil {
			t.Fatal(err)
		}
		a1.Balance = 150
		if err := m1.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if a1.Version != 2 {
			t.Errorf("winner's version %d, want 2", a1.Version)
		}

		note := &Note{Text: "written by the loser"}
		if err := m2.Persist(note); err != nil {
			t.Fatal(err)
		}
		o2.Balance = 7
		a2.Balance = 50
		err = m2.Flush(ctx)
		if !errors.Is(err, unitorm.ErrOptimisticLock) {
			t.Fatalf("second flush: %v, want ErrOptimisticLock", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "Account") || !strings.Contains(msg, strconv.FormatInt(seed.ID, 10)) {
			t.Errorf("error %q does not name the entity and its key", msg)
		}
		if n := e.count(t, "note"); n != 0 {
			t.Errorf("the loser's note was written (%d rows)", n)
		}
		if got := readAccount(t, e, other.ID); got.Balance != 100 || got.Version != 1 {
			t.Errorf("the loser's change to another account was written: %+v", got)
		}
		if got := readAccount(t, e, seed.ID); got.Balance != 150 || got.Version != 2 {
			t.Errorf("row after the conflict: %+v, want the winner's balance 150 at version 2", got)
		}
		if a2.Version != 1 || o2.Version != 1 || note.ID != 0 || !m2.IsDirty(a2) {
			t.Errorf("loser's entities changed by the failed flush: a2 v%d, o2 v%d, note id %d, a2 dirty %v",
				a2.Version, o2.Version, note.ID, m2.IsDirty(a2))
		}
		// Refresh takes the winner's row; the retry then succeeds.
		if err := m2.Refresh(ctx, a2); err != nil {
			t.Fatal(err)
		}
		a2.Balance += 1
		if err := m2.Flush(ctx); err != nil {
			t.Fatalf("flush after refresh: %v", err)
		}
		if got := readAccount(t, e, seed.ID); got.Balance != 151 || got.Version != 3 {
			t.Errorf("after the retry: %+v, want balance 151 at version 3", got)
		}
	})
}

// TestOptimisticLockDetectsRawSQL: a version bumped by raw SQL behind the
// EntityManager's back makes the next update and delete of that row fail.
func TestOptimisticLockDetectsRawSQL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		seed := seedAccount(t, e)
		m := e.fork()
		a, err := em.FindOneOrFail[Account](ctx, m, seed.ID)
		if err != nil {
			t.Fatal(err)
		}
		res, err := qb.Update("account").Increment("version", 1).Where(qb.Cond{"id": seed.ID}).Exec(ctx, e.orm.SQL())
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("raw bump affected %d rows", n)
		}

		a.Balance = 1
		err = m.Flush(ctx)
		if err == nil {
			t.Fatal("update after a raw version bump succeeded: the conflict went unnoticed")
		}
		if !errors.Is(err, unitorm.ErrOptimisticLock) {
			t.Fatalf("update error %v, want ErrOptimisticLock", err)
		}
		a.Balance = 100 // undo the change: only the delete is pending
		if err := m.Remove(a); err != nil {
			t.Fatal(err)
		}
		err = m.Flush(ctx)
		if !errors.Is(err, unitorm.ErrOptimisticLock) {
			t.Fatalf("delete after a raw version bump: %v, want ErrOptimisticLock", err)
		}
		if stateOf(m, a) != uow.StateRemoved {
			t.Errorf("the account is %v after the failed delete, want still removed", stateOf(m, a))
		}
		if got := readAccount(t, e, seed.ID); got.Version != 2 || got.Balance != 100 {
			t.Errorf("row after the failed writes: %+v", got)
		}
	})
}
