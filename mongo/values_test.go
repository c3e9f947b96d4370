package mongo

import (
	"database/sql"
	"errors"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

type level string

type payload struct {
	Pages int                `bson:"pages"`
	Tags  []string           `bson:"tags"`
	Extra map[string]any     `bson:"extra"`
	Sub   *struct{ N int64 } `bson:"sub"`
}

type kitchen struct {
	ID     bson.ObjectID `orm:"pk"`
	S      string
	Lvl    level
	I8     int8
	U32    uint32
	U64    uint64
	F32    float32
	B      bool
	At     time.Time
	Raw    []byte
	UUID   [16]byte
	PtrS   *string
	PtrI   *int
	NullS  sql.NullString
	NullI  sql.Null[int64]
	Doc    payload  `orm:"type=json"`
	DocPtr *payload `orm:"type=json"`
	JSON   string   `orm:"type=json"`
	List   []int    `orm:"type=json"`
	Other  *bson.ObjectID
}

func roundTrip(t *testing.T, in *kitchen) *kitchen {
	t.Helper()
	reg := meta.NewRegistry()
	if err := reg.Register(kitchen{}); err != nil {
		t.Fatal(err)
	}
	e, _ := reg.EntityOf(kitchen{})
	dm, err := (&mapper{reg: reg}).of(e)
	if err != nil {
		t.Fatal(err)
	}
	ptr := reflect.ValueOf(in).UnsafePointer()
	doc := bson.D{}
	for i := range dm.fields {
		v, err := writeValue(&dm.fields[i], ptr)
		if err != nil {
			t.Fatalf("%s: %v", dm.fields[i].prop, err)
		}
		if v != nil {
			doc = append(doc, bson.E{Key: dm.fields[i].name, Value: v})
		}
	}
	raw, err := bson.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := newDecoder(dm, uow.GroupOf(e))
	if err != nil {
		t.Fatal(err)
	}
	l, err := dec.decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return (*kitchen)(l.Ptr)
}

func TestValuesRoundTrip(t *testing.T) {
	s, i := "hello", 42
	other := bson.NewObjectID()
	in := &kitchen{
		ID: bson.NewObjectID(), S: "s", Lvl: "high", I8: -8, U32: 1 << 31, U64: 1 << 40, F32: 1.5, B: true,
		At:  time.Date(2024, 2, 3, 4, 5, 6, 7_000_000, time.UTC),
		Raw: []byte{0, 1, 2}, UUID: [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		PtrS: &s, PtrI: &i, NullS: sql.NullString{String: "n", Valid: true}, NullI: sql.Null[int64]{V: 9, Valid: true},
		Doc:    payload{Pages: 3, Tags: []string{"a"}, Extra: map[string]any{"k": "v", "nested": map[string]any{"x": "y"}}, Sub: &struct{ N int64 }{5}},
		DocPtr: &payload{Pages: 1},
		JSON:   `{"a":1}`,
		List:   []int{3, 1, 2},
		Other:  &other,
	}
	out := roundTrip(t, in)
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip:\n in  %+v\n out %+v", in, out)
	}
	zero := roundTrip(t, &kitchen{ID: bson.NewObjectID()})
	if zero.PtrS != nil || zero.DocPtr != nil || zero.NullS.Valid || zero.Other != nil || zero.Raw != nil {
		t.Fatalf("nil values came back as %+v", zero)
	}
}

func TestWriteValueRefusesBadKeys(t *testing.T) {
	reg := meta.NewRegistry()
	if err := reg.Register(fAuthor{}, fBook{}, fTag{}); err != nil {
		t.Fatal(err)
	}
	e, _ := reg.EntityOf(fAuthor{})
	dm, err := (&mapper{reg: reg}).of(e)
	if err != nil {
		t.Fatal(err)
	}
	a := &fAuthor{ID: "not hex"}
	if _, err := writeValue(dm.pk, reflect.ValueOf(a).UnsafePointer()); !errors.Is(err, ErrInvalidObjectID) {
		t.Fatalf("got %v", err)
	}
	if _, err := idValue(bson.ObjectID{}, idOID); !errors.Is(err, ErrInvalidObjectID) {
		t.Fatalf("zero ObjectID: %v", err)
	}
	if v, err := idValue([12]byte{7}, idOID); err != nil || v.(bson.ObjectID)[0] != 7 {
		t.Fatalf("[12]byte: %v, %v", v, err)
	}
}

type composite struct {
	A int64 `orm:"pk"`
	B int64 `orm:"pk"`
}

func TestMappingErrors(t *testing.T) {
	reg := meta.NewRegistry()
	if err := reg.Register(composite{}, fAuthor{}, fBook{}, fTag{}); err != nil {
		t.Fatal(err)
	}
	m := &mapper{reg: reg}
	e, _ := reg.EntityOf(composite{})
	if _, err := m.of(e); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("composite key: %v", err)
	}
	if _, err := m.of(e); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("cached composite key error: %v", err)
	}
	b, _ := reg.EntityOf(fBook{})
	dm, err := m.of(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(dm.arrays) != 1 || dm.arrays[0].name != "tags" || dm.arrays[0].id != idOID {
		t.Fatalf("arrays %+v", dm.arrays)
	}
	if dm.pk.name != "_id" || dm.pk.id != idHex {
		t.Fatalf("pk %+v", dm.pk)
	}
	if _, err := m.byTable("nope"); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("byTable: %v", err)
	}
}

func TestOpenNeedsADatabase(t *testing.T) {
	reg := meta.NewRegistry()
	for _, uri := range []string{"mongodb://127.0.0.1:1/", "not a uri"} {
		if _, err := Open(t.Context(), uri, "", reg); err == nil {
			t.Errorf("Open(%q) without a database succeeded", uri)
		}
	}
}
