package qb

import (
	"slices"
	"strings"

	"github.com/unitorm/unitorm/dialect"
)

var compareSQL = map[Op]string{
	OpEq: " = ", OpNe: " <> ", OpGt: " > ", OpGte: " >= ", OpLt: " < ", OpLte: " <= ",
}

// isTrue reports whether e is an empty AND, which needs no WHERE at all.
func isTrue(e Expr) bool {
	l, ok := e.(Logical)
	return e == nil || ok && l.Op == OpAnd && len(l.Items) == 0
}

// expr appends a condition. Nodes that are not normalized are normalized first.
func (r *renderer) expr(e Expr) error {
	switch x := e.(type) {
	case Compare:
		return r.compare(x)
	case Logical:
		return r.logical(x)
	case NotExpr:
		if ex, ok := x.Expr.(ExistsExpr); ok {
			r.raw("NOT ")
			return r.expr(ex)
		}
		r.raw("NOT (")
		if err := r.expr(x.Expr); err != nil {
			return err
		}
		r.raw(")")
		return nil
	case RawExpr:
		return r.appendRaw(x)
	case TupleIn:
		return r.tupleIn(x)
	case ExistsExpr:
		r.raw("EXISTS (")
		if err := r.subquery(x.Query); err != nil {
			return err
		}
		r.raw(")")
		return nil
	case AggCompare:
		if err := x.Agg.check(); err != nil {
			return err
		}
		sym, ok := compareSQL[x.Op]
		if !ok {
			return invalidValue("aggregate comparison with %q", string(x.Op))
		}
		if err := r.aggregate(x.Agg); err != nil {
			return err
		}
		r.raw(sym)
		return r.value(x.Value, true)
	}
	n, err := normExpr(e)
	if err != nil {
		return err
	}
	switch x := n.(type) {
	case Cond, badExpr:
		return invalidValue("cannot render %T", n)
	case CollectionExpr:
		return invalidValue("%s(%q) names entity properties: run it through the EntityManager (em.Find, em.QB)", string(x.Op), x.Path)
	}
	return r.expr(n)
}

func (r *renderer) logical(l Logical) error {
	if len(l.Items) == 0 {
		if l.Op == OpOr {
			r.raw("1=0")
		} else {
			r.raw("1=1")
		}
		return nil
	}
	sep := " AND "
	switch l.Op {
	case OpAnd:
	case OpOr:
		sep = " OR "
	default:
		return invalidValue("unknown logical operator %q", string(l.Op))
	}
	for i, it := range l.Items {
		if i > 0 {
			r.raw(sep)
		}
		if err := r.groupedExpr(it, len(l.Items) > 1); err != nil {
			return err
		}
	}
	return nil
}

// groupedExpr appends e in parentheses when it is a compound condition or raw
// SQL and grouped says it stands next to others.
func (r *renderer) groupedExpr(e Expr, grouped bool) error {
	paren := false
	if grouped {
		switch x := e.(type) {
		case Logical:
			paren = len(x.Items) > 1
		case RawExpr, *RawExpr:
			paren = true
		}
	}
	if paren {
		r.raw("(")
	}
	if err := r.expr(e); err != nil {
		return err
	}
	if paren {
		r.raw(")")
	}
	return nil
}

