package qb

import (
	"slices"

	"github.com/unitorm/unitorm/dialect"
)

// AssignOp says how an UPDATE assignment changes its column.
type AssignOp int

// The assignment kinds.
const (
	AssignSet AssignOp = iota // col = Value
	AssignInc                 // col = col + Value
	AssignDec                 // col = col - Value
)

// Assignment is one SET item of an UPDATE.
type Assignment struct {
	Column string
	Op     AssignOp
	Value  any
}

// UpdateStmt is the dialect-neutral model of an UPDATE.
type UpdateStmt struct {
	Table     string
	Set       []Assignment
	Where     Expr
	Returning []string
}

// UpdateQuery builds an UPDATE. It is a value: each method returns a new
// query and leaves the receiver as it was.
type UpdateQuery struct {
	stmt UpdateStmt
	err  error
}

// Update starts an UPDATE of table.
func Update(table string) UpdateQuery { return UpdateQuery{stmt: UpdateStmt{Table: table}} }

// NewUpdate returns a builder for an UpdateStmt built elsewhere.
func NewUpdate(s UpdateStmt) UpdateQuery { return UpdateQuery{stmt: s} }

// Stmt returns the query's model.
func (q UpdateQuery) Stmt() UpdateStmt { return q.stmt }

// Err returns the first error met while building.
func (q UpdateQuery) Err() error { return q.err }

func (q UpdateQuery) fail(err error) UpdateQuery {
	if q.err == nil {
		q.err = err
	}
	return q
}

func (q UpdateQuery) assign(col string, op AssignOp, v any) UpdateQuery {
	x, k, err := classify(v)
	if err != nil {
		return q.fail(err)
	}
	if op != AssignSet && (k == kindNull || k == kindSlice) {
		return q.fail(invalidValue("increment of %s by %s", quoteForMsg(col), describe(v)))
	}
	q.stmt.Set = add(q.stmt.Set, Assignment{Column: col, Op: op, Value: x})
	return q
}

// Set adds col = v. v is bound (a slice as one value: an array on
// PostgreSQL); a ColRef, RawExpr or SelectQuery is written in place.
func (q UpdateQuery) Set(col string, v any) UpdateQuery { return q.assign(col, AssignSet, v) }

// SetMap adds col = v for each entry, in sorted column order.
func (q UpdateQuery) SetMap(m map[string]any) UpdateQuery {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		q = q.assign(k, AssignSet, m[k])
	}
	return q
}

// Increment adds col = col + by.
func (q UpdateQuery) Increment(col string, by any) UpdateQuery { return q.assign(col, AssignInc, by) }

// Decrement adds col = col - by.
func (q UpdateQuery) Decrement(col string, by any) UpdateQuery { return q.assign(col, AssignDec, by) }

// Returning adds RETURNING cols (needs dialect.UpdateReturning).
func (q UpdateQuery) Returning(cols ...string) UpdateQuery {
	q.stmt.Returning = add(q.stmt.Returning, cols...)
	return q
}

// ToSQL renders the statement for d.
func (q UpdateQuery) ToSQL(d dialect.Dialect) (string, []any, error) {
	if q.err != nil {
		return "", nil, q.err
	}
	r := newRenderer(d)
	if err := r.appendUpdate(&q.stmt); err != nil {
		return "", nil, err
	}
	return r.finish()
}

func (r *renderer) appendUpdate(s *UpdateStmt) error {
	if len(s.Set) == 0 {
		return invalidQuery("update of %s sets nothing", quoteForMsg(s.Table))
	}
	r.raw("UPDATE ")
	if err := r.ident(s.Table); err != nil {
		return err
	}
	r.raw(" SET ")
	for i, a := range s.Set {
		if i > 0 {
			r.raw(", ")
		}
		if err := r.ident(a.Column); err != nil {
			return err
		}
		r.raw(" = ")
		switch a.Op {
		case AssignSet:
		case AssignInc:
			r.name(a.Column)
			r.raw(" + ")
		case AssignDec:
			r.name(a.Column)
			r.raw(" - ")
		default:
			return invalidQuery("unknown assignment %d", int(a.Op))
		}
		if err := r.columnValue(a.Value); err != nil {
			return err
		}
	}
	if err := r.where(" WHERE ", s.Where); err != nil {
		return err
	}
	return r.returning(s.Returning, dialect.UpdateReturning, "UPDATE ... RETURNING")
}
