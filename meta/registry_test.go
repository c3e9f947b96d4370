package meta_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/unitorm/unitorm/meta"
)

func mustRegister(t *testing.T, entities ...any) *meta.Registry {
	t.Helper()
	r := meta.NewRegistry()
	if err := r.Register(entities...); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return r
}

func mustEntity(t *testing.T, r *meta.Registry, v any) *meta.Entity {
	t.Helper()
	e, err := r.EntityOf(v)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func mustProp(t *testing.T, e *meta.Entity, name string) *meta.Property {
	t.Helper()
	p, ok := e.Prop(name)
	if !ok {
		t.Fatalf("%s has no property %q", e.Name, name)
	}
	return p
}

func TestDesignEntities(t *testing.T) {
	r := mustRegister(t, Author{}, &Book{}, (*Tag)(nil))
	var names []string
	for _, e := range r.Entities() {
		names = append(names, e.Name+":"+e.Table)
	}
	if want := []string{"Author:author", "Book:book", "Tag:tag"}; !slices.Equal(names, want) {
		t.Fatalf("Entities() = %v, want %v", names, want)
	}
	a := mustEntity(t, r, &Author{})
	if got := columnList(a); !slices.Equal(got, []string{"id", "name", "email", "born", "version", "favourite_book_id"}) {
		t.Errorf("Author columns = %v", got)
	}
	b := mustEntity(t, r, Book{})
	if got := columnList(b); !slices.Equal(got, []string{"id", "title", "author_id"}) {
		t.Errorf("Book columns = %v", got)
	}
	if a.Version == nil || a.Version.Field != "Version" {
		t.Errorf("Author.Version = %v", a.Version)
	}
	if len(a.PK) != 1 || a.PK[0].Name != "id" || !a.PK[0].AutoIncrement {
		t.Errorf("Author PK = %v", a.PK)
	}
	if e, ok := r.EntityByName("Tag"); !ok || e.Table != "tag" {
		t.Errorf("EntityByName(Tag) = %v, %v", e, ok)
	}
	if e, ok := r.Entity(reflect.TypeFor[*Book]()); !ok || e != b {
		t.Errorf("Entity(*Book) = %v, %v", e, ok)
	}
	if _, err := r.EntityOf(User{}); !errors.Is(err, meta.ErrNotRegistered) {
		t.Errorf("EntityOf(User{}) err = %v, want ErrNotRegistered", err)
	}
	if _, err := r.EntityOf(42); !errors.Is(err, meta.ErrNotStruct) {
		t.Errorf("EntityOf(42) err = %v, want ErrNotStruct", err)
	}
	if _, err := r.EntityOf(nil); !errors.Is(err, meta.ErrNotStruct) {
		t.Errorf("EntityOf(nil) err = %v, want ErrNotStruct", err)
	}
	// Registering again is a no-op and keeps the same metadata.
	if err := r.Register(Author{}, Book{}); err != nil {
		t.Fatal(err)
	}
	if len(r.Entities()) != 3 || mustEntity(t, r, Author{}) != a {
		t.Error("re-registering changed the registry")
	}
}

func columnList(e *meta.Entity) []string {
	var out []string
	for _, c := range e.Columns {
		out = append(out, c.Name)
	}
	return out
}

func TestPropLookup(t *testing.T) {
	r := mustRegister(t, Author{}, Book{}, Tag{})
	a := mustEntity(t, r, Author{})
	for _, name := range []string{"favouriteBook", "FavouriteBook", "favourite_book_id"} {
		if p := mustProp(t, a, name); p.Field != "FavouriteBook" {
			t.Errorf("Prop(%q) = %s", name, p.Field)
		}
	}
	if _, ok := a.Prop("nope"); ok {
		t.Error("Prop(nope) found something")
	}
	if c, ok := a.Column("email"); !ok || c.Prop.Field != "Email" {
		t.Errorf("Column(email) = %v, %v", c, ok)
	}
	if v, ok := a.New().(*Author); !ok || v == nil {
		t.Errorf("New() = %T", a.New())
	}
	if a.NewValue().Type() != reflect.TypeFor[*Author]() {
		t.Errorf("NewValue() type = %v", a.NewValue().Type())
	}
}

func TestScalarProperties(t *testing.T) {
	r := mustRegister(t, Kitchen{})
	k := mustEntity(t, r, Kitchen{})
	type want struct {
		col      string
		typ      meta.ColumnType
		nullable bool
		wrap     meta.Wrap
		codec    meta.Codec
		sqlType  string
	}
	tests := map[string]want{
		"ID":        {"id", meta.TypeUUID, false, meta.WrapNone, meta.CodecPlain, ""},
		"B":         {"b", meta.TypeBool, false, meta.WrapNone, meta.CodecPlain, ""},
		"I8":        {"i8", meta.TypeInt16, false, meta.WrapNone, meta.CodecPlain, ""},
		"I16":       {"i16", meta.TypeInt16, false, meta.WrapNone, meta.CodecPlain, ""},
		"I32":       {"i32", meta.TypeInt32, false, meta.WrapNone, meta.CodecPlain, ""},
		"I":         {"i", meta.TypeInt64, false, meta.WrapNone, meta.CodecPlain, ""},
		"U8":        {"u8", meta.TypeInt16, false, meta.WrapNone, meta.CodecPlain, ""},
		"U16":       {"u16", meta.TypeInt32, false, meta.WrapNone, meta.CodecPlain, ""},
		"U32":       {"u32", meta.TypeInt64, false, meta.WrapNone, meta.CodecPlain, ""},
		"U64":       {"u64", meta.TypeInt64, false, meta.WrapNone, meta.CodecPlain, ""},
		"F32":       {"f32", meta.TypeFloat32, false, meta.WrapNone, meta.CodecPlain, ""},
		"F64":       {"f64", meta.TypeFloat64, false, meta.WrapNone, meta.CodecPlain, ""},
		"S":         {"s", meta.TypeString, false, meta.WrapNone, meta.CodecPlain, ""},
		"St":        {"st", meta.TypeString, false, meta.WrapNone, meta.CodecPlain, ""},
		"Raw":       {"raw", meta.TypeBytes, false, meta.WrapNone, meta.CodecPlain, ""},
		"At":        {"at", meta.TypeTime, false, meta.WrapNone, meta.CodecPlain, ""},
		"Day":       {"day", meta.TypeDate, false, meta.WrapNone, meta.CodecPlain, ""},
		"PtrI":      {"ptr_i", meta.TypeInt64, true, meta.WrapPointer, meta.CodecPlain, ""},
		"PtrS":      {"ptr_s", meta.TypeString, false, meta.WrapPointer, meta.CodecPlain, ""},
		"NullS":     {"null_s", meta.TypeString, true, meta.WrapSQLNull, meta.CodecValuer, ""},
		"NullI":     {"null_i", meta.TypeInt64, true, meta.WrapSQLNull, meta.CodecValuer, ""},
		"NullT":     {"null_t", meta.TypeTime, true, meta.WrapSQLNull, meta.CodecValuer, ""},
		"NullG":     {"null_g", meta.TypeFloat64, true, meta.WrapSQLNull, meta.CodecValuer, ""},
		"Price":     {"price", meta.TypeInt64, false, meta.WrapNone, meta.CodecValuer, ""},
		"Where":     {"where", meta.TypeUnknown, false, meta.WrapNone, meta.CodecValuer, "point"},
		"Meta":      {"meta", meta.TypeJSON, false, meta.WrapNone, meta.CodecJSON, ""},
		"List":      {"list", meta.TypeJSON, true, meta.WrapNone, meta.CodecJSON, ""},
		"Amount":    {"amount", meta.TypeDecimal, false, meta.WrapNone, meta.CodecPlain, ""},
		"Amount2":   {"amount2", meta.TypeDecimal, false, meta.WrapNone, meta.CodecPlain, ""},
		"Short":     {"short", meta.TypeString, false, meta.WrapNone, meta.CodecPlain, ""},
		"Geo":       {"geo", meta.TypeString, false, meta.WrapNone, meta.CodecPlain, "geometry(point,4326)"},
		"Code":      {"kcode", meta.TypeString, false, meta.WrapNone, meta.CodecPlain, ""},
		"Seen":      {"seen", meta.TypeInt64, false, meta.WrapNone, meta.CodecPlain, ""},
		"Secret":    {"secret", meta.TypeString, false, meta.WrapNone, meta.CodecPlain, ""},
		"ExplicitN": {"explicit_n", meta.TypeString, true, meta.WrapNone, meta.CodecPlain, ""},
	}
	if len(k.Props) != len(tests) {
		t.Errorf("Kitchen has %d properties, want %d", len(k.Props), len(tests))
	}
	for field, w := range tests {
		p := mustProp(t, k, field)
		got := want{p.Column, p.ColumnType, p.Nullable, p.Wrap, p.Codec, p.SQLType}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", field, got, w)
		}
	}
	for _, field := range []string{"ignored", "Skipped"} {
		if _, ok := k.Prop(field); ok {
			t.Errorf("%s is mapped", field)
		}
	}
	if id := mustProp(t, k, "ID"); id.AutoIncrement || !id.PK {
		t.Errorf("UUID pk: AutoIncrement=%v PK=%v", id.AutoIncrement, id.PK)
	}
	if p := mustProp(t, k, "U64"); !p.Unsigned {
		t.Error("U64 not Unsigned")
	}
	if p := mustProp(t, k, "Amount"); p.Precision != 10 || p.Scale != 2 {
		t.Errorf("Amount precision/scale = %d/%d", p.Precision, p.Scale)
	}
	if p := mustProp(t, k, "Amount2"); p.Precision != 12 || p.Scale != 3 {
		t.Errorf("Amount2 precision/scale = %d/%d", p.Precision, p.Scale)
	}
	if p := mustProp(t, k, "Short"); p.Length != 20 {
		t.Errorf("Short length = %d", p.Length)
	}
	if p := mustProp(t, k, "Code"); p.Length != 8 {
		t.Errorf("Code length = %d", p.Length)
	}
	if p := mustProp(t, k, "Seen"); !p.HasDefault || p.Default != "0" || !p.Indexed || p.IndexName != "ix_seen" {
		t.Errorf("Seen = %+v", p)
	}
	if p := mustProp(t, k, "Secret"); !p.Hidden {
		t.Error("Secret not Hidden")
	}
	if p := mustProp(t, k, "PtrI"); p.BaseType != reflect.TypeFor[int64]() {
		t.Errorf("PtrI BaseType = %v", p.BaseType)
	}
	if p := mustProp(t, k, "NullG"); p.BaseType != reflect.TypeFor[float64]() {
		t.Errorf("NullG BaseType = %v", p.BaseType)
	}
}

