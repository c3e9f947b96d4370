package meta

import (
	"reflect"

	"github.com/unitorm/unitorm/internal/access"
)

// Property is one mapped field of an entity: a column, or a relation.
// Properties are built once by a Registry and must not be modified.
type Property struct {
	Entity *Entity      // the entity this property belongs to
	Name   string       // property name (lowerCamel of the Go field: favouriteBook)
	Field  string       // Go field name (FavouriteBook)
	Index  []int        // reflect index path from the entity struct (embedded structs included)
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
	// Discriminator marks the discriminator property of a single-table
	// inheritance family (tag discriminator): its value names the row's type.
	Discriminator bool
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

	// At is where the field lies in memory, for this module's layers
	// (hydration, snapshots); its type is internal.
	At access.Field

	autoIncSet bool
	colPrefix  string // the column prefix of its embeddables
	custom     Type   // CodecType
}

func (p *Property) String() string {
	if p.Entity != nil {
		return p.Entity.Name + "." + p.Field
	}
	return p.Field
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
		fp := p.At.Ptr(v.UnsafePointer())
		if fp == nil {
			return reflect.Value{}
		}
		return reflect.NewAt(p.Type, fp).Elem()
	}
	if v.CanAddr() {
		fp := p.At.Ptr(v.Addr().UnsafePointer())
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
