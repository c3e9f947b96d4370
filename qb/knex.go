package qb

import (
	"reflect"
	"strings"
	"time"

	"github.com/unitorm/unitorm/dialect"
)

// Knex forms that have no other home: DISTINCT ON, several ORDER BY
// columns at once, joins on subqueries by kind, literals in select lists.

// DistinctOn makes it SELECT DISTINCT ON (cols) — one row per distinct
// value of cols, the first in ORDER BY order. PostgreSQL only: other
// dialects fail with ErrUnsupported naming the dialect.
func (q SelectQuery) DistinctOn(cols ...string) SelectQuery {
	if len(cols) == 0 {
		return q.fail(invalidQuery("DISTINCT ON without columns"))
	}
	for _, c := range cols {
		q.stmt.DistinctOn = add[ValueExpr](q.stmt.DistinctOn, ColRef(c))
	}
	return q
}

func (r *renderer) distinctOn(cols []ValueExpr) error {
	if len(cols) == 0 {
		return nil
	}
	if !r.d.Has(dialect.DistinctOn) {
		return unsupported(r.d, "DISTINCT ON")
	}
	r.raw("DISTINCT ON (")
	for i, c := range cols {
		if i > 0 {
			r.raw(", ")
		}
		if err := r.valueExpr(c, false, false); err != nil {
			return err
		}
	}
	r.raw(") ")
	return nil
}

// OrderByColumns adds several ORDER BY items at once, Knex's
// orderBy(['a', {column: 'b', order: 'desc'}]): each item is a column,
// optionally followed by asc or desc ("title", "price DESC"). An item
// without a direction is written without one (the database's ascending
// default).
func (q SelectQuery) OrderByColumns(items ...string) SelectQuery {
	if len(items) == 0 {
		return q.fail(invalidQuery("OrderByColumns without columns"))
	}
	for _, it := range items {
		f := strings.Fields(it)
		var o Order
		switch len(f) {
		case 1:
			o = Order{Expr: ColRef(f[0])}
		case 2:
			d, err := Direction(f[1]).normalize()
			if err != nil {
				return q.fail(err)
			}
			o = Order{Expr: ColRef(f[0]), Dir: d}
		default:
			return q.fail(invalidQuery("order item %s: want a column and an optional asc or desc", quoteForMsg(it)))
		}
		q.stmt.OrderBy = add(q.stmt.OrderBy, o)
	}
	return q
}

// InnerJoinSub adds INNER JOIN (sub) AS alias ON on: see JoinSub.
func (q SelectQuery) InnerJoinSub(sub any, alias string, on any) SelectQuery {
	return q.JoinSub(JoinInner, sub, alias, on)
}

// LeftJoinSub adds LEFT JOIN (sub) AS alias ON on: see JoinSub.
func (q SelectQuery) LeftJoinSub(sub any, alias string, on any) SelectQuery {
	return q.JoinSub(JoinLeft, sub, alias, on)
}

// Literal is a constant in a select list (or anywhere an expression goes):
// a bound parameter, typed on PostgreSQL (which would otherwise read an
// untyped parameter in a select list as text). Make one with Lit.
type Literal struct{ V any }

func (Literal) valueExpr() {}

// Lit is a literal value as an expression: Select("id", As(Lit("book"),
// "kind"), As(Lit(1), "one")). The value is bound, never spliced into the
// SQL; on PostgreSQL it carries a cast from its Go type (::bigint, ::text,
// ::double precision, ::boolean, ::timestamptz, ::bytea).
func Lit(v any) Literal { return Literal{V: v} }

func (r *renderer) literal(l Literal) error {
	v, k, err := classify(l.V)
	if err != nil {
		return err
	}
	if k != kindScalar && k != kindNull {
		return invalidValue("Lit takes one value, not %s", describe(l.V))
	}
	r.bind(v)
	if r.d.Placeholders() == dialect.Dollar {
		if c := pgCast(v); c != "" {
			r.raw("::" + c)
		}
	}
	return nil
}

// pgCast is the PostgreSQL type of a Go value bound as a literal.
func pgCast(v any) string {
	if v == nil {
		return ""
	}
	if _, ok := v.(time.Time); ok {
		return "timestamptz"
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return ""
		}
		rv = rv.Elem()
	}
	if _, ok := rv.Interface().(time.Time); ok {
		return "timestamptz"
	}
	switch rv.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return "bigint"
	case reflect.Uint, reflect.Uint64:
		return "numeric"
	case reflect.Float32, reflect.Float64:
		return "double precision"
	case reflect.String:
		return "text"
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return "bytea"
		}
	}
	return ""
}
