package em

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Conditions through to-many relations (1:m and m:n): qb.Cond{"tags.name":
// "go"}, qb.Some / qb.None / qb.Every. Each becomes a correlated EXISTS
// subquery (NOT EXISTS for None and Every), so a root row is never
// multiplied by its collection's items and LIMIT/OFFSET count roots.

// ErrUnsupportedCondition is returned for a condition the database behind
// the EntityManager cannot evaluate: on MongoDB, a condition through a
// to-many relation other than one on the keys of an owning m:n relation
// (an array of keys in the document). The error is a *PropertyError naming
// the entity and the relation.
var ErrUnsupportedCondition = errors.New("unitorm: condition not supported by this database")

// subState is what a query's plan and its subqueries' plans share: the
// number of subquery aliases handed out.
type subState struct{ n int }

func (s *subState) alias() string {
	s.n++
	return "s" + strconv.Itoa(s.n)
}

// childPlan is the plan of a subquery over entity e, aliased alias.
func (j *joinPlan) childPlan(e *meta.Entity, alias string) *joinPlan {
	return &joinPlan{root: e, aliases: map[string]string{"": alias}, sub: j.sub, inSub: true, doc: j.doc}
}

// splitToMany finds the first to-many relation on path: prefix is the path
// up to and including it, rest what follows ("" when the path ends there).
// ok is false when the path reaches no to-many relation (or is not valid:
// column reports that).
func splitToMany(root *meta.Entity, path string) (prefix, rest string, ok bool) {
	e := root
	parts := strings.Split(path, ".")
	for i, part := range parts {
		p, found := e.Prop(part)
		if !found || p.Relation == nil {
			return "", "", false
		}
		if p.Kind.IsToMany() {
			return strings.Join(parts[:i+1], "."), strings.Join(parts[i+1:], "."), true
		}
		e = p.Relation.Target
	}
	return "", "", false
}

// compareToMany translates a comparison whose path goes through a to-many
// relation; ok is false when it does not.
func (j *joinPlan) compareToMany(c qb.Compare) (qb.Expr, bool, error) {
	prefix, rest, ok := splitToMany(j.root, c.Field)
	if !ok {
		return nil, false, nil
	}
	if rest != "" {
		x, err := j.collection(qb.OpSome, prefix, qb.Compare{Field: rest, Op: c.Op, Value: c.Value})
		return x, true, err
	}
	x, err := j.compareCollection(prefix, c)
	return x, true, err
}

// compareCollection translates a comparison of a collection itself with
// keys or entities: Eq/In mean "has one of them", Ne/Nin "has none of
// them"; nil with Eq means "is empty", with Ne "is not empty".
func (j *joinPlan) compareCollection(path string, c qb.Compare) (qb.Expr, error) {
	owner, p, err := j.toManyProp(path)
	if err != nil {
		return nil, err
	}
	target := p.Relation.Target
	if len(target.PK) != 1 {
		return nil, &PropertyError{Entity: owner.Name, Property: p.Name,
			Err: fmt.Errorf("%w: %q compared with keys, but %s has a composite key: compare its properties (%s.<prop>)", ErrUnknownProperty, path, target.Name, path)}
	}
	if c.Value == nil {
		switch c.Op {
		case qb.OpEq:
			return j.collection(qb.OpNone, path, nil)
		case qb.OpNe:
			return j.collection(qb.OpSome, path, nil)
		}
	}
	op, some := qb.OpIn, true
	switch c.Op {
	case qb.OpEq, qb.OpIn:
	case qb.OpNe, qb.OpNin:
		some = false
	default:
		return nil, &PropertyError{Entity: owner.Name, Property: p.Name,
			Err: fmt.Errorf("%w: the collection %q compared with %s; use $eq/$in/$ne/$nin with keys, or compare its items' properties (%s.<prop>)", ErrUnknownProperty, path, c.Op, path)}
	}
	v, err := entityValues(p, c.Value)
	if err != nil {
		return nil, err
	}
	if _, list := v.([]any); !list {
		v = []any{v}
	}
	inner := qb.Compare{Field: target.PK[0].Name, Op: op, Value: v}
	if some {
		return j.collection(qb.OpSome, path, inner)
	}
	return j.collection(qb.OpNone, path, inner)
}

// translateAnd translates the items of an AND; comparisons through the
// same to-many path are one EXISTS, so that they hold for the same item
// (Cond{"tags.name": "go", "tags.id": qb.Gt(3)}: one tag is both).
func (j *joinPlan) translateAnd(l qb.Logical) (qb.Expr, error) {
	type group struct {
		at    int
		items []qb.Expr
	}
	groups := map[string]*group{}
	var order []string
	out := make([]qb.Expr, 0, len(l.Items))
	for _, it := range l.Items {
		if c, ok := it.(qb.Compare); ok {
			if prefix, rest, ok := splitToMany(j.root, c.Field); ok && rest != "" {
				g := groups[prefix]
				if g == nil {
					g = &group{at: len(out)}
					groups[prefix] = g
					order = append(order, prefix)
					out = append(out, nil)
				}
				g.items = append(g.items, qb.Compare{Field: rest, Op: c.Op, Value: c.Value})
				continue
			}
		}
		t, err := j.translate(it)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	for _, prefix := range order {
		g := groups[prefix]
		var inner qb.Expr = g.items[0]
		if len(g.items) > 1 {
			inner = qb.Logical{Op: qb.OpAnd, Items: g.items}
		}
		x, err := j.collection(qb.OpSome, prefix, inner)
		if err != nil {
			return nil, err
		}
		out[g.at] = x
	}
	return qb.Logical{Op: qb.OpAnd, Items: out}, nil
}

// toManyProp walks path (to-one relations, then one to-many relation at
// its end), joining the to-one relations, and returns the entity holding
// the to-many property and the property.
func (j *joinPlan) toManyProp(path string) (*meta.Entity, *meta.Property, error) {
	owner, p, _, err := j.walkToMany(path)
	return owner, p, err
}

func (j *joinPlan) walkToMany(path string) (*meta.Entity, *meta.Property, string, error) {
	parts := strings.Split(path, ".")
	e, prefix := j.root, ""
	for i, part := range parts {
		p, ok := e.Prop(part)
		if !ok {
			return nil, nil, "", &PropertyError{Entity: e.Name, Property: part, Err: fmt.Errorf("%w in %q", ErrUnknownProperty, path)}
		}
		if i == len(parts)-1 {
			if !p.Kind.IsToMany() {
				return nil, nil, "", &PropertyError{Entity: e.Name, Property: part,
					Err: fmt.Errorf("%w: %q is not a to-many relation (qb.Some, qb.None and qb.Every take a path to a 1:m or m:n relation)", ErrUnknownProperty, path)}
			}
			return e, p, j.aliases[prefix], nil
		}
		if p.Kind != meta.ManyToOne && p.Kind != meta.OneToOne {
			return nil, nil, "", &PropertyError{Entity: e.Name, Property: part,
				Err: fmt.Errorf("%w: %q: put a path through another collection inside the condition (qb.Some(%q, qb.Some(...)))", ErrUnknownProperty, path, part)}
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
	return nil, nil, "", fmt.Errorf("%w: empty path", ErrUnknownProperty)
}

// collection renders Some/None/Every over the to-many relation at path.
func (j *joinPlan) collection(op qb.CollectionOp, path string, cond qb.Expr) (qb.Expr, error) {
	if prefix, rest, ok := splitToMany(j.root, path); ok && rest != "" {
		// Through several collections: Some(a.b, c) is Some(a, Some(b, c)),
		// None(a.b, c) is None(a, Some(b, c)), Every(a.b, c) is Every(a, Every(b, c)).
		innerOp := qb.OpSome
		if op == qb.OpEvery {
			innerOp = qb.OpEvery
		}
		return j.collection(op, prefix, qb.CollectionExpr{Op: innerOp, Path: rest, Cond: cond})
	}
	owner, p, outer, err := j.walkToMany(path)
	if err != nil {
		return nil, err
	}
	if j.doc {
		return j.docCollection(owner, p, outer, op, path, cond)
	}
	r := p.Relation
	target := r.Target
	a := j.sub.alias()
	var sel qb.SelectQuery
	link := qb.Cond{}
	switch {
	case r.Pivot != nil:
		pa := j.sub.alias()
		on := qb.Cond{}
		for i, pk := range target.PK {
			on[a+"."+pk.Column] = qb.Col(pa + "." + r.InverseJoinColumns[i])
		}
		sel = qb.Select(qb.Raw("1")).From(r.Pivot.Table, pa).InnerJoin(target.Table+" AS "+a, on)
		for i, c := range r.JoinColumns {
			link[pa+"."+c] = qb.Col(outer + "." + r.ReferencedColumns[i])
		}
	default: // 1:m: the foreign key is in the target's table
		sel = qb.Select(qb.Raw("1")).From(target.Table, a)
		for i, c := range r.JoinColumns {
			link[a+"."+c] = qb.Col(outer + "." + r.ReferencedColumns[i])
		}
	}
	child := j.childPlan(target, a)
	var where qb.Expr = link
	if cond != nil {
		if op == qb.OpEvery {
			// Some item for which cond is not true: NOT EXISTS (the same
			// item matching cond), so that NULL counts as not matching.
			b := j.sub.alias()
			inner := j.childPlan(target, b)
			ic, err := inner.translate(cond)
			if err != nil {
				return nil, err
			}
			same := qb.Cond{}
			for _, pk := range target.PK {
				same[b+"."+pk.Column] = qb.Col(a + "." + pk.Column)
			}
			isel := inner.apply(qb.Select(qb.Raw("1")).From(target.Table, b)).Where(same).Where(ic)
			where = qb.And(link, qb.Not(qb.ExistsExpr{Query: isel}))
		} else {
			c, err := child.translate(cond)
			if err != nil {
				return nil, err
			}
			where = qb.And(link, c)
		}
	} else if op == qb.OpEvery {
		return qb.Logical{Op: qb.OpAnd}, nil // every item of any collection matches no condition
	}
	sel = child.apply(sel).Where(where)
	if err := sel.Err(); err != nil {
		return nil, err
	}
	ex := qb.ExistsExpr{Query: sel}
	if op == qb.OpSome {
		return ex, nil
	}
	return qb.NotExpr{Expr: ex}, nil
}

// docCollection is collection on a document database: an owning m:n
// relation is an array of keys in the root document, so Some and None
// with a condition on the target's key are $in / $nin on that array.
// Everything else needs a join and is refused.
func (j *joinPlan) docCollection(owner *meta.Entity, p *meta.Property, outer string, op qb.CollectionOp, path string, cond qb.Expr) (qb.Expr, error) {
	refuse := func(why string) error {
		return &PropertyError{Entity: owner.Name, Property: p.Name,
			Err: fmt.Errorf("%w: %s(%q) on MongoDB %s; only conditions on the keys of an owning m:n relation of the queried entity (an array of keys in its documents) can be evaluated without a join", ErrUnsupportedCondition, op, path, why)}
	}
	r := p.Relation
	switch {
	case outer != j.aliases[""] || j.inSub:
		return nil, refuse("goes through another collection")
	case r.Pivot == nil || !r.Owning:
		return nil, refuse("needs the other collection (the relation is not an array of keys in this document)")
	case op == qb.OpEvery:
		return nil, refuse("needs $elemMatch over another collection")
	case cond == nil:
		return nil, refuse("asks whether the array is empty")
	}
	c, ok := cond.(qb.Compare)
	if !ok || len(r.Target.PK) != 1 {
		return nil, refuse("names more than the target's key")
	}
	tp, ok := r.Target.Prop(c.Field)
	if !ok || tp != r.Target.PK[0] || (c.Op != qb.OpEq && c.Op != qb.OpIn) || c.Value == nil {
		return nil, refuse("names more than the target's key ($eq / $in on it)")
	}
	v, err := entityValues(p, c.Value)
	if err != nil {
		return nil, err
	}
	if _, list := v.([]any); !list {
		v = []any{v}
	}
	if op == qb.OpSome {
		return qb.Compare{Field: outer + "." + p.Name, Op: qb.OpIn, Value: v}, nil
	}
	return qb.Compare{Field: outer + "." + p.Name, Op: qb.OpNin, Value: v}, nil
}
