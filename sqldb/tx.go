package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
)

// Tx is a transaction: an Executor plus commit, rollback and savepoints.
type Tx struct {
	Executor
	tx   *sqlx.Tx
	conn *txConn // PostgreSQL on pgx's pool: the transaction's connection
}

// Begin starts a transaction. As with database/sql, when ctx ends before
// Commit or Rollback the transaction is rolled back.
//
// On PostgreSQL opened with pgx's pool, the transaction runs on a dedicated
// connection whose pgx connection Load, Count, QueryMaps, Exec and Execute
// use natively; the sqlx methods use database/sql on the same connection and
// transaction.
func (db *DB) Begin(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	start := time.Now()
	if db.pool != nil {
		t, err := db.beginNative(ctx, opts)
		db.report(ctx, "BEGIN", nil, start, -1, err, true)
		if err != nil {
			return nil, fmt.Errorf("sqldb: begin: %w", err)
		}
		return t, nil
	}
	tx, err := db.DB.BeginTxx(ctx, opts)
	db.report(ctx, "BEGIN", nil, start, -1, err, true)
	if err != nil {
		return nil, fmt.Errorf("sqldb: begin: %w", err)
	}
	return &Tx{Executor: Executor{db: db, q: tx, inTx: true}, tx: tx}, nil
}

// beginNative takes a connection out of the pool, finds its pgx connection
// and begins the transaction on it through database/sql (which applies the
// isolation level and read-only mode, and which the sqlx methods need).
func (db *DB) beginNative(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	conn, err := db.DB.Connx(ctx)
	if err != nil {
		return nil, err
	}
	c := &txConn{conn: conn}
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqldb: postgres connection is a %T, not pgx's", dc)
		}
		c.pgc = sc.Conn()
		return nil
	})
	if err == nil {
		// The transaction gets a context that does not end: if it did,
		// database/sql would roll back on the driver connection from its own
		// goroutine, concurrently with a native statement. Ending ctx rolls
		// back through abort instead, which waits for that statement.
		err = ctx.Err()
	}
	if err == nil {
		c.tx, err = conn.BeginTxx(context.WithoutCancel(ctx), opts)
	}
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	c.ctxErr = ctx.Err
	c.stop = context.AfterFunc(ctx, func() { c.abort(ctx.Err()) })
	return &Tx{Executor: Executor{db: db, q: c.tx, pg: c, inTx: true}, tx: c.tx, conn: c}, nil
}