func TestIndexes(t *testing.T) {
	r := mustRegister(t, User{}, Profile{})
	u := mustEntity(t, r, User{})
	var got []string
	for _, ix := range u.Indexes {
		s := ix.Name + "("
		for i, c := range ix.Columns {
			if i > 0 {
				s += ","
			}
			s += c
		}
		s += ")"
		if ix.Unique {
			s += "!"
		}
		got = append(got, s)
	}
	want := []string{"uq_login_realm(login,realm)!", "user_realm_index(realm)"}
	if !slices.Equal(got, want) {
		t.Errorf("User indexes = %v, want %v", got, want)
	}
	p := mustEntity(t, r, Profile{})
	if len(p.Indexes) != 1 || !p.Indexes[0].Unique || !slices.Equal(p.Indexes[0].Columns, []string{"owner_id"}) {
		t.Errorf("Profile indexes (1:1 owning is unique) = %+v", p.Indexes)
	}
}

func TestEmbedded(t *testing.T) {
	r := mustRegister(t, Post{}, Shadow{})
	p := mustEntity(t, r, Post{})
	if got := columnList(p); !slices.Equal(got, []string{"id", "created_at", "updated_at", "by", "title"}) {
		t.Errorf("Post columns = %v", got)
	}
	id := mustProp(t, p, "id")
	if !slices.Equal(id.Index, []int{0, 0}) || !id.At.Direct || !id.PK {
		t.Errorf("Post.id Index=%v Direct=%v PK=%v", id.Index, id.At.Direct, id.PK)
	}
	if by := mustProp(t, p, "By"); by.At.Direct {
		t.Error("field behind embedded pointer reports Direct")
	}
	if c := mustProp(t, p, "CreatedAt"); c.Default != "CURRENT_TIMESTAMP" || c.Nullable {
		t.Errorf("CreatedAt = %+v", c)
	}
	s := mustEntity(t, r, Shadow{})
	if len(s.Props) != 1 || s.PK[0].Type != reflect.TypeFor[string]() || !slices.Equal(s.PK[0].Index, []int{1}) {
		t.Errorf("Shadow props = %v, PK type %v", s.Props, s.PK[0].Type)
	}
}

