// Package access reaches the fields of entity structs in memory: the
// unsafe.Pointer arithmetic behind hydration, snapshots and change
// detection. Each meta.Property carries a Field (its At field) built once by
// the Registry; only this module's layers can name the type.
package access

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/unitorm/unitorm/rel"
)

// Field locates one property's field inside its entity struct.
type Field struct {
	Name string       // Entity.Field, for error messages
	Type reflect.Type // Go type of the field
	Kind reflect.Kind // Type.Kind()
	// Offset is the byte offset of the field from the start of the entity
	// struct, summed over embedded value structs; meaningful when Direct.
	Offset uintptr
	// Direct: no embedded pointer on the path (Ptr adds Offset).
	Direct bool
	Steps  []Step // the walk used when !Direct
	ToMany bool   // the field is a rel.Collection
}

// Step moves from a struct pointer to a field: add Offset, then dereference
// when the field is an embedded pointer.
type Step struct {
	Offset uintptr
	Deref  bool
	Type   reflect.Type // type pointed to, when Deref
}

// Ptr returns the address of the field inside the entity struct at
// structPtr. When an embedded pointer on the path is nil it returns nil.
func (p *Field) Ptr(structPtr unsafe.Pointer) unsafe.Pointer {
	if p.Direct {
		return unsafe.Add(structPtr, p.Offset)
	}
	ptr := structPtr
	for _, s := range p.Steps {
		ptr = unsafe.Add(ptr, s.Offset)
		if s.Deref {
			ptr = *(*unsafe.Pointer)(ptr)
			if ptr == nil {
				return nil
			}
		}
	}
	return ptr
}

// PtrAlloc is Ptr for writing: nil embedded pointers on the path are
// allocated.
func (p *Field) PtrAlloc(structPtr unsafe.Pointer) unsafe.Pointer {
	if p.Direct {
		return unsafe.Add(structPtr, p.Offset)
	}
	ptr := structPtr
	for _, s := range p.Steps {
		ptr = unsafe.Add(ptr, s.Offset)
		if s.Deref {
			slot := (*unsafe.Pointer)(ptr)
			if *slot == nil {
				*slot = reflect.New(s.Type).UnsafePointer()
			}
			ptr = *slot
		}
	}
	return ptr
}

// Interface returns the field's value boxed in an interface (this
// allocates for most non-pointer types). It returns nil when an embedded
// pointer on the path is nil.
func (p *Field) Interface(structPtr unsafe.Pointer) any {
	fp := p.Ptr(structPtr)
	if fp == nil {
		return nil
	}
	return reflect.NewAt(p.Type, fp).Elem().Interface()
}

// Set assigns v to the field, converting between convertible types
// (int32 to int64, string to a named string type, ...). A nil v sets the
// zero value.
func (p *Field) Set(structPtr unsafe.Pointer, v any) error {
	f := reflect.NewAt(p.Type, p.PtrAlloc(structPtr)).Elem()
	if v == nil {
		f.SetZero()
		return nil
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Type().AssignableTo(p.Type):
		f.Set(rv)
	case rv.Type().ConvertibleTo(p.Type) && convertSafe(rv.Kind(), p.Type.Kind()):
		c := rv.Convert(p.Type)
		if lossy(rv, c) {
			return fmt.Errorf("meta: %s: %v does not fit %s", p.Name, v, p.Type)
		}
		f.Set(c)
	default:
		return fmt.Errorf("meta: %s: cannot set %T into %s", p.Name, v, p.Type)
	}
	return nil
}

// lossy reports whether converting a number from to to lost its value (a
// fraction dropped, an overflow).
func lossy(from, to reflect.Value) bool {
	switch {
	case from.CanFloat() && to.CanInt():
		return float64(to.Int()) != from.Float()
	case from.CanFloat() && to.CanUint():
		return float64(to.Uint()) != from.Float()
	case from.CanInt() && to.CanInt():
		return to.Int() != from.Int()
	case from.CanInt() && to.CanUint():
		return from.Int() < 0 || to.Uint() != uint64(from.Int())
	case from.CanUint() && to.CanInt():
		return to.Int() < 0 || uint64(to.Int()) != from.Uint()
	case from.CanInt() && to.CanFloat():
		return int64(to.Float()) != from.Int()
	}
	return false
}

// convertSafe rejects conversions Go allows but that change meaning (an
// integer converted to a string yields a rune).
func convertSafe(from, to reflect.Kind) bool {
	if to == reflect.String {
		return from == reflect.String || from == reflect.Slice
	}
	return true
}

