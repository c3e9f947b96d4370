package populate

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
)

// arrayOwning populates an owning many-to-many collection stored as an
// array of keys in the owner (Options.ArrayManyToMany). Owners loaded from
// such a database already hold their collections as references; those
// whose collection is not known yet get their arrays read with one query.
// The unloaded items are then loaded by key with one IN query. With a
// populate filter or order for the path, every item is queried with it and
// the clean collections keep the matching items, in the query's order.
func (r *run) arrayOwning(ctx context.Context, n *Node, owners []*uow.Entry) ([]*uow.Entry, error) {
	rel := n.Relation
	prop := rel.Prop
	owner, target := rel.Owner, rel.Target
	if len(owner.PK) != 1 || len(target.PK) != 1 {
		return nil, fmt.Errorf("composite keys are not supported by populate yet")
	}
	owners = uow.UniqueEntries(owners)
	im := r.u.IdentityMap()
	var need []any
	for _, o := range owners {
		c := prop.At.Collection(o.Ptr)
		if _, ok := o.Key(); !ok || c == nil || (c.IsInitialized() && !r.opts.Refresh) {
			continue
		}
		v, err := keyValue(o)
		if err != nil {
			return nil, err
		}
		need = append(need, v)
	}
	if len(need) > 0 {
		pk := "e0." + owner.PK[0].Column
		_, err := r.load(ctx, owner, need, func(chunk []any) (qb.SelectQuery, error) {
			return uow.SelectFrom(owner, "e0").WhereIn(pk, chunk...), nil
		}, 0, false, func(en *uow.Entry, l uow.Loaded, _ []any) error {
			keys, ok := l.Many[prop]
			if !ok {
				return fmt.Errorf("the load of %s returned no keys for %s", owner.Name, prop)
			}
			items := make([]any, 0, len(keys))
			for _, k := range keys {
				ref, err := r.u.Reference(target, k)
				if err != nil {
					return err
				}
				items = append(items, uow.ObjAs(target, ref))
			}
			if c := prop.At.Collection(en.Ptr); c != nil {
				return c.HydrateAny(items)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	_, hasWhere := r.opts.Where[n.Path]
	filtered := hasWhere || len(r.opts.OrderBy[n.Path]) > 0
	var keys []any
	seen := map[*uow.Entry]bool{}
	for _, o := range owners {
		c := prop.At.Collection(o.Ptr)
		if c == nil || !c.IsInitialized() {
			continue
		}
		for _, it := range c.AnyItems() {
			t, ok := im.EntryAt(prop.Relation.Target, reflect.ValueOf(it).UnsafePointer())
			if !ok || seen[t] {
				continue
			}
			seen[t] = true
			if _, hasKey := t.Key(); !hasKey || (!filtered && t.Loaded() && !r.opts.Refresh) {
				continue
			}
			v, err := keyValue(t)
			if err != nil {
				return nil, err
			}
			keys = append(keys, v)
		}
	}
	pk := "e0." + target.PK[0].Column
	loaded, err := r.load(ctx, target, keys, func(chunk []any) (qb.SelectQuery, error) {
		q := uow.SelectFrom(target, "e0").WhereIn(pk, chunk...)
		if !filtered {
			return q, nil
		}
		return r.filtered(n, q, target)
	}, 0, true, func(*uow.Entry, uow.Loaded, []any) error { return nil })
	if err != nil {
		return nil, err
	}
	if filtered {
		rank := make(map[*uow.Entry]int, len(loaded))
		for i, en := range loaded {
			if _, dup := rank[en]; !dup {
				rank[en] = i
			}
		}
		for _, o := range owners {
			c := prop.At.Collection(o.Ptr)
			if c == nil || !c.IsInitialized() || c.IsDirty() {
				continue
			}
			var kept []*uow.Entry
			for _, it := range c.AnyItems() {
				if t, ok := im.EntryAt(prop.Relation.Target, reflect.ValueOf(it).UnsafePointer()); ok {
					if _, match := rank[t]; match {
						kept = append(kept, t)
					}
				}
			}
			slices.SortStableFunc(kept, func(a, b *uow.Entry) int { return rank[a] - rank[b] })
			objs := make([]any, len(kept))
			for i, t := range kept {
				objs[i] = uow.ObjAs(target, t)
			}
			if err := c.HydrateAny(objs); err != nil {
				return nil, err
			}
		}
	}
	return children(n, owners, im), nil
}

// arrayInverse populates the inverse side of a many-to-many relation whose
// owning side is stored as arrays: one IN query on the owners' array field
// (named by the owning property) finds, for every key, the documents that
// hold it.
func (r *run) arrayInverse(ctx context.Context, n *Node, owners []*uow.Entry) ([]*uow.Entry, error) {
	rel := n.Relation
	owning := rel.MappedBy
	if owning == nil {
		return nil, fmt.Errorf("%s has no owning side", rel.Prop)
	}
	target := rel.Target
	set, keys, err := r.ownersToLoad(n, owners)
	if err != nil {
		return nil, err
	}
	if len(keys) > 0 {
		err := r.collect(ctx, n, set, keys, 0, func(chunk []any) (qb.SelectQuery, error) {
			q := uow.SelectFrom(target, "e0").WhereIn("e0."+owning.Name, chunk...)
			return r.filtered(n, q, target)
		}, func(l uow.Loaded, _ []any) []any { return l.Many[owning] })
		if err != nil {
			return nil, err
		}
	}
	return children(n, owners, r.u.IdentityMap()), nil
}
