package qb

// AggFunc is an aggregate function.
type AggFunc string

// The aggregate functions.
const (
	AggCount AggFunc = "count"
	AggMin   AggFunc = "min"
	AggMax   AggFunc = "max"
	AggSum   AggFunc = "sum"
	AggAvg   AggFunc = "avg"
)

// Aggregate is an aggregate over a column, for select lists, HAVING and
// ORDER BY: Count("*").As("n"), Sum("price").
type Aggregate struct {
	Func     AggFunc
	Column   string // "*" only with count
	Distinct bool
	Alias    string // used in select lists
}

// Count is count(col); col "*" (or "") counts rows.
func Count(col string) Aggregate {
	if col == "" {
		col = "*"
	}
	return Aggregate{Func: AggCount, Column: col}
}

// CountDistinct is count(DISTINCT col).
func CountDistinct(col string) Aggregate {
	return Aggregate{Func: AggCount, Column: col, Distinct: true}
}

// Min is min(col).
func Min(col string) Aggregate { return Aggregate{Func: AggMin, Column: col} }

// Max is max(col).
func Max(col string) Aggregate { return Aggregate{Func: AggMax, Column: col} }

// Sum is sum(col).
func Sum(col string) Aggregate { return Aggregate{Func: AggSum, Column: col} }

// Avg is avg(col).
func Avg(col string) Aggregate { return Aggregate{Func: AggAvg, Column: col} }

// As names the aggregate in a select list.
func (a Aggregate) As(alias string) Aggregate { a.Alias = alias; return a }

// Eq is a HAVING condition: aggregate = v.
func (a Aggregate) Eq(v any) AggCompare { return AggCompare{a, OpEq, v} }

// Ne is a HAVING condition: aggregate <> v.
func (a Aggregate) Ne(v any) AggCompare { return AggCompare{a, OpNe, v} }

// Gt is a HAVING condition: aggregate > v.
func (a Aggregate) Gt(v any) AggCompare { return AggCompare{a, OpGt, v} }

// Gte is a HAVING condition: aggregate >= v.
func (a Aggregate) Gte(v any) AggCompare { return AggCompare{a, OpGte, v} }

// Lt is a HAVING condition: aggregate < v.
func (a Aggregate) Lt(v any) AggCompare { return AggCompare{a, OpLt, v} }

// Lte is a HAVING condition: aggregate <= v.
func (a Aggregate) Lte(v any) AggCompare { return AggCompare{a, OpLte, v} }

func (a Aggregate) check() error {
	switch a.Func {
	case AggCount, AggMin, AggMax, AggSum, AggAvg:
	default:
		return invalidValue("unknown aggregate %q", string(a.Func))
	}
	if a.Column == "" {
		return invalidValue("%s() needs a column", string(a.Func))
	}
	if a.Column == "*" && (a.Func != AggCount || a.Distinct) {
		return invalidValue("%s(*) is not an aggregate", string(a.Func))
	}
	return nil
}

func (r *renderer) aggregate(a Aggregate) error {
	if err := a.check(); err != nil {
		return err
	}
	r.raw(string(a.Func) + "(")
	if a.Distinct {
		r.raw("DISTINCT ")
	}
	if a.Column == "*" {
		r.raw("*")
	} else if err := r.ident(a.Column); err != nil {
		return err
	}
	r.raw(")")
	return nil
}
