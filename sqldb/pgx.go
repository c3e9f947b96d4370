package sqldb

import (
	"context"
	"database/sql"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/unitorm/unitorm/qb"
)

// On PostgreSQL a DB keeps pgx's native pool next to the database/sql view
// of it (stdlib.OpenDBFromPool, one set of connections): reads outside
// transactions (Load, Count, QueryMaps) go through pgx directly, which saves
// database/sql's per-row and per-value overhead; everything else, and all
// work inside transactions, goes through database/sql.

// Pool returns pgx's native pool on PostgreSQL, nil elsewhere.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

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

// queryRows runs a query natively on PostgreSQL outside transactions, else
// through database/sql.
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

// countNative is Count on pgx's pool.
func (x *Executor) countNative(ctx context.Context, q qb.SelectQuery) (int64, error) {
	query, args, err := q.CountQuery().ToSQL(x.db.dialect)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	var n int64
	err = x.pg.QueryRow(ctx, query, args...).Scan(&n)
	x.db.report(ctx, query, args, start, 1, err, false)
	if err != nil {
		return 0, &qb.QueryError{SQL: query, Err: err}
	}
	return n, nil
}

// queryMapsNative is QueryMaps on pgx's pool.
func (x *Executor) queryMapsNative(ctx context.Context, s qb.Statement) ([]map[string]any, error) {
	query, args, err := s.ToSQL(x.db.dialect)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	rows, err := x.pg.Query(ctx, query, args...)
	if err != nil {
		x.db.report(ctx, query, args, start, -1, err, false)
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
	x.db.report(ctx, query, args, start, int64(len(out)), err, false)
	if err != nil {
		return nil, &qb.QueryError{SQL: query, Err: err}
	}
	return out, nil
}
