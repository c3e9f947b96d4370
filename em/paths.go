package em

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// joinPlan tracks the joins that property paths of a query need.
type joinPlan struct {
	d       dialect.Dialect // for JSON paths (nil: SQL text not needed, or doc)
	doc     bool            // a document database (MongoDB): JSON paths are field paths, no subqueries
	native  bool            // native update/delete: no alias, no expressions
	root    *meta.Entity
	aliases map[string]string // relation path ("author", "author.publisher") -> alias
	joins   []qbJoin
	sub     *subState // shared by a plan and the plans of its subqueries (tomany.go)
	inSub   bool      // this plan is a subquery's: its aliases come from sub
}

type qbJoin struct {
	table string
	alias string
	on    qb.Cond
}

func newJoinPlan(root *meta.Entity) *joinPlan {
	return &joinPlan{root: root, aliases: map[string]string{"": "e0"}, sub: &subState{}}
}

// column resolves a property path to a qualified column, adding LEFT JOINs
// for to-one relations on the way. It returns the property at the end of the
// path (a scalar, or an owning to-one relation whose join column is used).
func (j *joinPlan) column(path string) (string, *meta.Property, error) {
	e := j.root
	if p, ok := e.Prop(path); ok && p.Kind == meta.Scalar && p.Embedded != "" {
		return j.aliases[""] + "." + p.Column, p, nil // address.city
	}
	if expr, p, ok, err := j.jsonPath(path); ok {
		if err == nil && j.native && !j.doc {
			err = &PropertyError{Entity: e.Name, Property: path, Err: fmt.Errorf("%w: native updates and deletes take no JSON paths", ErrUnknownProperty)}
		}
		return expr, p, err // settings.theme inside a JSON property
	}
	prefix := ""
	parts := strings.Split(path, ".")
	for i, part := range parts {
		p, ok := e.Prop(part)
		if !ok {
			return "", nil, &PropertyError{Entity: e.Name, Property: part, Err: fmt.Errorf("%w in %q", ErrUnknownProperty, path)}
		}
		last := i == len(parts)-1
		if last {
			switch {
			case p.Kind == meta.Scalar && p.Formula != "" && j.native:
				return "", nil, &PropertyError{Entity: e.Name, Property: part, Err: fmt.Errorf("%w: native updates and deletes take no formulas", ErrUnknownProperty)}
			case p.Kind == meta.Scalar && p.Formula != "":
				return p.FormulaSQL(j.aliases[prefix]), p, nil
			case p.Kind == meta.Scalar:
				return j.aliases[prefix] + "." + p.Column, p, nil
			case (p.Kind == meta.ManyToOne || p.Kind == meta.OneToOne) && p.Relation.Owning && len(p.Columns) == 1:
				return j.aliases[prefix] + "." + p.Columns[0].Name, p, nil
			}
			return "", nil, &PropertyError{Entity: e.Name, Property: part,
				Err: fmt.Errorf("%w: %q is a %s relation; compare one of its properties (%s.<prop>)", ErrUnknownProperty, path, p.Kind, part)}
		}
		if p.Kind != meta.ManyToOne && p.Kind != meta.OneToOne {
			return "", nil, &PropertyError{Entity: e.Name, Property: part,
				Err: fmt.Errorf("%w: %q goes through the %s relation %q, which reaches many rows: order by a to-one path, or filter with a condition (qb.Some)", ErrUnknownProperty, path, p.Kind, part)}
		}
		next := part
		if prefix != "" {
			next = prefix + "." + part
		}
		if _, ok := j.aliases[next]; !ok {
			alias := "e" + strconv.Itoa(len(j.aliases))
			if j.inSub {
				alias = j.sub.alias()
			}
			j.aliases[next] = alias
			j.joins = append(j.joins, j.joinFor(p, j.aliases[prefix], alias))
		}
		prefix = next
		e = p.Relation.Target
	}
	return "", nil, fmt.Errorf("%w: empty path", ErrUnknownProperty)
}

// joinFor builds the join of relation property p from alias from to alias to.
func (j *joinPlan) joinFor(p *meta.Property, from, to string) qbJoin {
	r := p.Relation
	on := qb.Cond{}
	if r.Owning {
		for i, c := range r.JoinColumns {
			on[to+"."+r.ReferencedColumns[i]] = qb.Col(from + "." + c)
		}
	} else {
		// inverse 1:1: the FK lives in the target.
		for i, c := range r.JoinColumns {
			on[to+"."+c] = qb.Col(from + "." + r.ReferencedColumns[i])
		}
	}
	return qbJoin{table: r.Target.Table, alias: to, on: on}
}

// translate rewrites a normalized condition on property paths into one on
// qualified columns; entity values become their primary keys.
func (j *joinPlan) translate(x qb.Expr) (qb.Expr, error) {
	switch v := x.(type) {
	case nil:
		return nil, nil
	case qb.Compare:
		if x, ok, err := j.compareToMany(v); ok || err != nil {
			return x, err
		}
		col, p, err := j.column(v.Field)
		if err != nil {
			return nil, err
		}
		val, err := entityValues(p, v.Value)
		if err != nil {
			return nil, err
		}
		if p.Formula != "" {
			return formulaCompare(p, col, v.Op, val)
		}
		if p.Codec == meta.CodecJSON && isFormulaSQL(col) {
			return formulaCompare(p, j.jsonCast(col, val), v.Op, val)
		}
		return qb.Compare{Field: col, Op: v.Op, Value: val}, nil
	case qb.CollectionExpr:
		return j.collection(v.Op, v.Path, v.Cond)
	case qb.Logical:
		if v.Op == qb.OpAnd {
			return j.translateAnd(v)
		}
		items := make([]qb.Expr, len(v.Items))
		for i, it := range v.Items {
			t, err := j.translate(it)
			if err != nil {
				return nil, err
			}
			items[i] = t
		}
		return qb.Logical{Op: v.Op, Items: items}, nil
	case qb.NotExpr:
		t, err := j.translate(v.Expr)
		if err != nil {
			return nil, err
		}
		return qb.NotExpr{Expr: t}, nil
	}
	return x, nil // raw SQL, EXISTS subqueries: as given
}

// entityValues replaces entity pointers (for relation properties) with
// their primary keys, also inside lists.
func entityValues(p *meta.Property, v any) (any, error) {
	if p.Codec == meta.CodecType && v != nil {
		return customValues(p, v)
	}
	if p.Kind == meta.Scalar || v == nil {
		return v, nil
	}
	target := p.Relation.Target
	conv := func(x any) (any, error) {
		rv := reflect.ValueOf(x)
		if rv.Kind() == reflect.Pointer && rv.Type() == target.PtrType {
			if rv.IsNil() {
				return nil, nil
			}
			ptr := rv.UnsafePointer()
			if !uow.HasPK(target, ptr) {
				return nil, fmt.Errorf("%w: %s: the %s compared has no primary key yet", ErrInvalidData, p, target.Name)
			}
			return uow.FieldValue(target.PK[0], ptr)
		}
		return x, nil
	}
	if list, ok := v.([]any); ok {
		out := make([]any, len(list))
		for i, x := range list {
			c, err := conv(x)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	return conv(v)
}

// apply adds the planned joins to a select.
func (j *joinPlan) apply(q qb.SelectQuery) qb.SelectQuery {
	for _, jn := range j.joins {
		q = q.LeftJoin(jn.table+" AS "+jn.alias, jn.on)
	}
	return q
}
