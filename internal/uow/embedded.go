package uow

import (
	"fmt"
	"reflect"
	"slices"
	"unsafe"

	"github.com/unitorm/unitorm/internal/access"
	"github.com/unitorm/unitorm/meta"
)

// EmbeddableIsNil reports whether a pointer embeddable is nil in the entity
// at ptr (or unreachable behind a nil parent).
func EmbeddableIsNil(em *meta.Embeddable, ptr unsafe.Pointer) bool {
	s := em.At.Slot(ptr)
	return s == nil || (em.Nullable && *(*unsafe.Pointer)(s) == nil)
}

// sharedStructs are the pointer fields on the way to e's properties: Go
// structs embedded by pointer (type T struct{ *Base }) and pointer
// embeddables (tag embedded). A shallow copy of an entity shares what they
// point to with the original; cloneShared gives the copy its own. Each is
// the path to the pointer field itself (the slot), outer ones first.
type sharedStruct struct {
	slot access.Path
	typ  reflect.Type // the struct pointed to
	// nullable: a pointer embeddable (tag embedded), whose nil stands for
	// NULL columns; otherwise a Go struct embedded by pointer.
	nullable bool
}

func sharedStructs(e *meta.Entity) []sharedStruct {
	var out []sharedStruct
	seen := map[string]bool{}
	for _, p := range e.Props {
		steps := p.At.Steps
		for i, st := range steps {
			if !st.Deref {
				continue
			}
			slot := append(append(access.Path(nil), steps[:i]...), access.Step{Offset: st.Offset})
			key := fmt.Sprint(slot)
			if !seen[key] {
				seen[key] = true
				out = append(out, sharedStruct{slot: slot, typ: st.Type})
			}
		}
	}
	for i := range out {
		for _, em := range e.Embeddeds {
			if em.Nullable && fmt.Sprint(em.At) == fmt.Sprint(out[i].slot) {
				out[i].nullable = true
			}
		}
	}
	// Outer first: an inner slot is reached through the outer clone.
	slices.SortStableFunc(out, func(a, b sharedStruct) int { return len(a.slot) - len(b.slot) })
	return out
}

// allocEmbedded gives the new entity at ptr a zero struct for each nil Go
// struct it embeds by pointer (not for nil pointer embeddables: those are
// NULL), so that their fields are written as zero values, as they would be
// embedded by value.
func allocEmbedded(e *meta.Entity, ptr unsafe.Pointer) {
	for _, sh := range infoOf(e).shared {
		if sh.nullable {
			continue
		}
		if s := sh.slot.Slot(ptr); s != nil && *(*unsafe.Pointer)(s) == nil {
			*(*unsafe.Pointer)(s) = reflect.New(sh.typ).UnsafePointer()
		}
	}
}

// checkSharedStructs refuses two tracked entities that point to one struct
// embedded by pointer (or one pointer embeddable): each would write the
// other's fields, its key among them. Only entity types that embed by
// pointer are looked at.
func checkSharedStructs(entries []*Entry) error {
	var seen map[unsafe.Pointer]*Entry
	var lastType *meta.Entity
	var shared []sharedStruct
	for _, en := range entries {
		if en.Entity != lastType { // entries come in runs of one type
			lastType, shared = en.Entity, infoOf(en.Entity).shared
		}
		if len(shared) == 0 || en.State == StateRemoved {
			continue
		}
		for _, sh := range shared {
			s := sh.slot.Slot(en.Ptr)
			if s == nil || *(*unsafe.Pointer)(s) == nil {
				continue
			}
			target := *(*unsafe.Pointer)(s)
			if seen == nil {
				seen = map[unsafe.Pointer]*Entry{}
			}
			if other, dup := seen[target]; dup && other != en {
				return fmt.Errorf("%w: %s and %s point to the same *%s: each entity needs its own (copy it: b := *shared; x.%s = &b)",
					ErrDuplicateIdentity, other.describe(), en.describe(), sh.typ.Name(), sh.typ.Name())
			}
			seen[target] = en
		}
	}
	return nil
}

// describe names en by its key, or as a new entity of its type.
func (en *Entry) describe() string {
	if en.hasKey {
		return en.key().String()
	}
	return "new " + en.Entity.Name
}

// cloneShared gives the entity at dst, a shallow copy of another, its own
// copies of the structs it reaches through pointers (see sharedStructs).
func cloneShared(shared []sharedStruct, dst unsafe.Pointer) {
	for _, sh := range shared {
		s := sh.slot.Slot(dst)
		if s == nil || *(*unsafe.Pointer)(s) == nil {
			continue
		}
		n := reflect.New(sh.typ)
		n.Elem().Set(reflect.NewAt(sh.typ, *(*unsafe.Pointer)(s)).Elem())
		*(*unsafe.Pointer)(s) = n.UnsafePointer()
	}
}
