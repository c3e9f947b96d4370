package qb

import (
	"slices"
	"strings"

	"github.com/Masterminds/squirrel"
)

// Cond is a MikroORM-style filter object: each key is a field, each value
// what the field must match. Keys are combined with AND, in sorted order.
//
//	qb.Cond{"title": qb.Like("A%"), "price": qb.Gte(10), "author_id": []int{1, 2}}
//
// A plain value means $eq, nil means IS NULL, a slice means $in, an Operator
// (Eq, In, Like, ...) or Ops picks the operator, and ColRef compares with
// another column. The keys "$and" and "$or" take a list of conditions and
// "$not" takes one. A map or a struct that is not a driver.Valuer given as a
// value is ErrInvalidValue: it never becomes an operator.
type Cond map[string]any

// Operator is a comparison built by Eq, Ne, In, ...: the value of a Cond key.
type Operator struct {
	Op    Op
	Value any
}

// Ops applies several operators to one field: Cond{"price": Ops{Gte(10), Lt(20)}}.
type Ops []Operator

// Eq is $eq: field = v (IS NULL for nil; IN for a slice).
func Eq(v any) Operator { return Operator{OpEq, v} }

// Ne is $ne: field <> v (IS NOT NULL for nil; NOT IN for a slice).
func Ne(v any) Operator { return Operator{OpNe, v} }

// In is $in: field IN (values...). One slice argument is the list itself; one
// SelectQuery, RawExpr or squirrel.Sqlizer argument is a subquery. An empty
// list is false (1=0); a nil in the list matches NULL.
func In(values ...any) Operator { return Operator{OpIn, listArg(values)} }

// Nin is $nin: field NOT IN (values...), with In's rules. An empty list is
// true (1=1); a nil in the list excludes NULL.
func Nin(values ...any) Operator { return Operator{OpNin, listArg(values)} }

// Gt is $gt: field > v.
func Gt(v any) Operator { return Operator{OpGt, v} }

// Gte is $gte: field >= v.
func Gte(v any) Operator { return Operator{OpGte, v} }

// Lt is $lt: field < v.
func Lt(v any) Operator { return Operator{OpLt, v} }

// Lte is $lte: field <= v.
func Lte(v any) Operator { return Operator{OpLte, v} }

// Like is $like: a case-sensitive LIKE pattern (% any run, _ one character,
// backslash escapes) on every database.
func Like(pattern string) Operator { return Operator{OpLike, pattern} }

// ILike is $ilike: a case-insensitive LIKE pattern, folding non-ASCII letters too.
func ILike(pattern string) Operator { return Operator{OpILike, pattern} }

// Re is $re: a regular-expression match (~ on PostgreSQL, REGEXP elsewhere;
// the regexp flavour and case sensitivity are the database's).
func Re(pattern string) Operator { return Operator{OpRe, pattern} }

// Exists is $exists: true means IS NOT NULL, false IS NULL.
func Exists(b bool) Operator { return Operator{OpExists, b} }

// Contains is $contains: the array field contains every element of v (@>).
// It needs dialect.ArrayOps.
func Contains(v any) Operator { return Operator{OpContains, v} }

// Overlap is $overlap: the array field shares an element with v (&&).
// It needs dialect.ArrayOps.
func Overlap(v any) Operator { return Operator{OpOverlap, v} }

func listArg(values []any) any {
	switch len(values) {
	case 0:
		return []any{}
	case 1:
		return values[0]
	}
	return values
}

// And is true when every condition is.
func And(conds ...Condition) Expr { return Logical{Op: OpAnd, Items: toExprs(conds)} }

// Or is true when any condition is.
func Or(conds ...Condition) Expr { return Logical{Op: OpOr, Items: toExprs(conds)} }

// Not negates a condition.
func Not(c Condition) Expr { return NotExpr{Expr: toExpr(c)} }

func toExprs(conds []Condition) []Expr {
	out := make([]Expr, len(conds))
	for i, c := range conds {
		out[i] = toExpr(c)
	}
	return out
}

// toExpr reads a condition given as data (the items of a "$and" list, the
// value of "$not"): an Expr, a map[string]any (a Cond) or a squirrel.Sqlizer.
func toExpr(c any) Expr {
	switch v := c.(type) {
	case Expr:
		if v == nil {
			return badExpr{invalidValue("nil condition")}
		}
		return v
	case map[string]any:
		return Cond(v)
	case squirrel.Sqlizer:
		r, err := sqlizerRaw(v)
		if err != nil {
			return badExpr{err}
		}
		return r
	case nil:
		return badExpr{invalidValue("nil condition")}
	}
	return badExpr{invalidValue("%s is not a condition", describe(c))}
}

