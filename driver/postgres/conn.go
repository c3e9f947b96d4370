package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jmoiron/sqlx/reflectx"
	"github.com/unitorm/unitorm/internal/sqlconn"
	"github.com/unitorm/unitorm/internal/uow"
)

// The PostgreSQL family runs on pgx end to end: pgxpool for the pool,
// a connection acquired from it for each transaction (held until the
// transaction ends, as pgxpool lends it), pgx's statement cache and binary
// formats. database/sql is not involved.

// pgxPool is a *pgxpool.Pool; owns says whether Close closes it.
type pgxPool struct {
	p    *pgxpool.Pool
	owns bool
}

// retries is how many times a statement is tried on a fresh connection
// after the one it got was found dead: each dead connection is destroyed
// when it fails, so a pool of n dead connections needs n+1 tries.
func (p pgxPool) retries() int { return int(p.p.Config().MaxConns) + 1 }

func (p pgxPool) Query(ctx context.Context, query string, args []any) (sqlconn.Rows, error) {
	for try := 0; ; try++ {
		// The rows hold a connection of their own until they are read to
		// the end or closed: pgx's rows, without the pool's wrapper around
		// every row's calls.
		c, err := p.p.Acquire(ctx)
		if err != nil {
			if try < p.retries() && retryablePg(ctx, err) {
				continue
			}
			return nil, err
		}
		r, err := c.Conn().Query(ctx, query, args...)
		if err != nil {
			c.Release() // a closed connection is destroyed, not pooled
			if try < p.retries() && retryablePg(ctx, err) {
				continue
			}
			return nil, err
		}
		// pgx reports most errors when the first row is read: read it now,
		// so that a dead connection is found before the rows are handed out.
		pr := &pgxRows{Rows: r, conn: c}
		pr.more = r.Next()
		pr.peeked = true
		if !pr.more {
			pr.release()
			if err := r.Err(); err != nil {
				if try < p.retries() && retryablePg(ctx, err) {
					continue
				}
				return nil, err
			}
		}
		return pr, nil
	}
}

func (p pgxPool) Exec(ctx context.Context, query string, args []any) (sql.Result, error) {
	for try := 0; ; try++ {
		tag, err := p.p.Exec(ctx, query, args...)
		if err != nil {
			if try < p.retries() && retryablePg(ctx, err) {
				continue
			}
			return nil, err
		}
		return sqlconn.ExecResult(tag.RowsAffected()), nil
	}
}

func (p pgxPool) Begin(ctx context.Context, opts *sql.TxOptions) (sqlconn.Tx, error) {
	txOpts, err := pgxTxOptions(opts)
	if err != nil {
		return nil, err
	}
	for try := 0; ; try++ {
		c, err := p.p.Acquire(ctx)
		if err != nil {
			return nil, err
		}
		tx, err := c.Conn().BeginTx(ctx, txOpts)
		if err != nil {
			c.Release() // a closed connection is destroyed, not pooled
			if try < p.retries() && retryablePg(ctx, err) {
				continue
			}
			return nil, err
		}
		return newPgxTx(ctx, c, tx, true), nil
	}
}

func (p pgxPool) Acquire(ctx context.Context) (sqlconn.Session, error) {
	c, err := p.p.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	return &pgxSession{c: c}, nil
}

// pgxSession is one connection acquired from the pool until Close. Its
// statements and transactions run on it from one goroutine at a time.
type pgxSession struct{ c *pgxpool.Conn }

func (s *pgxSession) Query(ctx context.Context, query string, args []any) (sqlconn.Rows, error) {
	r, err := s.c.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return &pgxRows{Rows: r}, nil
}

