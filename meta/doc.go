// Package meta builds entity metadata from struct tags: tables, columns,
// primary keys, relations and a pluggable naming strategy, computed once per
// type by a [Registry] and shared (safe for concurrent use), with
// precomputed field accessors for hot paths.
//
// # Entities
//
// An entity is a named struct type with a primary key:
//
//	type Author struct {
//		ID      int64                 `orm:"pk"`
//		Name    string
//		Email   string                `orm:"unique"`
//		Born    *time.Time
//		Books   rel.Collection[*Book] `orm:"1:m,mappedBy=Author"`
//		Version int                   `orm:"version"`
//	}
//
//	type Book struct {
//		ID     int64                `orm:"pk"`
//		Title  string
//		Author *Author              `orm:"m:1"`
//		Tags   rel.Collection[*Tag] `orm:"m:n"`
//	}
//
//	reg := meta.NewRegistry()
//	err := reg.Register(Author{}, Book{}, Tag{})
//
// Exported fields are mapped; unexported ones and fields tagged `orm:"-"`
// are not. Fields of anonymous embedded structs (values or pointers) are
// mapped as if declared in the outer struct, following Go's shadowing rule.
// Entities that refer to each other must be registered in the same call (or
// targets first); cycles and self-references are fine.
//
// # Tags
//
// The `orm` tag is a comma-separated list (commas inside parentheses or
// single quotes do not split: type=decimal(10,2), default='a,b'):
//
//	pk                    primary key (composite keys: tag several fields)
//	autoincrement[=false] on by default for a single integer primary key
//	column=name           column name (default: the naming strategy's)
//	nullable, notnull     force nullability (default: nullable for *T and sql.Null types)
//	unique, unique=name   unique constraint; fields with the same name form one
//	index, index=name     plain index; same grouping
//	default=expr          SQL default expression, written verbatim
//	type=t                a logical type (text, date, uuid, json, decimal(10,2), varchar(20), ...)
//	                      or any other SQL type, written verbatim
//	length=N precision=N scale=N
//	version               optimistic-lock counter (integer or time.Time)
//	hidden                never serialized
//	-                     not mapped
//
// Relations: a to-one relation is a pointer to an entity struct (m:1 when no
// kind is given), a to-many relation is a rel.Collection of pointers:
//
//	m:1, 1:1, 1:m, m:n    the kind
//	mappedBy=Field        inverse side: names the owning property of the target (required for 1:m)
//	inversedBy=Field      owning side: names the inverse property (optional, checked)
//	joinColumn=x          FK column of an owning to-one (x|y for a composite target key)
//	pivot=table, pivotJoinColumn=x, pivotInverseJoinColumn=y   owning m:n
//	cascade=persist|remove|all|none   default persist
//	orphanRemoval         1:m and 1:1
//	onDelete=, onUpdate=  cascade, setnull, restrict, noaction, setdefault
//
// To-one relations are not nullable unless tagged nullable, as in MikroORM.
//
// # Field types
//
// bool, integers, floats, string, []byte, time.Time, [16]byte UUID types,
// other fixed-size byte arrays such as MongoDB ObjectIDs (bytes),
// pointers to those, sql.Null[T] and sql.NullString & co., any type
// implementing driver.Valuer / sql.Scanner (its column type is taken from its
// kind, from what its zero value's Value returns, or from type=), and any
// type with type=json.
//
// # Errors
//
// Register checks every entity and returns one *[DefinitionError] listing
// every problem ("meta: Book.Author: ..."); nothing is registered then.
// Table, column and index names may only hold letters, digits, '_' and '$'.
//
// # Mapping options
//
// Beyond columns and relations, tags declare: softDelete (a nullable time
// that Remove sets), required, enum=a|b and length (checked before a flush;
// enum is also a CHECK constraint), embedded and prefix= (embeddables,
// embedded.go), formula= (a read-only SQL expression, formula.go) and lazy
// (left out of loads). A custom [Type] maps a Go type to a column
// ([WithType], types.go); one that also implements [DialectType] converts
// per database, as the built-in [Array] (type=array on a slice of scalars,
// array.go) does.
//
// # Single-table inheritance
//
// A string field tagged discriminator (or discriminator=value) makes its
// entity the root of a family stored in one table; a subtype embeds its
// parent by value as its first field, tagged discriminator=value
// (inherit.go). [Entity.Root], [Entity.Parent], [Entity.Subtypes] and
// [Entity.TableColumns] (the shared table's columns, subtype-only ones
// nullable) describe it.
//
// # Hot paths
//
// [Property.Ptr] returns a field's address from the entity's address by a
// precomputed offset; Int64/SetInt64, StringValue/SetString and
// Pointer/SetPointer read and write without allocating.
package meta
