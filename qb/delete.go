package qb

import "github.com/unitorm/unitorm/dialect"

// DeleteStmt is the dialect-neutral model of a DELETE.
type DeleteStmt struct {
	Table     string
	Where     Expr
	Returning []string
}

// DeleteQuery builds a DELETE. It is a value: each method returns a new
// query and leaves the receiver as it was.
type DeleteQuery struct {
	stmt DeleteStmt
	err  error
}

// DeleteFrom starts a DELETE from table. Without a Where it deletes every row.
func DeleteFrom(table string) DeleteQuery { return DeleteQuery{stmt: DeleteStmt{Table: table}} }

// NewDelete returns a builder for a DeleteStmt built elsewhere.
func NewDelete(s DeleteStmt) DeleteQuery { return DeleteQuery{stmt: s} }

// Stmt returns the query's model.
func (q DeleteQuery) Stmt() DeleteStmt { return q.stmt }

// Err returns the first error met while building.
func (q DeleteQuery) Err() error { return q.err }

func (q DeleteQuery) fail(err error) DeleteQuery {
	if q.err == nil {
		q.err = err
	}
	return q
}

// Returning adds RETURNING cols (needs dialect.DeleteReturning; SQLite,
// PostgreSQL and MariaDB have it).
func (q DeleteQuery) Returning(cols ...string) DeleteQuery {
	q.stmt.Returning = add(q.stmt.Returning, cols...)
	return q
}

// ToSQL renders the statement for d.
func (q DeleteQuery) ToSQL(d dialect.Dialect) (string, []any, error) {
	if q.err != nil {
		return "", nil, q.err
	}
	r := newRenderer(d)
	r.raw("DELETE FROM ")
	if err := r.ident(q.stmt.Table); err != nil {
		return "", nil, err
	}
	if err := r.where(" WHERE ", q.stmt.Where); err != nil {
		return "", nil, err
	}
	if err := r.returning(q.stmt.Returning, dialect.DeleteReturning, "DELETE ... RETURNING"); err != nil {
		return "", nil, err
	}
	return r.finish()
}

// TruncateQuery empties a table: TRUNCATE TABLE, or DELETE FROM where the
// database has no TRUNCATE (SQLite).
type TruncateQuery struct {
	Table string
}

// Truncate starts a TRUNCATE of table.
func Truncate(table string) TruncateQuery { return TruncateQuery{Table: table} }

// ToSQL renders the statement for d.
func (q TruncateQuery) ToSQL(d dialect.Dialect) (string, []any, error) {
	r := newRenderer(d)
	if d.Has(dialect.Truncate) {
		r.raw("TRUNCATE TABLE ")
	} else {
		r.raw("DELETE FROM ")
	}
	if err := r.ident(q.Table); err != nil {
		return "", nil, err
	}
	return r.finish()
}
