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
)

// TestLockOptimistic: m.Lock(ctx, entity, em.LockOptimistic, version)
// checks a version a client sent against the loaded entity: a match passes
// without a query and the flush works; a stale version is ErrOptimisticLock
// at once; a change by another fork after the check still fails the flush.
func TestLockOptimistic(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		seed := seedAccount(t, e)

		t.Run("matching version, then flush", func(t *testing.T) {
			m := e.fork()
			a, err := em.FindOneOrFail[Account](ctx, m, seed.ID)
			if err != nil {
				t.Fatal(err)
			}
			mark := e.rec.mark()
			if err := m.Lock(ctx, a, em.LockOptimistic, 1); err != nil {
				t.Fatalf("Lock with the current version: %v", err)
			}
			if err := m.Lock(ctx, a, em.LockOptimistic, int64(1)); err != nil {
				t.Fatalf("Lock with the current version as an int64: %v", err)
			}
			if err := m.Lock(ctx, a, em.LockOptimistic); err != nil {
				t.Fatalf("Lock without a version (nothing to check): %v", err)
			}
			if got := e.rec.since(mark); len(got) != 0 {
				t.Errorf("Lock on a loaded entity ran %q", got)
			}
			a.Balance = 110
			if err := m.Flush(ctx); err != nil {
				t.Fatalf("flush after the check: %v", err)
			}
			if a.Version != 2 {
				t.Errorf("version %d after the flush, want 2", a.Version)
			}
		})

		t.Run("stale version fails at once", func(t *testing.T) {
			m := e.fork()
			a, err := em.FindOneOrFail[Account](ctx, m, seed.ID)
			if err != nil {
				t.Fatal(err)
			}
			a.Balance = 1
			mark := e.rec.mark()
			err = m.Lock(ctx, a, em.LockOptimistic, 1)
			if !errors.Is(err, unitorm.ErrOptimisticLock) || !errors.Is(err, em.ErrOptimisticLock) {
				t.Fatalf("Lock with a stale version: %v, want ErrOptimisticLock", err)
			}
			msg := err.Error()
			for _, want := range []string{"Account", strconv.FormatInt(seed.ID, 10), "1", "2"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not name %q", msg, want)
				}
			}
			if got := e.rec.since(mark); len(got) != 0 {
				t.Errorf("a stale Lock ran %q", got)
			}
			if a.Balance != 1 || a.Version != 2 || !m.IsDirty(a) {
				t.Errorf("the failed check changed the entity: %+v", a)
			}
		})

		t.Run("a change by another fork after the check fails the flush", func(t *testing.T) {
			m1, m2 := e.fork(), e.fork()
			a1, err := em.FindOneOrFail[Account](ctx, m1, seed.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := m1.Lock(ctx, a1, em.LockOptimistic, a1.Version); err != nil {
				t.Fatal(err)
			}
			a2, err := em.FindOneOrFail[Account](ctx, m2, seed.ID)
			if err != nil {
				t.Fatal(err)
			}
			a2.Balance = 200
			if err := m2.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			a1.Balance = 300
			if err := m1.Flush(ctx); !errors.Is(err, unitorm.ErrOptimisticLock) {
				t.Fatalf("flush after another fork's change: %v, want ErrOptimisticLock", err)
			}
			if got := readAccount(t, e, seed.ID); got.Balance != 200 {
				t.Errorf("balance %d, want the other fork's 200", got.Balance)
			}
		})

		t.Run("an unloaded reference is loaded, then checked", func(t *testing.T) {
			cur := readAccount(t, e, seed.ID)
			m := e.fork()
			ref, err := em.Reference[Account](m, seed.ID)
			if err != nil {
				t.Fatal(err)
			}
			mark := e.rec.mark()
			if err := m.Lock(ctx, ref, em.LockOptimistic, cur.Version); err != nil {
				t.Fatalf("Lock on a reference with the current version: %v", err)
			}
			if got := shapes(e.rec.since(mark)); len(got) != 1 || got[0] != "SELECT account" {
				t.Errorf("Lock on a reference ran %q, want one SELECT account", got)
			}
			if !m.IsLoaded(ref) || ref.Balance != cur.Balance {
				t.Errorf("the reference was not loaded: %+v", ref)
			}
			if err := m.Lock(ctx, ref, em.LockOptimistic, cur.Version-1); !errors.Is(err, unitorm.ErrOptimisticLock) {
				t.Errorf("stale Lock on the loaded reference: %v", err)
			}
		})

		t.Run("bad input is a typed error and runs nothing", func(t *testing.T) {
			m := e.fork()
			a, err := em.FindOneOrFail[Account](ctx, m, seed.ID)
			if err != nil {
				t.Fatal(err)
			}
			loaded := *a
			n := &Note{Text: "unversioned"}
			if err := persistFlush(ctx, m, n); err != nil {
				t.Fatal(err)
			}
			fresh := &Account{Owner: "new"}
			if err := m.Persist(fresh); err != nil {
				t.Fatal(err)
			}
			mark := e.rec.mark()
			var pe *em.PropertyError
			err = m.Lock(ctx, n, em.LockOptimistic, 1)
			if !errors.Is(err, unitorm.ErrNotVersioned) || !errors.As(err, &pe) || pe.Entity != "Note" {
				t.Errorf("Lock on an unversioned entity: %v, want ErrNotVersioned naming Note", err)
			}
			if errors.Is(err, unitorm.ErrOptimisticLock) {
				t.Errorf("an unversioned entity reads as a version conflict: %v", err)
			}
			err = m.Lock(ctx, n, em.LockOptimistic)
			if !errors.Is(err, unitorm.ErrNotVersioned) {
				t.Errorf("Lock without a version on an unversioned entity: %v", err)
			}
			err = m.Lock(ctx, a, em.LockOptimistic, "2")
			if !errors.Is(err, em.ErrInvalidData) || !errors.As(err, &pe) || pe.Entity != "Account" || pe.Property != "version" {
				t.Errorf("Lock with a string version: %v, want ErrInvalidData naming Account.version", err)
			}
			if err := m.Lock(ctx, a, em.LockOptimistic, 1, 2); !errors.Is(err, em.ErrInvalidData) {
				t.Errorf("Lock with two versions: %v", err)
			}
			if err := m.Lock(ctx, fresh, em.LockOptimistic, 1); !errors.Is(err, unitorm.ErrDetached) {
				t.Errorf("Lock on a new entity: %v, want ErrDetached", err)
			}
			if err := m.Lock(ctx, &Account{ID: seed.ID}, em.LockOptimistic, 1); !errors.Is(err, unitorm.ErrDetached) {
				t.Errorf("Lock on an untracked entity: %v, want ErrDetached", err)
			}
			if err := m.Lock(ctx, 42, em.LockOptimistic, 1); !errors.Is(err, unitorm.ErrNotEntity) {
				t.Errorf("Lock on a non-entity: %v, want ErrNotEntity", err)
			}
			if err := m.Lock(ctx, a, em.LockMode(99)); !errors.Is(err, em.ErrInvalidData) {
				t.Errorf("Lock with an unknown mode: %v", err)
			}
			if _, err := em.FindOne[Account](ctx, m, seed.ID, em.Lock(em.LockOptimistic)); !errors.Is(err, em.ErrInvalidData) {
				t.Errorf("em.Lock(LockOptimistic) as a find option: %v, want ErrInvalidData", err)
			}
			if got := e.rec.since(mark); len(got) != 0 {
				t.Errorf("bad Lock input ran %q", got)
			}
			if *a != loaded || m.IsDirty(a) {
				t.Errorf("bad Lock input changed the entity: %+v, loaded as %+v", a, loaded)
			}
		})
	})
}

