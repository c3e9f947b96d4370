package mongo

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"
	"unsafe"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// ParseObjectID parses the 24-character hex form of an ObjectID. An
// invalid string is ErrInvalidObjectID; the zero ObjectID is refused too,
// since it is never a stored key.
func ParseObjectID(s string) (bson.ObjectID, error) {
	id, err := bson.ObjectIDFromHex(s)
	if err != nil {
		return id, fmt.Errorf("%w: %q is not 24 hexadecimal digits", ErrInvalidObjectID, truncate(s, 40))
	}
	if id.IsZero() {
		return id, fmt.Errorf("%w: the zero ObjectID %q is not a key", ErrInvalidObjectID, s)
	}
	return id, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// idValue converts a key value given in its Go form (a hex string, a
// [12]byte, an integer) to what the document stores.
func idValue(v any, id idKind) (any, error) {
	switch id {
	case idHex, idOID:
		switch x := v.(type) {
		case nil:
			return nil, nil
		case bson.ObjectID:
			if x.IsZero() {
				return nil, fmt.Errorf("%w: the zero ObjectID is not a key", ErrInvalidObjectID)
			}
			return x, nil
		case string:
			return ParseObjectID(x)
		}
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Array && rv.Type().ConvertibleTo(objectIDType) {
			return idValue(rv.Convert(objectIDType).Interface().(bson.ObjectID), id)
		}
		if rv.Kind() == reflect.String {
			return ParseObjectID(rv.String())
		}
		return nil, fmt.Errorf("%w: %T is not an ObjectID", ErrInvalidObjectID, v)
	}
	return plainValue(v)
}

// plainValue converts a bound value to one the BSON encoder stores the way
// SQL drivers would bind it: driver.Valuer results, unsigned integers as
// int64, byte arrays that are ObjectIDs as ObjectIDs.
func plainValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, int64, int32, int, bool, float64, time.Time, bson.ObjectID, []byte:
		return v, nil
	case meta.DialectValue:
		return x.ForDialect("mongo")
	case driver.Valuer:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil, nil
		}
		val, err := x.Value()
		if err != nil {
			return nil, fmt.Errorf("mongo: %T.Value: %w", v, err)
		}
		return val, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil, nil
		}
		return plainValue(rv.Elem().Interface())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("mongo: %d does not fit a 64-bit integer field", u)
		}
		return int64(u), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Float32:
		return rv.Float(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Array:
		if rv.Type().ConvertibleTo(objectIDType) {
			return rv.Convert(objectIDType).Interface(), nil
		}
	case reflect.Map, reflect.Struct, reflect.Func, reflect.Chan:
		if rv.Type() != reflect.TypeFor[time.Time]() {
			return nil, fmt.Errorf("%w: %T is not a value", ErrInvalidValue, v)
		}
	}
	return v, nil
}

// writeValue returns what the document stores for field f of the entity at
// ptr. Keys are read from the referenced entity for to-one relations.
func writeValue(f *field, ptr unsafe.Pointer) (any, error) {
	p := f.prop
	if f.doc {
		fp := p.At.Ptr(ptr)
		if fp == nil {
			return nil, nil
		}
		v := reflect.NewAt(p.Type, fp).Elem()
		if p.Wrap == meta.WrapPointer {
			if v.IsNil() {
				return nil, nil
			}
			v = v.Elem()
		}
		switch v.Kind() {
		case reflect.String:
			return jsonText([]byte(v.String()))
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				if v.IsNil() {
					return nil, nil
				}
				return jsonText(v.Bytes())
			}
		}
		return v.Interface(), nil
	}
	var (
		v   any
		err error
	)
	if f.fk {
		v, err = uow.ColumnValue(f.col, ptr)
	} else {
		v, err = uow.FieldValue(p, ptr)
	}
	if err != nil {
		return nil, err
	}
	if f.id != idPlain {
		if s, ok := v.(string); ok && f.fk && s == "" {
			return nil, nil
		}
		v, err = idValue(v, f.id)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		return v, nil
	}
	if n, ok := v.(int64); ok && smallInt(p.BaseType.Kind()) && n >= math.MinInt32 && n <= math.MaxInt32 {
		// As the official driver stores int, int8, int16 and int32.
		return int32(n), nil
	}
	return plainValue(v)
}

// smallInt reports whether the official driver stores a Go integer of kind
// k as an int32 when it fits.
func smallInt(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return true
	}
	return false
}