func TestCompositeAndCustomTable(t *testing.T) {
	r := mustRegister(t, Membership{}, Grant{}, Legacy{})
	m := mustEntity(t, r, Membership{})
	if len(m.PK) != 2 || m.PK[0].AutoIncrement || m.PK[1].AutoIncrement {
		t.Errorf("Membership PK = %v", m.PK)
	}
	g := mustEntity(t, r, Grant{})
	if g.PK[0].AutoIncrement {
		t.Error("autoincrement=false ignored")
	}
	rl := mustProp(t, g, "Membership").Relation
	if !slices.Equal(rl.JoinColumns, []string{"m_user", "m_group"}) || !slices.Equal(rl.ReferencedColumns, []string{"user_id", "group_id"}) {
		t.Errorf("composite FK join=%v ref=%v", rl.JoinColumns, rl.ReferencedColumns)
	}
	if c, _ := g.Column("m_group"); c == nil || c.Type != meta.TypeString || c.Ref.Field != "GroupID" {
		t.Errorf("m_group column = %+v", c)
	}
	if l := mustEntity(t, r, Legacy{}); l.Table != "tbl_legacy" {
		t.Errorf("Legacy table = %q", l.Table)
	}
}

type prefixNaming struct{ meta.UnderscoreNaming }

func (prefixNaming) TableName(typeName string) string { return "app_" + meta.Underscore(typeName) }

