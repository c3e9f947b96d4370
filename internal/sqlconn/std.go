package sqlconn

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/unitorm/unitorm/internal/uow"
)

// The database/sql family: MySQL, MariaDB and SQLite. database/sql retries
// a statement on a fresh connection when the driver reports
// driver.ErrBadConn, which go-sql-driver/mysql does only when nothing was
// written (it checks a pooled connection's liveness before the first
// write). Inside a transaction such an error wraps uow.ErrTransactionLost.

// NewStdPool returns the database/sql family's pool on db. badConn reports
// whether an error says the connection died (driver.ErrBadConn always does).
// owns says whether Close closes db.
func NewStdPool(db *sqlx.DB, badConn func(error) bool, owns bool) Pool {
	return stdPool{db: db, badConn: badConn, owns: owns}
}

// stdPool is a *sql.DB.
type stdPool struct {
	db      *sqlx.DB
	badConn func(error) bool
	owns    bool
}

func (p stdPool) Query(ctx context.Context, query string, args []any) (Rows, error) {
	r, err := p.db.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return &stdRows{Rows: r}, nil
}

func (p stdPool) Exec(ctx context.Context, query string, args []any) (sql.Result, error) {
	return p.db.ExecContext(ctx, query, args...)
}

func (p stdPool) Begin(ctx context.Context, opts *sql.TxOptions) (Tx, error) {
	tx, err := p.db.BeginTxx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &stdTx{tx: tx, badConn: p.badConn}, nil
}

func (p stdPool) Acquire(ctx context.Context) (Session, error) {
	c, err := p.db.Connx(ctx)
	if err != nil {
		return nil, err
	}
	return &stdSession{c: c, badConn: p.badConn}, nil
}

// stdSession is a *sql.Conn.
type stdSession struct {
	c       *sqlx.Conn
	badConn func(error) bool
}

func (s *stdSession) Query(ctx context.Context, query string, args []any) (Rows, error) {
	r, err := s.c.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return &stdRows{Rows: r}, nil
}

func (s *stdSession) Exec(ctx context.Context, query string, args []any) (sql.Result, error) {
	return s.c.ExecContext(ctx, query, args...)
}

func (s *stdSession) Begin(ctx context.Context, opts *sql.TxOptions) (Tx, error) {
	tx, err := s.c.BeginTxx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &stdTx{tx: tx, badConn: s.badConn}, nil
}

func (s *stdSession) Close() error { return s.c.Close() }

func (p stdPool) Close() error {
	if !p.owns {
		return nil
	}
	return p.db.Close()
}

// stdTx is a *sql.Tx. A statement that fails because the connection died
// says the transaction was lost (uow.ErrTransactionLost).
type stdTx struct {
	tx      *sqlx.Tx
	badConn func(error) bool
}

func (t *stdTx) Query(ctx context.Context, query string, args []any) (Rows, error) {
	r, err := t.tx.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, t.lost(ctx, err)
	}
	return &stdRows{Rows: r}, nil
}

func (t *stdTx) Exec(ctx context.Context, query string, args []any) (sql.Result, error) {
	res, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, t.lost(ctx, err)
	}
	return res, nil
}

func (t *stdTx) Prepare(ctx context.Context, query string) (Stmt, error) {
	st, err := t.tx.PreparexContext(ctx, query)
	if err != nil {
		return nil, t.lost(ctx, err)
	}
	return &stdStmt{st: st, tx: t}, nil
}

// stdStmt is a statement prepared inside a transaction.
type stdStmt struct {
	st *sqlx.Stmt
	tx *stdTx
}

func (s *stdStmt) Query(ctx context.Context, args []any) (Rows, error) {
	r, err := s.st.QueryxContext(ctx, args...)
	if err != nil {
		return nil, s.tx.lost(ctx, err)
	}
	return &stdRows{Rows: r}, nil
}

func (s *stdStmt) Exec(ctx context.Context, args []any) (sql.Result, error) {
	res, err := s.st.ExecContext(ctx, args...)
	if err != nil {
		return nil, s.tx.lost(ctx, err)
	}
	return res, nil
}

func (s *stdStmt) Close() error { return s.st.Close() }

func (t *stdTx) Commit(context.Context) error { return t.tx.Commit() }

func (t *stdTx) Rollback(context.Context) error {
	err := t.tx.Rollback()
	if t.dead(err) {
		return nil // the server rolled back when the session ended
	}
	return err
}

// dead reports whether err says the connection is gone.
func (t *stdTx) dead(err error) bool {
	return errors.Is(err, driver.ErrBadConn) || t.badConn != nil && t.badConn(err)
}

// lost marks a statement error inside a transaction as a lost transaction
// when the connection died (and the context did not end).
func (t *stdTx) lost(ctx context.Context, err error) error {
	if ctx.Err() == nil && t.dead(err) {
		return fmt.Errorf("%w: %w", uow.ErrTransactionLost, err)
	}
	return err
}

// stdRows is database/sql's result set with sqlx's struct scanning.
type stdRows struct {
	*sqlx.Rows
	text map[string]bool // column name → holds text (for ScanMap)
}

func (r *stdRows) ScanStruct(dest any) error { return r.StructScan(dest) }

// ScanMap scans the row into m, text columns as string (MySQL's driver
// returns them as []byte).
func (r *stdRows) ScanMap(m map[string]any) error {
	if r.text == nil {
		types, err := r.ColumnTypes()
		if err != nil {
			return err
		}
		r.text = make(map[string]bool, len(types))
		for _, t := range types {
			n := strings.ToUpper(t.DatabaseTypeName())
			r.text[t.Name()] = !strings.Contains(n, "BLOB") && !strings.Contains(n, "BINARY") && n != "BYTEA"
		}
	}
	if err := r.MapScan(m); err != nil {
		return err
	}
	for k, v := range m {
		if b, ok := v.([]byte); ok && r.text[k] {
			m[k] = string(b)
		}
	}
	return nil
}
