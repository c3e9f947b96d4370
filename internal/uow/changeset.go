package uow

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

// ChangeKind is what a flush does with one entity.
type ChangeKind int

const (
	Insert ChangeKind = iota + 1
	Update
	Delete
)

func (k ChangeKind) String() string {
	switch k {
	case Insert:
		return "insert"
	case Update:
		return "update"
	case Delete:
		return "delete"
	}
	return "none"
}

// ChangeSet is one entity's pending write.
type ChangeSet struct {
	Kind  ChangeKind
	Entry *Entry
	// Changed lists, for an update, the scalar and owning to-one properties
	// whose value differs from the snapshot (the version property excluded).
	Changed []*meta.Property
}

// Entity returns the changed entity as the *T the user holds.
func (c *ChangeSet) Entity() any { return c.Entry.Obj() }

// PivotChange is the pending change of one owner's many-to-many collection.
type PivotChange struct {
	Relation *meta.Relation // the owning m:n relation
	Owner    *Entry
	Clear    bool // delete every pivot row of Owner first (collection replaced while unloaded)
	// ClearTarget, when set, is an entity of the inverse side whose
	// collection was replaced while unloaded: every pivot row pointing at
	// it goes first (Owner is nil then).
	ClearTarget *Entry
	Add         []*Entry
	Remove      []*Entry
}

// Relink is a write to the foreign keys of a one-to-many collection's stored
// items that no loaded item's pointer carries: unloaded references added or
// removed, or the whole stored content replaced while unloaded (Set on a
// collection that was not initialized).
type Relink struct {
	Relation *meta.Relation // the one-to-many relation (Owner's side)
	Owner    *Entry
	Set      []*Entry // unloaded references now pointing at Owner
	Unset    []*Entry // unloaded references no longer pointing at Owner
	// Clear unlinks (or deletes, when the relation removes orphans) every
	// stored item of Owner but those in Keep.
	Clear bool
	Keep  []*Entry
}

// Changes is everything the next flush would write.
type Changes struct {
	Inserts []*ChangeSet
	Updates []*ChangeSet
	Deletes []*ChangeSet
	Pivots  []*PivotChange
	Relinks []*Relink
}

// Empty reports whether there is nothing to write.
func (c *Changes) Empty() bool {
	return len(c.Inserts) == 0 && len(c.Updates) == 0 && len(c.Deletes) == 0 && len(c.Pivots) == 0 && len(c.Relinks) == 0
}

// All returns the entity change sets: inserts, updates, then deletes.
func (c *Changes) All() []*ChangeSet {
	out := make([]*ChangeSet, 0, len(c.Inserts)+len(c.Updates)+len(c.Deletes))
	out = append(out, c.Inserts...)
	out = append(out, c.Updates...)
	return append(out, c.Deletes...)
}

// ComputeChanges finds what the next flush must write: it first persists
// what tracked entities reach along cascading relations and schedules
// orphans for removal, then compares every loaded entity with its snapshot.
func (u *UnitOfWork) ComputeChanges() (*Changes, error) {
	if u.reg.HasRelations() {
		// Cascades and orphan removal follow relations: without any
		// there is nothing for them to do.
		seen := map[unsafe.Pointer]bool{}
		for _, en := range u.im.Entries() {
			if en.State == StateNew || en.State == StateManaged {
				if err := u.cascadePersist(en, seen); err != nil {
					return nil, err
				}
			}
		}
		if err := u.removeOrphans(); err != nil {
			return nil, err
		}
	}
	entries := u.im.Entries()
	if err := checkSharedStructs(entries); err != nil {
		return nil, err
	}
	ch := &Changes{}
	var sets changeSets
	for i, en := range entries {
		switch en.State {
		case StateNew:
			ch.Inserts = growFor(ch.Inserts, len(entries)-i)
			ch.Inserts = append(ch.Inserts, sets.new(ChangeSet{Kind: Insert, Entry: en}))
		case StateRemoved:
			if err := keyUnchanged(en); err != nil {
				return nil, err
			}
			ch.Deletes = growFor(ch.Deletes, len(entries)-i)
			ch.Deletes = append(ch.Deletes, sets.new(ChangeSet{Kind: Delete, Entry: en}))
		case StateManaged:
			if en.snap == nil {
				continue
			}
			changed, err := u.diff(en)
			if err != nil {
				return nil, err
			}
			if len(changed) > 0 {
				ch.Updates = append(ch.Updates, sets.new(ChangeSet{Kind: Update, Entry: en, Changed: changed}))
			}
		}
		if en.State == StateNew || en.State == StateManaged || en.State == StateReference {
			// A reference's collections change too (Set on it, or the
			// other side of a change made elsewhere).
			pcs, err := u.pivotChanges(en)
			if err != nil {
				return nil, err
			}
			ch.Pivots = append(ch.Pivots, pcs...)
			rls, err := u.relinks(en)
			if err != nil {
				return nil, err
			}
			ch.Relinks = append(ch.Relinks, rls...)
		}
	}
	return ch, nil
}

