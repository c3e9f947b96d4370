package uow_test

import (
	"errors"
	"testing"
	"unsafe"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

func addr[T any](p *T) unsafe.Pointer { return unsafe.Pointer(p) }

type stiBase struct {
	ID   int64  `orm:"pk"`
	Kind string `orm:"discriminator"`
}

type stiA struct {
	stiBase `orm:"discriminator=a"`
	X       int
}

type stiB struct {
	stiA `orm:"discriminator=b"`
	Y    string
}

type stiS struct {
	ID   string `orm:"pk"`
	Kind string `orm:"discriminator=s"`
}

type stiT struct {
	stiS `orm:"discriminator=t"`
}

// TestFamilyKeys: every way of making an identity key (KeyOf and KeyFor,
// integer and string keys) gives a family member its root's key, so a row
// is one entry whichever type finds it; Concrete picks types by value.
func TestFamilyKeys(t *testing.T) {
	r := meta.NewRegistry()
	if err := r.Register(stiBase{}, stiA{}, stiB{}, stiS{}, stiT{}); err != nil {
		t.Fatal(err)
	}
	ent := func(v any) *meta.Entity {
		e, err := r.EntityOf(v)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	base, a, b, s, tt := ent(stiBase{}), ent(stiA{}), ent(stiB{}), ent(stiS{}), ent(stiT{})
	x := &stiB{stiA: stiA{stiBase: stiBase{ID: 7}}}
	for _, e := range []*meta.Entity{base, a, b} {
		k, ok := uow.KeyOf(e, addr(x))
		kf, err := uow.KeyFor(e, int64(7))
		if !ok || err != nil || k != kf || k.Entity != base {
			t.Errorf("%s: KeyOf %v, KeyFor %v (%v): want the root's key", e.Name, k, kf, err)
		}
	}
	sv := &stiT{stiS: stiS{ID: "k"}}
	for _, e := range []*meta.Entity{s, tt} {
		k, ok := uow.KeyOf(e, addr(sv))
		kf, err := uow.KeyFor(e, "k")
		if !ok || err != nil || k != kf || k.Entity != s {
			t.Errorf("%s: KeyOf %v, KeyFor %v (%v)", e.Name, k, kf, err)
		}
	}
	if c, err := uow.Concrete(base, "b"); err != nil || c != b {
		t.Errorf("Concrete(base, b) = %v, %v", c, err)
	}
	if c, err := uow.Concrete(a, []byte("b")); err != nil || c != b {
		t.Errorf("Concrete(a, b) = %v, %v", c, err)
	}
	var de *uow.DiscriminatorError
	for _, v := range []any{"x", nil, "", "a"} {
		e := b
		if v != "a" {
			e = base
		}
		if _, err := uow.Concrete(e, v); !errors.Is(err, uow.ErrUnknownDiscriminator) || !errors.As(err, &de) || de.Property != "kind" {
			t.Errorf("Concrete(%s, %v) = %v", e.Name, v, err)
		}
	}
}
