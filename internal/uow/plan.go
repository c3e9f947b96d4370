package uow

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/meta"
)

// StepKind is what one step of a flush plan writes.
type StepKind int

const (
	StepInsert StepKind = iota + 1
	StepUpdate
	StepFixup // sets foreign keys that were inserted as NULL to break a cycle
	StepPivotDelete
	StepPivotInsert
	StepDelete
	// StepUnlink sets to NULL the foreign keys of rows about to be deleted
	// that point at rows deleted before them (or by the same statement), so
	// that a cycle such as Author.FavouriteBook ↔ Book.Author can be
	// deleted in one flush.
	StepUnlink
	// StepRelink writes the foreign keys of a one-to-many collection's stored
	// items that no loaded item carries (see Relink).
	StepRelink
)

func (k StepKind) String() string {
	return [...]string{"", "insert", "update", "fixup", "pivot delete", "pivot insert", "delete", "unlink", "relink"}[k]
}

// Step is one batch of a flush: one kind of write to one table.
type Step struct {
	Kind    StepKind
	Entity  *meta.Entity
	Entries []*Entry
	// Props are, for update and fixup steps, the properties set (the same for
	// every entry of the step).
	Props []*meta.Property
	// Relation is, for pivot steps, the owning many-to-many relation.
	Relation *meta.Relation
	// Pairs are, for pivot steps, the (owner, target) rows.
	Pairs [][2]*Entry
	// ClearOwners are, for pivot deletes, owners whose rows all go.
	ClearOwners []*Entry
	// ClearTargets are, for pivot deletes, targets whose rows all go.
	ClearTargets []*Entry
	// Relinks are, for relink steps, the writes of one relation.
	Relinks []*Relink

	// nullFK holds, for insert steps, the relations to write as NULL.
	nullFK map[*Entry][]*meta.Property
	// rendered keeps statements rendered by SingleStatement for d.
	rendered    []*Statement
	renderedFor dialect.Dialect
}

func (s *Step) String() string {
	name := ""
	if s.Entity != nil {
		name = s.Entity.Name
	} else if s.Relation != nil {
		name = s.Relation.Pivot.Table
	}
	n := len(s.Entries)
	if s.Kind == StepPivotDelete || s.Kind == StepPivotInsert {
		n = len(s.Pairs) + len(s.ClearOwners) + len(s.ClearTargets)
	}
	if s.Kind == StepRelink {
		n = len(s.Relinks)
	}
	return fmt.Sprintf("%s %s ×%d", s.Kind, name, n)
}

// Plan is an ordered flush: inserts parents first, fix-ups of cyclic
// foreign keys, updates, pivot deletes and inserts, unlinks of foreign keys
// between rows deleted together, deletes children first.
// Drivers run Steps in order, turning each into statements with
// Statements (SQL) or reading it directly (documents), and report generated
// keys with SetGeneratedKey. After the transaction commits the caller calls
// Commit; after a failure, Rollback, which undoes every change the plan made
// to entities.
type Plan struct {
	Steps   []*Step
	Changes *Changes
	u       *UnitOfWork
	// keyed are the entries given a generated key by this plan, in order
	// (Rollback and UndoCommit take the keys back).
	keyed []*Entry
	// versions are the version values written, applied to entities at Commit.
	versions map[*Entry]any
	// committed undoes Commit's changes to entities (UndoCommit).
	committed []func()
}

// Empty reports whether the plan writes nothing.
func (p *Plan) Empty() bool { return len(p.Steps) == 0 }

// Plan turns computed changes into an ordered flush plan.
func (u *UnitOfWork) Plan(ch *Changes) (*Plan, error) {
	p := &Plan{Changes: ch, u: u}
	types := typesOf(u.reg, ch)
	order, err := CommitOrder(types)
	if err != nil {
		return nil, err
	}
	rank := map[*meta.Entity]int{}
	for i, t := range order {
		rank[t] = i
	}
	released := p.planReleases(ch, order)
	fixups, err := p.planInserts(ch, order, rank)
	if err != nil {
		return nil, err
	}
	p.Steps = append(p.Steps, fixups...)
	p.planUpdates(ch, order, released)
	p.planPivots(ch)
	p.planRelinks(ch)
	p.planUnlinks(ch, order, rank)
	p.planDeletes(ch, order)
	return p, nil
}

