package meta_test

import (
	"reflect"
	"sync"
	"testing"
	"unsafe"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

func TestAccessors(t *testing.T) {
	r := mustRegister(t, Author{}, Book{}, Tag{}, Post{}, Kitchen{})
	be := mustEntity(t, r, Book{})
	b := &Book{ID: 7, Title: "Wall"}
	ptr, err := uow.PtrOf(be, b)
	if err != nil {
		t.Fatal(err)
	}
	id, title, author, tags := mustProp(t, be, "ID"), mustProp(t, be, "Title"), mustProp(t, be, "Author"), mustProp(t, be, "Tags")

	if v, ok := id.At.Int64(ptr); !ok || v != 7 {
		t.Errorf("Int64 = %d, %v", v, ok)
	}
	if !id.At.SetInt64(ptr, 42) || b.ID != 42 {
		t.Errorf("SetInt64: ID = %d", b.ID)
	}
	if s, ok := title.At.StringValue(ptr); !ok || s != "Wall" {
		t.Errorf("StringValue = %q, %v", s, ok)
	}
	if !title.At.SetString(ptr, "Part 2") || b.Title != "Part 2" {
		t.Errorf("SetString: Title = %q", b.Title)
	}
	if _, ok := title.At.Int64(ptr); ok {
		t.Error("Int64 on a string field succeeded")
	}
	if title.At.SetInt64(ptr, 1) {
		t.Error("SetInt64 on a string field succeeded")
	}
	a := &Author{Name: "Jon"}
	if !author.At.SetPointer(ptr, unsafe.Pointer(a)) || b.Author != a {
		t.Error("SetPointer did not set Book.Author")
	}
	if author.At.Pointer(ptr) != unsafe.Pointer(a) {
		t.Error("Pointer mismatch")
	}
	if got := title.Value(reflect.ValueOf(b)); got.String() != "Part 2" || !got.CanSet() {
		t.Errorf("Value(ptr) = %v settable=%v", got, got.CanSet())
	}
	if got := title.Value(reflect.ValueOf(*b)); got.String() != "Part 2" {
		t.Errorf("Value(struct) = %v", got)
	}
	if got := title.At.Interface(ptr); got != "Part 2" {
		t.Errorf("Interface = %v", got)
	}
	if err := id.At.Set(ptr, int32(9)); err != nil || b.ID != 9 {
		t.Errorf("Set(int32) err=%v ID=%d", err, b.ID)
	}
	if err := title.At.Set(ptr, 65); err == nil {
		t.Error("Set(int) into a string field succeeded")
	}
	if err := title.At.Set(ptr, nil); err != nil || b.Title != "" {
		t.Errorf("Set(nil) err=%v Title=%q", err, b.Title)
	}
	coll := tags.At.Collection(ptr)
	if coll == nil || coll.ElemType() != reflect.TypeFor[*Tag]() {
		t.Fatalf("Collection = %v", coll)
	}
	tg := &Tag{ID: 1}
	if err := coll.HydrateAny([]any{tg}); err != nil {
		t.Fatal(err)
	}
	if !b.Tags.Contains(tg) {
		t.Error("HydrateAny through Property.Collection did not reach the field")
	}
	if title.At.Collection(ptr) != nil {
		t.Error("Collection on a scalar is not nil")
	}

	// Primary-key helpers.
	if uow.PKValues(be, ptr)[0] != int64(9) || !uow.HasPK(be, ptr) {
		t.Errorf("PKValue = %v HasPK=%v", uow.PKValues(be, ptr)[0], uow.HasPK(be, ptr))
	}
	if err := mustProp(t, be, "ID").At.Set(ptr, int64(11)); err != nil || b.ID != 11 {
		t.Errorf("SetPK err=%v ID=%d", err, b.ID)
	}
	if vals := uow.PKValues(be, ptr); len(vals) != 1 || vals[0] != int64(11) {
		t.Errorf("PKValues = %v", vals)
	}
	if uow.HasPK(be, unsafe.Pointer(&Book{})) {
		t.Error("HasPK on zero Book")
	}
	if _, err := uow.PtrOf(be, &Author{}); err == nil {
		t.Error("PtrOf(*Author) on Book succeeded")
	}
	if _, err := uow.PtrOf(be, (*Book)(nil)); err == nil {
		t.Error("PtrOf(nil) succeeded")
	}

	// Embedded value structs: the offset is summed; embedded pointers are walked.
	pe := mustEntity(t, r, Post{})
	post := &Post{}
	pp := unsafe.Pointer(post)
	created := mustProp(t, pe, "CreatedAt")
	if created.At.Ptr(pp) != unsafe.Pointer(&post.CreatedAt) {
		t.Error("Ptr of embedded value field is wrong")
	}
	by := mustProp(t, pe, "By")
	if by.At.Ptr(pp) != nil || !by.At.IsZero(pp) || by.Value(reflect.ValueOf(post)).IsValid() || by.Value(reflect.ValueOf(*post)).IsValid() {
		t.Error("field behind nil embedded pointer is reachable")
	}
	if err := by.At.Set(pp, "admin"); err != nil || post.Audit == nil || post.By != "admin" {
		t.Errorf("Set through nil embedded pointer: err=%v Audit=%v", err, post.Audit)
	}
	if by.At.Ptr(pp) != unsafe.Pointer(&post.Audit.By) {
		t.Error("Ptr through embedded pointer is wrong")
	}
	if s, _ := by.At.StringValue(pp); s != "admin" {
		t.Errorf("StringValue through embedded pointer = %q", s)
	}

	// IsZero and Int64 across kinds.
	ke := mustEntity(t, r, Kitchen{})
	k := &Kitchen{I8: -3, U16: 65535, I32: -1}
	kp := unsafe.Pointer(k)
	for field, want := range map[string]int64{"I8": -3, "U16": 65535, "I32": -1, "I": 0} {
		p := mustProp(t, ke, field)
		if v, ok := p.At.Int64(kp); !ok || v != want {
			t.Errorf("%s Int64 = %d, %v; want %d", field, v, ok, want)
		}
		if p.At.IsZero(kp) != (want == 0) {
			t.Errorf("%s IsZero = %v", field, p.At.IsZero(kp))
		}
	}
	if !mustProp(t, ke, "ID").At.IsZero(kp) || !mustProp(t, ke, "At").At.IsZero(kp) {
		t.Error("IsZero on zero UUID / time")
	}
}

func TestConcurrentRegisterAndLookup(t *testing.T) {
	r := meta.NewRegistry()
	sets := [][]any{
		{Author{}, Book{}, Tag{}},
		{User{}, Profile{}},
		{Post{}, Shadow{}},
		{Kitchen{}},
		{Membership{}, Grant{}, Legacy{}},
		{&Node{}},
	}
	var wg sync.WaitGroup
	for i := range 4 {
		for _, s := range sets {
			wg.Go(func() {
				if err := r.Register(s...); err != nil {
					t.Errorf("Register: %v", err)
				}
			})
		}
		wg.Go(func() {
			for range 200 {
				if e, ok := r.Entity(reflect.TypeFor[Book]()); ok {
					if p, ok := e.Prop("author"); !ok || p.Relation.Target == nil {
						t.Error("Book seen without its relation resolved")
					}
				}
				for _, e := range r.Entities() {
					_ = e.Table
				}
				_, _ = r.EntityOf(&User{})
				_, _ = r.EntityByName("Tag")
				_ = i
			}
		})
	}
	wg.Wait()
	if n := len(r.Entities()); n != 12 {
		t.Errorf("%d entities, want 12", n)
	}
}

var sink int64

func benchBook(b *testing.B) (*meta.Entity, unsafe.Pointer) {
	r := meta.NewRegistry()
	if err := r.Register(Author{}, Book{}, Tag{}); err != nil {
		b.Fatal(err)
	}
	e, _ := r.EntityOf(Book{})
	return e, unsafe.Pointer(&Book{ID: 1000, Title: "t"})
}

func BenchmarkPropertyPtr(b *testing.B) {
	e, p := benchBook(b)
	prop, _ := e.Prop("Title")
	b.ReportAllocs()
	for b.Loop() {
		*(*string)(prop.At.Ptr(p)) = "x"
	}
}

func BenchmarkPropertyInt64(b *testing.B) {
	e, p := benchBook(b)
	prop := e.PK[0]
	b.ReportAllocs()
	for b.Loop() {
		v, _ := prop.At.Int64(p)
		sink += v
	}
}

func BenchmarkPropertySetInt64(b *testing.B) {
	e, p := benchBook(b)
	prop := e.PK[0]
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		prop.At.SetInt64(p, int64(i))
	}
}