func TestCustomNaming(t *testing.T) {
	r := meta.NewRegistry(meta.WithNaming(prefixNaming{}))
	if err := r.Register(Author{}, Book{}, Tag{}); err != nil {
		t.Fatal(err)
	}
	b := mustEntity(t, r, Book{})
	if b.Table != "app_book" {
		t.Errorf("table = %q", b.Table)
	}
	if pv := mustProp(t, b, "Tags").Relation.Pivot; pv.Table != "book_tags" {
		t.Errorf("pivot = %q", pv.Table)
	}
}

// TestEntityLookupCache: Entity answers by struct type and by pointer
// type, in any interleaving of types and of registrations, without
// allocating; unregistered types are not found.
func TestEntityLookupCache(t *testing.T) {
	type A struct {
		ID int64 `orm:"pk"`
	}
	type B struct {
		ID int64 `orm:"pk"`
	}
	type C struct {
		ID int64 `orm:"pk"`
	}
	r := mustRegister(t, A{}, B{})
	types := []reflect.Type{reflect.TypeFor[A](), reflect.TypeFor[*A](), reflect.TypeFor[B](), reflect.TypeFor[*B]()}
	want := func(typ reflect.Type) string {
		if typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		return typ.Name()
	}
	for i := range 50 {
		typ := types[(i*7)%len(types)]
		if e, ok := r.Entity(typ); !ok || e.Name != want(typ) {
			t.Fatalf("Entity(%s) = %v, %v", typ, e, ok)
		}
		if i == 20 {
			if err := r.Register(C{}); err != nil {
				t.Fatal(err)
			}
			types = append(types, reflect.TypeFor[*C]())
		}
		if _, ok := r.Entity(reflect.TypeFor[struct{ X int }]()); ok {
			t.Fatal("an unregistered type was found")
		}
	}
	if n := testing.AllocsPerRun(100, func() {
		r.Entity(types[0])
		r.Entity(types[3])
	}); n != 0 {
		t.Errorf("Entity allocates %v times per two lookups", n)
	}
}
