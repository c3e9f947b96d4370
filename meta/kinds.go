package meta

import "strings"

// Kind says what a property maps to.
type Kind uint8

const (
	Scalar     Kind = iota // a column holding a value
	ManyToOne              // `orm:"m:1"`: pointer to an entity, FK in this table
	OneToOne               // `orm:"1:1"`: owning (FK here) or inverse (mappedBy)
	OneToMany              // `orm:"1:m,mappedBy=X"`: rel.Collection, FK in the target table
	ManyToMany             // `orm:"m:n"`: rel.Collection through a pivot table
)

var kindNames = [...]string{"scalar", "m:1", "1:1", "1:m", "m:n"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(?)"
}

// IsRelation reports whether k is one of the relation kinds.
func (k Kind) IsRelation() bool { return k != Scalar }

// IsToMany reports whether k holds a collection.
func (k Kind) IsToMany() bool { return k == OneToMany || k == ManyToMany }

// ColumnType is the logical type of a column; dialects map it to SQL types.
type ColumnType uint8

const (
	TypeUnknown ColumnType = iota
	TypeBool
	TypeInt16
	TypeInt32
	TypeInt64
	TypeFloat32
	TypeFloat64
	TypeDecimal // exact numeric with Precision and Scale
	TypeString  // bounded text (varchar; Length, dialect default when 0)
	TypeText    // unbounded text
	TypeBytes
	TypeTime // timestamp
	TypeDate
	TypeUUID
	TypeJSON
)

var columnTypeNames = [...]string{"unknown", "bool", "int16", "int32", "int64", "float32",
	"float64", "decimal", "string", "text", "bytes", "time", "date", "uuid", "json"}

func (t ColumnType) String() string {
	if int(t) < len(columnTypeNames) {
		return columnTypeNames[t]
	}
	return "ColumnType(?)"
}

// logicalType maps a type= tag value to a ColumnType when it names one
// (case-insensitive, with a few SQL aliases).
func logicalType(s string) (ColumnType, bool) {
	switch strings.ToLower(s) {
	case "bool", "boolean":
		return TypeBool, true
	case "int16", "smallint":
		return TypeInt16, true
	case "int32", "int", "integer":
		return TypeInt32, true
	case "int64", "bigint":
		return TypeInt64, true
	case "float32", "real":
		return TypeFloat32, true
	case "float64", "double":
		return TypeFloat64, true
	case "decimal", "numeric":
		return TypeDecimal, true
	case "string", "varchar":
		return TypeString, true
	case "text":
		return TypeText, true
	case "bytes", "blob", "bytea":
		return TypeBytes, true
	case "time", "timestamp", "datetime":
		return TypeTime, true
	case "date":
		return TypeDate, true
	case "uuid":
		return TypeUUID, true
	case "json", "jsonb":
		return TypeJSON, true
	}
	return TypeUnknown, false
}

// Wrap says how a nullable Go value wraps its base value.
type Wrap uint8

const (
	WrapNone    Wrap = iota // the field holds the value itself
	WrapPointer             // *T: nil is NULL
	WrapSQLNull             // sql.Null[T], sql.NullString, ...: Valid=false is NULL
)

// Codec says how a scalar value travels to and from the database.
type Codec uint8

const (
	CodecPlain  Codec = iota // a value database/sql drivers handle natively
	CodecValuer              // the type implements driver.Valuer and/or sql.Scanner
	CodecJSON                // marshalled with encoding/json (type=json)
	CodecType                // a custom Type (WithType)
)

// Cascade is a set of operations that flow along a relation.
type Cascade uint8

const (
	CascadePersist Cascade = 1 << iota
	CascadeRemove
	CascadeAll  = CascadePersist | CascadeRemove
	CascadeNone = Cascade(0)
)

// Has reports whether c includes every operation in op.
func (c Cascade) Has(op Cascade) bool { return c&op == op }

func (c Cascade) String() string {
	switch c {
	case CascadeNone:
		return "none"
	case CascadePersist:
		return "persist"
	case CascadeRemove:
		return "remove"
	case CascadeAll:
		return "all"
	}
	return "Cascade(?)"
}

// Action is a referential action for ON DELETE / ON UPDATE.
type Action uint8

const (
	ActionDefault    Action = iota // not given: the database default (NO ACTION)
	ActionCascade                  // CASCADE
	ActionSetNull                  // SET NULL
	ActionRestrict                 // RESTRICT
	ActionNoAction                 // NO ACTION
	ActionSetDefault               // SET DEFAULT
)

var actionSQL = [...]string{"", "CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"}

// SQL returns the SQL words for a, or "" for ActionDefault.
func (a Action) SQL() string {
	if int(a) < len(actionSQL) {
		return actionSQL[a]
	}
	return ""
}
