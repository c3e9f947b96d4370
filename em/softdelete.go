package em

import (
	"fmt"
	"reflect"
	"slices"
	"time"
	"unsafe"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// Soft delete (the recipe, built in): an entity with a property tagged
// softDelete (a nullable time: *time.Time or sql.Null[time.Time]) is not
// deleted by Remove; Remove sets that property to the current time (UTC,
// microseconds) and the next flush writes it with an UPDATE. The
// SoftDeleteFilter, on by default, hides such rows from queries;
// WithDeleted (or DisableFilter(SoftDeleteFilter)) shows them, and Restore
// clears the property. A soft delete does not cascade along cascade=remove
// relations and runs BeforeUpdate/AfterUpdate hooks, not the Delete ones.
// NativeDelete still deletes rows (those the active filters let through).

// softRemove soft-deletes the instance at ptr (an entity of e) when its entity has a softDelete property
// and it is stored; it reports whether it did.
func (m *EntityManager) softRemove(e *meta.Entity, ptr unsafe.Pointer) (bool, error) {
	if e.SoftDelete == nil {
		return false, nil
	}
	en, ok := m.uow.EntryAt(e, ptr)
	if !ok {
		return false, nil
	}
	switch en.State {
	case uow.StateManaged:
	case uow.StateReference:
		return true, &PropertyError{Entity: e.Name, Property: e.SoftDelete.Name,
			Err: fmt.Errorf("%w: soft delete of an unloaded reference: load it first", ErrInvalidData)}
	default:
		return false, nil // new (Remove cancels the insert) or removed
	}
	if e.SoftDelete.At.IsZero(ptr) {
		setTime(e.SoftDelete, ptr, time.Now().UTC().Truncate(time.Microsecond))
	}
	delete(m.loadedUnder, en) // no longer what the filters loaded
	return true, nil
}

// Restore clears the softDelete property of soft-deleted entities (loaded
// with WithDeleted); the next flush writes it.
func (m *EntityManager) Restore(entities ...any) error {
	entered, err := m.guarded()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	type target struct {
		p   *meta.Property
		ptr unsafe.Pointer
	}
	var todo []target
	for _, obj := range entities {
		e, ptr, err := m.uow.Resolve(obj)
		if err != nil {
			return err
		}
		if e.SoftDelete == nil {
			return &PropertyError{Entity: e.Name, Err: fmt.Errorf("%w: Restore needs a softDelete property", ErrInvalidData)}
		}
		if en, ok := m.uow.EntryOf(obj); !ok || en.State != uow.StateManaged {
			return &PropertyError{Entity: e.Name, Err: fmt.Errorf("%w: Restore needs a loaded, managed entity", ErrInvalidData)}
		}
		todo = append(todo, target{e.SoftDelete, ptr})
	}
	for _, t := range todo {
		reflect.NewAt(t.p.Type, t.p.At.PtrAlloc(t.ptr)).Elem().SetZero()
	}
	return nil
}

// setTime stores t into a nullable time property.
func setTime(p *meta.Property, ptr unsafe.Pointer, t time.Time) {
	f := reflect.NewAt(p.Type, p.At.PtrAlloc(ptr)).Elem()
	switch p.Wrap {
	case meta.WrapPointer:
		v := reflect.New(p.Type.Elem())
		v.Elem().Set(reflect.ValueOf(t).Convert(p.Type.Elem()))
		f.Set(v)
	default: // sql.Null[time.Time], sql.NullTime
		v := reflect.New(p.Type).Elem()
		v.Field(0).Set(reflect.ValueOf(t).Convert(v.Field(0).Type()))
		v.Field(1).SetBool(true)
		f.Set(v)
	}
}

// hideSoftDeleted takes the entities a flush soft-deleted out of the loaded
// collections that hold them, as the soft-delete filter hides them from
// what a fresh EntityManager loads (to-one pointers stay: those load by key
// without filters). With the filter off in m they stay.
func (m *EntityManager) hideSoftDeleted(ch *uow.Changes) {
	var gone map[unsafe.Pointer]bool
	for _, c := range ch.Updates {
		e := c.Entry.Entity
		if e.SoftDelete == nil || !slices.Contains(c.Changed, e.SoftDelete) || e.SoftDelete.At.IsZero(c.Entry.Ptr) {
			continue
		}
		if !m.filterOn(SoftDeleteFilter, e) {
			continue
		}
		if gone == nil {
			gone = map[unsafe.Pointer]bool{}
		}
		gone[c.Entry.Ptr] = true
	}
	if gone != nil {
		m.uow.LeaveCollections(gone)
	}
}

// filterOn reports whether the filter name applies to e in m (its default,
// or what EnableFilter/DisableFilter set).
func (m *EntityManager) filterOn(name string, e *meta.Entity) bool {
	d := m.s.filters.byName[name]
	if d == nil || (d.only != nil && !d.only[e]) {
		return false
	}
	on := d.Default
	if s, ok := m.filters[name]; ok {
		on = s.on
	}
	return on
}
