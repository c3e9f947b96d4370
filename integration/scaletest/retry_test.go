//go:build scaleout

package scaletest

import (
	"github.com/unitorm/unitorm/internal/uow"

	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
)

// rendezvous makes the first attempts of n transactions meet at one point
// (bounded: a party that never comes releases the others after 30s).
type rendezvous struct {
	wg   sync.WaitGroup
	done chan struct{}
	once sync.Once
}

func newRendezvous(n int) *rendezvous {
	r := &rendezvous{done: make(chan struct{})}
	r.wg.Add(n)
	go func() { r.wg.Wait(); r.once.Do(func() { close(r.done) }) }()
	return r
}

func (r *rendezvous) meet() {
	r.wg.Done()
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
	}
}

// pair runs fn(0) and fn(1) at once and returns their errors.
func pair(fn func(i int) error) [2]error {
	var errs [2]error
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = fn(i) }()
	}
	wg.Wait()
	return errs
}

func newAccounts(t *testing.T, tp *topo, owners ...string) []int64 {
	t.Helper()
	m := tp.orm.Fork()
	ids := make([]int64, len(owners))
	accts := make([]*Account, len(owners))
	for i, o := range owners {
		accts[i] = &Account{Owner: o}
		if err := m.Persist(accts[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, a := range accts {
		ids[i] = a.ID
	}
	return ids
}

func balance(t *testing.T, tp *topo, id int64) (int64, int) {
	t.Helper()
	a, err := em.FindOneOrFail[Account](em.OnPrimary(context.Background()), tp.orm.Fork(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a.Balance, a.Version
}

// oneConflict checks that of two errors one is nil and the other a
// retryable conflict.
func oneConflict(t *testing.T, errs [2]error) {
	t.Helper()
	nils, conflicts := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			nils++
		case unitorm.IsRetryable(err) && errors.Is(err, unitorm.ErrConflict):
			conflicts++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if nils != 1 || conflicts != 1 {
		t.Fatalf("want one success and one retryable conflict, got %v", errs)
	}
}

// TestRetrySerializationFailure: two REPEATABLE READ transactions that
// read the same row and then both update it: one commits, the other fails
// with PostgreSQL's 40001, a retryable ErrConflict; with Retries both
// succeed and every increment is counted. The caller's fork sees none of
// the failed attempt's entities.
func TestRetrySerializationFailure(t *testing.T) {
	ctx := context.Background()
	pg := need(t, envPGPrimary)
	tp := openTopo(t, pgFamily, pg[0], nil, unitorm.Config{})
	ids := newAccounts(t, tp, "plain", "retried")
	increment := func(id int64, r *rendezvous, attempts *atomic.Int32, seen *[2]*Account, i int, retries int) error {
		first := true
		return tp.orm.Fork().Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
			attempts.Add(1)
			a, err := em.FindOneOrFail[Account](ctx, tm, id)
			if err != nil {
				return err
			}
			if seen != nil && first {
				seen[i] = a
			}
			if first {
				first = false
				r.meet() // both have read before either writes
			}
			a.Balance++
			return nil
		}, em.TxOptions{Isolation: sql.LevelRepeatableRead, Retries: retries})
	}

	var attempts atomic.Int32
	r := newRendezvous(2)
	oneConflict(t, pair(func(i int) error { return increment(ids[0], r, &attempts, nil, i, 0) }))
	if b, v := balance(t, tp, ids[0]); b != 1 || v != 2 {
		t.Errorf("without retries: balance %d version %d, want 1 and 2", b, v)
	}

	attempts.Store(0)
	r = newRendezvous(2)
	var seen [2]*Account
	caller := tp.orm.Fork()
	mine, err := em.FindOneOrFail[Account](ctx, caller, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	errs := pair(func(i int) error {
		if i == 0 {
			first := true
			return caller.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
				attempts.Add(1)
				a, err := em.FindOneOrFail[Account](ctx, tm, ids[1])
				if err != nil {
					return err
				}
				if first {
					seen[0] = a
					first = false
					r.meet()
				}
				a.Balance++
				return nil
			}, em.TxOptions{Isolation: sql.LevelRepeatableRead, Retries: 3, RetryBackoff: time.Millisecond})
		}
		return increment(ids[1], r, &attempts, &seen, i, 3)
	})
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("with retries: %v", errs)
	}
	if n := attempts.Load(); n != 3 {
		t.Errorf("%d attempts, want 3 (one retried)", n)
	}
	if b, v := balance(t, tp, ids[1]); b != 2 || v != 3 {
		t.Errorf("with retries: balance %d version %d, want 2 and 3", b, v)
	}
	// The caller's fork holds only what it loaded itself, unchanged.
	if n := uow.OfManager(caller).IdentityMap().Len(); n != 1 {
		t.Errorf("caller's identity map has %d entities, want 1", n)
	}
	if caller.Contains(seen[0]) || mine.Balance != 0 || mine == seen[0] {
		t.Errorf("an attempt's entity leaked into the caller's fork (balance %d)", mine.Balance)
	}
}

// TestRetryDeadlock: two transactions that lock two rows in opposite
// orders deadlock; the database aborts one (PostgreSQL 40P01, MariaDB
// 1213), which is a retryable ErrConflict; with Retries both succeed.
func TestRetryDeadlock(t *testing.T) {
	pg := need(t, envPGPrimary)
	my := need(t, envMariaPrimary)
	for _, tc := range []struct {
		f   family
		dsn string
	}{{pgFamily, pg[0]}, {mariaFamily, my[0]}} {
		t.Run(tc.f.name, func(t *testing.T) {
			ctx := context.Background()
			tp := openTopo(t, tc.f, tc.dsn, nil, unitorm.Config{})
			run := func(ids []int64, retries int) [2]error {
				r := newRendezvous(2)
				return pair(func(i int) error {
					first := true
					return tp.orm.Fork().Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
						a, err := em.FindOneOrFail[Account](ctx, tm, ids[i])
						if err != nil {
							return err
						}
						b, err := em.FindOneOrFail[Account](ctx, tm, ids[1-i])
						if err != nil {
							return err
						}
						a.Balance++
						if err := tm.Flush(ctx); err != nil { // locks a
							return err
						}
						if first {
							first = false
							r.meet()
						}
						b.Balance++ // waits for the other's lock: a deadlock
						return nil
					}, em.TxOptions{Retries: retries, RetryBackoff: time.Millisecond})
				})
			}
			ids := newAccounts(t, tp, "a", "b")
			oneConflict(t, run(ids, 0))
			for _, id := range ids {
				if b, _ := balance(t, tp, id); b != 1 {
					t.Errorf("without retries: balance %d, want 1", b)
				}
			}
			ids = newAccounts(t, tp, "c", "d")
			if errs := run(ids, 3); errs[0] != nil || errs[1] != nil {
				t.Fatalf("with retries: %v", errs)
			}
			for _, id := range ids {
				if b, v := balance(t, tp, id); b != 2 || v != 3 {
					t.Errorf("with retries: balance %d version %d, want 2 and 3", b, v)
				}
			}
		})
	}
}
