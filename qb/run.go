package qb

import (
	"context"
	"database/sql"
	"errors"
	"reflect"

	"github.com/unitorm/unitorm/dialect"
)

// Runner runs SQL text with bound arguments: the sqldb executors
// (ORM.SQL(), a transaction) and sqldb.DB are Runners. qb owns this
// interface, so a query builder user needs no particular database library.
type Runner interface {
	// Dialect is the SQL dialect statements are rendered for.
	Dialect() dialect.Dialect
	// QueryContext runs a query; the caller closes the rows.
	QueryContext(ctx context.Context, query string, args ...any) (Rows, error)
	// ExecContext runs a statement that returns no rows.
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Rows is a result set, read as database/sql's *sql.Rows is (which is one).
type Rows interface {
	Columns() ([]string, error)
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// RowScanner is implemented by Rows that can scan the current row into a
// struct (columns matched to fields by their `db` tag, or the lower-cased
// field name, as sqlx does) and into a map (text columns as string). The
// sqldb Rows have it; Scan needs it for struct and map destinations.
type RowScanner interface {
	ScanStruct(dest any) error
	ScanMap(dest map[string]any) error
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
	_ Statement = RawExpr{}
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
func Query(ctx context.Context, r Runner, s Statement) (Rows, error) {
	query, args, err := s.ToSQL(r.Dialect())
	if err != nil {
		return nil, err
	}
	rows, err := r.QueryContext(ctx, query, args...)
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

var scannerType = reflect.TypeFor[sql.Scanner]()

// scalarType reports whether a value of type t is scanned from one column
// (sqlx's rule): it is a sql.Scanner, not a struct, or a struct without
// exported fields (time.Time).
func scalarType(t reflect.Type) bool {
	if reflect.PointerTo(t).Implements(scannerType) || t.Kind() != reflect.Struct {
		return true
	}
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			return false
		}
	}
	return true
}

func scanInto(ctx context.Context, r Runner, query string, args []any, dest any) error {
	var (
		slice reflect.Value // the destination slice, for *[]T
		elem  reflect.Type  // T
	)
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return invalidValue("scan destination must be a non-nil pointer, not %T", dest)
	}
	if t := rv.Elem().Type(); t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		slice, elem = rv.Elem(), t.Elem()
	}
	rows, err := r.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	rs, _ := rows.(RowScanner)
	one := func(dst any) error { // scans the current row into dst, a pointer
		switch d := dst.(type) {
		case *map[string]any:
			if rs == nil {
				return invalidValue("the runner's rows cannot scan into maps")
			}
			m := map[string]any{}
			if err := rs.ScanMap(m); err != nil {
				return err
			}
			*d = m
			return nil
		}
		t := reflect.TypeOf(dst).Elem()
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if scalarType(t) {
			cols, err := rows.Columns()
			if err != nil {
				return err
			}
			if len(cols) != 1 {
				return invalidValue("scanning %d columns into %T: a scalar takes one", len(cols), dst)
			}
			return rows.Scan(dst)
		}
		if rs == nil {
			return invalidValue("the runner's rows cannot scan into structs")
		}
		return rs.ScanStruct(dst)
	}
	if !slice.IsValid() {
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return err
			}
			return sql.ErrNoRows
		}
		if err := one(dest); err != nil {
			return err
		}
		return rows.Close()
	}
	out := slice.Slice(0, 0)
	ptrElem := elem.Kind() == reflect.Pointer
	base := elem
	if ptrElem {
		base = elem.Elem()
	}
	for rows.Next() {
		v := reflect.New(base)
		if err := one(v.Interface()); err != nil {
			return err
		}
		if ptrElem {
			out = reflect.Append(out, v)
		} else {
			out = reflect.Append(out, v.Elem())
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if out.IsNil() {
		out = reflect.MakeSlice(slice.Type(), 0, 0)
	}
	slice.Set(out)
	return nil
}

// Exec executes the query (for a SELECT, the rows are discarded).
func (q SelectQuery) Exec(ctx context.Context, r Runner) (sql.Result, error) {
	return Exec(ctx, r, q)
}

// Rows runs the query; the caller closes the rows.
func (q SelectQuery) Rows(ctx context.Context, r Runner) (Rows, error) {
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
	if !s.Distinct && len(s.DistinctOn) == 0 && len(s.GroupBy) == 0 && len(s.Unions) == 0 && s.Having == nil {
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
