package em

import (
	"context"
	"reflect"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// Entity hooks: an entity type implements any of these (on the pointer
// receiver) to be called around its writes and loads. Before* hooks may
// change the entity; the change is written by the same flush. A hook's
// error aborts the flush (nothing is written).
type (
	BeforeCreateHook interface {
		BeforeCreate(ctx context.Context) error
	}
	AfterCreateHook interface {
		AfterCreate(ctx context.Context) error
	}
	BeforeUpdateHook interface {
		BeforeUpdate(ctx context.Context) error
	}
	AfterUpdateHook interface {
		AfterUpdate(ctx context.Context) error
	}
	BeforeDeleteHook interface {
		BeforeDelete(ctx context.Context) error
	}
	AfterDeleteHook interface {
		AfterDelete(ctx context.Context) error
	}
	OnLoadHook interface {
		OnLoad(ctx context.Context) error
	}
)

// FlushEvent is given to flush subscribers.
type FlushEvent struct {
	EM *EntityManager
	// Changes are the change sets of the flush (nil for BeforeFlush, which
	// runs before they are computed).
	Changes *uow.Changes
}

// Flush subscribers, listed in Config.Subscribers. OnFlush runs after change
// sets are computed and may inspect them; changes it makes to entities are
// picked up (change sets are recomputed).
type (
	BeforeFlushSubscriber interface {
		BeforeFlush(ctx context.Context, ev *FlushEvent) error
	}
	OnFlushSubscriber interface {
		OnFlush(ctx context.Context, ev *FlushEvent) error
	}
	AfterFlushSubscriber interface {
		AfterFlush(ctx context.Context, ev *FlushEvent) error
	}
)

// hookSet says which hook interfaces an entity type implements.
type hookSet uint8

const (
	hasBeforeCreate hookSet = 1 << iota
	hasBeforeUpdate
	hasBeforeDelete
	hasAfterCreate
	hasAfterUpdate
	hasAfterDelete
	hasValidator
	hasOnLoad
)

type hookSetKey struct{}

// hooksOf returns the hooks *T of entity e implements (computed once per
// type): a flush asks no entity for hooks its type has none of.
func hooksOf(e *meta.Entity) hookSet {
	return e.Derived(hookSetKey{}, func() any {
		t := reflect.PointerTo(e.Type)
		var h hookSet
		for _, x := range []struct {
			bit hookSet
			typ reflect.Type
		}{
			{hasBeforeCreate, reflect.TypeFor[BeforeCreateHook]()},
			{hasBeforeUpdate, reflect.TypeFor[BeforeUpdateHook]()},
			{hasBeforeDelete, reflect.TypeFor[BeforeDeleteHook]()},
			{hasAfterCreate, reflect.TypeFor[AfterCreateHook]()},
			{hasAfterUpdate, reflect.TypeFor[AfterUpdateHook]()},
			{hasAfterDelete, reflect.TypeFor[AfterDeleteHook]()},
			{hasValidator, reflect.TypeFor[Validator]()},
			{hasOnLoad, reflect.TypeFor[OnLoadHook]()},
		} {
			if t.Implements(x.typ) {
				h |= x.bit
			}
		}
		return h
	}).(hookSet)
}

// changesWith calls f for the change sets (inserts, updates, deletes) of
// entity types implementing any of want, in that order.
func changesWith(ch *uow.Changes, want hookSet, f func(c *uow.ChangeSet) error) error {
	var last *meta.Entity
	var has hookSet
	for _, list := range [][]*uow.ChangeSet{ch.Inserts, ch.Updates, ch.Deletes} {
		for _, c := range list {
			if e := c.Entry.Entity; e != last {
				last, has = e, hooksOf(e)
			}
			if has&want == 0 {
				continue
			}
			if err := f(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// afterLoad runs OnLoad hooks, once per entity. entries are of one type
// and may repeat.
func (m *EntityManager) afterLoad(ctx context.Context, entries []*uow.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	if _, ok := entries[0].Obj().(OnLoadHook); !ok && !entries[0].Entity.InFamily() {
		return nil // one type, without the hook (a family's rows may differ)
	}
	return m.callout(func() error {
		seen := make(map[*uow.Entry]bool, len(entries))
		for _, en := range entries {
			if seen[en] {
				continue
			}
			seen[en] = true
			if h, ok := en.Obj().(OnLoadHook); ok {
				if err := h.OnLoad(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// beforeHooks runs the Before* hooks of the change sets and reports whether
// any ran (so the changes must be recomputed). Each entity is copied before
// its hook runs; restore puts the copies back (after a failed flush).
func (m *EntityManager) beforeHooks(ctx context.Context, ch *uow.Changes, restore *[]func()) (bool, error) {
	ran := false
	err := changesWith(ch, hasBeforeCreate|hasBeforeUpdate|hasBeforeDelete, func(c *uow.ChangeSet) error {
		var call func(context.Context) error
		switch c.Kind {
		case uow.Insert:
			if h, ok := c.Entry.Obj().(BeforeCreateHook); ok {
				call = h.BeforeCreate
			}
		case uow.Update:
			if h, ok := c.Entry.Obj().(BeforeUpdateHook); ok {
				call = h.BeforeUpdate
			}
		case uow.Delete:
			if h, ok := c.Entry.Obj().(BeforeDeleteHook); ok {
				call = h.BeforeDelete
			}
		}
		if call == nil {
			return nil
		}
		v := reflect.ValueOf(c.Entry.Obj()).Elem()
		saved := reflect.New(v.Type()).Elem()
		saved.Set(v)
		*restore = append(*restore, func() { v.Set(saved) })
		ran = true
		return m.callout(func() error { return call(ctx) })
	})
	return ran, err
}

func (m *EntityManager) afterHooks(ctx context.Context, ch *uow.Changes) error {
	return changesWith(ch, hasAfterCreate|hasAfterUpdate|hasAfterDelete, func(c *uow.ChangeSet) error {
		var call func(context.Context) error
		switch c.Kind {
		case uow.Insert:
			if h, ok := c.Entry.Obj().(AfterCreateHook); ok {
				call = h.AfterCreate
			}
		case uow.Update:
			if h, ok := c.Entry.Obj().(AfterUpdateHook); ok {
				call = h.AfterUpdate
			}
		case uow.Delete:
			if h, ok := c.Entry.Obj().(AfterDeleteHook); ok {
				call = h.AfterDelete
			}
		}
		if call == nil {
			return nil
		}
		return m.callout(func() error { return call(ctx) })
	})
}