// typesOf lists the entity types with changes, in registration order.
func typesOf(reg *meta.Registry, ch *Changes) []*meta.Entity {
	present := map[*meta.Entity]bool{}
	for _, cs := range [][]*ChangeSet{ch.Inserts, ch.Updates, ch.Deletes} {
		var last *meta.Entity
		for _, c := range cs {
			if e := c.Entry.Entity; e != last { // runs of one type: one map write each
				present[e], last = true, e
			}
		}
	}
	var out []*meta.Entity
	for _, e := range reg.Entities() {
		if present[e] {
			out = append(out, e)
		}
	}
	return out
}

func byType(cs []*ChangeSet) map[*meta.Entity][]*ChangeSet {
	m := map[*meta.Entity][]*ChangeSet{}
	if len(cs) > 0 && !slices.ContainsFunc(cs, func(c *ChangeSet) bool { return c.Entry.Entity != cs[0].Entry.Entity }) {
		m[cs[0].Entry.Entity] = cs // one type (the usual flush): no copy
		return m
	}
	for _, c := range cs {
		m[c.Entry.Entity] = append(m[c.Entry.Entity], c)
	}
	return m
}

// planInserts adds the insert steps and returns the fix-up steps for foreign
// keys that must be written after the referenced rows exist.
func (p *Plan) planInserts(ch *Changes, order []*meta.Entity, rank map[*meta.Entity]int) ([]*Step, error) {
	groups := byType(ch.Inserts)
	fix := map[*meta.Entity]map[*Entry][]*meta.Property{}
	for _, t := range order {
		cs := groups[t]
		if len(cs) == 0 {
			continue
		}
		level := map[*Entry]int{}
		nullFK := map[*Entry][]*meta.Property{}
		// Levels order new entities of one type that reference each other;
		// a type without such a relation has one level.
		selfRef := false
		for _, r := range t.Relations {
			selfRef = selfRef || (r.Owning && !r.Prop.Kind.IsToMany() && r.Target == t)
		}
		path := map[*Entry]bool{} // empty between calls of levelOf
		var levelOf func(en *Entry) int
		levelOf = func(en *Entry) int {
			if !selfRef {
				return 0
			}
			if l, ok := level[en]; ok {
				return l
			}
			path[en] = true
			l := 0
			for _, r := range t.Relations {
				if !r.Owning || r.Prop.Kind.IsToMany() || r.Target != t {
					continue
				}
				tp := r.Prop.At.Pointer(en.Ptr)
				te, ok := p.u.im.EntryAt(r.Target, tp)
				if tp == nil || !ok || te.State != StateNew {
					continue
				}
				if path[te] {
					nullFK[en] = append(nullFK[en], r.Prop)
					continue
				}
				if tl := levelOf(te) + 1; tl > l {
					l = tl
				}
			}
			delete(path, en)
			level[en] = l
			return l
		}
		maxLevel := 0
		for _, c := range cs {
			en := c.Entry
			if l := levelOf(en); l > maxLevel {
				maxLevel = l
			}
			for _, r := range t.Relations {
				if !r.Owning || r.Prop.Kind.IsToMany() || r.Target == t {
					continue
				}
				tp := r.Prop.At.Pointer(en.Ptr)
				if tp == nil {
					continue
				}
				te, ok := p.u.im.EntryAt(r.Target, tp)
				if !ok {
					if !HasPK(r.Target, tp) {
						return nil, fmt.Errorf("%w: %s references an unmanaged %s without a primary key; persist it or cascade persist",
							ErrDetached, r.Prop, r.Target.Name)
					}
					continue
				}
				if te.State == StateNew && rank[r.Target] > rank[t] {
					if !r.Nullable {
						return nil, fmt.Errorf("%w: %s → %s", ErrCycle, r.Prop, r.Target.Name)
					}
					nullFK[en] = append(nullFK[en], r.Prop)
				}
			}
		}
		for _, c := range cs {
			for _, prop := range nullFK[c.Entry] {
				if !prop.Relation.Nullable {
					return nil, fmt.Errorf("%w: %s", ErrCycle, prop)
				}
			}
		}
		for l := 0; l <= maxLevel; l++ {
			var withKey, withoutKey []*Entry
			for _, c := range cs {
				if level[c.Entry] != l {
					continue
				}
				if generatedKey(t) != nil && !HasPK(t, c.Entry.Ptr) {
					withoutKey = append(withoutKey, c.Entry)
				} else {
					withKey = append(withKey, c.Entry)
				}
			}
			for _, ens := range [][]*Entry{withKey, withoutKey} {
				if len(ens) > 0 {
					p.Steps = append(p.Steps, &Step{Kind: StepInsert, Entity: t, Entries: ens, nullFK: nullFK})
				}
			}
		}
		for en, props := range nullFK {
			if fix[t] == nil {
				fix[t] = map[*Entry][]*meta.Property{}
			}
			fix[t][en] = props
		}
	}
	var steps []*Step
	for _, t := range order {
		for _, g := range groupByProps(fix[t]) {
			steps = append(steps, &Step{Kind: StepFixup, Entity: t, Entries: g.entries, Props: g.props})
		}
	}
	return steps, nil
}

