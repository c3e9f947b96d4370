package meta

import (
	"fmt"
	"reflect"
	"unsafe"
)

// Property is one mapped field of an entity: a column, or a relation.
// Properties are built once by a Registry and must not be modified.
type Property struct {
	Entity *Entity // the entity this property belongs to
	Name   string  // property name (lowerCamel of the Go field: favouriteBook)
	Field  string  // Go field name (FavouriteBook)
	Index  []int   // reflect index path from the entity struct (embedded structs included)
	// Offset is the byte offset of the field from the start of the entity
	// struct, summed over embedded value structs. It is meaningful only when
	// Direct reports true (no embedded pointer on the path).
	Offset uintptr
	Type   reflect.Type // Go type of the field
	// BaseType is the value type without its nullable wrapper (*T,
	// sql.Null[T]); for a to-one relation the target struct type; for a
	// to-many relation the element type of the collection (*Target).
	BaseType reflect.Type
	Kind     Kind

	// Column is the column name: for a scalar its column, for an owning
	// to-one relation its (first) join column, otherwise "".
	Column string
	// Columns are the entity's columns this property writes (one for a
	// scalar; the join columns of an owning to-one relation; none for
	// inverse sides and collections). Set once the entity is resolved.
	Columns []*Column

	ColumnType    ColumnType // logical column type (scalars)
	SQLType       string     // explicit SQL type from type=..., verbatim ("" if none)
	Wrap          Wrap       // how NULL is represented in Go
	Codec         Codec      // how the value travels to/from the driver
	Unsigned      bool       // Go type is an unsigned integer
	PK            bool
	AutoIncrement bool
	Nullable      bool
	Unique        bool   // part of a unique constraint
	UniqueGroup   string // name given with unique=name ("" for a single-column unique)
	Indexed       bool   // part of a plain index
	IndexName     string // name given with index=name
	Default       string // SQL expression for DEFAULT ("" if none)
	HasDefault    bool
	Length        int
	Precision     int
	Scale         int
	Version       bool
	Hidden        bool // never serialized
	// SoftDelete marks the deletedAt property of a soft-deleted entity
	// (tag softDelete): Remove sets it instead of deleting the row.
	SoftDelete bool
	// Required is checked before a flush: the value must not be zero
	// (tag required; a to-one relation must be set).
	Required bool
	// Enum is the closed set of values the property may hold, in their
	// string form (tag enum=a|b|c), checked before a flush; nil if open.
	Enum []string
	// Embedded is the path of the embeddable holding the property
	// ("address", "address.geo"); "" for the entity's own fields.
	Embedded string
	// InNullable is set for a property inside a pointer embeddable: it is
	// unreachable (NULL) while the pointer is nil, and a row whose columns of
	// the embeddable are all NULL leaves the pointer nil.
	InNullable bool
	// Formula is a read-only SQL expression computed per row (tag
	// formula=...; {alias} stands for the entity's table alias): selected
	// with the entity, usable in conditions and order, never written.
	Formula string
	// Lazy is set for a property left out of loads until asked for (tag
	// lazy): em.Populate of its name loads it.
	Lazy bool

	// Relation describes the relation when Kind is not Scalar.
	Relation *Relation

	direct     bool
	autoIncSet bool
	colPrefix  string     // the column prefix of its embeddables
	custom     Type       // CodecType
	steps      []pathStep // walk used when !direct
	rkind      reflect.Kind
}

// pathStep moves from a struct pointer to a field: add offset, then
// dereference when the field is an embedded pointer.
type pathStep struct {
	offset uintptr
	deref  bool
	typ    reflect.Type // type pointed to, when deref
}

func (p *Property) String() string {
	if p.Entity != nil {
		return p.Entity.Name + "." + p.Field
	}
	return p.Field
}

// Direct reports whether Ptr is a plain offset addition (no embedded
// pointer on the path from the entity struct to the field).
func (p *Property) Direct() bool { return p.direct }

