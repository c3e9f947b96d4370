package qb

import "github.com/unitorm/unitorm/dialect"

// TupleIn is (Fields...) IN ((v, v), ...), or NOT IN when Not is set:
// Knex's whereIn(['a', 'b'], [[1, 2], [3, 4]]). Every row has one value per
// field. An empty list is false (true for NOT IN). Databases without a
// list of row constructors (SQLite) get IN (VALUES (...), ...), which means
// the same. Rows is a subquery instead when Sub is set.
type TupleIn struct {
	Fields []string
	Rows   [][]any
	Sub    Subquery // (a, b) IN (SELECT x, y FROM ...), instead of Rows
	Not    bool
}

func (TupleIn) exprNode() {}

// InTuples is (cols...) IN (rows...): qb.InTuples([]string{"a", "b"},
// [][]any{{1, 2}, {3, 4}}). A row of the wrong length is ErrInvalidValue.
func InTuples(cols []string, rows [][]any) Expr { return TupleIn{Fields: cols, Rows: rows} }

// NotInTuples is (cols...) NOT IN (rows...).
func NotInTuples(cols []string, rows [][]any) Expr {
	return TupleIn{Fields: cols, Rows: rows, Not: true}
}

// InTuplesSub is (cols...) IN (sub), sub a SelectQuery, RawExpr or
// squirrel.Sqlizer selecting as many columns.
func InTuplesSub(cols []string, sub any) Expr {
	s, err := normSubquery(sub)
	if err != nil {
		return badExpr{err}
	}
	return TupleIn{Fields: cols, Sub: s}
}

func normTupleIn(t TupleIn) (Expr, error) {
	if len(t.Fields) == 0 {
		return nil, invalidValue("tuple IN without columns")
	}
	for _, f := range t.Fields {
		if err := checkField(f); err != nil {
			return nil, err
		}
	}
	out := TupleIn{Fields: append([]string(nil), t.Fields...), Not: t.Not, Sub: t.Sub}
	if t.Sub != nil {
		if len(t.Rows) > 0 {
			return nil, invalidValue("tuple IN with both rows and a subquery")
		}
		s, err := normSubquery(t.Sub)
		if err != nil {
			return nil, err
		}
		out.Sub = s
		return out, nil
	}
	out.Rows = make([][]any, len(t.Rows))
	for i, row := range t.Rows {
		if len(row) != len(t.Fields) {
			return nil, invalidValue("tuple IN row %d has %d values for %d columns", i, len(row), len(t.Fields))
		}
		vals := make([]any, len(row))
		for j, v := range row {
			x, _, err := scalarValue(v)
			if err != nil {
				return nil, wrapField(t.Fields[j], OpIn, err)
			}
			vals[j] = x
		}
		out.Rows[i] = vals
	}
	return out, nil
}

func (r *renderer) tupleIn(t TupleIn) error {
	n, err := normTupleIn(t)
	if err != nil {
		return err
	}
	t = n.(TupleIn)
	if t.Sub == nil && len(t.Rows) == 0 {
		if t.Not {
			r.raw("1=1")
		} else {
			r.raw("1=0")
		}
		return nil
	}
	r.raw("(")
	if err := r.idents(t.Fields); err != nil {
		return err
	}
	if t.Not {
		r.raw(") NOT IN (")
	} else {
		r.raw(") IN (")
	}
	if t.Sub != nil {
		if err := r.subquery(t.Sub); err != nil {
			return err
		}
		r.raw(")")
		return nil
	}
	if !r.d.Has(dialect.RowValueList) {
		r.raw("VALUES ")
	}
	for i, row := range t.Rows {
		if i > 0 {
			r.raw(", ")
		}
		r.raw("(")
		for j, v := range row {
			if j > 0 {
				r.raw(", ")
			}
			if err := r.value(v, true); err != nil {
				return err
			}
		}
		r.raw(")")
	}
	r.raw(")")
	return nil
}

// WhereInTuples ANDs (cols...) IN (rows...): see InTuples.
func (w W) WhereInTuples(cols []string, rows [][]any) W { return w.add(InTuples(cols, rows), false) }

// OrWhereInTuples ORs (cols...) IN (rows...).
func (w W) OrWhereInTuples(cols []string, rows [][]any) W { return w.add(InTuples(cols, rows), true) }

// WhereNotInTuples ANDs (cols...) NOT IN (rows...).
func (w W) WhereNotInTuples(cols []string, rows [][]any) W {
	return w.add(NotInTuples(cols, rows), false)
}

// WhereInTuples ANDs (cols...) IN (rows...): see InTuples.
func (q SelectQuery) WhereInTuples(cols []string, rows [][]any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereInTuples(cols, rows))
}

// OrWhereInTuples ORs (cols...) IN (rows...).
func (q SelectQuery) OrWhereInTuples(cols []string, rows [][]any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereInTuples(cols, rows))
}

// WhereNotInTuples ANDs (cols...) NOT IN (rows...).
func (q SelectQuery) WhereNotInTuples(cols []string, rows [][]any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotInTuples(cols, rows))
}

// WhereInTuples ANDs (cols...) IN (rows...) to an UPDATE.
func (q UpdateQuery) WhereInTuples(cols []string, rows [][]any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereInTuples(cols, rows))
}

// WhereInTuples ANDs (cols...) IN (rows...) to a DELETE.
func (q DeleteQuery) WhereInTuples(cols []string, rows [][]any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereInTuples(cols, rows))
}