// Commit commits the transaction. A failing COMMIT (a deferred constraint,
// a lost connection) is an error, and so is a commit after the context
// given to Begin ended (the transaction is rolled back then).
func (t *Tx) Commit(ctx context.Context) error {
	start := time.Now()
	var err error
	if t.conn != nil {
		err = t.conn.end(true)
	} else {
		err = t.tx.Commit()
	}
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
	var err error
	if t.conn != nil {
		err = t.conn.end(false)
	} else {
		err = t.tx.Rollback()
	}
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

// savepointCmd runs through database/sql's transaction, as Commit and
// Rollback do.
func (t *Tx) savepointCmd(ctx context.Context, cmd, name string) error {
	if _, err := t.ExecContext(ctx, cmd+t.db.dialect.QuoteIdent(name)); err != nil {
		return fmt.Errorf("sqldb: %s%s: %w", cmd, name, err)
	}
	return nil
}

// txConn is a PostgreSQL transaction's connection, used natively through
// pgx.
//
// Using pgc outside the Raw callback that handed it out is sound because
// the *sql.Conn it belongs to stays checked out of the pool, with this
// transaction open on it, until end or abort closes it: database/sql gives
// the connection to no one else meanwhile. The sqlx methods of the Tx run on
// it too, but from the same goroutine as the native statements and one
// after the other, as any use of one transaction must. The one actor that
// could touch the connection concurrently is the rollback when the context
// given to Begin ends: database/sql would run it from its own goroutine, so
// the transaction is begun on a context that does not end, and abort, run by
// context.AfterFunc, rolls back under mu, which every native statement holds
// from its start until its rows are closed.
type txConn struct {
	conn *sqlx.Conn
	pgc  *pgx.Conn
	tx   *sqlx.Tx

	mu     sync.Mutex
	busy   atomic.Bool // a native statement holds the connection (its rows are open)
	done   bool        // committed, rolled back or aborted; the connection is back in the pool
	ended  error       // the context error that aborted the transaction
	stop   func() bool // stops abort from running
	ctxErr func() error
}

// errTxBusy is returned for a statement started on a transaction while the
// rows of another are still open (pgx would answer "conn busy").
var errTxBusy = errors.New("sqldb: the transaction's connection is busy: close the rows of the previous query first")

// acquire takes the connection for one native statement.
func (c *txConn) acquire() error {
	// busy is only set by the goroutine that uses the transaction, so a
	// true here means that goroutine is re-entering (waiting on mu would
	// deadlock), not that abort holds the connection.
	if c.busy.Load() {
		return errTxBusy
	}
	c.mu.Lock()
	if c.done {
		c.mu.Unlock()
		return c.doneErr()
	}
	c.busy.Store(true)
	return nil
}

func (c *txConn) release() {
	c.busy.Store(false)
	c.mu.Unlock()
}

func (c *txConn) doneErr() error {
	if c.ended != nil {
		return fmt.Errorf("%w (%w)", sql.ErrTxDone, c.ended)
	}
	return sql.ErrTxDone
}

// Query runs a query; the connection stays held until the rows are closed.
func (c *txConn) Query(ctx context.Context, query string, args ...any) (pgx.Rows, error) {
	if err := c.acquire(); err != nil {
		return nil, err
	}
	rows, err := c.pgc.Query(ctx, query, args...)
	if err != nil {
		c.release()
		return nil, err
	}
	return &txRows{Rows: rows, c: c}, nil
}

// Exec runs a statement.
func (c *txConn) Exec(ctx context.Context, query string, args ...any) (pgconn.CommandTag, error) {
	if err := c.acquire(); err != nil {
		return pgconn.CommandTag{}, err
	}
	defer c.release()
	return c.pgc.Exec(ctx, query, args...)
}

// QueryRow runs a query of one row; the connection stays held until Scan.
func (c *txConn) QueryRow(ctx context.Context, query string, args ...any) pgx.Row {
	if err := c.acquire(); err != nil {
		return errRow{err}
	}
	return &txRow{row: c.pgc.QueryRow(ctx, query, args...), c: c}
}

// end commits (when the context given to Begin has not ended) or rolls
// back, and puts the connection back in the pool.
func (c *txConn) end(commit bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return c.doneErr()
	}
	c.done = true
	defer c.conn.Close()
	// stop fails once abort has started: ctx ended, and abort waits for mu.
	if c.stop() && commit && c.ctxErr() == nil {
		return c.tx.Commit()
	}
	// A cancelled statement closes pgx's connection, and with it the
	// server ends the transaction: nothing is left to roll back.
	closed := c.pgc.IsClosed()
	rbErr := c.tx.Rollback()
	if commit {
		c.ended = c.ctxErr()
		return c.ended
	}
	if closed {
		return nil
	}
	return rbErr
}

// abort rolls back when the context given to Begin ends first.
func (c *txConn) abort(cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return
	}
	c.done, c.ended = true, cause
	_ = c.tx.Rollback()
	_ = c.conn.Close()
}

// txRows releases the connection when closed.
type txRows struct {
	pgx.Rows
	c *txConn
}

func (r *txRows) Close() {
	r.Rows.Close()
	if r.c != nil {
		r.c.release()
		r.c = nil
	}
}

// txRow releases the connection after Scan.
type txRow struct {
	row pgx.Row
	c   *txConn
}

func (r *txRow) Scan(dest ...any) error {
	if r.c == nil {
		return sql.ErrTxDone
	}
	err := r.row.Scan(dest...)
	r.c.release()
	r.c = nil
	return err
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
