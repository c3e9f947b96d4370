package qb

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/unitorm/unitorm/dialect"
)

// Runner runs statements: sqldb.DB, or anything else with a dialect and
// sqlx's context interfaces (a *sqlx.DB or *sqlx.Tx with a Dialect method).
type Runner interface {
	Dialect() dialect.Dialect
	sqlx.QueryerContext
	sqlx.ExecerContext
}

// Statement is a query that renders to SQL: every builder in this package.
type Statement interface {
	ToSQL(d dialect.Dialect) (string, []any, error)
}

var (
	_ Statement = SelectQuery{}
	_ Statement = InsertQuery{}
	_ Statement = UpdateQuery{}
	_ Statement = DeleteQuery{}
	_ Statement = TruncateQuery{}
)

// Exec renders s for r's dialect and executes it.
func Exec(ctx context.Context, r Runner, s Statement) (sql.Result, error) {
	query, args, err := s.ToSQL(r.Dialect())
	if err != nil {
		return nil, err
	}
	res, err := r.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, &QueryError{SQL: query, Err: err}
	}
	return res, nil
}

// Query renders s for r's dialect and returns its rows; the caller closes them.
func Query(ctx context.Context, r Runner, s Statement) (*sqlx.Rows, error) {
	query, args, err := s.ToSQL(r.Dialect())
	if err != nil {
		return nil, err
	}
	rows, err := r.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, &QueryError{SQL: query, Err: err}
	}
	return rows, nil
}

// Scan renders s for r's dialect, runs it and scans the result into dest:
//   - *[]T or *[]*T for a struct T: every row, columns matched to fields by
//     their `db` tag (sqlx rules);
//   - *[]map[string]any: every row as a map (text columns as string);
//   - *[]T for a scalar T: the first column of every row;
//   - *T for a struct or scalar T, or *map[string]any: the first row, and
//     ErrNoRows when there is none.
func Scan(ctx context.Context, r Runner, s Statement, dest any) error {
	query, args, err := s.ToSQL(r.Dialect())
	if err != nil {
		return err
	}
	err = scanInto(ctx, r, query, args, dest)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return ErrNoRows
	case errors.Is(err, ErrInvalidValue):
		return err
	}
	return &QueryError{SQL: query, Err: err}
}

func scanInto(ctx context.Context, r Runner, query string, args []any, dest any) error {
	switch d := dest.(type) {
	case *[]map[string]any:
		return scanMaps(ctx, r, query, args, d, false)
	case *map[string]any:
		var ms []map[string]any
		if err := scanMaps(ctx, r, query, args, &ms, true); err != nil {
			return err
		}
		if len(ms) == 0 {
			return sql.ErrNoRows
		}
		*d = ms[0]
		return nil
	}
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return invalidValue("scan destination must be a non-nil pointer, not %T", dest)
	}
	if t := rv.Elem().Type(); t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		return sqlx.SelectContext(ctx, r, dest, query, args...)
	}
	return sqlx.GetContext(ctx, r, dest, query, args...)
}

func scanMaps(ctx context.Context, r Runner, query string, args []any, dest *[]map[string]any, one bool) error {
	rows, err := r.QueryxContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	text := make(map[string]bool, len(types))
	for _, t := range types {
		n := strings.ToUpper(t.DatabaseTypeName())
		text[t.Name()] = !strings.Contains(n, "BLOB") && !strings.Contains(n, "BINARY") && n != "BYTEA"
	}
	out := (*dest)[:0]
	for rows.Next() {
		m := make(map[string]any, len(types))
		if err := rows.MapScan(m); err != nil {
			return err
		}
		for k, v := range m {
			if b, ok := v.([]byte); ok && text[k] {
				m[k] = string(b)
			}
		}
		out = append(out, m)
		if one {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	*dest = out
	return nil
}

// Exec executes the query (for a SELECT, the rows are discarded).
func (q SelectQuery) Exec(ctx context.Context, r Runner) (sql.Result, error) {
	return Exec(ctx, r, q)
}

// Rows runs the query; the caller closes the rows.
func (q SelectQuery) Rows(ctx context.Context, r Runner) (*sqlx.Rows, error) {
	return Query(ctx, r, q)
}

// Scan runs the query and scans its rows into dest: see the Scan function.
func (q SelectQuery) Scan(ctx context.Context, r Runner, dest any) error {
	return Scan(ctx, r, q, dest)
}

// First runs the query with LIMIT 1 and scans the row into dest (a pointer
// to a struct, a scalar or a map[string]any); ErrNoRows when there is none.
func (q SelectQuery) First(ctx context.Context, r Runner, dest any) error {
	if t := reflect.TypeOf(dest); t != nil && t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Slice &&
		t.Elem().Elem().Kind() != reflect.Uint8 {
		return invalidValue("First scans one row, not into %T", dest)
	}
	return Scan(ctx, r, q.Limit(1), dest)
}

// Count returns the number of rows the query matches. It ignores the query's
// ORDER BY, LIMIT, OFFSET and row locks (Count is for "how many in all", as
// for pagination): a plain query becomes SELECT count(*) with the same FROM,
// joins and WHERE; one with DISTINCT, GROUP BY or UNION is counted as a
// subquery.
func (q SelectQuery) Count(ctx context.Context, r Runner) (int64, error) {
	var n int64
	err := Scan(ctx, r, q.CountQuery(), &n)
	return n, err
}

// CountQuery is the query Count runs.
func (q SelectQuery) CountQuery() SelectQuery {
	if q.err != nil {
		return q
	}
	s := q.stmt
	s.OrderBy, s.HasLimit, s.Limit, s.Offset, s.Lock = nil, false, 0, 0, Lock{}
	if !s.Distinct && len(s.GroupBy) == 0 && len(s.Unions) == 0 && s.Having == nil {
		s.Columns = []ValueExpr{Count("*")}
		return SelectQuery{stmt: s}
	}
	inner := SelectQuery{stmt: s}
	return Select(Count("*")).FromSub(inner, "count_sub")
}

// Exec executes the insert.
func (q InsertQuery) Exec(ctx context.Context, r Runner) (sql.Result, error) {
	return Exec(ctx, r, q)
}

// Scan runs the insert and scans its RETURNING rows into dest.
func (q InsertQuery) Scan(ctx context.Context, r Runner, dest any) error {
	return Scan(ctx, r, q, dest)
}

// Exec executes the update.
func (q UpdateQuery) Exec(ctx context.Context, r Runner) (sql.Result, error) {
	return Exec(ctx, r, q)
}

// Scan runs the update and scans its RETURNING rows into dest.
func (q UpdateQuery) Scan(ctx context.Context, r Runner, dest any) error {
	return Scan(ctx, r, q, dest)
}

// Exec executes the delete.
func (q DeleteQuery) Exec(ctx context.Context, r Runner) (sql.Result, error) {
	return Exec(ctx, r, q)
}

// Scan runs the delete and scans its RETURNING rows into dest.
func (q DeleteQuery) Scan(ctx context.Context, r Runner, dest any) error {
	return Scan(ctx, r, q, dest)
}

// Exec executes the truncate.
func (q TruncateQuery) Exec(ctx context.Context, r Runner) (sql.Result, error) {
	return Exec(ctx, r, q)
}