// jsonText stores JSON text held in a string or []byte field as the
// document or array it encodes, keeping key order and integer types.
func jsonText(b []byte) (any, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var w struct {
		V bson.RawValue `bson:"v"`
	}
	doc := append(append([]byte(`{"v":`), b...), '}')
	if err := bson.UnmarshalExtJSON(doc, false, &w); err != nil {
		return nil, fmt.Errorf("mongo: a type=json field holds invalid JSON: %w", err)
	}
	return w.V, nil
}

// readKey returns the Go form of a stored key: a hex string for idHex, a
// bson.ObjectID for idOID, an int64 for integers.
func readKey(rv bson.RawValue, id idKind) (any, error) {
	switch rv.Type {
	case bson.TypeNull, bson.TypeUndefined:
		return nil, nil
	case bson.TypeObjectID:
		oid := rv.ObjectID()
		if id == idHex {
			return oid.Hex(), nil
		}
		return oid, nil
	case bson.TypeInt32:
		return int64(rv.Int32()), nil
	case bson.TypeInt64:
		return rv.Int64(), nil
	case bson.TypeString:
		return rv.StringValue(), nil
	}
	return primitive(rv)
}

// primitive returns a stored scalar in the forms database/sql scanners
// accept: nil, int64, float64, bool, string, []byte, time.Time.
func primitive(rv bson.RawValue) (any, error) {
	switch rv.Type {
	case bson.TypeNull, bson.TypeUndefined:
		return nil, nil
	case bson.TypeString:
		return rv.StringValue(), nil
	case bson.TypeInt32:
		return int64(rv.Int32()), nil
	case bson.TypeInt64:
		return rv.Int64(), nil
	case bson.TypeDouble:
		return rv.Double(), nil
	case bson.TypeBoolean:
		return rv.Boolean(), nil
	case bson.TypeDateTime:
		return rv.Time().UTC(), nil
	case bson.TypeBinary:
		_, b := rv.Binary()
		return append([]byte(nil), b...), nil
	case bson.TypeObjectID:
		return rv.ObjectID().Hex(), nil
	case bson.TypeDecimal128:
		return rv.Decimal128().String(), nil
	}
	var x any
	if err := rv.Unmarshal(&x); err != nil {
		return nil, err
	}
	return x, nil
}

var (
	scannerType = reflect.TypeFor[sql.Scanner]()
	timeType    = reflect.TypeFor[time.Time]()
)

// readField stores a document value into the field of f in the fresh
// instance at ptr.
func readField(f *field, ptr unsafe.Pointer, rv bson.RawValue) error {
	p := f.prop
	if p.Codec == meta.CodecType {
		return readCustom(p, ptr, rv)
	}
	if err := readInto(f, p.Type, p.At.PtrAlloc(ptr), rv); err != nil {
		return fmt.Errorf("mongo: %s from %s: %w", p, rv.Type, err)
	}
	return nil
}

func readInto(f *field, t reflect.Type, fp unsafe.Pointer, rv bson.RawValue) error {
	null := rv.Type == bson.TypeNull || rv.Type == bson.TypeUndefined
	if t.Kind() == reflect.Pointer && !reflect.PointerTo(t).Implements(scannerType) {
		if null {
			*(*unsafe.Pointer)(fp) = nil
			return nil
		}
		elem := reflect.New(t.Elem())
		if err := readInto(f, t.Elem(), elem.UnsafePointer(), rv); err != nil {
			return err
		}
		*(*unsafe.Pointer)(fp) = elem.UnsafePointer()
		return nil
	}
	if f.doc {
		return readDoc(t, fp, rv, null)
	}
	if reflect.PointerTo(t).Implements(scannerType) {
		v, err := primitive(rv)
		if err != nil {
			return err
		}
		return reflect.NewAt(t, fp).Interface().(sql.Scanner).Scan(v)
	}
	if null {
		reflect.NewAt(t, fp).Elem().SetZero()
		return nil
	}
	if t == timeType {
		tm, ok := rv.TimeOK()
		if !ok {
			return errMismatch
		}
		*(*time.Time)(fp) = tm.UTC()
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		switch rv.Type {
		case bson.TypeString:
			*(*string)(fp) = rv.StringValue()
		case bson.TypeObjectID:
			*(*string)(fp) = rv.ObjectID().Hex()
		default:
			return errMismatch
		}
		return nil
	case reflect.Bool:
		b, ok := rv.BooleanOK()
		if !ok {
			return errMismatch
		}
		*(*bool)(fp) = b
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := rv.AsInt64OK()
		if !ok {
			return errMismatch
		}
		v := reflect.NewAt(t, fp).Elem()
		if v.CanInt() {
			if v.OverflowInt(n) {
				return errOverflow
			}
			v.SetInt(n)
		} else {
			if n < 0 || v.OverflowUint(uint64(n)) {
				return errOverflow
			}
			v.SetUint(uint64(n))
		}
		return nil
	case reflect.Float32, reflect.Float64:
		x, ok := rv.AsFloat64OK()
		if !ok {
			return errMismatch
		}
		reflect.NewAt(t, fp).Elem().SetFloat(x)
		return nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			_, b, ok := rv.BinaryOK()
			if !ok {
				if s, isStr := rv.StringValueOK(); isStr {
					b = []byte(s)
				} else {
					return errMismatch
				}
			}
			reflect.NewAt(t, fp).Elem().SetBytes(append([]byte(nil), b...))
			return nil
		}
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return readByteArray(t, fp, rv)
		}
	}
	return rv.Unmarshal(reflect.NewAt(t, fp).Interface())
}

