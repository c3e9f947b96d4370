package em

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/unitorm/unitorm/internal/populate"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Checks of a query's populate options against the metadata, run before
// the first statement: a typo fails the call with nothing run, instead of
// being ignored or found after the root query ran.

// checkPopulate checks the populate paths, PopulateWhere and
// PopulateOrderBy of q.
func (q Query[T]) checkPopulate() error {
	_, err := q.populateTree()
	return err
}

// populateTree parses q's populate paths and checks that every
// PopulateWhere and PopulateOrderBy names a populated to-many path, with
// conditions and orders on the target's own properties.
func (q Query[T]) populateTree() ([]*populate.Node, error) {
	if len(q.populate) == 0 && len(q.popWhere) == 0 && len(q.popOrder) == 0 {
		return nil, nil
	}
	_, rels := splitLazy(q.e, q.populate)
	nodes, err := populate.Parse(q.e, rels)
	if err != nil {
		return nil, err
	}
	if len(q.popWhere) == 0 && len(q.popOrder) == 0 {
		return nodes, nil
	}
	byPath := map[string]*populate.Node{}
	var walk func([]*populate.Node)
	walk = func(ns []*populate.Node) {
		for _, n := range ns {
			byPath[n.Path] = n
			walk(n.Children)
		}
	}
	walk(nodes)
	for _, path := range sortedKeys(q.popWhere) {
		n, err := populatedPath(q.e, byPath, path, "PopulateWhere")
		if err != nil {
			return nil, err
		}
		if err := checkPopulateWhere(n, q.popWhere[path]); err != nil {
			return nil, err
		}
	}
	for _, path := range sortedKeys(q.popOrder) {
		n, err := populatedPath(q.e, byPath, path, "PopulateOrderBy")
		if err != nil {
			return nil, err
		}
		target := n.Relation.Target
		for _, o := range q.popOrder[path] {
			if p, ok := target.Prop(o.path); !ok || p.Kind != meta.Scalar {
				return nil, &PropertyError{Entity: target.Name, Property: o.path,
					Err: fmt.Errorf("%w: PopulateOrderBy(%q) orders by a property of %s", ErrUnknownProperty, path, target.Name)}
			}
		}
	}
	return nodes, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// populatedPath returns the populated node at path, or a *PathError when
// the path is not populated or is not a to-many relation.
func populatedPath(root *meta.Entity, byPath map[string]*populate.Node, path, option string) (*populate.Node, error) {
	n, ok := byPath[path]
	if !ok {
		populated := make([]string, 0, len(byPath))
		for p := range byPath {
			populated = append(populated, p)
		}
		slices.Sort(populated)
		list := "none"
		if len(populated) > 0 {
			list = strings.Join(populated, ", ")
		}
		return nil, &PathError{Entity: root.Name, Path: path,
			Reason: fmt.Sprintf("has no populated path %q for %s (populated: %s)", path, option, list)}
	}
	if !n.Relation.Kind.IsToMany() {
		return nil, &PathError{Entity: n.Relation.Owner.Name, Path: path,
			Reason: fmt.Sprintf("has %q as a %s relation: %s applies to to-many paths", n.Relation.Prop.Name, n.Relation.Kind, option)}
	}
	return n, nil
}

// checkPopulateWhere checks a PopulateWhere condition as populate will map
// it: every field a scalar property of the path's target.
func checkPopulateWhere(n *populate.Node, c qb.Condition) error {
	target := n.Relation.Target
	if c == nil {
		return nil
	}
	x, err := qb.Normalize(c)
	if err != nil {
		return fmt.Errorf("unitorm: PopulateWhere(%q) on %s: %w", n.Path, target.Name, err)
	}
	_, err = qb.MapFields(x, func(f string) (string, error) {
		if p, ok := target.Prop(f); !ok || p.Kind != meta.Scalar {
			return "", &PropertyError{Entity: target.Name, Property: f,
				Err: fmt.Errorf("%w in PopulateWhere(%q): conditions name properties of %s", ErrUnknownProperty, n.Path, target.Name)}
		}
		return f, nil
	})
	return err
}

// checkOrders checks q's order paths (as build does) without building.
func (q Query[T]) checkOrders() error {
	if len(q.orders) == 0 {
		return nil
	}
	jp := newJoinPlan(q.e)
	for _, o := range q.orders {
		if _, _, err := jp.column(o.path); err != nil {
			return err
		}
	}
	return nil
}

// treeLoaded reports whether every relation of nodes is loaded for owners
// and, level by level, for what they hold: then populate has nothing to do.
func treeLoaded(im *uow.IdentityMap, nodes []*populate.Node, owners []*uow.Entry) bool {
	for _, n := range nodes {
		p := n.Relation.Prop
		var next []*uow.Entry
		for _, o := range owners {
			switch {
			case p.Kind.IsToMany():
				c := p.At.Collection(o.Ptr)
				if c == nil || !c.IsInitialized() {
					return false
				}
				for _, it := range c.AnyItems() {
					if t, ok := im.EntryOf(reflect.ValueOf(it).UnsafePointer()); ok {
						next = append(next, t)
					}
				}
			case n.Relation.Owning:
				tp := p.At.Pointer(o.Ptr)
				if tp == nil {
					continue // no target
				}
				t, ok := im.EntryOf(tp)
				if !ok {
					continue // an object set by the user, not tracked
				}
				if !t.Loaded() {
					return false
				}
				next = append(next, t)
			default: // inverse one-to-one: nil may mean not loaded
				tp := p.At.Pointer(o.Ptr)
				if tp == nil {
					return false
				}
				if t, ok := im.EntryOf(tp); ok {
					next = append(next, t)
				}
			}
		}
		if len(n.Children) > 0 && !treeLoaded(im, n.Children, next) {
			return false
		}
	}
	return true
}
