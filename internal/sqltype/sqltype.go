// Package sqltype maps metadata columns to SQL types: the schema generator
// writes them in DDL, and the Unit of Work casts array parameters to them.
package sqltype

import (
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/meta"
)

// Logical maps a metadata column type to the dialects' logical type.
var Logical = map[meta.ColumnType]dialect.Type{
	meta.TypeBool: dialect.TypeBool, meta.TypeInt16: dialect.TypeInt16, meta.TypeInt32: dialect.TypeInt32,
	meta.TypeInt64: dialect.TypeInt64, meta.TypeFloat32: dialect.TypeFloat32, meta.TypeFloat64: dialect.TypeFloat64,
	meta.TypeDecimal: dialect.TypeDecimal, meta.TypeString: dialect.TypeString, meta.TypeText: dialect.TypeText,
	meta.TypeBytes: dialect.TypeBytes, meta.TypeTime: dialect.TypeTime, meta.TypeDate: dialect.TypeDate,
	meta.TypeUUID: dialect.TypeUUID, meta.TypeJSON: dialect.TypeJSON,
}

// Of returns c's SQL type on d: its explicit type (type=…), its custom
// type's column type, or the dialect's type for its logical type; logical
// is that logical type (TypeUnknown for the first two).
func Of(d dialect.Dialect, c *meta.Column, indexed bool) (typ string, logical dialect.Type) {
	if c.SQLType != "" {
		return c.SQLType, dialect.TypeUnknown
	}
	if p := c.Prop; p != nil && p.Kind == meta.Scalar && p.CustomType() != nil {
		if t := p.CustomType().ColumnType(d.Name(), p); t != "" {
			return t, dialect.TypeUnknown
		}
	}
	logical = Logical[c.Type]
	return d.ColumnType(dialect.Column{
		Type: logical, Length: c.Length, Precision: c.Precision, Scale: c.Scale, Indexed: indexed,
	}), logical
}
