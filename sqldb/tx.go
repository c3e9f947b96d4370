package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/unitorm/unitorm/internal/sqlconn"
)

// Tx is a transaction: an Executor plus commit, rollback and savepoints. It
// holds one connection of the pool until it ends.
type Tx struct {
	Executor
	t sqlconn.Tx
}

// Begin starts a transaction. As with database/sql, when ctx ends before
// Commit or Rollback the transaction is rolled back. A pooled connection
// found dead when the transaction begins is replaced by a fresh one.
func (db *DB) Begin(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	start := time.Now()
	t, err := db.pool.Begin(ctx, opts)
	db.report(ctx, "BEGIN", nil, start, -1, err, true)
	if err != nil {
		return nil, fmt.Errorf("sqldb: begin: %w", db.classifyCtx(ctx, err))
	}
	return &Tx{Executor: Executor{db: db, c: t, inTx: true}, t: t}, nil
}

// Commit commits the transaction. A failing COMMIT (a deferred constraint,
// a lost connection) is an error, and so is a commit after the context
// given to Begin ended (the transaction is rolled back then).
func (t *Tx) Commit(ctx context.Context) error {
	start := time.Now()
	err := t.t.Commit(ctx)
	t.db.report(ctx, "COMMIT", nil, start, -1, err, true)
	if err != nil {
		return fmt.Errorf("sqldb: commit: %w", t.db.classify(err))
	}
	return nil
}

// Rollback rolls the transaction back. Rolling back a finished transaction,
// or one whose connection died (the server rolled it back), does nothing.
func (t *Tx) Rollback(ctx context.Context) error {
	start := time.Now()
	err := t.t.Rollback(ctx)
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	t.db.report(ctx, "ROLLBACK", nil, start, -1, err, true)
	if err != nil {
		return fmt.Errorf("sqldb: rollback: %w", err)
	}
	return nil
}

// Savepoint creates a savepoint. Names are chosen by the caller and must be
// plain identifiers.
func (t *Tx) Savepoint(ctx context.Context, name string) error {
	return t.savepointCmd(ctx, "SAVEPOINT ", name)
}

// RollbackTo rolls back to a savepoint, keeping the transaction open.
func (t *Tx) RollbackTo(ctx context.Context, name string) error {
	return t.savepointCmd(ctx, "ROLLBACK TO SAVEPOINT ", name)
}

// Release forgets a savepoint, keeping its changes.
func (t *Tx) Release(ctx context.Context, name string) error {
	return t.savepointCmd(ctx, "RELEASE SAVEPOINT ", name)
}

func (t *Tx) savepointCmd(ctx context.Context, cmd, name string) error {
	if _, err := t.exec(ctx, cmd+t.db.dialect.QuoteIdent(name), nil); err != nil {
		return fmt.Errorf("sqldb: %s%s: %w", cmd, name, err)
	}
	return nil
}