func (r *renderer) compare(c Compare) error {
	if err := checkField(c.Field); err != nil {
		return err
	}
	if err := checkIdent(c.Field); err != nil {
		return err
	}
	switch c.Op {
	case OpEq, OpNe:
		if v, _, err := classify(c.Value); err == nil && v == nil {
			r.name(c.Field)
			if c.Op == OpEq {
				r.raw(" IS NULL")
			} else {
				r.raw(" IS NOT NULL")
			}
			return nil
		}
		if _, ok := c.Value.([]any); ok {
			c.Op = map[Op]Op{OpEq: OpIn, OpNe: OpNin}[c.Op]
			return r.inList(c)
		}
		fallthrough
	case OpGt, OpGte, OpLt, OpLte:
		r.name(c.Field)
		r.raw(compareSQL[c.Op])
		return r.value(c.Value, true)
	case OpIn, OpNin:
		return r.inList(c)
	case OpLike:
		return r.like(c.Field, false, c.Value)
	case OpILike:
		return r.like(c.Field, true, c.Value)
	case OpRe:
		if !r.d.Has(dialect.Regexp) {
			return unsupported(r.d, "$re (regular expressions)")
		}
		r.name(c.Field)
		r.raw(" " + regexpOp(r.d) + " ")
		return r.value(c.Value, true)
	case OpExists:
		b, ok := c.Value.(bool)
		if !ok {
			return invalidValue("$exists needs a bool")
		}
		r.name(c.Field)
		if b {
			r.raw(" IS NOT NULL")
		} else {
			r.raw(" IS NULL")
		}
		return nil
	case OpContains, OpOverlap:
		if !r.d.Has(dialect.ArrayOps) {
			return unsupported(r.d, string(c.Op)+" (array operators)")
		}
		r.name(c.Field)
		if c.Op == OpContains {
			r.raw(" @> ")
		} else {
			r.raw(" && ")
		}
		v, k, err := classify(c.Value)
		if err != nil {
			return err
		}
		if k == kindExpr {
			return r.valueExpr(v.(ValueExpr), true, false)
		}
		r.bind(v)
		return nil
	}
	return invalidValue("field %s: unknown operator %q", quoteForMsg(c.Field), string(c.Op))
}

// inList appends field [NOT] IN (...). NULLs in the list are matched (or
// excluded) with IS [NOT] NULL, since IN never matches NULL; an empty list is
// 1=0 for IN and 1=1 for NOT IN.
func (r *renderer) inList(c Compare) error {
	not := c.Op == OpNin
	in := " IN ("
	if not {
		in = " NOT IN ("
	}
	var items []any
	switch v := c.Value.(type) {
	case SelectQuery, RawExpr:
		r.name(c.Field)
		r.raw(in)
		if err := r.subquery(v.(Subquery)); err != nil {
			return err
		}
		r.raw(")")
		return nil
	case []any:
		items = v
	default:
		items = []any{v}
	}
	if len(items) > 0 && allPlain(items) {
		r.plainList(c.Field, in, items)
		return nil
	}
	hasNull := false
	vals := make([]any, 0, len(items))
	for _, it := range items {
		x, k, err := classify(it)
		if err != nil {
			return err
		}
		switch k {
		case kindNull:
			hasNull = true
			continue
		case kindSlice:
			return invalidValue("a list (%T) inside an IN list", it)
		}
		vals = append(vals, x)
	}
	if len(vals) == 0 {
		switch {
		case hasNull && not:
			r.name(c.Field)
			r.raw(" IS NOT NULL")
		case hasNull:
			r.name(c.Field)
			r.raw(" IS NULL")
		case not:
			r.raw("1=1")
		default:
			r.raw("1=0")
		}
		return nil
	}
	if hasNull {
		r.raw("(")
	}
	r.name(c.Field)
	r.raw(in)
	for i, v := range vals {
		if i > 0 {
			r.raw(", ")
		}
		if err := r.value(v, false); err != nil {
			return err
		}
	}
	r.raw(")")
	if hasNull {
		if not {
			r.raw(" AND ")
			r.name(c.Field)
			r.raw(" IS NOT NULL)")
		} else {
			r.raw(" OR ")
			r.name(c.Field)
			r.raw(" IS NULL)")
		}
	}
	return nil
}

// plainList appends field IN (…) over items, every one a plain value, bound
// as they are: the IN lists of a flush's keys have thousands, so the
// statement and argument buffers grow once.
func (r *renderer) plainList(field, in string, items []any) {
	r.name(field)
	r.raw(in)
	r.b = slices.Grow(r.b, len(items)*(len(", ")+placeholderWidth(r.d, len(r.args)+len(items))))
	r.args = slices.Grow(r.args, len(items))
	for i, v := range items {
		if i > 0 {
			r.raw(", ")
		}
		r.bind(v)
	}
	r.raw(")")
}