// growFor gives an empty list room for the rest of the entries: a flush
// of many inserts or deletes appends without regrowing.
func growFor(cs []*ChangeSet, rest int) []*ChangeSet {
	if cs == nil {
		return make([]*ChangeSet, 0, rest)
	}
	return cs
}

// changeSets hands out change sets in chunks (8, 16, … up to 1,024 at a
// time): a flush of many entities makes few allocations for them.
type changeSets struct {
	chunk []ChangeSet
	size  int
}

func (s *changeSets) new(c ChangeSet) *ChangeSet {
	if len(s.chunk) == 0 {
		s.size = min(max(s.size*2, 8), 1024)
		s.chunk = make([]ChangeSet, s.size)
	}
	cs := &s.chunk[0]
	*cs = c
	s.chunk = s.chunk[1:]
	return cs
}

// removeOrphans schedules for removal the items taken out of collections
// declared with orphanRemoval, and to-one targets replaced on such relations.
func (u *UnitOfWork) removeOrphans() error {
	for _, en := range u.im.Entries() {
		if en.State != StateManaged && en.State != StateNew {
			continue
		}
		for _, r := range en.Entity.Relations {
			if !r.OrphanRemoval {
				continue
			}
			var orphans []unsafe.Pointer
			if r.Prop.Kind.IsToMany() {
				c := r.Prop.At.Collection(en.Ptr)
				if c == nil {
					continue
				}
				for _, it := range c.RemovedAny() {
					orphans = append(orphans, reflect.ValueOf(it).UnsafePointer())
				}
			} else if en.snap != nil {
				old, cur := r.Prop.At.Pointer(en.snap), r.Prop.At.Pointer(en.Ptr)
				if old != nil && old != cur {
					orphans = append(orphans, old)
				}
			}
			for _, op := range orphans {
				if o, ok := u.im.EntryAt(r.Target, op); ok && o.State != StateRemoved {
					if err := u.remove(o, map[unsafe.Pointer]bool{}); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// IsDirty reports whether a tracked entity has changes to flush.
func (u *UnitOfWork) IsDirty(obj any) bool {
	en, ok := u.EntryOf(obj)
	return ok && u.isDirty(en)
}

func (u *UnitOfWork) isDirty(en *Entry) bool {
	switch en.State {
	case StateNew, StateRemoved:
		return true
	case StateManaged:
		if en.snap == nil {
			return false
		}
		changed, err := u.diff(en)
		if err != nil || len(changed) > 0 {
			return true
		}
		for _, r := range en.Entity.Relations {
			if r.Kind == meta.ManyToMany {
				if c := r.Prop.At.Collection(en.Ptr); c != nil && c.IsDirty() {
					return true
				}
			}
		}
	}
	return false
}

// diff lists the column-backed properties of en that differ from its snapshot.
func (u *UnitOfWork) diff(en *Entry) ([]*meta.Property, error) {
	ti := infoOf(en.Entity)
	var changed []*meta.Property
	for i := range ti.cols {
		c := &ti.cols[i]
		p := c.prop
		if p.Version {
			continue
		}
		a, b := p.At.Ptr(en.Ptr), p.At.Ptr(en.snap)
		if a == nil || b == nil {
			if a != b {
				if p.PK {
					// The struct embedded by pointer that holds the key
					// was set to nil.
					return nil, fmt.Errorf("%w: %s of %s changed from its loaded value (the struct holding it is nil)", ErrInvalidKey, p, en.key())
				}
				changed = append(changed, p)
			}
			continue
		}
		var same bool
		switch {
		case c.json:
			same = string(marshalJSON(p, en.Ptr)) == string(en.snapExt().json[i])
		case c.custom:
			cur, err := FieldValue(p, en.Ptr)
			if err != nil {
				return nil, err
			}
			same = sameCustom(p, cur, en.snapExt().vals[i])
		default:
			same = c.equal(a, b)
		}
		if same {
			continue
		}
		if p.PK {
			return nil, fmt.Errorf("%w: %s of %s changed from its loaded value", ErrInvalidKey, p, en.key())
		}
		changed = append(changed, p)
	}
	for _, p := range ti.toOne {
		cur, old := p.At.Pointer(en.Ptr), p.At.Pointer(en.snap)
		if cur == old {
			continue
		}
		if cur != nil && old != nil {
			target := p.Relation.Target
			kc, okc := KeyOf(target, cur)
			ko, oko := KeyOf(target, old)
			if okc && oko && kc == ko {
				continue
			}
		}
		changed = append(changed, p)
	}
	return changed, nil
}

// pivotChanges returns the pending pivot writes of en's many-to-many
// collections, seen from the owning side. Changes made on an inverse side are
// reported as changes of the owning side's rows.
func (u *UnitOfWork) pivotChanges(en *Entry) ([]*PivotChange, error) {
	var out []*PivotChange
	for _, r := range en.Entity.Relations {
		if r.Kind != meta.ManyToMany {
			continue
		}
		c := r.Prop.At.Collection(en.Ptr)
		if c == nil || !c.IsDirty() {
			continue
		}
		if r.Owning {
			pc := &PivotChange{Relation: r, Owner: en, Clear: c.Replaced()}
			for _, it := range c.AddedAny() {
				t, err := u.trackedItem(r, it)
				if err != nil {
					return nil, err
				}
				pc.Add = append(pc.Add, t)
			}
			for _, it := range c.RemovedAny() {
				if t, ok := u.EntryOf(it); ok {
					pc.Remove = append(pc.Remove, t)
				}
			}
			out = append(out, pc)
			continue
		}
		// Inverse side: each item is an owner whose row (item, en) changes.
		owning := r.MappedBy.Relation
		if c.Replaced() {
			out = append(out, &PivotChange{Relation: owning, ClearTarget: en})
		}
		for _, it := range c.AddedAny() {
			t, err := u.trackedItem(r, it)
			if err != nil {
				return nil, err
			}
			out = append(out, &PivotChange{Relation: owning, Owner: t, Add: []*Entry{en}})
		}
		for _, it := range c.RemovedAny() {
			if t, ok := u.EntryOf(it); ok {
				out = append(out, &PivotChange{Relation: owning, Owner: t, Remove: []*Entry{en}})
			}
		}
	}
	return out, nil
}

// trackedItem returns the entry of a collection item, which cascade persist
// has made tracked; an untracked item is an error.
func (u *UnitOfWork) trackedItem(r *meta.Relation, it any) (*Entry, error) {
	if t, ok := u.EntryOf(it); ok {
		return t, nil
	}
	return nil, fmt.Errorf("%w: %s holds an unmanaged %T; persist it or cascade persist", ErrDetached, r.Prop, it)
}

// sameAsSnapshot reports whether a freshly loaded instance of en's row holds
// what en's snapshot holds (column by column; to-one relations by key).
func sameAsSnapshot(en *Entry, fresh unsafe.Pointer) bool {
	ti := infoOf(en.Entity)
	for i := range ti.cols {
		c := &ti.cols[i]
		if c.prop.Lazy {
			continue // not part of a load
		}
		a, b := c.prop.At.Ptr(fresh), c.prop.At.Ptr(en.snap)
		if a == nil || b == nil {
			if a != b {
				return false
			}
			continue
		}
		if c.json {
			if string(marshalJSON(c.prop, fresh)) != string(en.snapExt().json[i]) {
				return false
			}
			continue
		}
		if c.custom {
			if cur, err := FieldValue(c.prop, fresh); err != nil || !sameCustom(c.prop, cur, en.snapExt().vals[i]) {
				return false
			}
			continue
		}
		if !c.equal(a, b) {
			return false
		}
	}
	for _, p := range ti.toOne {
		cur, old := p.At.Pointer(fresh), p.At.Pointer(en.snap)
		if cur == old {
			continue
		}
		if cur == nil || old == nil {
			return false
		}
		target := p.Relation.Target
		kc, okc := KeyOf(target, cur)
		ko, oko := KeyOf(target, old)
		if !okc || !oko || kc != ko {
			return false
		}
	}
	return true
}

// keyUnchanged refuses a removed entity whose primary key was changed after
// it was loaded: deleting by the new key would hit another row.
func keyUnchanged(en *Entry) error {
	if !en.hasKey {
		return nil
	}
	k, ok := KeyOf(en.Entity, en.Ptr)
	if !ok || k != en.key() {
		return fmt.Errorf("%w: the key of removed %s was changed from its loaded value", ErrInvalidKey, en.key())
	}
	return nil
}

// relinks returns the foreign-key writes of en's one-to-many collections
// that the items' own change sets do not make (see Relink).
func (u *UnitOfWork) relinks(en *Entry) ([]*Relink, error) {
	var out []*Relink
	for _, r := range en.Entity.Relations {
		if r.Kind != meta.OneToMany || r.MappedBy == nil {
			continue
		}
		c := r.Prop.At.Collection(en.Ptr)
		if c == nil || !c.IsDirty() {
			continue
		}
		rl := &Relink{Relation: r, Owner: en, Clear: c.Replaced() && en.State != StateNew}
		for _, it := range c.AddedAny() {
			if t, ok := u.EntryOf(it); ok && t.State == StateReference {
				rl.Set = append(rl.Set, t)
			}
		}
		if !r.OrphanRemoval {
			for _, it := range c.RemovedAny() {
				if t, ok := u.EntryOf(it); ok && t.State == StateReference {
					rl.Unset = append(rl.Unset, t)
				}
			}
		}
		if rl.Clear {
			for _, it := range c.AnyItems() {
				t, err := u.trackedItem(r, it)
				if err != nil {
					return nil, err
				}
				rl.Keep = append(rl.Keep, t)
			}
		}
		if len(rl.Set)+len(rl.Unset) > 0 || rl.Clear {
			if len(r.Target.PK) != 1 || len(r.MappedBy.Columns) != 1 {
				return nil, fmt.Errorf("%w: %s: writing the foreign keys of unloaded items needs a single-column key", ErrInvalidKey, r.Prop)
			}
			out = append(out, rl)
		}
	}
	return out, nil
}
