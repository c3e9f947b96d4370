package qb

// Expr is a node of a condition tree. The nodes after Normalize are
// Compare, Logical, NotExpr, RawExpr, ExistsExpr and AggCompare; Cond is an Expr
// too, but Normalize replaces it by those nodes.
type Expr interface {
	exprNode()
}

// Condition is what the Where methods, And, Or, Not and Normalize accept:
// any Expr — a Cond filter object, Raw, Exists, And/Or/Not of others — or a
// squirrel.Sqlizer through Squirrel. It is a type, not any: a bare value
// where a condition belongs (em.Find(ctx, m, 42)) does not compile.
type Condition = Expr

// Op is a comparison operator. Its value is the MikroORM/MongoDB name.
type Op string

// The comparison operators.
const (
	OpEq       Op = "$eq"
	OpNe       Op = "$ne"
	OpIn       Op = "$in"
	OpNin      Op = "$nin"
	OpGt       Op = "$gt"
	OpGte      Op = "$gte"
	OpLt       Op = "$lt"
	OpLte      Op = "$lte"
	OpLike     Op = "$like"
	OpILike    Op = "$ilike"
	OpRe       Op = "$re"
	OpExists   Op = "$exists"
	OpContains Op = "$contains"
	OpOverlap  Op = "$overlap"
)

// Valid reports whether op is one of the operators above.
func (op Op) Valid() bool {
	switch op {
	case OpEq, OpNe, OpIn, OpNin, OpGt, OpGte, OpLt, OpLte, OpLike, OpILike, OpRe,
		OpExists, OpContains, OpOverlap:
		return true
	}
	return false
}

// LogicOp joins the items of a Logical node.
type LogicOp string

// The logical operators ($not is the Not node).
const (
	OpAnd LogicOp = "$and"
	OpOr  LogicOp = "$or"
	opNot         = "$not"
)

// Compare is Field Op Value.
//
// Field is a column name, possibly qualified ("b.title"); the EntityManager
// uses property paths here and rewrites them with MapFields. Value is, after
// Normalize: nil (only with $eq/$ne: IS [NOT] NULL); a bindable value; a
// ColRef (compare with another column); a RawExpr; a SelectQuery (subquery);
// for $in/$nin a []any of those or one subquery; for $exists a bool.
type Compare struct {
	Field string
	Op    Op
	Value any
}

// Logical is Items joined with AND or OR. An empty AND is true, an empty OR
// is false.
type Logical struct {
	Op    LogicOp
	Items []Expr
}

// NotExpr negates Expr.
type NotExpr struct {
	Expr Expr
}

// ExistsExpr is EXISTS (Query). Negate it with Not / NotExpr.
type ExistsExpr struct {
	Query Subquery
}

// AggCompare compares an aggregate with a value, for HAVING: Agg Op Value.
type AggCompare struct {
	Agg   Aggregate
	Op    Op
	Value any
}

func (Compare) exprNode()    {}
func (Logical) exprNode()    {}
func (NotExpr) exprNode()    {}
func (ExistsExpr) exprNode() {}
func (AggCompare) exprNode() {}
func (RawExpr) exprNode()    {}
func (Cond) exprNode()       {}
func (badExpr) exprNode()    {}

// badExpr carries an error from a constructor that cannot return one
// (And, Or, Not) to Normalize.
type badExpr struct{ err error }

// ColRef names a column (optionally qualified: "a.id") where a value could
// stand, e.g. the right side of a join condition: Cond{"a.id": Col("b.author_id")}.
type ColRef string

// Col returns a reference to the column name.
func Col(name string) ColRef { return ColRef(name) }

// ValueExpr is an expression that renders to a scalar SQL expression: ColRef,
// RawExpr, Aggregate, SelectQuery (a subquery) and Aliased.
type ValueExpr interface {
	valueExpr()
}

func (ColRef) valueExpr()      {}
func (RawExpr) valueExpr()     {}
func (Aggregate) valueExpr()   {}
func (SelectQuery) valueExpr() {}
func (Aliased) valueExpr()     {}

// Aliased is an expression with a name: expr AS alias.
type Aliased struct {
	Expr  ValueExpr
	Alias string
}

// As names an expression in a select list.
func As(e ValueExpr, alias string) Aliased { return Aliased{Expr: e, Alias: alias} }

// Subquery is a statement that can stand inside another: a SelectQuery or a
// RawExpr (squirrel.Sqlizer values are turned into RawExpr).
type Subquery interface {
	subquery()
}

func (SelectQuery) subquery() {}
func (RawExpr) subquery()     {}

// MapFields returns a copy of e with every field name passed through fn:
// Compare.Field, ColRef values (also inside $in lists) and aggregate
// columns other than "*". Raw SQL and subqueries are left alone. e should be
// normalized; the first error from fn is returned.
func MapFields(e Expr, fn func(field string) (string, error)) (Expr, error) {
	switch x := e.(type) {
	case nil:
		return nil, nil
	case Compare:
		f, err := fn(x.Field)
		if err != nil {
			return nil, err
		}
		x.Field = f
		v, err := mapValue(x.Value, fn)
		if err != nil {
			return nil, err
		}
		x.Value = v
		return x, nil
	case Logical:
		items := make([]Expr, len(x.Items))
		for i, it := range x.Items {
			m, err := MapFields(it, fn)
			if err != nil {
				return nil, err
			}
			items[i] = m
		}
		x.Items = items
		return x, nil
	case NotExpr:
		m, err := MapFields(x.Expr, fn)
		if err != nil {
			return nil, err
		}
		return NotExpr{Expr: m}, nil
	case AggCompare:
		if x.Agg.Column != "*" && x.Agg.Column != "" {
			f, err := fn(x.Agg.Column)
			if err != nil {
				return nil, err
			}
			x.Agg.Column = f
		}
		v, err := mapValue(x.Value, fn)
		if err != nil {
			return nil, err
		}
		x.Value = v
		return x, nil
	case Cond:
		n, err := Normalize(x)
		if err != nil {
			return nil, err
		}
		return MapFields(n, fn)
	}
	return e, nil
}

func mapValue(v any, fn func(string) (string, error)) (any, error) {
	switch x := v.(type) {
	case ColRef:
		f, err := fn(string(x))
		return ColRef(f), err
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			m, err := mapValue(el, fn)
			if err != nil {
				return nil, err
			}
			out[i] = m
		}
		return out, nil
	}
	return v, nil
}
