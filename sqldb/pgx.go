package sqldb

import (
	"context"
	"database/sql"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/unitorm/unitorm/qb"
)

// On PostgreSQL a DB keeps pgx's native pool next to the database/sql view
// of it (stdlib.OpenDBFromPool, one set of connections). Load, Count,
// QueryMaps, Exec and flush plans (Execute) go through pgx directly, which
// saves database/sql's per-call, per-argument and per-row overhead: on the
// pool outside transactions, on the transaction's own connection inside one
// (see txConn in tx.go). The sqlx methods (QueryxContext, ExecContext, ...),
// which qb.Scan and the schema code use, stay on database/sql; inside a
// transaction they run on the same connection and in the same transaction.

// Pool returns pgx's native pool on PostgreSQL, nil elsewhere.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// nativeQuerier is what the native paths need of pgx. *pgxpool.Pool and
// *pgx.Conn have it; inside a transaction the Executor uses a *txConn, which
// serialises the use of the transaction's *pgx.Conn.
type nativeQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

var (
	_ nativeQuerier = (*pgxpool.Pool)(nil)
	_ nativeQuerier = (*pgx.Conn)(nil)
	_ nativeQuerier = (*txConn)(nil)
)

// rowScanner is what Load needs of a result set, from database/sql or pgx.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }

type pgxRows struct{ pgx.Rows }

func (r pgxRows) Scan(dest ...any) error { return r.Rows.Scan(dest...) }

// queryRows runs a query natively on PostgreSQL, else through database/sql.
func (x *Executor) queryRows(ctx context.Context, query string, args []any) (rowScanner, error) {
	if x.pg != nil {
		rows, err := x.pg.Query(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return pgxRows{rows}, nil
	}
	rows, err := x.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

// countNative is Count through pgx.
func (x *Executor) countNative(ctx context.Context, q qb.SelectQuery) (int64, error) {
	query, args, err := q.CountQuery().ToSQL(x.db.dialect)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	var n int64
	err = x.pg.QueryRow(ctx, query, args...).Scan(&n)
	x.db.report(ctx, query, args, start, 1, err, x.inTx)
	if err != nil {
		return 0, &qb.QueryError{SQL: query, Err: err}
	}
	return n, nil
}

// queryMapsNative is QueryMaps through pgx.
func (x *Executor) queryMapsNative(ctx context.Context, s qb.Statement) ([]map[string]any, error) {
	query, args, err := s.ToSQL(x.db.dialect)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	rows, err := x.pg.Query(ctx, query, args...)
	if err != nil {
		x.db.report(ctx, query, args, start, -1, err, x.inTx)
		return nil, &qb.QueryError{SQL: query, Err: ClassifyError(err)}
	}
	defer rows.Close()
	fields := rows.FieldDescriptions()
	var out []map[string]any
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, &qb.QueryError{SQL: query, Err: err}
		}
		m := make(map[string]any, len(vals))
		for i, f := range fields {
			m[f.Name] = vals[i]
		}
		out = append(out, m)
	}
	err = rows.Err()
	x.db.report(ctx, query, args, start, int64(len(out)), err, x.inTx)
	if err != nil {
		return nil, &qb.QueryError{SQL: query, Err: err}
	}
	return out, nil
}

// execNative is Exec through pgx.
func (x *Executor) execNative(ctx context.Context, query string, args []any) (int64, error) {
	n, err := x.execPg(ctx, query, args)
	if err != nil {
		return 0, &qb.QueryError{SQL: query, Err: classify(ctx, err)}
	}
	return n, nil
}

// execPg runs a statement through pgx and reports it; the error is pgx's.
func (x *Executor) execPg(ctx context.Context, query string, args []any) (int64, error) {
	start := time.Now()
	tag, err := x.pg.Exec(ctx, query, args...)
	n := int64(-1)
	if err == nil {
		n = tag.RowsAffected()
	}
	x.db.report(ctx, query, args, start, n, err, x.inTx)
	return n, err
}
