package em

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/unitorm/unitorm/internal/uow"
)

// TxOptions are the options of a transaction (Transactional, Begin).
type TxOptions struct {
	// Isolation is the isolation level (database/sql's; 0: the server's
	// default).
	Isolation sql.IsolationLevel
	// ReadOnly starts a read-only transaction.
	ReadOnly bool

	// Retries makes Transactional run fn again, whole, on a fresh fork
	// when an attempt fails with a retryable error (uow.IsRetryable), up to
	// Retries more times. fn must be safe to run more than once: it should
	// load what it changes through tm (each attempt's fork starts empty),
	// and keep side effects outside the database (sending mail, charging a
	// card) until Transactional returns nil. An attempt's entities are
	// discarded with its fork; the caller's EntityManager sees none of
	// them. Ignored inside an outer transaction (the outer one must be
	// retried). Begin ignores it.
	Retries int
	// RetryBackoff is the pause before the first retry (default 20ms); it
	// doubles at each retry up to RetryMaxBackoff (default 1s), and each
	// pause is drawn at random between half of it and all of it, so that
	// the transactions that conflicted do not meet again in step.
	RetryBackoff    time.Duration
	RetryMaxBackoff time.Duration
}

func (o TxOptions) sql() *sql.TxOptions {
	return &sql.TxOptions{Isolation: o.Isolation, ReadOnly: o.ReadOnly}
}

// backoff is the pause before retry n (0 for the first).
func (o TxOptions) backoff(n int) time.Duration {
	base, ceil := o.RetryBackoff, o.RetryMaxBackoff
	if base <= 0 {
		base = 20 * time.Millisecond
	}
	if ceil <= 0 {
		ceil = time.Second
	}
	d := base
	for range n {
		if d >= ceil/2 {
			d = ceil
			break
		}
		d *= 2
	}
	d = min(d, ceil)
	return d/2 + rand.N(d/2+1)
}

// ErrRetriesExhausted wraps the last error of a Transactional whose every
// attempt failed with a retryable error.
var ErrRetriesExhausted = errors.New("unitorm: transaction retries exhausted")

// retryTransactional runs transactional on fresh forks until an attempt
// succeeds, fails with an error that is not retryable, or o.Retries
// retries have failed too.
func (m *EntityManager) retryTransactional(ctx context.Context, fn func(ctx context.Context, tm *EntityManager) error, o TxOptions) error {
	for n := 0; ; n++ {
		err := m.transactional(ctx, fn, o, false)
		if err == nil || !uow.IsRetryable(err) {
			return err
		}
		if n >= o.Retries {
			return fmt.Errorf("%w after %d attempts: %w", ErrRetriesExhausted, n+1, err)
		}
		d := o.backoff(n)
		m.s.Logger.LogAttrs(ctx, slog.LevelInfo, "unitorm: retrying transaction",
			slog.Int("attempt", n+2), slog.Duration("backoff", d), slog.String("error", err.Error()))
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
	}
}
