package unitorm_test

import (
	"github.com/unitorm/unitorm/internal/uow"

	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// Ledger is the entity of the retry and replica tests.
type Ledger struct {
	ID      int64 `orm:"pk"`
	Name    string
	Amount  int64
	Version int `orm:"version"`
}

func openLedgers(t *testing.T, cfg unitorm.Config) *unitorm.ORM {
	t.Helper()
	ctx := context.Background()
	cfg.Entities = []any{Ledger{}}
	orm, err := unitorm.Open(ctx, sqlite.Open("file:"+filepath.Join(t.TempDir(), "primary.db")), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = orm.Close() })
	if err := orm.CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	return orm
}

// TestRetriesRunOnFreshForks: with Retries, each attempt gets an empty
// fork; an attempt that fails with a retryable error is rolled back whole
// (its flushed rows gone, its new entities without keys) and none of its
// entities reaches the caller's fork; the next attempt runs after it.
func TestRetriesRunOnFreshForks(t *testing.T) {
	ctx := context.Background()
	orm := openLedgers(t, unitorm.Config{})
	seed := orm.Fork()
	l := &Ledger{Name: "main"}
	if err := seed.Persist(l); err != nil {
		t.Fatal(err)
	}
	if err := seed.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	caller := orm.Fork()
	mine, err := em.FindOneOrFail[Ledger](ctx, caller, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	var (
		attempts int
		created  []*Ledger
	)
	err = caller.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
		attempts++
		if uow.OfManager(tm).IdentityMap().Len() != 0 {
			t.Errorf("attempt %d: the fork is not empty", attempts)
		}
		got, err := em.FindOneOrFail[Ledger](ctx, tm, l.ID)
		if err != nil {
			return err
		}
		if got == mine {
			t.Errorf("attempt %d shares the caller's instance", attempts)
		}
		got.Amount += 10
		x := &Ledger{Name: fmt.Sprintf("attempt%d", attempts)}
		created = append(created, x)
		if err := tm.Persist(x); err != nil {
			return err
		}
		if err := tm.Flush(ctx); err != nil {
			return err
		}
		if attempts < 3 {
			return fmt.Errorf("simulated: %w", unitorm.ErrConflict)
		}
		return nil
	}, em.TxOptions{Retries: 5, RetryBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if attempts != 3 {
		t.Errorf("%d attempts, want 3", attempts)
	}
	check := orm.Fork()
	all, err := em.Find[Ledger](ctx, check, qb.Cond{}, em.OrderBy("id", qb.Asc))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Amount != 10 || all[0].Version != 2 || all[1].Name != "attempt3" {
		t.Errorf("after the retries: %+v", all)
	}
	for i, x := range created[:2] {
		if x.ID != 0 || caller.Contains(x) {
			t.Errorf("attempt %d's new entity kept id %d or reached the caller", i+1, x.ID)
		}
	}
	if uow.OfManager(caller).IdentityMap().Len() != 1 || mine.Amount != 0 {
		t.Errorf("the caller's fork changed: %d entities, amount %d", uow.OfManager(caller).IdentityMap().Len(), mine.Amount)
	}
}

// TestRetriesStop: an error that is not retryable ends at once; retries
// that all fail end with ErrRetriesExhausted wrapping the last cause; a
// context ended during the backoff ends the loop.
func TestRetriesStop(t *testing.T) {
	ctx := context.Background()
	orm := openLedgers(t, unitorm.Config{})
	plain := errors.New("not retryable")
	n := 0
	err := orm.Fork().Transactional(ctx, func(context.Context, *em.EntityManager) error { n++; return plain },
		em.TxOptions{Retries: 3})
	if !errors.Is(err, plain) || n != 1 || unitorm.IsRetryable(err) {
		t.Errorf("non-retryable: %v after %d attempts", err, n)
	}
	n = 0
	err = orm.Fork().Transactional(ctx, func(context.Context, *em.EntityManager) error {
		n++
		return fmt.Errorf("x: %w", unitorm.ErrTransactionLost)
	}, em.TxOptions{Retries: 2, RetryBackoff: time.Microsecond})
	if !errors.Is(err, em.ErrRetriesExhausted) || !errors.Is(err, unitorm.ErrTransactionLost) || n != 3 {
		t.Errorf("exhausted: %v after %d attempts", err, n)
	}
	cctx, cancel := context.WithCancel(ctx)
	n = 0
	err = orm.Fork().Transactional(cctx, func(context.Context, *em.EntityManager) error {
		n++
		cancel()
		return unitorm.ErrUnavailable
	}, em.TxOptions{Retries: 5, RetryBackoff: time.Hour})
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("cancelled during the backoff: %v after %d attempts", err, n)
	}
}

func TestIsRetryable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{unitorm.ErrConflict, true},
		{fmt.Errorf("a: %w", unitorm.ErrUnavailable), true},
		{fmt.Errorf("b: %w", fmt.Errorf("c: %w", unitorm.ErrTransactionLost)), true},
		{errors.Join(errors.New("x"), unitorm.ErrConflict), true},
		{unitorm.ErrOptimisticLock, false},
		{unitorm.ErrNotFound, false},
		{nil, false},
	} {
		if got := unitorm.IsRetryable(tc.err); got != tc.want {
			t.Errorf("IsRetryable(%v) = %v", tc.err, got)
		}
	}
}