// generatedKey returns the auto-increment primary key of e, or nil.
func generatedKey(e *meta.Entity) *meta.Property {
	if len(e.PK) == 1 && e.PK[0].AutoIncrement {
		return e.PK[0]
	}
	return nil
}

type propGroup struct {
	props   []*meta.Property
	entries []*Entry
}

// groupByProps groups entries by the set of properties they change, in
// entry order.
func groupByProps(m map[*Entry][]*meta.Property) []propGroup {
	ens := make([]*Entry, 0, len(m))
	for en := range m {
		ens = append(ens, en)
	}
	sortEntries(ens)
	items := make([]entryProps, len(ens))
	for i, en := range ens {
		items[i] = entryProps{en, m[en]}
	}
	return groupInOrder(items)
}

// entryProps is an entry and the properties a step writes for it.
type entryProps struct {
	en    *Entry
	props []*meta.Property
}

// groupInOrder groups items (in entry order) by their properties. Entries
// next to each other mostly change the same ones: those are compared
// directly, without making a key.
func groupInOrder(items []entryProps) []propGroup {
	var out []propGroup
	var index map[string]int
	last := -1
	for _, it := range items {
		if last >= 0 && slices.Equal(out[last].props, it.props) {
			out[last].entries = append(out[last].entries, it.en)
			continue
		}
		if index == nil {
			index = map[string]int{}
		}
		k := propsKey(it.props)
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, propGroup{props: it.props})
		}
		out[i].entries = append(out[i].entries, it.en)
		last = i
	}
	return out
}

func propsKey(props []*meta.Property) string {
	var b strings.Builder
	for _, p := range props {
		b.WriteString(p.Name)
		b.WriteByte(0)
	}
	return b.String()
}

func (p *Plan) planUpdates(ch *Changes, order []*meta.Entity, released map[*Entry]*meta.Property) {
	groups := byType(ch.Updates)
	for _, t := range order {
		cs := groups[t]
		items := make([]entryProps, 0, len(cs))
		for _, c := range cs {
			props := c.Changed
			if rp := released[c.Entry]; rp != nil {
				props = slices.DeleteFunc(slices.Clone(props), func(x *meta.Property) bool { return x == rp })
				if len(props) == 0 {
					continue
				}
			}
			items = append(items, entryProps{c.Entry, props})
		}
		// Change sets come in registration order; sort only if not.
		if !slices.IsSortedFunc(items, func(a, b entryProps) int { return cmp.Compare(a.en.seq, b.en.seq) }) {
			slices.SortFunc(items, func(a, b entryProps) int { return cmp.Compare(a.en.seq, b.en.seq) })
		}
		for _, g := range groupInOrder(items) {
			p.Steps = append(p.Steps, &Step{Kind: StepUpdate, Entity: t, Entries: g.entries, Props: g.props})
		}
	}
}

