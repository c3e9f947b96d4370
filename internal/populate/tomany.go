package populate

import (
	"context"
	"fmt"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// filtered adds the path's populate filter and order to a select of the
// target aliased e0.
func (r *run) filtered(n *Node, q qb.SelectQuery, target *meta.Entity) (qb.SelectQuery, error) {
	if n.Relation.Kind.IsToMany() {
		fx, err := filterExpr(r.opts, target, "e0")
		if err != nil {
			return q, err
		}
		if fx != nil {
			q = q.Where(fx)
		}
	}
	if c, ok := r.opts.Where[n.Path]; ok && c != nil {
		x, err := qb.Normalize(c)
		if err != nil {
			return q, err
		}
		x, err = qb.MapFields(x, func(f string) (string, error) {
			p, ok := target.Prop(f)
			if !ok || p.Kind != meta.Scalar {
				return "", fmt.Errorf("%w: %s has no property %q", ErrUnknownPath, target.Name, f)
			}
			return "e0." + p.Column, nil
		})
		if err != nil {
			return q, err
		}
		q = q.Where(x)
	}
	orders := r.opts.OrderBy[n.Path]
	for _, o := range orders {
		p, ok := target.Prop(o.Prop)
		if !ok || p.Kind != meta.Scalar {
			return q, fmt.Errorf("%w: %s has no property %q to order by", ErrUnknownPath, target.Name, o.Prop)
		}
		q = q.OrderBy("e0."+p.Column, o.Dir)
	}
	if len(orders) == 0 {
		for _, pk := range target.PK {
			q = q.OrderBy("e0."+pk.Column, qb.Asc)
		}
	}
	return q, nil
}

// inverse loads a one-to-many collection, or an inverse one-to-one, whose
// foreign key lives in the target table.
func (r *run) inverse(ctx context.Context, n *Node, owners []*uow.Entry) ([]*uow.Entry, error) {
	rel := n.Relation
	target := rel.Target
	set, keys, err := r.ownersToLoad(n, owners)
	if err != nil {
		return nil, err
	}
	if len(keys) > 0 {
		if len(rel.JoinColumns) != 1 {
			return nil, fmt.Errorf("composite foreign keys are not supported by populate yet")
		}
		fkCol := rel.JoinColumns[0]
		fkIdx := -1
		for i, c := range target.Columns {
			if c.Name == fkCol {
				fkIdx = i
			}
		}
		if fkIdx < 0 {
			return nil, fmt.Errorf("%s has no column %s", target.Name, fkCol)
		}
		var ownerKey [1]any // one row's owner key, read before the next row
		err := r.collect(ctx, n, set, keys, 0, func(chunk []any) (qb.SelectQuery, error) {
			q := uow.WhereKeys(uow.SelectFrom(target, "e0"), r.opts.ArrayParams, "e0."+fkCol, chunk)
			return r.filtered(n, q, target)
		}, func(l uow.Loaded, _ []any) []any { ownerKey[0] = l.FK[fkIdx]; return ownerKey[:] })
		if err != nil {
			return nil, err
		}
	}
	return children(n, owners, r.u.IdentityMap()), nil
}

// manyToMany loads a many-to-many collection through its pivot table, or
// from the owners' key arrays (Options.ArrayManyToMany).
func (r *run) manyToMany(ctx context.Context, n *Node, owners []*uow.Entry) ([]*uow.Entry, error) {
	rel := n.Relation
	if r.opts.ArrayManyToMany {
		if rel.Owning {
			return r.arrayOwning(ctx, n, owners)
		}
		return r.arrayInverse(ctx, n, owners)
	}
	target := rel.Target
	set, keys, err := r.ownersToLoad(n, owners)
	if err != nil {
		return nil, err
	}
	if len(keys) > 0 {
		if len(rel.JoinColumns) != 1 || len(rel.InverseJoinColumns) != 1 || len(target.PK) != 1 {
			return nil, fmt.Errorf("composite keys are not supported by populate yet")
		}
		pivot := rel.Pivot.Table
		ownerCol, targetCol := "p."+rel.JoinColumns[0], "p."+rel.InverseJoinColumns[0]
		err := r.collect(ctx, n, set, keys, 1, func(chunk []any) (qb.SelectQuery, error) {
			q := uow.WhereKeys(uow.SelectFrom(target, "e0").Columns(ownerCol).
				InnerJoin(pivot+" AS p", qb.Cond{targetCol: qb.Col("e0." + target.PK[0].Column)}),
				r.opts.ArrayParams, ownerCol, chunk)
			return r.filtered(n, q, target)
		}, func(_ uow.Loaded, extra []any) []any { return extra[:1] })
		if err != nil {
			return nil, err
		}
	}
	return children(n, owners, r.u.IdentityMap()), nil
}