// readByteArray fills a [N]byte field: an ObjectID, a UUID stored as its
// text form (as uow.FieldValue writes [16]byte keys), or binary data.
func readByteArray(t reflect.Type, fp unsafe.Pointer, rv bson.RawValue) error {
	var b []byte
	switch rv.Type {
	case bson.TypeObjectID:
		oid := rv.ObjectID()
		b = oid[:]
	case bson.TypeBinary:
		_, b = rv.Binary()
	case bson.TypeString:
		s := strings.ReplaceAll(rv.StringValue(), "-", "")
		var err error
		if b, err = hex.DecodeString(s); err != nil {
			return errMismatch
		}
	default:
		return errMismatch
	}
	if len(b) != t.Len() {
		return fmt.Errorf("%d bytes for a [%d]byte", len(b), t.Len())
	}
	copy(unsafe.Slice((*byte)(fp), t.Len()), b)
	return nil
}

// readDoc fills a type=json field from an embedded document or array.
// Documents nested in untyped values decode as maps, as encoding/json
// would give them.
func readDoc(t reflect.Type, fp unsafe.Pointer, rv bson.RawValue, null bool) error {
	v := reflect.NewAt(t, fp)
	if null {
		v.Elem().SetZero()
		return nil
	}
	isText := t.Kind() == reflect.String || (t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8)
	if isText {
		b, err := extJSON(rv)
		if err != nil {
			return err
		}
		if t.Kind() == reflect.String {
			v.Elem().SetString(string(b))
		} else {
			v.Elem().SetBytes(b)
		}
		return nil
	}
	// Decode {"v": value} into a struct{V T} so that documents nested in
	// untyped values (also inside arrays) come out as map[string]any.
	w := reflect.New(wrapperOf(t))
	dec := bson.NewDecoder(bson.NewDocumentReader(bytes.NewReader(wrapValue(rv))))
	dec.DefaultDocumentMap()
	if err := dec.Decode(w.Interface()); err != nil {
		return err
	}
	v.Elem().Set(w.Elem().Field(0))
	return nil
}

var wrappers sync.Map // reflect.Type → struct{V T `bson:"v"`}

func wrapperOf(t reflect.Type) reflect.Type {
	if w, ok := wrappers.Load(t); ok {
		return w.(reflect.Type)
	}
	w := reflect.StructOf([]reflect.StructField{{Name: "V", Type: t, Tag: `bson:"v"`}})
	wrappers.Store(t, w)
	return w
}

// wrapValue builds the document {"v": rv}.
func wrapValue(rv bson.RawValue) []byte {
	idx, doc := bsoncore.AppendDocumentStart(nil)
	doc = bsoncore.AppendValueElement(doc, "v", bsoncore.Value{Type: bsoncore.Type(rv.Type), Data: rv.Value})
	doc, _ = bsoncore.AppendDocumentEnd(doc, idx)
	return doc
}

// extJSON renders a stored value as relaxed extended JSON, for type=json
// fields that hold JSON text.
func extJSON(rv bson.RawValue) ([]byte, error) {
	switch rv.Type {
	case bson.TypeEmbeddedDocument:
		return bson.MarshalExtJSON(rv.Document(), false, false)
	case bson.TypeArray:
		b, err := bson.MarshalExtJSON(bson.D{{Key: "a", Value: rv}}, false, false)
		if err != nil {
			return nil, err
		}
		var w struct {
			A json.RawMessage `json:"a"`
		}
		if err := json.Unmarshal(b, &w); err != nil {
			return nil, err
		}
		return w.A, nil
	}
	x, err := primitive(rv)
	if err != nil {
		return nil, err
	}
	return json.Marshal(x)
}

var (
	errMismatch = fmt.Errorf("%w: the stored type does not fit the field", ErrDecode)
	errOverflow = fmt.Errorf("%w: the stored number overflows the field", ErrDecode)
)