// placeholderWidth is the longest placeholder of d up to the n-th.
func placeholderWidth(d dialect.Dialect, n int) int {
	return len(d.AppendPlaceholder(nil, n))
}

// regexpOp is the regular-expression operator of d.
func regexpOp(d dialect.Dialect) string { return d.RegexpOperator() }

// like appends a LIKE match that is case-sensitive (ci false) or
// case-insensitive including non-ASCII letters (ci true) on every dialect.
func (r *renderer) like(field string, ci bool, pattern any) error {
	esc := r.d.LikeEscape()
	escape := func() {
		r.raw(" ESCAPE ")
		r.b = r.d.AppendString(r.b, string(esc))
	}
	if !ci {
		if r.d.Has(dialect.CaseSensitiveLike) {
			r.name(field)
			r.raw(" LIKE ")
			if err := r.value(pattern, true); err != nil {
				return err
			}
			escape()
			return nil
		}
		if coll := r.d.CaseSensitiveCollation(); coll != "" {
			r.name(field)
			r.raw(" LIKE ")
			if err := r.value(pattern, true); err != nil {
				return err
			}
			r.raw(" COLLATE " + coll)
			escape()
			return nil
		}
		// No case-sensitive LIKE (SQLite): GLOB is case-sensitive; translate
		// the pattern, which must therefore be a literal.
		s, ok := stringOf(pattern)
		if _, _, err := scalarValue(pattern); !ok || err != nil {
			return unsupported(r.d, "case-sensitive $like with a pattern that is not a string")
		}
		r.name(field)
		r.raw(" GLOB ")
		r.bind(likeToGlob(s, esc))
		return nil
	}
	// Case-insensitive: ILIKE; else the dialect's Unicode fold function on
	// both sides; else lower() on both sides compared under the binary
	// collation, which (unlike MySQL's *_general_ci) keeps accents apart as
	// ILIKE does; else the case-insensitive collation; else plain lower().
	cs, ciColl, fold := r.d.CaseSensitiveCollation(), r.d.CaseInsensitiveCollation(), r.d.FoldFunc()
	switch {
	case r.d.Has(dialect.ILike):
		r.name(field)
		r.raw(" ILIKE ")
		if err := r.value(pattern, true); err != nil {
			return err
		}
	case fold == "" && cs == "" && ciColl != "":
		r.name(field)
		r.raw(" LIKE ")
		if err := r.value(pattern, true); err != nil {
			return err
		}
		r.raw(" COLLATE " + ciColl)
	default:
		if fold == "" {
			fold = "lower"
		}
		r.raw(fold + "(")
		r.name(field)
		r.raw(") LIKE " + fold + "(")
		if err := r.value(pattern, false); err != nil {
			return err
		}
		r.raw(")")
		if fold == "lower" && cs != "" {
			r.raw(" COLLATE " + cs)
		}
	}
	escape()
	return nil
}

// likeToGlob translates a LIKE pattern with escape character esc to a GLOB
// pattern: % becomes *, _ becomes ?, and the GLOB metacharacters * ? [ as
// well as escaped characters match themselves.
func likeToGlob(p string, esc byte) string {
	var b strings.Builder
	b.Grow(len(p) + 8)
	lit := func(c byte) {
		switch c {
		case '*', '?', '[':
			b.WriteByte('[')
			b.WriteByte(c)
			b.WriteByte(']')
		default:
			b.WriteByte(c)
		}
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == esc:
			if i+1 < len(p) {
				i++
				lit(p[i])
			} else {
				lit(c)
			}
		case c == '%':
			b.WriteByte('*')
		case c == '_':
			b.WriteByte('?')
		default:
			lit(c)
		}
	}
	return b.String()
}
