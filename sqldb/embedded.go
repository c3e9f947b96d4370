package sqldb

import (
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

// embeddedField scans a column of a pointer embeddable (meta.Property
// InNullable) or of a custom type (meta.CodecType): NULL leaves the field
// alone — and the embeddable's pointer nil when every one of its columns
// is NULL; a value allocates what is on the way and is stored by assignRaw
// (the custom type's FromDatabase, or database/sql's conversions).
type embeddedField struct {
	prop *meta.Property
	ptr  unsafe.Pointer // the entity
}

func (f *embeddedField) Scan(src any) error {
	if src == nil {
		return nil
	}
	return assignRaw(f.prop, f.ptr, src)
}
