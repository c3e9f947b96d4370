package populate

import (
	"fmt"
	"strconv"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// JoinedPlan loads a root query and its populate paths in one query with
// LEFT JOINs (the joined strategy). Rows are folded back into the graph
// without duplicates.
type JoinedPlan struct {
	Groups []uow.LoadGroup // group 0 is the root, aliased e0
	nodes  []*joinedNode   // one per group after the root
	u      *uow.UnitOfWork
	opts   Options

	roots    []*uow.Entry
	loaded   [][]*uow.Entry // per joined group, every entry a row hydrated (may repeat)
	seenRoot map[*uow.Entry]bool
	// items collects, per node, owner → children in row order.
	items []map[*uow.Entry][]*uow.Entry
	seen  []map[[2]*uow.Entry]bool
	order [][]*uow.Entry // owners per node in first-seen order
}

type joinedNode struct {
	node   *Node
	parent int // group index of the owner
	alias  string
}

// PlanJoined prepares the joins, columns and groups for root and paths.
// Add Columns and Joins to a select of root aliased e0, run it with Groups,
// call Row for each row and Finish at the end.
func PlanJoined(u *uow.UnitOfWork, root *meta.Entity, paths []string, opts Options) (*JoinedPlan, error) {
	nodes, err := Parse(root, paths)
	if err != nil {
		return nil, err
	}
	jp := &JoinedPlan{u: u, opts: opts, seenRoot: map[*uow.Entry]bool{}}
	jp.Groups = append(jp.Groups, uow.GroupOf(root))
	var walk func(ns []*Node, parent int)
	walk = func(ns []*Node, parent int) {
		for _, n := range ns {
			alias := "p" + strconv.Itoa(len(jp.Groups))
			jp.Groups = append(jp.Groups, uow.LoadGroup{Entity: n.Relation.Target, Columns: n.Relation.Target.LoadColumns(), Optional: true})
			jp.nodes = append(jp.nodes, &joinedNode{node: n, parent: parent, alias: alias})
			walk(n.Children, len(jp.Groups)-1)
		}
	}
	walk(nodes, 0)
	for _, jn := range jp.nodes {
		r := jn.node.Relation
		if len(r.JoinColumns) != 1 || len(r.Target.PK) != 1 || len(r.Owner.PK) != 1 {
			return nil, fmt.Errorf("unitorm: populate %s: composite keys are not supported by the joined strategy yet", jn.node.Path)
		}
	}
	jp.loaded = make([][]*uow.Entry, len(jp.nodes))
	jp.items = make([]map[*uow.Entry][]*uow.Entry, len(jp.nodes))
	jp.seen = make([]map[[2]*uow.Entry]bool, len(jp.nodes))
	jp.order = make([][]*uow.Entry, len(jp.nodes))
	for i := range jp.nodes {
		jp.items[i] = map[*uow.Entry][]*uow.Entry{}
		jp.seen[i] = map[[2]*uow.Entry]bool{}
	}
	return jp, nil
}

func (jp *JoinedPlan) alias(group int) string {
	if group == 0 {
		return "e0"
	}
	return jp.nodes[group-1].alias
}

// Columns are the select-list items of the joined groups (after the root's).
func (jp *JoinedPlan) Columns() []any {
	var cols []any
	for i, g := range jp.Groups[1:] {
		cols = append(cols, selectColumns(g.Entity, jp.nodes[i].alias)...)
	}
	return cols
}

// Apply adds the LEFT JOINs of the paths to q, whose root is aliased e0.
func (jp *JoinedPlan) Apply(q qb.SelectQuery) (qb.SelectQuery, error) {
	for _, jn := range jp.nodes {
		r := jn.node.Relation
		from, to := jp.alias(jn.parent), jn.alias
		var on qb.Cond
		switch {
		case r.Kind == meta.ManyToMany:
			pv := to + "_pv"
			q = q.LeftJoin(r.Pivot.Table+" AS "+pv, qb.Cond{pv + "." + r.JoinColumns[0]: qb.Col(from + "." + r.Owner.PK[0].Column)})
			on = qb.Cond{to + "." + r.Target.PK[0].Column: qb.Col(pv + "." + r.InverseJoinColumns[0])}
		case r.Owning:
			on = qb.Cond{to + "." + r.ReferencedColumns[0]: qb.Col(from + "." + r.JoinColumns[0])}
		default:
			on = qb.Cond{to + "." + r.JoinColumns[0]: qb.Col(from + "." + r.ReferencedColumns[0])}
		}
		var cond qb.Condition = on
		if w, ok := jp.opts.Where[jn.node.Path]; ok && w != nil && r.Kind.IsToMany() {
			x, err := qb.Normalize(w)
			if err != nil {
				return q, err
			}
			target := r.Target
			x, err = qb.MapFields(x, func(f string) (string, error) {
				p, ok := target.Prop(f)
				if !ok || p.Kind != meta.Scalar {
					return "", fmt.Errorf("%w: %s has no property %q", ErrUnknownPath, target.Name, f)
				}
				return to + "." + p.Column, nil
			})
			if err != nil {
				return q, err
			}
			cond = qb.And(on, x)
		}
		if r.Kind.IsToMany() {
			fx, err := filterExpr(jp.opts, r.Target, to)
			if err != nil {
				return q, err
			}
			if fx != nil {
				cond = qb.And(cond, fx)
			}
		}
		q = q.LeftJoin(r.Target.Table+" AS "+to, cond)
	}
	return q, nil
}

// OrderChildren adds ORDER BY items that keep children in a stable order
// (their populate order, else primary key), after the root's order.
func (jp *JoinedPlan) OrderChildren(q qb.SelectQuery) (qb.SelectQuery, error) {
	for _, jn := range jp.nodes {
		target := jn.node.Relation.Target
		byKey := false // ordered by the key already: no tiebreak to add
		for _, o := range jp.opts.OrderBy[jn.node.Path] {
			p, ok := target.Prop(o.Prop)
			if !ok || p.Kind != meta.Scalar {
				return q, fmt.Errorf("%w: %s has no property %q to order by", ErrUnknownPath, target.Name, o.Prop)
			}
			q = q.OrderBy(jn.alias+"."+p.Column, o.Dir)
			byKey = byKey || p == target.PK[0]
		}
		if !byKey {
			q = q.OrderBy(jn.alias+"."+target.PK[0].Column, qb.Asc)
		}
	}
	return q, nil
}

// Row folds one row: each non-empty group is hydrated and linked to the
// entity of its parent group.
func (jp *JoinedPlan) Row(row []uow.Loaded) error {
	entries := make([]*uow.Entry, len(row))
	for i := range row {
		if row[i].Ptr == nil {
			continue
		}
		if i > 0 && entries[jp.nodes[i-1].parent] == nil {
			continue
		}
		en, err := jp.u.Hydrate(&jp.Groups[i], row[i], jp.opts.Refresh)
		if err != nil {
			return err
		}
		row[i].Done(en) // a parent repeated on every row of its children: its fresh instance is reused
		entries[i] = en
		if i > 0 {
			jp.loaded[i-1] = append(jp.loaded[i-1], en)
		}
		if i == 0 {
			if !jp.seenRoot[en] {
				jp.seenRoot[en] = true
				jp.roots = append(jp.roots, en)
			}
			continue
		}
		ni := i - 1
		owner := entries[jp.nodes[ni].parent]
		if _, ok := jp.items[ni][owner]; !ok {
			jp.order[ni] = append(jp.order[ni], owner)
		}
		pair := [2]*uow.Entry{owner, en}
		if !jp.seen[ni][pair] {
			jp.seen[ni][pair] = true
			jp.items[ni][owner] = append(jp.items[ni][owner], en)
		}
	}
	// Owners reached in this row whose relation has no row still count as
	// loaded (empty).
	for ni, jn := range jp.nodes {
		owner := entries[jn.parent]
		if owner == nil || row[ni+1].Ptr != nil {
			continue
		}
		if _, ok := jp.items[ni][owner]; !ok {
			jp.items[ni][owner] = nil
			jp.order[ni] = append(jp.order[ni], owner)
		}
	}
	return nil
}

// Finish stores the folded children into their owners and returns the root
// entries in row order.
func (jp *JoinedPlan) Finish() ([]*uow.Entry, error) {
	for ni, jn := range jp.nodes {
		_, filtered := jp.opts.Where[jn.node.Path]
		items := itemMap(jp.items[ni])
		p := jn.node.Relation.Prop
		if p.Kind.IsToMany() {
			// Only the collections this load fills follow memory.
			var filled []*uow.Entry
			for _, owner := range jp.order[ni] {
				if c := p.At.Collection(owner.Ptr); c != nil && (!c.IsInitialized() || jp.opts.Refresh) {
					filled = append(filled, owner)
				}
			}
			inMemory(jn.node, filled, items.get, items.set, jp.u, !filtered)
		} else {
			inMemory(jn.node, jp.order[ni], items.get, items.set, jp.u, !filtered)
		}
		for _, owner := range jp.order[ni] {
			its := jp.items[ni][owner]
			if !p.Kind.IsToMany() {
				if jn.node.Relation.Owning {
					continue // the FK already points at the (now loaded) target
				}
				if len(its) > 0 {
					p.At.SetPointer(owner.Ptr, its[0].Ptr)
				}
				continue
			}
			c := p.At.Collection(owner.Ptr)
			if c == nil || (c.IsInitialized() && !jp.opts.Refresh) {
				continue
			}
			objs := make([]any, len(its))
			for i, it := range its {
				objs[i] = uow.ObjAs(p.Relation.Target, it)
			}
			if err := c.HydrateAny(objs); err != nil {
				return nil, err
			}
		}
	}
	return jp.roots, nil
}

// Loaded returns, per populated path (in PlanJoined's order), the entities
// the rows hydrated, for OnLoad hooks; entries may repeat.
func (jp *JoinedPlan) Loaded() [][]*uow.Entry { return jp.loaded }

// itemMap gives inMemory access to the items the joined rows folded per
// owner.
type itemMap map[*uow.Entry][]*uow.Entry

func (m itemMap) get(o *uow.Entry) []*uow.Entry { return m[o] }

func (m itemMap) set(o *uow.Entry, its []*uow.Entry) { m[o] = its }