func (p *Plan) planPivots(ch *Changes) {
	type pair struct {
		r    *meta.Relation
		a, b *Entry
	}
	var dels, adds []pair
	seen := map[pair]bool{}
	clears := map[*meta.Relation][]*Entry{}
	clearTargets := map[*meta.Relation][]*Entry{}
	var rels []*meta.Relation
	note := func(r *meta.Relation) {
		if !slices.Contains(rels, r) {
			rels = append(rels, r)
		}
	}
	for _, pc := range ch.Pivots {
		r := pc.Relation
		note(r)
		if pc.Clear {
			clears[r] = append(clears[r], pc.Owner)
		}
		if pc.ClearTarget != nil && pc.ClearTarget.State != StateNew {
			clearTargets[r] = append(clearTargets[r], pc.ClearTarget)
		}
		for _, t := range pc.Remove {
			if k := (pair{r, pc.Owner, t}); !seen[k] {
				seen[k] = true
				dels = append(dels, k)
			}
		}
		for _, t := range pc.Add {
			if k := (pair{r, pc.Owner, t}); !seen[k] {
				seen[k] = true
				adds = append(adds, k)
			}
		}
	}
	// Rows of removed owners or targets go with them (ON DELETE CASCADE).
	gone := func(en *Entry) bool { return en.State == StateRemoved }
	for _, r := range rels {
		del := &Step{Kind: StepPivotDelete, Relation: r, ClearOwners: clears[r], ClearTargets: clearTargets[r]}
		ins := &Step{Kind: StepPivotInsert, Relation: r}
		for _, x := range dels {
			if x.r == r && !gone(x.a) && !gone(x.b) {
				del.Pairs = append(del.Pairs, [2]*Entry{x.a, x.b})
			}
		}
		for _, x := range adds {
			if x.r == r && !gone(x.a) && !gone(x.b) {
				ins.Pairs = append(ins.Pairs, [2]*Entry{x.a, x.b})
			}
		}
		if len(del.Pairs)+len(del.ClearOwners)+len(del.ClearTargets) > 0 {
			p.Steps = append(p.Steps, del)
		}
		if len(ins.Pairs) > 0 {
			p.Steps = append(p.Steps, ins)
		}
	}
	// Pivot deletes must run before pivot inserts of the same relation.
	slices.SortStableFunc(p.Steps, func(a, b *Step) int {
		if a.Kind == StepPivotDelete && b.Kind == StepPivotInsert {
			return -1
		}
		if a.Kind == StepPivotInsert && b.Kind == StepPivotDelete {
			return 1
		}
		return 0
	})
}

// planUnlinks adds, before the deletes, updates that set to NULL the
// nullable foreign keys of removed rows pointing at removed rows that are
// deleted first (a type later in the commit order) or by the same statement
// (a self-reference). The row's stored key is the snapshot's; an unloaded
// reference, whose key is unknown, is left as it is.
func (p *Plan) planUnlinks(ch *Changes, order []*meta.Entity, rank map[*meta.Entity]int) {
	groups := byType(ch.Deletes)
	for _, t := range order {
		m := map[*Entry][]*meta.Property{}
		for _, c := range groups[t] {
			en := c.Entry
			if en.snap == nil {
				continue
			}
			for _, r := range t.Relations {
				if !r.Owning || r.Prop.Kind.IsToMany() || !r.Nullable || rank[r.Target] < rank[t] {
					continue
				}
				tp := r.Prop.At.Pointer(en.snap)
				if te, ok := p.u.im.EntryAt(r.Target, tp); tp != nil && ok && te.State == StateRemoved {
					m[en] = append(m[en], r.Prop)
				}
			}
		}
		for _, g := range groupByProps(m) {
			p.Steps = append(p.Steps, &Step{Kind: StepUnlink, Entity: t, Entries: g.entries, Props: g.props})
		}
	}
}