// Ptr returns the address of the field inside the entity struct at
// structPtr. When an embedded pointer on the path is nil it returns nil.
func (p *Property) Ptr(structPtr unsafe.Pointer) unsafe.Pointer {
	if p.direct {
		return unsafe.Add(structPtr, p.Offset)
	}
	ptr := structPtr
	for _, s := range p.steps {
		ptr = unsafe.Add(ptr, s.offset)
		if s.deref {
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
func (p *Property) PtrAlloc(structPtr unsafe.Pointer) unsafe.Pointer {
	if p.direct {
		return unsafe.Add(structPtr, p.Offset)
	}
	ptr := structPtr
	for _, s := range p.steps {
		ptr = unsafe.Add(ptr, s.offset)
		if s.deref {
			slot := (*unsafe.Pointer)(ptr)
			if *slot == nil {
				*slot = reflect.New(s.typ).UnsafePointer()
			}
			ptr = *slot
		}
	}
	return ptr
}

// Value returns the field of an entity as a reflect.Value. v is a pointer
// to the entity struct or an entity struct. The result is settable when v
// is a pointer or addressable. It is the zero Value when an embedded pointer
// on the path is nil.
func (p *Property) Value(v reflect.Value) reflect.Value {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}
		}
		fp := p.Ptr(v.UnsafePointer())
		if fp == nil {
			return reflect.Value{}
		}
		return reflect.NewAt(p.Type, fp).Elem()
	}
	if v.CanAddr() {
		fp := p.Ptr(v.Addr().UnsafePointer())
		if fp == nil {
			return reflect.Value{}
		}
		return reflect.NewAt(p.Type, fp).Elem()
	}
	for i, x := range p.Index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// Interface returns the field's value boxed in an interface (this
// allocates for most non-pointer types). It returns nil when an embedded
// pointer on the path is nil.
func (p *Property) Interface(structPtr unsafe.Pointer) any {
	fp := p.Ptr(structPtr)
	if fp == nil {
		return nil
	}
	return reflect.NewAt(p.Type, fp).Elem().Interface()
}

// Set assigns v to the field, converting between convertible types
// (int32 to int64, string to a named string type, ...). A nil v sets the
// zero value.
func (p *Property) Set(structPtr unsafe.Pointer, v any) error {
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
			return fmt.Errorf("meta: %s: %v does not fit %s", p, v, p.Type)
		}
		f.Set(c)
	default:
		return fmt.Errorf("meta: %s: cannot set %T into %s", p, v, p.Type)
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
func (p *Property) IsZero(structPtr unsafe.Pointer) bool {
	fp := p.Ptr(structPtr)
	if fp == nil {
		return true
	}
	switch p.rkind {
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
func (p *Property) Int64(structPtr unsafe.Pointer) (v int64, ok bool) {
	fp := p.Ptr(structPtr)
	if fp == nil {
		return 0, false
	}
	switch p.rkind {
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
func (p *Property) SetInt64(structPtr unsafe.Pointer, v int64) bool {
	switch p.rkind {
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
func (p *Property) StringValue(structPtr unsafe.Pointer) (string, bool) {
	if p.rkind != reflect.String {
		return "", false
	}
	fp := p.Ptr(structPtr)
	if fp == nil {
		return "", false
	}
	return *(*string)(fp), true
}

// SetString writes a string-kinded field without allocating.
func (p *Property) SetString(structPtr unsafe.Pointer, v string) bool {
	if p.rkind != reflect.String {
		return false
	}
	*(*string)(p.PtrAlloc(structPtr)) = v
	return true
}

// Pointer reads a pointer field (a to-one relation, or a *T scalar) as
// an unsafe.Pointer to its target, nil when unset.
func (p *Property) Pointer(structPtr unsafe.Pointer) unsafe.Pointer {
	if p.rkind != reflect.Pointer {
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
func (p *Property) SetPointer(structPtr, target unsafe.Pointer) bool {
	if p.rkind != reflect.Pointer {
		return false
	}
	*(*unsafe.Pointer)(p.PtrAlloc(structPtr)) = target
	return true
}

// Collection returns the rel.Collection held by a to-many property, through
// its untyped interface; nil for other properties or when unreachable.
func (p *Property) Collection(structPtr unsafe.Pointer) AnyCollection {
	if !p.Kind.IsToMany() {
		return nil
	}
	fp := p.Ptr(structPtr)
	if fp == nil {
		return nil
	}
	return reflect.NewAt(p.Type, fp).Interface().(AnyCollection)
}
