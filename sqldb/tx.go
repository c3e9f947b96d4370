package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Tx is a transaction: an Executor plus commit, rollback and savepoints.
type Tx struct {
	Executor
	tx *sqlx.Tx
}

// Begin starts a transaction.
func (db *DB) Begin(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	start := time.Now()
	tx, err := db.DB.BeginTxx(ctx, opts)
	db.report(ctx, "BEGIN", nil, start, -1, err, true)
	if err != nil {
		return nil, fmt.Errorf("sqldb: begin: %w", err)
	}
	return &Tx{Executor: Executor{db: db, q: tx, inTx: true}, tx: tx}, nil
}

// Commit commits the transaction. A failing COMMIT (a deferred constraint,
// a lost connection) is an error.
func (t *Tx) Commit(ctx context.Context) error {
	start := time.Now()
	err := t.tx.Commit()
	t.db.report(ctx, "COMMIT", nil, start, -1, err, true)
	if err != nil {
		return fmt.Errorf("sqldb: commit: %w", ClassifyError(err))
	}
	return nil
}

// Rollback rolls the transaction back. Rolling back a finished transaction
// does nothing.
func (t *Tx) Rollback(ctx context.Context) error {
	start := time.Now()
	err := t.tx.Rollback()
	if err == sql.ErrTxDone {
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
	if _, err := t.ExecContext(ctx, cmd+t.db.dialect.QuoteIdent(name)); err != nil {
		return fmt.Errorf("sqldb: %s%s: %w", cmd, name, err)
	}
	return nil
}