// Normalize turns a condition into the normalized tree: Cond objects become
// Compare and Logical nodes (keys in sorted order), slices given as values
// become $in lists of []any, nested ANDs and ORs are flattened, squirrel
// Sqlizers become RawExpr, and every value and raw fragment is checked. An
// empty Cond is an empty AND (true). Normalizing a normalized tree returns an
// equal tree.
func Normalize(c Condition) (Expr, error) {
	return normExpr(toExpr(c))
}

func normExpr(e Expr) (Expr, error) {
	switch x := e.(type) {
	case Cond:
		return normCond(x)
	case *Cond:
		if x == nil {
			return nil, invalidValue("nil condition")
		}
		return normCond(*x)
	case Compare:
		return normCompare(x)
	case *Compare:
		if x == nil {
			return nil, invalidValue("nil condition")
		}
		return normCompare(*x)
	case Logical:
		return normLogical(x)
	case *Logical:
		if x == nil {
			return nil, invalidValue("nil condition")
		}
		return normLogical(*x)
	case NotExpr:
		return normNot(x)
	case *NotExpr:
		if x == nil {
			return nil, invalidValue("nil condition")
		}
		return normNot(*x)
	case RawExpr:
		return x, x.check()
	case *RawExpr:
		if x == nil {
			return nil, invalidValue("nil condition")
		}
		return *x, x.check()
	case ExistsExpr:
		return normExists(x)
	case *ExistsExpr:
		if x == nil {
			return nil, invalidValue("nil condition")
		}
		return normExists(*x)
	case AggCompare:
		return normAggCompare(x)
	case *AggCompare:
		if x == nil {
			return nil, invalidValue("nil condition")
		}
		return normAggCompare(*x)
	case CollectionExpr:
		return normCollection(x)
	case TupleIn:
		return normTupleIn(x)
	case JoinOn:
		return normOn(x)
	case badExpr:
		return nil, x.err
	case nil:
		return nil, invalidValue("nil condition")
	}
	return nil, invalidValue("unknown condition node %T", e)
}

func normCond(c Cond) (Expr, error) {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	items := make([]Expr, 0, len(keys))
	for _, k := range keys {
		v := c[k]
		var e Expr
		var err error
		switch LogicOp(k) {
		case OpAnd, OpOr:
			e, err = normList(LogicOp(k), v)
		default:
			switch {
			case k == opNot:
				e, err = normNot(NotExpr{Expr: toExpr(v)})
			case strings.HasPrefix(k, "$"):
				err = invalidValue("unknown operator key %q", k)
			default:
				e, err = fieldCond(k, v)
			}
		}
		if err != nil {
			return nil, err
		}
		items = append(items, e)
	}
	return normLogical(Logical{Op: OpAnd, Items: items})
}

// normList reads the value of a "$and" / "$or" key: a slice of conditions.
func normList(op LogicOp, v any) (Expr, error) {
	var items []Expr
	switch x := v.(type) {
	case []Condition:
		items = toExprs(x)
	case []Cond:
		for _, c := range x {
			items = append(items, c)
		}
	default:
		_, k, err := classify(v)
		if err != nil || k != kindSlice {
			return nil, invalidValue("%s needs a list of conditions, not %s", op, describe(v))
		}
		for _, c := range sliceItems(v) {
			items = append(items, toExpr(c))
		}
	}
	return normLogical(Logical{Op: op, Items: items})
}

func fieldCond(field string, v any) (Expr, error) {
	switch x := v.(type) {
	case Operator:
		return normCompare(Compare{Field: field, Op: x.Op, Value: x.Value})
	case Ops:
		if len(x) == 0 {
			return nil, invalidValue("empty Ops for %q", field)
		}
		items := make([]Expr, len(x))
		for i, o := range x {
			items[i] = Compare{Field: field, Op: o.Op, Value: o.Value}
		}
		return normLogical(Logical{Op: OpAnd, Items: items})
	}
	return normCompare(Compare{Field: field, Op: OpEq, Value: v})
}

func checkField(f string) error {
	if f == "" {
		return invalidValue("empty field name")
	}
	if strings.HasPrefix(f, "$") {
		return invalidValue("field %q: unknown operator", f)
	}
	return nil
}

func normCompare(c Compare) (Expr, error) {
	if err := checkField(c.Field); err != nil {
		return nil, err
	}
	v, err := normOperand(c.Field, c.Op, c.Value)
	if err != nil {
		return nil, err
	}
	if c.Op == OpEq || c.Op == OpNe {
		if _, isList := v.([]any); isList {
			c.Op = map[Op]Op{OpEq: OpIn, OpNe: OpNin}[c.Op]
		}
	}
	c.Value = v
	return c, nil
}

