package uow_test

import (
	"reflect"
	"testing"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/rel"
)

// Benchmarks of the in-memory work of the Unit of Work (no database): the
// cost of hydrating rows into the identity map and of computing a flush's
// changes, for an entity without relations and for a parent/child pair.

type BUser struct {
	ID       int64 `orm:"pk"`
	ID2      int64
	Ready    bool
	Priority int64
	Name     string
}

type BAuthor struct {
	ID    int64 `orm:"pk"`
	Name  string
	Books rel.Collection[*BBook] `orm:"1:m,mappedBy=Author"`
}

type BBook struct {
	ID     int64 `orm:"pk"`
	Title  string
	Author *BAuthor `orm:"m:1"`
}

func benchReg(b *testing.B) *meta.Registry {
	reg := meta.NewRegistry()
	if err := reg.Register(BUser{}, BAuthor{}, BBook{}); err != nil {
		b.Fatal(err)
	}
	return reg
}

func entityOf[T any](b *testing.B, reg *meta.Registry) *meta.Entity {
	e, ok := reg.Entity(reflect.TypeFor[T]())
	if !ok {
		b.Fatal("not registered")
	}
	return e
}

// BenchmarkGraphHydrate100: 100 rows merged into a fresh identity map (the
// in-memory half of ReadSlice).
func BenchmarkGraphHydrate100(b *testing.B) {
	reg := benchReg(b)
	e := entityOf[BUser](b, reg)
	b.ReportAllocs()
	for b.Loop() {
		u := uow.New(reg)
		for i := range 100 {
			x := &BUser{ID: int64(i + 1), Name: "n", Priority: int64(i)}
			ptr, _ := uow.PtrOf(e, x)
			if _, err := u.Merge(e, ptr, false); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkGraphChanges10k: the change computation of a flush of 10,000
// managed users, 1,000 of them changed.
func BenchmarkGraphChanges10k(b *testing.B) {
	reg := benchReg(b)
	e := entityOf[BUser](b, reg)
	u := uow.New(reg)
	users := make([]*BUser, 10000)
	for i := range users {
		users[i] = &BUser{ID: int64(i + 1), Name: "n"}
		ptr, _ := uow.PtrOf(e, users[i])
		if _, err := u.Merge(e, ptr, false); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < len(users); i += 10 {
		users[i].Priority++
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := u.ComputeChanges(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGraphChangesRelations: the change computation with 1,000 authors
// × 10 books loaded (collections initialized), 1,000 books moved to another
// author by their pointer.
func BenchmarkGraphChangesRelations(b *testing.B) {
	reg := benchReg(b)
	ea, eb := entityOf[BAuthor](b, reg), entityOf[BBook](b, reg)
	u := uow.New(reg)
	authors := make([]*BAuthor, 1000)
	var books []*BBook
	for i := range authors {
		a := &BAuthor{ID: int64(i + 1), Name: "a"}
		ptr, _ := uow.PtrOf(ea, a)
		en, err := u.Merge(ea, ptr, false)
		if err != nil {
			b.Fatal(err)
		}
		a = en.Obj().(*BAuthor)
		authors[i] = a
		var its []*BBook
		for j := range 10 {
			bk := &BBook{ID: int64(i*10 + j + 1), Title: "t", Author: a}
			bp, _ := uow.PtrOf(eb, bk)
			if _, err := u.Merge(eb, bp, false); err != nil {
				b.Fatal(err)
			}
			its = append(its, bk)
			books = append(books, bk)
		}
		a.Books.Hydrate(its)
	}
	for i := 0; i < len(books); i += 10 {
		books[i].Author = authors[(i/10+1)%len(authors)]
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := u.ComputeChanges(); err != nil {
			b.Fatal(err)
		}
	}
}
