package uow

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

// FlushError says which statement of a flush failed, for which entities. It
// unwraps to the cause (a *ConstraintError, ErrOptimisticLock, the driver's
// error, a context error).
type FlushError struct {
	Step     string // e.g. "insert Author ×3"
	Entities string // the keys (or "new X") of the entities written
	SQL      string
	Err      error
}

func (e *FlushError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "unitorm: flush failed at %s", e.Step)
	if e.Entities != "" {
		fmt.Fprintf(&b, " %s", e.Entities)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	if e.SQL != "" {
		fmt.Fprintf(&b, " (SQL: %s)", truncate(e.SQL, 300))
	}
	return b.String()
}

func (e *FlushError) Unwrap() error { return e.Err }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// StatementError wraps err as the failure of statement s.
func StatementError(s *Statement, sql string, err error) error {
	fe := &FlushError{Step: s.Step.String(), SQL: sql, Err: err}
	if len(s.Entries) > 0 {
		d := s.Describe()
		if i := strings.IndexByte(d, '['); i >= 0 {
			fe.Entities = d[i:]
		}
	}
	return fe
}

// AffectedMismatch is the error for a statement that affected n rows where
// s.Expect were required: an optimistic-lock failure on versioned entities,
// else rows that vanished.
func AffectedMismatch(s *Statement, n int64) error {
	e := s.Step.Entity
	if e != nil && e.Version != nil && s.Step.Kind != StepFixup {
		return fmt.Errorf("%w: %s: %d of %d rows matched their version (changed or deleted by someone else)",
			ErrOptimisticLock, strings.TrimPrefix(s.Describe(), s.Step.String()+" "), n, s.Expect)
	}
	return fmt.Errorf("%w: %d of %d rows found", ErrRowsMissing, n, s.Expect)
}

// Commit records a successful flush: new entities become managed, versions
// move on, snapshots are retaken, collection diffs cleared, and removed
// entities forgotten. Call it after the transaction commits.
func (p *Plan) Commit() {
	keyed := p.keyed // generated keys: undone by UndoCommit too
	p.keyed = nil
	ch := p.Changes
	for en, v := range p.versions {
		old := en.Entity.Version.At.Interface(en.Ptr)
		_ = en.Entity.Version.At.Set(en.Ptr, v)
		ptr, prop := en.Ptr, en.Entity.Version
		p.committed = append(p.committed, func() { _ = prop.At.Set(ptr, old) })
	}
	if len(keyed) > 0 {
		p.committed = append(p.committed, func() { p.unkey(keyed) })
	}
	for _, c := range ch.Inserts {
		en := c.Entry
		en.State = StateManaged
		if !en.hasKey {
			if k, ok := KeyOf(en.Entity, en.Ptr); ok {
				p.u.im.setKey(en, k)
			}
		}
		for _, r := range en.Entity.Relations {
			if c := r.Prop.At.Collection(en.Ptr); c != nil {
				p.committed = append(p.committed, c.SaveDiff())
				c.MarkInitialized()
			}
		}
	}
	p.syncInverseCollections()
	gone := make([]*Entry, len(ch.Deletes))
	for i, c := range ch.Deletes {
		gone[i] = c.Entry
	}
	p.u.im.dropAll(gone)
	for _, en := range p.u.im.Entries() {
		// Written: the snapshots say where every pointer is now.
		en.setLinks(nil)
		if en.State != StateManaged && en.State != StateReference {
			continue
		}
		for _, r := range en.Entity.Relations {
			if c := r.Prop.At.Collection(en.Ptr); c != nil && c.IsDirty() {
				p.committed = append(p.committed, c.SaveDiff())
				c.ResetDiff()
			}
		}
	}
	for _, c := range ch.Inserts {
		takeSnapshot(c.Entry, &p.u.im.snaps)
	}
	for _, c := range ch.Updates {
		takeSnapshot(c.Entry, &p.u.im.snaps)
	}
}

// UndoCommit puts back, in entities, what Commit and the flush changed:
// generated keys, versions and collection diffs. It is for flushes inside a
// transaction that later rolled back; the identity map it belonged to is
// discarded by the caller.
func (p *Plan) UndoCommit() {
	for i := len(p.committed) - 1; i >= 0; i-- {
		p.committed[i]()
	}
	p.committed = nil
}

// syncInverseCollections keeps loaded collections in step with what the
// flush wrote: an entity moved to another owner leaves the old owner's
// loaded collection and joins the new one's; a deleted entity leaves the
// loaded collections that held it.
func (p *Plan) syncInverseCollections() {
	saved := map[meta.AnyCollection]bool{}
	edit := func(c meta.AnyCollection, add bool, obj any) {
		if c == nil || !c.IsInitialized() || c.ContainsAny(obj) == add {
			return
		}
		if !saved[c] {
			saved[c] = true
			p.committed = append(p.committed, c.SaveDiff())
		}
		// Only the items: the other side is edited by its own sync, and
		// the diffs are cleared below.
		if add {
			_ = c.SyncAdd(obj, false)
		} else {
			_ = c.SyncRemove(obj, false)
		}
	}
	for _, cs := range p.Changes.Updates {
		en := cs.Entry
		for _, prop := range cs.Changed {
			r := prop.Relation
			if r == nil || !r.Owning || r.InversedBy == nil || en.snap == nil {
				continue
			}
			old, cur := prop.At.Pointer(en.snap), prop.At.Pointer(en.Ptr)
			if inv := r.InversedBy; inv.Kind == meta.OneToOne {
				// The inverse pointers follow the row: the old target loses
				// en (a load may have set it from the stored row since).
				if old != nil && old != cur && inv.At.Pointer(old) == en.Ptr {
					ptr := old
					p.committed = append(p.committed, func() { inv.At.SetPointer(ptr, en.Ptr) })
					inv.At.SetPointer(old, nil)
				}
				if cur != nil && inv.At.Pointer(cur) != en.Ptr {
					ptr, was := cur, inv.At.Pointer(cur)
					p.committed = append(p.committed, func() { inv.At.SetPointer(ptr, was) })
					inv.At.SetPointer(cur, en.Ptr)
				}
				continue
			}
			if old != nil && old != cur {
				edit(r.InversedBy.At.Collection(old), false, en.Obj())
			}
			if cur != nil {
				edit(r.InversedBy.At.Collection(cur), true, en.Obj())
			}
		}
	}
	if len(p.Changes.Deletes) > 0 && p.u.reg.HasRelations() {
		gone := make(map[unsafe.Pointer]bool, len(p.Changes.Deletes))
		for _, cs := range p.Changes.Deletes {
			gone[cs.Entry.Ptr] = true
		}
		p.forgetGone(gone, edit)
	}
	for _, pc := range p.Changes.Pivots {
		if pc.Clear {
			p.forgetReplaced(pc, edit)
		}
		if pc.ClearTarget != nil {
			p.forgetReplacedInverse(pc, edit)
		}
	}
	for _, rl := range p.Changes.Relinks {
		if rl.Clear {
			p.forgetCleared(rl)
		}
	}
}
