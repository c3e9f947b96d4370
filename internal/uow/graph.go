package uow

import (
	"reflect"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

// Keeping both sides of a relation in step.
//
// Collections of managed entities are bound to their relation
// (rel.Collection.Bind), so Add, Remove and Set update the other side at
// once. A to-one pointer is a plain field write the ORM cannot see: the
// other side (a loaded inverse collection, an inverse one-to-one pointer) is
// brought in step by syncToOne, which runs at Persist, at every Flush (for
// every managed entity) and when a load changes a pointer of a managed
// entity. After a flush, deleted entities leave the loaded collections that
// held them (Plan.syncInverseCollections).

// link is what a to-one relation's other side was last brought in step with.
type link struct {
	set     bool
	pending bool // ptr's collection was not loaded: join it once it is
	ptr     unsafe.Pointer
}

// inverses are the rel.Inverse values of one Unit of Work, one per
// relation.
type inverses struct {
	u     *UnitOfWork
	byRel map[*meta.Relation]*inverse
}

// inverse passes a collection's changes on to the other side (through the
// relation's metadata) and, for one-to-many items, records in the item's
// entry which owner its pointer now shows, so that a later pointer write is
// synced from there.
type inverse struct {
	u    *UnitOfWork
	r    *meta.Relation
	link int // index of the item's owning relation in r.Target.Relations (-1: none)
}

func (s *inverses) of(r *meta.Relation) *inverse {
	if iv, ok := s.byRel[r]; ok {
		return iv
	}
	iv := &inverse{u: s.u, r: r, link: -1}
	if (r.Kind == meta.OneToMany || (r.Kind == meta.OneToOne && !r.Owning)) && r.MappedBy != nil {
		for i, tr := range r.Target.Relations {
			if tr.Prop == r.MappedBy {
				iv.link = i
			}
		}
	}
	if s.byRel == nil {
		s.byRel = map[*meta.Relation]*inverse{}
	}
	s.byRel[r] = iv
	return iv
}

// bind binds every collection of en to its relation, so that changes made
// through the collection reach the other side.
func (s *inverses) bind(en *Entry) {
	for _, r := range en.Entity.Relations {
		if !r.Kind.IsToMany() {
			continue
		}
		c := r.Prop.At.Collection(en.Ptr)
		if c == nil {
			continue
		}
		if s == nil {
			c.Bind(en.Obj(), r)
			continue
		}
		c.Bind(en.Obj(), s.of(r))
	}
}

func (iv *inverse) Added(owner, item any) {
	iv.leaveLast(owner, item)
	iv.r.Added(owner, item)
	iv.note(owner, item)
}

func (iv *inverse) Removed(owner, item any) {
	iv.leaveLast(owner, item)
	iv.r.Removed(owner, item)
	iv.note(owner, item)
}

// leaveLast takes a one-to-many item out of the collection of the owner its
// other side was last in step with, when its pointer was moved since
// without a sync (a plain field write): the collection change about to be
// made moves it from where memory last showed it.
func (iv *inverse) leaveLast(owner, item any) {
	if iv.link < 0 {
		return
	}
	ip := reflect.ValueOf(item).UnsafePointer()
	if ip == nil {
		return
	}
	en, ok := iv.u.im.EntryAt(iv.r.Target, ip)
	if !ok {
		return
	}
	last, _ := lastLink(en, iv.link, iv.r.MappedBy)
	if last == nil || last == iv.r.MappedBy.At.Pointer(ip) || last == reflect.ValueOf(owner).UnsafePointer() {
		return
	}
	if c := iv.r.Prop.At.Collection(last); c != nil {
		_ = c.SyncRemove(item, false)
	}
}

// note records the pointer a one-to-many item shows now as the one its
// other side is in step with — when the change put it there (the owner, or
// nil after a removal). A pointer moved elsewhere by a plain write is not in
// step yet: the link stays, and the next sync moves the item.
func (iv *inverse) note(owner, item any) {
	if iv.link < 0 {
		return
	}
	ip := reflect.ValueOf(item).UnsafePointer()
	if ip == nil {
		return
	}
	cur := iv.r.MappedBy.At.Pointer(ip)
	if cur != nil && cur != reflect.ValueOf(owner).UnsafePointer() {
		return
	}
	if en, ok := iv.u.im.EntryAt(iv.r.Target, ip); ok {
		setLink(en, iv.link, cur)
	}
}

// initCollections marks the collections of a new entity initialized: it has
// no rows elsewhere yet, so what they hold is their whole content.
func initCollections(en *Entry) {
	for _, r := range en.Entity.Relations {
		if !r.Kind.IsToMany() {
			continue
		}
		if c := r.Prop.At.Collection(en.Ptr); c != nil && !c.IsInitialized() {
			c.MarkInitialized()
		}
	}
}

// lastLink returns the target the other side of relation i was last in step
// with: the one recorded by a sync, else the loaded one (snapshot), else nil;
// pending reports that the target's collection was not loaded then, so en
// is to join it once it is.
func lastLink(en *Entry, i int, p *meta.Property) (last unsafe.Pointer, pending bool) {
	if ls := en.linkList(); ls != nil && ls[i].set {
		return ls[i].ptr, ls[i].pending
	}
	if en.snap != nil {
		return p.At.Pointer(en.snap), false
	}
	return nil, false
}

func setLink(en *Entry, i int, ptr unsafe.Pointer) { setLinkPending(en, i, ptr, false) }

func setLinkPending(en *Entry, i int, ptr unsafe.Pointer, pending bool) {
	en.ensureLinks()[i] = link{set: true, ptr: ptr, pending: pending}
}

// NoteLoaded records, for a one-to-many load (relation r, owner's side),
// that item is in step with target: the owner whose collection the load put
// it in, or — for an item the load kept out because memory moved it —
// the owner its pointer shows now, which it is still to join (pending).
func (u *UnitOfWork) NoteLoaded(r *meta.Relation, item *Entry, target unsafe.Pointer, pending bool) {
	iv := u.inv.of(r)
	if iv.link < 0 || item.Entity != r.Target {
		return
	}
	// Where memory showed it last, it is no more.
	if last, _ := lastLink(item, iv.link, r.MappedBy); last != nil && last != target {
		if c := r.Prop.At.Collection(last); c != nil {
			_ = c.SyncRemove(item.Obj(), false)
		} else if r.Kind == meta.OneToOne && r.Prop.At.Pointer(last) == item.Ptr {
			r.Prop.At.SetPointer(last, nil)
		}
	}
	setLinkPending(item, iv.link, target, pending && target != nil)
}

// syncToOne brings the other side of en's to-one relation r (index i in
// en.Entity.Relations) in step with en's pointer. It does work only when the
// pointer moved since the last sync (or the load), so a flush of unchanged
// entities costs one pointer comparison per relation.
func syncToOne(en *Entry, i int, r *meta.Relation) {
	other := r.Other()
	if other == nil || en.State == StateRemoved || en.State == StateReference {
		return
	}
	p := r.Prop
	cur := p.At.Pointer(en.Ptr)
	if !r.Owning {
		// Inverse one-to-one: the owning side is what is written. Setting
		// only the inverse pointer of a pair whose owner points nowhere
		// sets the owner's pointer; a pointer the owner already holds wins.
		if cur != nil && other.At.Pointer(cur) == nil {
			other.At.SetPointer(cur, en.Ptr)
		}
		return
	}
	last, pending := lastLink(en, i, p)
	if last == cur && !pending {
		return
	}
	pending = false
	switch other.Kind {
	case meta.OneToMany:
		if last != nil && last != cur {
			if c := other.At.Collection(last); c != nil {
				_ = c.SyncRemove(en.Obj(), false)
			}
		}
		if cur != nil {
			c := other.At.Collection(cur)
			switch {
			case c == nil:
			case !c.IsInitialized():
				// Not known yet (a new owner not persisted yet gets its
				// collections initialized later): joined when it is.
				pending = true
			case other.Relation.OrphanRemoval && holds(c.RemovedAny(), en.Obj()):
				// An item taken out of a collection that removes orphans
				// is deleted at the flush; pointing it back does not undo
				// that.
			default:
				_ = c.SyncAdd(en.Obj(), false)
			}
		}
	case meta.OneToOne:
		if last != nil && last != cur && other.At.Pointer(last) == en.Ptr {
			other.At.SetPointer(last, nil)
		}
		if cur != nil {
			// A target taken from another owner: that owner's pointer
			// goes (one-to-one), and its row is written so.
			if prev := other.At.Pointer(cur); prev != nil && prev != en.Ptr && p.At.Pointer(prev) == cur {
				p.At.SetPointer(prev, nil)
			}
			other.At.SetPointer(cur, en.Ptr)
		}
	}
	setLinkPending(en, i, cur, pending)
}

// holdLinks records the current to-one targets of en as the ones the other
// sides are in step with, before a load overwrites its pointers; the next
// syncLoaded then moves en between the other sides.
func holdLinks(en *Entry) {
	for i, r := range en.Entity.Relations {
		if r.Owning && !r.Kind.IsToMany() && r.Other() != nil {
			if ls := en.linkList(); ls == nil || !ls[i].set {
				last, pending := lastLink(en, i, r.Prop)
				setLinkPending(en, i, last, pending)
			}
		}
	}
}

// syncLoaded brings the other sides in step after a load changed en's
// pointers.
func syncLoaded(en *Entry) {
	for i, r := range en.Entity.Relations {
		if !r.Kind.IsToMany() {
			syncToOne(en, i, r)
		}
	}
}

// forgetGone takes deleted entities out of the initialized collections and
// inverse one-to-one pointers of the entities still managed, whichever side
// they were reached from. It runs after a flush that deleted something.
//
// Rows the database deleted by ON DELETE CASCADE (their stored foreign key
// pointed at a deleted row) are gone too: they are forgotten like the
// deleted ones.
func (p *Plan) forgetGone(gone map[unsafe.Pointer]bool, edit func(c meta.AnyCollection, add bool, obj any)) {
	entries := p.u.im.Entries()
	var cascaded []*Entry
	for more := true; more; {
		more = false
		for _, en := range entries {
			if gone[en.Ptr] || en.snap == nil {
				continue
			}
			for _, r := range en.Entity.Relations {
				if r.Owning && !r.Kind.IsToMany() && r.OnDelete == meta.ActionCascade {
					if t := r.Prop.At.Pointer(en.snap); t != nil && gone[t] {
						gone[en.Ptr] = true
						cascaded = append(cascaded, en)
						more = true
						break
					}
				}
			}
		}
	}
	defer func() {
		for _, en := range cascaded {
			p.u.im.drop(en)
		}
	}()
	for _, en := range entries {
		if en.State == StateRemoved || gone[en.Ptr] {
			continue
		}
		for _, r := range en.Entity.Relations {
			switch {
			case r.Kind.IsToMany():
				c := r.Prop.At.Collection(en.Ptr)
				if c == nil || !c.IsInitialized() {
					continue
				}
				isGone := func(it any) bool { return gone[reflect.ValueOf(it).UnsafePointer()] }
				found := false
				c.SyncRemoveFunc(func(it any) bool { found = found || isGone(it); return false })
				if found {
					p.committed = append(p.committed, c.SaveDiff())
					c.SyncRemoveFunc(isGone)
				}
			case !r.Owning && r.Kind == meta.OneToOne:
				if t := r.Prop.At.Pointer(en.Ptr); t != nil && gone[t] {
					ptr, prop := en.Ptr, r.Prop
					p.committed = append(p.committed, func() { prop.At.SetPointer(ptr, t) })
					prop.At.SetPointer(ptr, nil)
				}
			case r.Owning:
				// No stored row points at a deleted one (the foreign key
				// refused it, or set it to NULL): a pointer still at it in
				// memory goes to nil, snapshot included (nothing to write).
				t := r.Prop.At.Pointer(en.Ptr)
				if t == nil || !gone[t] {
					continue
				}
				ptr, prop := en.Ptr, r.Prop
				p.committed = append(p.committed, func() { prop.At.SetPointer(ptr, t) })
				prop.At.SetPointer(ptr, nil)
				if en.snap != nil && prop.At.Pointer(en.snap) == t {
					sp := en.snap
					p.committed = append(p.committed, func() { prop.At.SetPointer(sp, t) })
					prop.At.SetPointer(sp, nil)
				}
			}
		}
	}
}

// LeaveCollections takes the entities at the addresses in gone out of every
// loaded collection that holds them, recording no change (the rows are
// where they were; a filter now hides them, as soft deletes do).
func (u *UnitOfWork) LeaveCollections(gone map[unsafe.Pointer]bool) {
	isGone := func(it any) bool { return gone[reflect.ValueOf(it).UnsafePointer()] }
	for _, en := range u.im.Entries() {
		if gone[en.Ptr] {
			continue
		}
		for _, r := range en.Entity.Relations {
			if !r.Kind.IsToMany() {
				continue
			}
			if c := r.Prop.At.Collection(en.Ptr); c != nil && c.IsInitialized() {
				c.SyncRemoveFunc(isGone)
			}
		}
	}
}

// forgetReplaced takes owner pc.Owner out of the initialized collections on
// the other side of a many-to-many collection whose whole content was
// replaced without being loaded (Set on a collection not initialized): the
// rows it had are gone, and which entities held it was not known before.
func (p *Plan) forgetReplaced(pc *PivotChange, edit func(c meta.AnyCollection, add bool, obj any)) {
	r := pc.Relation
	other := r.Other()
	if other == nil {
		return
	}
	owner := pc.Owner
	c := r.Prop.At.Collection(owner.Ptr)
	if c == nil {
		return
	}
	keep := map[unsafe.Pointer]bool{}
	for _, it := range c.AnyItems() {
		keep[reflect.ValueOf(it).UnsafePointer()] = true
	}
	for _, en := range p.u.im.OfType(r.Target) {
		if keep[en.Ptr] {
			continue
		}
		if oc := other.At.Collection(en.Ptr); oc != nil && oc.IsInitialized() {
			edit(oc, false, owner.Obj())
		}
	}
}

// unlinkNew takes a new entity that is removed before it was ever flushed out
// of the other sides it was brought in step with: loaded collections of its
// to-one targets, their inverse one-to-one pointers, and the other side of
// its many-to-many collections.
func unlinkNew(en *Entry) {
	for i, r := range en.Entity.Relations {
		other := r.Other()
		if other == nil {
			continue
		}
		switch {
		case r.Kind.IsToMany():
			c := r.Prop.At.Collection(en.Ptr)
			if c == nil || r.Kind != meta.ManyToMany {
				continue
			}
			for _, it := range c.AnyItems() {
				if tp := reflect.ValueOf(it).UnsafePointer(); tp != nil {
					if oc := other.At.Collection(tp); oc != nil {
						_ = oc.SyncRemove(en.Obj(), true)
					}
				}
			}
		default:
			// Where the pointer is now, and where memory last put it.
			last, _ := lastLink(en, i, r.Prop)
			for _, t := range []unsafe.Pointer{r.Prop.At.Pointer(en.Ptr), last} {
				if t == nil {
					continue
				}
				if other.Kind.IsToMany() {
					if oc := other.At.Collection(t); oc != nil {
						_ = oc.SyncRemove(en.Obj(), false)
					}
				} else if other.At.Pointer(t) == en.Ptr {
					other.At.SetPointer(t, nil)
				}
			}
		}
	}
}

// SettleDiffs clears the pending diffs of collections after a flush that had
// nothing to write (changes that cancelled out, or an item added where it
// already was).
func (u *UnitOfWork) SettleDiffs() {
	for _, en := range u.im.Entries() {
		if en.State != StateManaged && en.State != StateReference {
			continue
		}
		for _, r := range en.Entity.Relations {
			if c := r.Prop.At.Collection(en.Ptr); c != nil && c.IsDirty() {
				c.ResetDiff()
			}
		}
	}
}

// forgetReplacedInverse is forgetReplaced for an inverse many-to-many
// collection replaced while unloaded: the owners that held the target in
// their loaded collections and are not in its new content lose it.
func (p *Plan) forgetReplacedInverse(pc *PivotChange, edit func(c meta.AnyCollection, add bool, obj any)) {
	r := pc.Relation // the owning side
	target := pc.ClearTarget
	inv := r.InversedBy
	if inv == nil {
		return
	}
	c := inv.At.Collection(target.Ptr)
	if c == nil {
		return
	}
	keep := map[unsafe.Pointer]bool{}
	for _, it := range c.AnyItems() {
		keep[reflect.ValueOf(it).UnsafePointer()] = true
	}
	for _, en := range p.u.im.OfType(r.Owner) {
		if keep[en.Ptr] {
			continue
		}
		if oc := r.Prop.At.Collection(en.Ptr); oc != nil && oc.IsInitialized() {
			edit(oc, false, target.Obj())
		}
	}
}

// forgetCleared brings memory in step with a one-to-many collection whose
// stored content was replaced: the managed items that pointed at the owner
// and are not kept now point nowhere (the database set their key to NULL),
// or are forgotten when the relation removes orphans (they were deleted).
func (p *Plan) forgetCleared(rl *Relink) {
	owner := rl.Owner.Ptr
	fk := rl.Relation.MappedBy
	keep := make(map[*Entry]bool, len(rl.Keep))
	for _, k := range rl.Keep {
		keep[k] = true
	}
	for _, en := range p.u.im.OfType(rl.Relation.Target) {
		if keep[en] || fk.At.Pointer(en.Ptr) != owner {
			continue
		}
		if rl.Relation.OrphanRemoval {
			p.u.im.drop(en)
			continue
		}
		ptr := en.Ptr
		p.committed = append(p.committed, func() { fk.At.SetPointer(ptr, owner) })
		fk.At.SetPointer(ptr, nil)
		if en.snap != nil && fk.At.Pointer(en.snap) == owner {
			sp := en.snap
			p.committed = append(p.committed, func() { fk.At.SetPointer(sp, owner) })
			fk.At.SetPointer(sp, nil)
		}
	}
}

// Replaced implements rel.Replacer: a collection that was not loaded got a
// whole new content (Set), so the entities in memory on the other side that
// are not in it leave the owner now: one-to-many items pointing at it get a
// nil pointer, other sides of a many-to-many relation drop it from their
// loaded collections. The flush clears what is stored (Relink, pivot
// clears).
func (iv *inverse) Replaced(owner any, items []any) {
	op := reflect.ValueOf(owner).UnsafePointer()
	other := iv.r.Other()
	if op == nil || other == nil {
		return
	}
	keep := make(map[unsafe.Pointer]bool, len(items))
	for _, it := range items {
		keep[reflect.ValueOf(it).UnsafePointer()] = true
	}
	for _, en := range iv.u.im.OfType(iv.r.Target) {
		if keep[en.Ptr] || en.State == StateRemoved {
			continue
		}
		switch iv.r.Kind {
		case meta.OneToMany:
			if other.At.Pointer(en.Ptr) == op && iv.r.OrphanRemoval {
				// An orphan: deleted at the flush, as Remove from the
				// collection would (its pointer stays until then).
				_ = iv.u.remove(en, map[unsafe.Pointer]bool{})
				continue
			}
			if other.At.Pointer(en.Ptr) == op {
				other.At.SetPointer(en.Ptr, nil)
				if iv.link >= 0 {
					setLink(en, iv.link, nil)
				}
			}
		case meta.ManyToMany:
			if c := other.At.Collection(en.Ptr); c != nil {
				_ = c.SyncRemove(owner, false)
			}
		}
	}
}

type keptLink struct {
	prop *meta.Property
	ptr  unsafe.Pointer
}

// keptLinks returns the to-one pointers of en that a sync or a collection
// change recorded (see link), with their current values.
func keptLinks(en *Entry) []keptLink {
	var out []keptLink
	for i, l := range en.linkList() {
		if l.set {
			p := en.Entity.Relations[i].Prop
			out = append(out, keptLink{prop: p, ptr: p.At.Pointer(en.Ptr)})
		}
	}
	return out
}

func copyLinks(l []link) []link {
	if l == nil {
		return nil
	}
	return append([]link(nil), l...)
}

// unbindCollections unbinds en's collections: an entity no longer tracked
// (Detach, Clear) passes no change on; a later Persist binds it again.
func unbindCollections(en *Entry) {
	for _, r := range en.Entity.Relations {
		if r.Kind.IsToMany() {
			if c := r.Prop.At.Collection(en.Ptr); c != nil {
				c.Bind(en.Obj(), nil)
			}
		}
	}
}
