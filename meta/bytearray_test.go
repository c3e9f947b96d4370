package meta_test

import (
	"testing"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// objectID stands for bson.ObjectID (meta imports only the standard
// library): a named [12]byte without Valuer.
type objectID [12]byte

type DocWithOID struct {
	ID     objectID `orm:"pk"`
	Parent *objectID
	Hash   [32]byte
}

func TestFixedByteArrays(t *testing.T) {
	r := mustRegister(t, DocWithOID{})
	e := mustEntity(t, r, DocWithOID{})
	tests := []struct {
		field    string
		typ      meta.ColumnType
		wrap     meta.Wrap
		nullable bool
	}{
		{"ID", meta.TypeBytes, meta.WrapNone, false},
		{"Parent", meta.TypeBytes, meta.WrapPointer, true},
		{"Hash", meta.TypeBytes, meta.WrapNone, false},
	}
	for _, tt := range tests {
		p := mustProp(t, e, tt.field)
		if p.ColumnType != tt.typ || p.Wrap != tt.wrap || p.Nullable != tt.nullable || p.Codec != meta.CodecPlain {
			t.Errorf("%s: type %s wrap %d nullable %v codec %d, want %s %d %v plain",
				tt.field, p.ColumnType, p.Wrap, p.Nullable, p.Codec, tt.typ, tt.wrap, tt.nullable)
		}
	}
	if id := mustProp(t, e, "ID"); !id.PK || id.AutoIncrement {
		t.Errorf("[12]byte key: PK=%v AutoIncrement=%v, want a key that is not generated", id.PK, id.AutoIncrement)
	}
	ptr := e.NewValue().UnsafePointer()
	if uow.HasPK(e, ptr) {
		t.Error("a zero [12]byte key counts as set")
	}
	if err := mustProp(t, e, "ID").At.Set(ptr, objectID{1}); err != nil || !uow.HasPK(e, ptr) {
		t.Errorf("SetPK: %v, HasPK %v", err, uow.HasPK(e, ptr))
	}
}
