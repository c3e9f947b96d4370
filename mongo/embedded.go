package mongo

import (
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/unitorm/unitorm/meta"
)

// Embeddables are subdocuments: Customer.Home.City is the field "city" of
// the subdocument "home" ({home: {city: ...}}), addressed as "home.city" in
// filters, sorts and $set. Segments are the naming strategy's column names
// of the property path; the SQL column prefix plays no part. A nil pointer
// embeddable is stored as a subdocument without values, so that a later $set of
// one of its fields has a document to write into; a subdocument whose fields
// are all null or missing loads as nil.

// embeddedField is the document path of a property of an embeddable.
func embeddedField(p *meta.Property, n meta.NamingStrategy) string {
	segs := strings.Split(p.Embedded, ".")
	for i, s := range segs {
		segs[i] = n.ColumnName(s)
	}
	return strings.Join(segs, ".") + "." + p.LeafColumn()
}

// nester opens and closes subdocuments while the fields of a document are
// appended in order (the fields of one embeddable are contiguous).
type nester struct {
	open []string
	idx  []int32
}

// to makes the open subdocuments those of the dotted name and returns the
// key to append under.
func (n *nester) to(b []byte, name string) ([]byte, string, error) {
	var path []string
	key := name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		path, key = strings.Split(name[:i], "."), name[i+1:]
	}
	common := 0
	for common < len(n.open) && common < len(path) && n.open[common] == path[common] {
		common++
	}
	var err error
	for len(n.open) > common {
		last := len(n.idx) - 1
		if b, err = bsoncore.AppendDocumentEnd(b, n.idx[last]); err != nil {
			return b, "", err
		}
		n.open, n.idx = n.open[:last], n.idx[:last]
	}
	for _, seg := range path[common:] {
		var idx int32
		idx, b = bsoncore.AppendDocumentElementStart(b, seg)
		n.open, n.idx = append(n.open, seg), append(n.idx, idx)
	}
	return b, key, nil
}

// close closes every open subdocument.
func (n *nester) close(b []byte) ([]byte, error) {
	b, _, err := n.to(b, "")
	return b, err
}

// readCustom reads a field of a custom type (meta.Type) through its
// FromDatabase, given the stored value as a plain Go value.
func readCustom(p *meta.Property, ptr unsafe.Pointer, rv bson.RawValue) error {
	f := reflect.NewAt(p.Type, p.At.PtrAlloc(ptr))
	if rv.Type == bson.TypeNull || rv.Type == bson.TypeUndefined {
		f.Elem().SetZero()
		return nil
	}
	v, err := primitive(rv)
	if err != nil {
		return fmt.Errorf("mongo: %s from %s: %w", p, rv.Type, err)
	}
	return p.FromDatabaseInto(f, v)
}