func BenchmarkPropertyStringValue(b *testing.B) {
	e, p := benchBook(b)
	prop, _ := e.Prop("Title")
	b.ReportAllocs()
	for b.Loop() {
		s, _ := prop.At.StringValue(p)
		sink += int64(len(s))
	}
}

func BenchmarkPropertyValue(b *testing.B) {
	e, p := benchBook(b)
	prop, _ := e.Prop("Title")
	v := reflect.NewAt(e.Type, p)
	b.ReportAllocs()
	for b.Loop() {
		sink += int64(prop.Value(v).Len())
	}
}

func BenchmarkPropertyCollection(b *testing.B) {
	e, p := benchBook(b)
	prop, _ := e.Prop("Tags")
	b.ReportAllocs()
	for b.Loop() {
		if prop.At.Collection(p).IsInitialized() {
			sink++
		}
	}
}

func BenchmarkRegistryEntity(b *testing.B) {
	r := meta.NewRegistry()
	if err := r.Register(Author{}, Book{}, Tag{}); err != nil {
		b.Fatal(err)
	}
	t := reflect.TypeFor[*Book]()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := r.Entity(t); ok {
			sink++
		}
	}
}

func BenchmarkRegister(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := meta.NewRegistry()
		if err := r.Register(Author{}, Book{}, Tag{}, User{}, Profile{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAccessorsDoNotAllocate guards the hot paths measured by the benchmarks.
func TestAccessorsDoNotAllocate(t *testing.T) {
	r := mustRegister(t, Author{}, Book{}, Tag{})
	e := mustEntity(t, r, Book{})
	p := unsafe.Pointer(&Book{ID: 1000, Title: "t"})
	title, _ := e.Prop("Title")
	tags, _ := e.Prop("Tags")
	v := reflect.NewAt(e.Type, p)
	bt := reflect.TypeFor[Book]()
	checks := map[string]func(){
		"Ptr":         func() { _ = title.At.Ptr(p) },
		"Int64":       func() { x, _ := e.PK[0].At.Int64(p); sink += x },
		"SetInt64":    func() { e.PK[0].At.SetInt64(p, 1001) },
		"StringValue": func() { s, _ := title.At.StringValue(p); sink += int64(len(s)) },
		"SetString":   func() { title.At.SetString(p, "u") },
		"Value":       func() { _ = title.Value(v) },
		"Collection":  func() { _ = tags.At.Collection(p) },
		"IsZero":      func() { _ = title.At.IsZero(p) },
		"Entity":      func() { _, _ = r.Entity(bt) },
	}
	for name, f := range checks {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s allocates %.1f times per call", name, n)
		}
	}
}
