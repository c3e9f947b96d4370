package sqldb

import (
	"context"
	"database/sql"

	"github.com/unitorm/unitorm/qb"
)

// One executor per database family. Each family implements the three small
// interfaces below on its own library — pgx end to end on PostgreSQL
// (pgx_conn.go), database/sql for MySQL, MariaDB and SQLite (std_conn.go) —
// and the exported Executor runs every statement through them, logging and
// counting each one in one place (Executor.query and Executor.exec).

// conn runs statements on a pool or inside one transaction.
type conn interface {
	query(ctx context.Context, query string, args []any) (rows, error)
	exec(ctx context.Context, query string, args []any) (sql.Result, error)
}

// rows is a result set of either family: qb's Rows plus struct and map
// scanning.
type rows interface {
	qb.Rows
	qb.RowScanner
}

// pool is a family's connection pool.
type pool interface {
	conn
	// begin starts a transaction on a connection of the pool, retrying on a
	// fresh one when the first was found dead before anything was sent.
	begin(ctx context.Context, opts *sql.TxOptions) (txConn, error)
	close()
}

// txConn is one transaction on the connection it holds until it ends.
type txConn interface {
	conn
	commit(ctx context.Context) error
	rollback(ctx context.Context) error
}

// execResult is the sql.Result of a statement run through pgx.
type execResult int64

func (r execResult) RowsAffected() (int64, error) { return int64(r), nil }
func (execResult) LastInsertId() (int64, error) {
	return 0, errNoLastInsertID
}