// isMariaDBServer reports whether e's server is MariaDB (it stands in for
// MySQL on some machines).
func isMariaDBServer(t *testing.T, e *env) bool {
	t.Helper()
	var v string
	if err := e.orm.DB().QueryRowContext(context.Background(), "SELECT version()").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return strings.Contains(v, "MariaDB")
}

// TestLockPessimistic: a pessimistic Lock on a loaded entity selects its
// row FOR UPDATE in the transaction (SQLite locks the whole database and
// has no FOR UPDATE), without reloading it; outside a transaction it is
// ErrNoTransaction and runs nothing.
func TestLockPessimistic(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		seed := seedAccount(t, e)
		m := e.fork()
		a, err := em.FindOneOrFail[Account](ctx, m, seed.ID)
		if err != nil {
			t.Fatal(err)
		}
		mark := e.rec.mark()
		if err := m.Lock(ctx, a, em.LockPessimisticWrite); !errors.Is(err, unitorm.ErrNoTransaction) {
			t.Errorf("pessimistic Lock outside a transaction: %v, want ErrNoTransaction", err)
		}
		if err := m.Lock(ctx, a, em.LockPessimisticWrite, 1); !errors.Is(err, em.ErrInvalidData) {
			t.Errorf("pessimistic Lock with a version: %v, want ErrInvalidData", err)
		}
		if got := e.rec.since(mark); len(got) != 0 {
			t.Errorf("refused pessimistic Locks ran %q", got)
		}
		err = m.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
			mark := e.rec.mark()
			a.Balance = 5 // not reloaded by the lock
			if err := tm.Lock(ctx, a, em.LockPessimisticWrite); err != nil {
				return err
			}
			got := e.rec.since(mark)
			if len(got) != 1 || shape(got[0]) != "SELECT account" {
				t.Errorf("pessimistic Lock ran %q, want one SELECT account", got)
			} else if e.b != "sqlite" && !containsFold(got[0], "FOR UPDATE") {
				t.Errorf("pessimistic Lock ran %q, want FOR UPDATE", got[0])
			}
			if a.Balance != 5 {
				t.Errorf("the lock reloaded the entity over its change")
			}
			// MariaDB standing in for MySQL has no FOR SHARE (it has LOCK IN SHARE MODE).
			if e.b != "mysql" || !isMariaDBServer(t, e) {
				if err := tm.Lock(ctx, a, em.LockPessimisticRead); err != nil {
					return err
				}
			}
			if err := tm.Lock(ctx, a, em.LockOptimistic, 1); err != nil {
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := readAccount(t, e, seed.ID); got.Balance != 5 || got.Version != 2 {
			t.Errorf("after the locked update: %+v", got)
		}

		// A row deleted behind the EntityManager's back cannot be locked.
		m2 := e.fork()
		b, err := em.FindOneOrFail[Account](ctx, m2, seed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := em.NativeDelete[Account](ctx, e.fork(), nil); err != nil {
			t.Fatal(err)
		}
		err = m2.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
			return tm.Lock(ctx, b, em.LockPessimisticWrite)
		})
		if !errors.Is(err, unitorm.ErrNotFound) {
			t.Errorf("locking a deleted row: %v, want ErrNotFound", err)
		}
		if stateOf(m2, b) != uow.StateManaged {
			t.Errorf("the entity is %v after the failed lock", stateOf(m2, b))
		}
	})
}