func (p *Plan) planDeletes(ch *Changes, order []*meta.Entity) {
	groups := byType(ch.Deletes)
	for i := len(order) - 1; i >= 0; i-- {
		t := order[i]
		cs := groups[t]
		if len(cs) == 0 {
			continue
		}
		ens := make([]*Entry, len(cs))
		for j, c := range cs {
			ens[j] = c.Entry
		}
		p.Steps = append(p.Steps, &Step{Kind: StepDelete, Entity: t, Entries: ens})
	}
}

// SetGeneratedKey stores a key the database generated for the i-th entry of
// an insert statement, registering the entity under it. The change is undone
// by Rollback.
//
// Drivers of databases that generate keys client-side (MongoDB ObjectIDs)
// may also use it for a single-property key that is not auto-increment.
func (p *Plan) SetGeneratedKey(en *Entry, v any) error {
	if len(en.Entity.PK) != 1 {
		return fmt.Errorf("uow: %s has no single-property key to generate", en.Entity.Name)
	}
	pk := en.Entity.PK[0]
	if err := setKeyValue(pk, en.Ptr, v); err != nil {
		return err
	}
	k, ok := KeyOf(en.Entity, en.Ptr)
	if !ok {
		return fmt.Errorf("%w: %s: the database returned key %v", ErrInvalidKey, en.Entity.Name, v)
	}
	p.u.im.setKey(en, k)
	p.keyed = append(p.keyed, en)
	return nil
}

// unkey takes back the generated keys of entries, last first.
func (p *Plan) unkey(entries []*Entry) {
	for i := len(entries) - 1; i >= 0; i-- {
		en := entries[i]
		p.u.im.unsetKey(en)
		zeroField(en.Entity.PK[0], en.Ptr)
	}
}

func zeroField(p *meta.Property, ptr unsafe.Pointer) {
	_ = p.At.Set(ptr, nil)
}

// Rollback undoes what the plan changed in entities and the identity map:
// generated keys are removed, so new entities are new again.
func (p *Plan) Rollback() {
	p.unkey(p.keyed)
	p.keyed = nil
}

// planRelinks adds one relink step per one-to-many relation with relinks,
// after the inserts and updates (kept items may be new or moved) and before
// the deletes.
func (p *Plan) planRelinks(ch *Changes) {
	var steps []*Step
	byRel := map[*meta.Relation]*Step{}
	for _, rl := range ch.Relinks {
		if rl.Owner.State == StateRemoved {
			continue
		}
		st, ok := byRel[rl.Relation]
		if !ok {
			st = &Step{Kind: StepRelink, Entity: rl.Relation.Target, Relation: rl.Relation}
			byRel[rl.Relation] = st
			steps = append(steps, st)
		}
		st.Relinks = append(st.Relinks, rl)
	}
	p.Steps = append(p.Steps, steps...)
}

// planReleases puts first, before the inserts, the updates that set an
// owning one-to-one foreign key to NULL: the key is unique, and a new row
// taking the target over (p2.User = u while p1 let go of u) must not meet
// the old row still holding it. Versioned entities keep the update in their
// single versioned statement. It returns the released property per entry.
func (p *Plan) planReleases(ch *Changes, order []*meta.Entity) map[*Entry]*meta.Property {
	released := map[*Entry]*meta.Property{}
	groups := byType(ch.Updates)
	for _, t := range order {
		if t.Version != nil {
			continue
		}
		byProp := map[*meta.Property][]*Entry{}
		var props []*meta.Property
		for _, c := range groups[t] {
			for _, prop := range c.Changed {
				r := prop.Relation
				if r == nil || !r.Owning || r.Kind != meta.OneToOne || prop.At.Pointer(c.Entry.Ptr) != nil || released[c.Entry] != nil {
					continue
				}
				released[c.Entry] = prop
				if byProp[prop] == nil {
					props = append(props, prop)
				}
				byProp[prop] = append(byProp[prop], c.Entry)
			}
		}
		for _, prop := range props {
			p.Steps = append(p.Steps, &Step{Kind: StepUpdate, Entity: t, Entries: byProp[prop], Props: []*meta.Property{prop}})
		}
	}
	return released
}