// IsZero reports whether the field holds its zero value (or is unreachable
// behind a nil embedded pointer).
func (p *Field) IsZero(structPtr unsafe.Pointer) bool {
	fp := p.Ptr(structPtr)
	if fp == nil {
		return true
	}
	switch p.Kind {
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return *(*uint64)(fp) == 0
	case reflect.Int32, reflect.Uint32:
		return *(*uint32)(fp) == 0
	case reflect.Int16, reflect.Uint16:
		return *(*uint16)(fp) == 0
	case reflect.Int8, reflect.Uint8, reflect.Bool:
		return *(*uint8)(fp) == 0
	case reflect.String:
		return len(*(*string)(fp)) == 0
	case reflect.Pointer:
		return *(*unsafe.Pointer)(fp) == nil
	}
	return reflect.NewAt(p.Type, fp).Elem().IsZero()
}

// Int64 reads an integer field (any signed or unsigned integer kind, not
// through a pointer) without allocating. ok is false for other kinds or
// when the field is unreachable.
func (p *Field) Int64(structPtr unsafe.Pointer) (v int64, ok bool) {
	fp := p.Ptr(structPtr)
	if fp == nil {
		return 0, false
	}
	switch p.Kind {
	case reflect.Int, reflect.Int64:
		return *(*int64)(fp), true
	case reflect.Int32:
		return int64(*(*int32)(fp)), true
	case reflect.Int16:
		return int64(*(*int16)(fp)), true
	case reflect.Int8:
		return int64(*(*int8)(fp)), true
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return int64(*(*uint64)(fp)), true
	case reflect.Uint32:
		return int64(*(*uint32)(fp)), true
	case reflect.Uint16:
		return int64(*(*uint16)(fp)), true
	case reflect.Uint8:
		return int64(*(*uint8)(fp)), true
	}
	return 0, false
}

// SetInt64 writes an integer field without allocating (truncating to the
// field's size). It reports false for other kinds.
func (p *Field) SetInt64(structPtr unsafe.Pointer, v int64) bool {
	switch p.Kind {
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64, reflect.Uintptr:
		*(*int64)(p.PtrAlloc(structPtr)) = v
	case reflect.Int32, reflect.Uint32:
		*(*int32)(p.PtrAlloc(structPtr)) = int32(v)
	case reflect.Int16, reflect.Uint16:
		*(*int16)(p.PtrAlloc(structPtr)) = int16(v)
	case reflect.Int8, reflect.Uint8:
		*(*int8)(p.PtrAlloc(structPtr)) = int8(v)
	default:
		return false
	}
	return true
}

// StringValue reads a string-kinded field without allocating.
func (p *Field) StringValue(structPtr unsafe.Pointer) (string, bool) {
	if p.Kind != reflect.String {
		return "", false
	}
	fp := p.Ptr(structPtr)
	if fp == nil {
		return "", false
	}
	return *(*string)(fp), true
}

// SetString writes a string-kinded field without allocating.
func (p *Field) SetString(structPtr unsafe.Pointer, v string) bool {
	if p.Kind != reflect.String {
		return false
	}
	*(*string)(p.PtrAlloc(structPtr)) = v
	return true
}

// Pointer reads a pointer field (a to-one relation, or a *T scalar) as
// an unsafe.Pointer to its target, nil when unset.
func (p *Field) Pointer(structPtr unsafe.Pointer) unsafe.Pointer {
	if p.Kind != reflect.Pointer {
		return nil
	}
	fp := p.Ptr(structPtr)
	if fp == nil {
		return nil
	}
	return *(*unsafe.Pointer)(fp)
}

// SetPointer writes a pointer field (a to-one relation, or a *T scalar);
// target must point to a value of the field's element type, or be nil.
func (p *Field) SetPointer(structPtr, target unsafe.Pointer) bool {
	if p.Kind != reflect.Pointer {
		return false
	}
	*(*unsafe.Pointer)(p.PtrAlloc(structPtr)) = target
	return true
}

// Collection returns the rel.Collection held by a to-many property, through
// its untyped interface; nil for other properties or when unreachable.
func (p *Field) Collection(structPtr unsafe.Pointer) rel.AnyCollection {
	if !p.ToMany {
		return nil
	}
	fp := p.Ptr(structPtr)
	if fp == nil {
		return nil
	}
	return reflect.NewAt(p.Type, fp).Interface().(rel.AnyCollection)
}

// Path walks from an entity struct to an embedded struct field.
type Path []Step

// Slot returns the address of the field at the end of p in the struct at
// ptr, nil when a pointer on the way is nil.
func (p Path) Slot(ptr unsafe.Pointer) unsafe.Pointer {
	for _, s := range p {
		ptr = unsafe.Add(ptr, s.Offset)
		if s.Deref {
			ptr = *(*unsafe.Pointer)(ptr)
			if ptr == nil {
				return nil
			}
		}
	}
	return ptr
}
