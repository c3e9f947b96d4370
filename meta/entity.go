package meta

import (
	"reflect"
	"strings"
	"sync"

	"github.com/unitorm/unitorm/rel"
)

// AnyCollection is rel.AnyCollection, the untyped view of a to-many field.
type AnyCollection = rel.AnyCollection

// TableNamer may be implemented by an entity type (on the value or the
// pointer receiver) to choose its table name instead of the naming
// strategy. It is called once, on a zero value.
type TableNamer interface {
	TableName() string
}

// Entity is the metadata of one registered struct type. It is built once
// by a Registry, shared, and must not be modified.
type Entity struct {
	Type    reflect.Type // the struct type
	PtrType reflect.Type // *Type
	Name    string       // Go type name (Book)
	Table   string

	// Props are the mapped fields in struct order; fields of anonymous
	// embedded structs take the place of the embedded field.
	Props []*Property
	// PK lists the primary-key properties in field order (one for a simple key).
	PK []*Property
	// Version is the optimistic-lock property, or nil.
	Version *Property
	// SoftDelete is the property a soft delete sets (tag softDelete), or
	// nil when Remove deletes rows.
	SoftDelete *Property
	// Embeddeds are the embedded struct fields (tag embedded), outer ones
	// before the ones they hold.
	Embeddeds []*Embeddable
	// Columns are the columns of the entity's table: scalar properties and
	// the join columns of owning to-one relations, in field order.
	Columns []*Column
	// Relations lists the relation properties' relations in field order.
	Relations []*Relation
	// Indexes are the unique constraints and plain indexes declared by tags.
	Indexes []*Index

	// Single-table inheritance (see inherit.go). Root is the family's root
	// (the entity itself for a root and for an entity outside any family);
	// Parent is the embedded base of a subtype (nil otherwise).
	Root   *Entity
	Parent *Entity
	// Discriminator is the family's discriminator property as seen from
	// this entity; DiscriminatorValue is the value naming this type ("" for
	// an abstract root, which has no rows of its own).
	Discriminator      *Property
	DiscriminatorValue string
	// Subtypes are the entity's descendants, nearest first (nil outside
	// a family and for leaves).
	Subtypes []*Entity
	// TableColumns are, on a family root, the columns of the shared table:
	// the union of every member's columns, subtype-only ones nullable. On
	// other entities it equals Columns.
	TableColumns []*Column
	family       map[string]*Entity // root only: discriminator value → entity

	byName   map[string]*Property
	byField  map[string]*Property
	byColumn map[string]*Column
	byFold   map[string]*Property // lower-cased property names, when unambiguous

	derived sync.Map // key -> what other layers derive from the entity (see Derived)
	// lookups are the Registry's cache entries for Type and PtrType (see
	// Registry.Entity), made once so that a cache miss allocates nothing.
	lookups [2]lastEntity
}

func (e *Entity) String() string { return e.Name }

// Derived returns what build derives from e for key (a comparable value of
// the caller's own type, so that layers do not collide), building it once.
// It lives as long as the entity, which its Registry owns: layers that
// cache per entity (uow's snapshot layouts and select lists) keep their
// caches here rather than in package variables that would outlive it.
func (e *Entity) Derived(key any, build func() any) any {
	if v, ok := e.derived.Load(key); ok {
		return v
	}
	v, _ := e.derived.LoadOrStore(key, build())
	return v
}

// Prop finds a property by property name (favouriteBook), Go field name
// (FavouriteBook) or column name (favourite_book, author_id), in that order
// of precedence, and last by property name ignoring case (userId for
// userID) when only one property matches.
func (e *Entity) Prop(name string) (*Property, bool) {
	if p, ok := e.byName[name]; ok {
		return p, true
	}
	if p, ok := e.byField[name]; ok {
		return p, true
	}
	if c, ok := e.byColumn[name]; ok && c.Prop != nil {
		return c.Prop, true
	}
	if p, ok := e.byFold[strings.ToLower(name)]; ok {
		return p, true
	}
	return nil, false
}

// Column finds a column of the entity's table by name.
func (e *Entity) Column(name string) (*Column, bool) {
	c, ok := e.byColumn[name]
	return c, ok
}

// New returns a pointer to a new zero entity (*T as any).
func (e *Entity) New() any { return reflect.New(e.Type).Interface() }

// NewValue returns a reflect.Value holding a pointer to a new zero entity.
func (e *Entity) NewValue() reflect.Value { return reflect.New(e.Type) }

// Column is one column of a table.
type Column struct {
	Name string
	// Prop is the property writing the column; nil for pivot columns.
	Prop *Property
	// Ref is the primary-key property a foreign-key column refers to (in the
	// relation's target, or for pivot columns in the side they point at);
	// nil for a plain column.
	Ref *Property

	// The column definition. For a foreign-key column the type facts are
	// those of Ref, with AutoIncrement off.
	Type          ColumnType
	SQLType       string
	Length        int
	Precision     int
	Scale         int
	Unsigned      bool
	Nullable      bool
	PK            bool
	AutoIncrement bool
	Default       string
	HasDefault    bool
	// Formula is the SQL expression of a formula property's column (see
	// Property.Formula): selected, never written, not in the table.
	Formula string
}

func (c *Column) String() string { return c.Name }

// Index is a unique constraint or a plain index over columns of a table.
type Index struct {
	Name    string
	Columns []string
	Unique  bool
}

// Relation describes a relation property, from its owner's point of view.
type Relation struct {
	Kind   Kind
	Owner  *Entity   // entity holding the property
	Prop   *Property // the relation property
	Target *Entity   // entity on the other side

	// Owning is true for the side that holds the foreign key (m:1, owning
	// 1:1) or writes the pivot table (owning m:n).
	Owning bool
	// MappedBy is, on an inverse side, the owning property in Target.
	MappedBy *Property
	// InversedBy is, on an owning side, the inverse property in Target if
	// one is declared (by mappedBy there or inversedBy here); else nil.
	InversedBy *Property

	// JoinColumns are the foreign-key columns of the relation:
	//   - m:1, owning 1:1: FK columns in Owner's table, referencing Target.
	//   - 1:m, inverse 1:1: FK columns in Target's table, referencing Owner.
	//   - m:n (either side): pivot columns referencing Owner.
	JoinColumns []string
	// ReferencedColumns are the primary-key columns JoinColumns refer to.
	ReferencedColumns []string
	// InverseJoinColumns are, for m:n, the pivot columns referencing Target.
	InverseJoinColumns []string
	// Pivot is the pivot table of an m:n relation (shared by both sides).
	Pivot *Pivot

	Cascade       Cascade
	OrphanRemoval bool
	OnDelete      Action
	OnUpdate      Action
	// Nullable is true when an owning to-one relation may be NULL.
	Nullable bool
}

// Pivot is the join table of a many-to-many relation. It is described from
// the owning side: JoinColumns reference Owner, InverseJoinColumns
// reference Target. Its foreign keys are meant to cascade on delete.
type Pivot struct {
	Table              string
	Owner              *Entity // owner of the owning m:n property
	Target             *Entity
	JoinColumns        []*Column
	InverseJoinColumns []*Column
}

// Columns returns the pivot's columns, join columns first.
func (p *Pivot) Columns() []*Column {
	return append(append([]*Column(nil), p.JoinColumns...), p.InverseJoinColumns...)
}