func (s *pgxSession) Exec(ctx context.Context, query string, args []any) (sql.Result, error) {
	tag, err := s.c.Exec(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlconn.ExecResult(tag.RowsAffected()), nil
}

func (s *pgxSession) Begin(ctx context.Context, opts *sql.TxOptions) (sqlconn.Tx, error) {
	txOpts, err := pgxTxOptions(opts)
	if err != nil {
		return nil, err
	}
	tx, err := s.c.Conn().BeginTx(ctx, txOpts)
	if err != nil {
		return nil, err
	}
	return newPgxTx(ctx, s.c, tx, false), nil
}

func (s *pgxSession) Close() error {
	s.c.Release()
	return nil
}

func (p pgxPool) Close() error {
	if p.owns {
		p.p.Close()
	}
	return nil
}

// retryablePg reports whether a statement that failed with err can run
// again on another connection with the same effect as running it once:
// nothing reached the server (pgconn.SafeToRetry), or the server had ended
// the session before the statement produced any result — a FATAL
// admin_shutdown, crash_shutdown or cannot_connect_now, sent when the
// session was terminated (pg_terminate_backend, a restart, a failover).
func retryablePg(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	return pgconn.SafeToRetry(err) || sessionEnded(err)
}

func sessionEnded(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Severity != "FATAL" {
		return false
	}
	switch pgErr.Code {
	case "57P01", "57P02", "57P03":
		return true
	}
	return false
}

// pgxTxOptions maps database/sql's options to pgx's.
func pgxTxOptions(opts *sql.TxOptions) (pgx.TxOptions, error) {
	var o pgx.TxOptions
	if opts == nil {
		return o, nil
	}
	switch opts.Isolation {
	case sql.LevelDefault:
	case sql.LevelReadUncommitted:
		o.IsoLevel = pgx.ReadUncommitted
	case sql.LevelReadCommitted:
		o.IsoLevel = pgx.ReadCommitted
	case sql.LevelRepeatableRead, sql.LevelSnapshot:
		o.IsoLevel = pgx.RepeatableRead
	case sql.LevelSerializable:
		o.IsoLevel = pgx.Serializable
	default:
		return o, fmt.Errorf("sqldb: isolation level %v is not supported by PostgreSQL", opts.Isolation)
	}
	if opts.ReadOnly {
		o.AccessMode = pgx.ReadOnly
	}
	return o, nil
}

// pgxTx is a PostgreSQL transaction on a connection acquired from the pool
// for its lifetime.
//
// As with database/sql, the transaction rolls back when the context given
// to Begin ends first. That rollback runs from context.AfterFunc's
// goroutine, so every use of the connection holds mu: a statement from its
// start until its rows are closed, the rollback (abort) while it runs.
type pgxTx struct {
	c    *pgxpool.Conn
	tx   pgx.Tx
	owns bool // the transaction releases the connection when it ends

	mu     sync.Mutex
	busy   atomic.Bool // a statement holds the connection (its rows are open)
	done   bool        // committed, rolled back or aborted; the connection is released
	ended  error       // the context error that aborted the transaction
	stop   func() bool // stops abort from running
	ctxErr func() error
}

func newPgxTx(ctx context.Context, c *pgxpool.Conn, tx pgx.Tx, owns bool) *pgxTx {
	t := &pgxTx{c: c, tx: tx, owns: owns, ctxErr: ctx.Err}
	t.stop = context.AfterFunc(ctx, func() { t.abort(ctx.Err()) })
	return t
}

// errTxBusy is returned for a statement started on a transaction while the
// rows of another are still open (pgx would answer "conn busy").
var errTxBusy = errors.New("sqldb: the transaction's connection is busy: close the rows of the previous query first")

// acquire takes the connection for one statement.
func (t *pgxTx) acquire() error {
	// busy is only set by the goroutine that uses the transaction, so a
	// true here means that goroutine is re-entering (waiting on mu would
	// deadlock), not that abort holds the connection.
	if t.busy.Load() {
		return errTxBusy
	}
	t.mu.Lock()
	if t.done {
		t.mu.Unlock()
		return t.doneErr()
	}
	t.busy.Store(true)
	return nil
}

func (t *pgxTx) release() {
	t.busy.Store(false)
	t.mu.Unlock()
}

func (t *pgxTx) doneErr() error {
	if t.ended != nil {
		return fmt.Errorf("%w (%w)", sql.ErrTxDone, t.ended)
	}
	return sql.ErrTxDone
}

// lost marks a statement error as a lost transaction when the connection
// died under it (and not because the statement's context ended).
func (t *pgxTx) lost(ctx context.Context, err error) error {
	if err != nil && ctx.Err() == nil && t.c.Conn().IsClosed() {
		return fmt.Errorf("%w: %w", uow.ErrTransactionLost, err)
	}
	return err
}

func (t *pgxTx) Query(ctx context.Context, query string, args []any) (sqlconn.Rows, error) {
	if err := t.acquire(); err != nil {
		return nil, err
	}
	r, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		t.release()
		return nil, t.lost(ctx, err)
	}
	return &pgxRows{Rows: r, tx: t, ctx: ctx}, nil
}

func (t *pgxTx) Exec(ctx context.Context, query string, args []any) (sql.Result, error) {
	if err := t.acquire(); err != nil {
		return nil, err
	}
	defer t.release()
	tag, err := t.tx.Exec(ctx, query, args...)
	if err != nil {
		return nil, t.lost(ctx, err)
	}
	return sqlconn.ExecResult(tag.RowsAffected()), nil
}

func (t *pgxTx) Commit(ctx context.Context) error { return t.end(ctx, true) }

func (t *pgxTx) Rollback(ctx context.Context) error { return t.end(ctx, false) }