// normOperand checks the right side of field op v and returns it normalized.
func normOperand(field string, op Op, v any) (any, error) {
	switch op {
	case OpEq, OpNe:
		v, k, err := classify(v)
		if err != nil {
			return nil, wrapField(field, op, err)
		}
		if k == kindSlice {
			return normInList(field, op, v)
		}
		return v, nil
	case OpIn, OpNin:
		v, k, err := classify(v)
		if err != nil {
			return nil, wrapField(field, op, err)
		}
		switch k {
		case kindSlice:
			return normInList(field, op, v)
		case kindExpr:
			switch v.(type) {
			case SelectQuery, RawExpr:
				return v, nil
			}
		}
		return []any{v}, nil
	case OpGt, OpGte, OpLt, OpLte:
		v, k, err := scalarValue(v)
		if err != nil {
			return nil, wrapField(field, op, err)
		}
		if k == kindNull {
			return nil, wrapField(field, op, invalidValue("NULL cannot be compared"))
		}
		return v, nil
	case OpLike, OpILike, OpRe:
		switch x := v.(type) {
		case string, ColRef, RawExpr:
			return x, nil
		}
		v, k, err := scalarValue(v)
		if err == nil && k == kindScalar {
			if s, ok := stringOf(v); ok {
				return s, nil
			}
		}
		if err == nil && k == kindExpr {
			return v, nil
		}
		return nil, wrapField(field, op, invalidValue("pattern must be a string, not %s", describe(v)))
	case OpExists:
		b, ok := v.(bool)
		if !ok {
			return nil, wrapField(field, op, invalidValue("$exists needs a bool"))
		}
		return b, nil
	case OpContains, OpOverlap:
		v, k, err := classify(v)
		if err != nil {
			return nil, wrapField(field, op, err)
		}
		if k == kindNull {
			return nil, wrapField(field, op, invalidValue("NULL is not an array"))
		}
		return v, nil
	}
	return nil, invalidValue("field %q: unknown operator %q", field, string(op))
}

func normInList(field string, op Op, v any) ([]any, error) {
	items := sliceItems(v)
	if allPlain(items) {
		// Every item normalizes to itself (keys of a flush, In(ids...)):
		// one copy, so that the caller's slice can change afterwards.
		return slices.Clone(items), nil
	}
	out := make([]any, len(items))
	for i, it := range items {
		x, _, err := scalarValue(it)
		if err != nil {
			return nil, wrapField(field, op, err)
		}
		out[i] = x
	}
	return out, nil
}

func normLogical(l Logical) (Expr, error) {
	if l.Op != OpAnd && l.Op != OpOr {
		return nil, invalidValue("unknown logical operator %q", string(l.Op))
	}
	items := make([]Expr, 0, len(l.Items))
	for _, it := range l.Items {
		n, err := normExpr(it)
		if err != nil {
			return nil, err
		}
		if sub, ok := n.(Logical); ok && (sub.Op == l.Op) {
			items = append(items, sub.Items...)
			continue
		}
		items = append(items, n)
	}
	if len(items) == 1 {
		return items[0], nil
	}
	return Logical{Op: l.Op, Items: items}, nil
}

func normNot(n NotExpr) (Expr, error) {
	e, err := normExpr(n.Expr)
	if err != nil {
		return nil, err
	}
	return NotExpr{Expr: e}, nil
}

func normExists(x ExistsExpr) (Expr, error) {
	q, err := normSubquery(x.Query)
	if err != nil {
		return nil, err
	}
	return ExistsExpr{Query: q}, nil
}

func normSubquery(q any) (Subquery, error) {
	v, k, err := classify(q)
	if err != nil {
		return nil, err
	}
	if k == kindExpr {
		switch s := v.(type) {
		case SelectQuery:
			return s, nil
		case RawExpr:
			return s, s.check()
		}
	}
	return nil, invalidValue("%s is not a subquery", describe(q))
}

func normAggCompare(x AggCompare) (Expr, error) {
	if err := x.Agg.check(); err != nil {
		return nil, err
	}
	switch x.Op {
	case OpEq, OpNe, OpGt, OpGte, OpLt, OpLte:
	default:
		return nil, invalidValue("aggregate comparison with %q", string(x.Op))
	}
	v, k, err := scalarValue(x.Value)
	if err != nil {
		return nil, err
	}
	if k == kindNull {
		return nil, invalidValue("aggregate compared with NULL")
	}
	x.Value = v
	return x, nil
}

func wrapField(field string, op Op, err error) error {
	return &fieldError{field: field, op: op, err: err}
}

type fieldError struct {
	field string
	op    Op
	err   error
}

func (e *fieldError) Error() string {
	return e.err.Error() + " (field " + quoteForMsg(e.field) + " " + string(e.op) + ")"
}

func (e *fieldError) Unwrap() error { return e.err }
