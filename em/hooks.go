package em

import (
	"context"
	"reflect"

	"github.com/unitorm/unitorm/internal/uow"
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

// afterLoad runs OnLoad hooks, once per entity. entries are of one type
// and may repeat.
func (m *EntityManager) afterLoad(ctx context.Context, entries []*uow.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	if _, ok := entries[0].Obj.(OnLoadHook); !ok && !entries[0].Entity.InFamily() {
		return nil // one type, without the hook (a family's rows may differ)
	}
	return m.callout(func() error {
		seen := make(map[*uow.Entry]bool, len(entries))
		for _, en := range entries {
			if seen[en] {
				continue
			}
			seen[en] = true
			if h, ok := en.Obj.(OnLoadHook); ok {
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
	for _, c := range ch.All() {
		var call func(context.Context) error
		switch c.Kind {
		case uow.Insert:
			if h, ok := c.Entry.Obj.(BeforeCreateHook); ok {
				call = h.BeforeCreate
			}
		case uow.Update:
			if h, ok := c.Entry.Obj.(BeforeUpdateHook); ok {
				call = h.BeforeUpdate
			}
		case uow.Delete:
			if h, ok := c.Entry.Obj.(BeforeDeleteHook); ok {
				call = h.BeforeDelete
			}
		}
		if call == nil {
			continue
		}
		v := reflect.ValueOf(c.Entry.Obj).Elem()
		saved := reflect.New(v.Type()).Elem()
		saved.Set(v)
		*restore = append(*restore, func() { v.Set(saved) })
		ran = true
		if err := m.callout(func() error { return call(ctx) }); err != nil {
			return ran, err
		}
	}
	return ran, nil
}

func (m *EntityManager) afterHooks(ctx context.Context, ch *uow.Changes) error {
	for _, c := range ch.All() {
		var call func(context.Context) error
		switch c.Kind {
		case uow.Insert:
			if h, ok := c.Entry.Obj.(AfterCreateHook); ok {
				call = h.AfterCreate
			}
		case uow.Update:
			if h, ok := c.Entry.Obj.(AfterUpdateHook); ok {
				call = h.AfterUpdate
			}
		case uow.Delete:
			if h, ok := c.Entry.Obj.(AfterDeleteHook); ok {
				call = h.AfterDelete
			}
		}
		if call == nil {
			continue
		}
		if err := m.callout(func() error { return call(ctx) }); err != nil {
			return err
		}
	}
	return nil
}