// end commits (when the context given to Begin has not ended) or rolls
// back, and releases the connection to the pool (which destroys it when
// it is closed).
func (t *pgxTx) end(ctx context.Context, commit bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return t.doneErr()
	}
	t.done = true
	defer t.releaseConn()
	// stop fails once abort has started: ctx ended, and abort waits for mu.
	if t.stop() && commit && t.ctxErr() == nil {
		err := t.tx.Commit(ctx)
		if err != nil && sessionEnded(err) {
			// The session ended before COMMIT was read: nothing committed.
			err = fmt.Errorf("%w: %w", uow.ErrTransactionLost, err)
		}
		return err
	}
	// A cancelled statement closes pgx's connection, and with it the
	// server ends the transaction: nothing is left to roll back.
	closed := t.c.Conn().IsClosed()
	rbErr := t.tx.Rollback(context.WithoutCancel(ctx))
	if commit {
		t.ended = t.ctxErr()
		return t.ended
	}
	if closed || t.c.Conn().IsClosed() {
		return nil
	}
	return rbErr
}

// abort rolls back when the context given to Begin ends first.
func (t *pgxTx) abort(cause error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return
	}
	t.done, t.ended = true, cause
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = t.tx.Rollback(ctx)
	t.releaseConn()
}

// releaseConn gives the connection back to the pool when the transaction
// took it from there (a session's transaction leaves it to the session).
func (t *pgxTx) releaseConn() {
	if t.owns {
		t.c.Release()
	}
}

// pgxRows is pgx's result set. On the pool its first row may have been read
// already (peeked); in a transaction closing it releases the connection.
type pgxRows struct {
	pgx.Rows
	peeked, more bool
	// conn is the pool's connection the rows hold (nil in a transaction
	// or session): released when the rows end or are closed.
	conn *pgxpool.Conn
	tx   *pgxTx
	ctx  context.Context
	cols []string
	// The field paths of the last struct type scanned, per column: one
	// lookup per result set, not per row.
	structType  reflect.Type
	structPaths [][]int
	ptrs        []any
}

func (r *pgxRows) Next() bool {
	more := r.more
	if r.peeked {
		r.peeked = false
	} else {
		more = r.Rows.Next()
	}
	if !more {
		r.release()
	}
	return more
}

// release gives the rows' connection back to the pool (the rows are
// closed first, as the pool would not take a busy connection).
func (r *pgxRows) release() {
	if r.conn != nil {
		r.Rows.Close()
		r.conn.Release()
		r.conn = nil
	}
}

func (r *pgxRows) Err() error {
	err := r.Rows.Err()
	if r.tx != nil && err != nil {
		return r.tx.lost(r.ctx, err)
	}
	return err
}

func (r *pgxRows) Close() error {
	r.Rows.Close()
	r.release()
	if r.tx != nil {
		r.tx.release()
		r.tx = nil
	}
	return r.Rows.Err()
}

func (r *pgxRows) Scan(dest ...any) error { return r.Rows.Scan(dest...) }

func (r *pgxRows) Columns() ([]string, error) {
	if r.cols == nil {
		fields := r.FieldDescriptions()
		r.cols = make([]string, len(fields))
		for i, f := range fields {
			r.cols[i] = f.Name
		}
	}
	return r.cols, nil
}

// ScanMap scans the row into m by column name, in pgx's native types.
func (r *pgxRows) ScanMap(m map[string]any) error {
	vals, err := r.Values()
	if err != nil {
		return err
	}
	cols, _ := r.Columns()
	for i, c := range cols {
		m[c] = vals[i]
	}
	return nil
}

// structMapper matches columns to struct fields as sqlx does: by `db` tag,
// else by the lower-cased field name, through embedded structs.
var structMapper = reflectx.NewMapperFunc("db", strings.ToLower)

// ScanStruct scans the row into the struct dest points to.
func (r *pgxRows) ScanStruct(dest any) error {
	v := reflect.ValueOf(dest)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("sqldb: scan into %T: want a pointer to a struct", dest)
	}
	cols, _ := r.Columns()
	if r.structType != v.Type() {
		paths := structMapper.TraversalsByName(v.Type(), cols)
		for i, p := range paths {
			if len(p) == 0 {
				return fmt.Errorf("sqldb: missing destination name %s in %T", cols[i], dest)
			}
		}
		r.structType, r.structPaths, r.ptrs = v.Type(), paths, make([]any, len(cols))
	}
	for i, p := range r.structPaths {
		r.ptrs[i] = reflectx.FieldByIndexes(v.Elem(), p).Addr().Interface()
	}
	return r.Rows.Scan(r.ptrs...)
}
