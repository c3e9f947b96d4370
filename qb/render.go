package qb

import (
	"fmt"
	"strings"

	"github.com/unitorm/unitorm/dialect"
)

// renderer appends one statement to a byte slice, collecting bound arguments.
type renderer struct {
	d    dialect.Dialect
	b    []byte
	args []any
}

func newRenderer(d dialect.Dialect) *renderer {
	return &renderer{d: d, b: make([]byte, 0, 256)}
}

// finish returns the statement, or ErrTooManyParams when it binds more
// parameters than the dialect allows.
func (r *renderer) finish() (string, []any, error) {
	if max := r.d.MaxParams(); max > 0 && len(r.args) > max {
		return "", nil, fmt.Errorf("%w: %d parameters, %s allows at most %d", ErrTooManyParams, len(r.args), r.d.Name(), max)
	}
	return string(r.b), r.args, nil
}

func (r *renderer) raw(s string) { r.b = append(r.b, s...) }

func (r *renderer) bind(v any) {
	r.args = append(r.args, v)
	r.b = r.d.AppendPlaceholder(r.b, len(r.args))
}

// checkIdent rejects names that cannot be identifiers (dialect.ValidateIdent)
// and dotted names with an empty part.
func checkIdent(name string) error {
	if err := dialect.ValidateIdent(name); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidIdentifier, err)
	}
	if name[0] == '.' || name[len(name)-1] == '.' || strings.Contains(name, "..") {
		return fmt.Errorf("%w: %s has an empty part", ErrInvalidIdentifier, quoteForMsg(name))
	}
	return nil
}

func (r *renderer) ident(name string) error {
	if err := checkIdent(name); err != nil {
		return err
	}
	r.b = r.d.AppendIdent(r.b, name)
	return nil
}

func (r *renderer) idents(names []string) error {
	for i, n := range names {
		if i > 0 {
			r.raw(", ")
		}
		if err := r.ident(n); err != nil {
			return err
		}
	}
	return nil
}

// value appends v as a bound parameter or, for an expression, in place.
// Raw fragments are parenthesized when paren is set.
func (r *renderer) value(v any, paren bool) error {
	v, k, err := classify(v)
	if err != nil {
		return err
	}
	switch k {
	case kindNull, kindScalar:
		r.bind(v)
		return nil
	case kindSlice:
		return invalidValue("a list (%T) where one value is expected", v)
	}
	return r.valueExpr(v.(ValueExpr), paren, false)
}

// columnValue appends a value stored into a column (INSERT, UPDATE SET): like
// value, but a slice is bound as one parameter (an array on PostgreSQL).
func (r *renderer) columnValue(v any) error {
	x, k, err := classify(v)
	if err != nil {
		return err
	}
	if k == kindSlice {
		r.bind(x)
		return nil
	}
	return r.value(x, true)
}

// valueExpr appends an expression. Aliases are written only when alias is set
// (select lists).
func (r *renderer) valueExpr(e ValueExpr, paren, alias bool) error {
	switch x := e.(type) {
	case ColRef:
		return r.ident(string(x))
	case RawExpr:
		if paren {
			r.raw("(")
		}
		if err := r.appendRaw(x); err != nil {
			return err
		}
		if paren {
			r.raw(")")
		}
		return nil
	case Aggregate:
		if err := r.aggregate(x); err != nil {
			return err
		}
		if alias && x.Alias != "" {
			r.raw(" AS ")
			return r.ident(x.Alias)
		}
		return nil
	case SelectQuery:
		r.raw("(")
		if err := r.selectQuery(x); err != nil {
			return err
		}
		r.raw(")")
		return nil
	case Aliased:
		if x.Expr == nil {
			return invalidValue("alias %s of nothing", quoteForMsg(x.Alias))
		}
		if _, nested := x.Expr.(Aliased); nested {
			return invalidValue("alias of an alias")
		}
		if err := r.valueExpr(x.Expr, paren, false); err != nil {
			return err
		}
		if alias {
			r.raw(" AS ")
			return r.ident(x.Alias)
		}
		return nil
	case Literal:
		return r.literal(x)
	case nil:
		return invalidValue("nil expression")
	}
	return invalidValue("unknown expression %T", e)
}

// selectQuery renders a subquery, returning its stored error first.
func (r *renderer) selectQuery(q SelectQuery) error {
	if q.err != nil {
		return q.err
	}
	return r.appendSelect(&q.stmt)
}

// subquery renders a Subquery without parentheses.
func (r *renderer) subquery(s Subquery) error {
	switch x := s.(type) {
	case SelectQuery:
		return r.selectQuery(x)
	case RawExpr:
		return r.appendRaw(x)
	case nil:
		return invalidValue("nil subquery")
	}
	return invalidValue("unknown subquery %T", s)
}

func (r *renderer) appendRaw(x RawExpr) error {
	n := 0
	err := walkRaw(x.SQL, x.sq, r.raw, func(p rawParam) error {
		if n >= len(x.Args) {
			return fmt.Errorf("%w: more placeholders than the %d arguments in %s", ErrBindMismatch, len(x.Args), quoteForMsg(x.SQL))
		}
		a := x.Args[n]
		n++
		if p == paramIdent {
			names, err := rawIdents(a)
			if err != nil {
				return err
			}
			return r.idents(names)
		}
		return r.rawValue(a)
	})
	if err != nil {
		return err
	}
	if n != len(x.Args) {
		return fmt.Errorf("%w: %d placeholders, %d arguments in %s", ErrBindMismatch, n, len(x.Args), quoteForMsg(x.SQL))
	}
	return nil
}

// rawValue appends the argument of a ? in a raw fragment; a slice expands to
// a comma-separated list.
func (r *renderer) rawValue(a any) error {
	v, k, err := classify(a)
	if err != nil {
		return err
	}
	switch k {
	case kindSlice:
		items := sliceItems(v)
		if len(items) == 0 {
			return invalidValue("empty list bound to ? in a raw fragment")
		}
		for i, it := range items {
			if i > 0 {
				r.raw(", ")
			}
			if err := r.value(it, false); err != nil {
				return err
			}
		}
		return nil
	case kindExpr:
		return r.valueExpr(v.(ValueExpr), false, false)
	}
	r.bind(v)
	return nil
}

// name appends an identifier already checked with checkIdent.
func (r *renderer) name(n string) { r.b = r.d.AppendIdent(r.b, n) }
