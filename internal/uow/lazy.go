package uow

import (
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

// SetLoaded stores the values of props (lazy properties just loaded) from
// the fresh instance at src into en's entity and its snapshot, leaving every
// other field and its pending change as it is. A property the entity has
// changed since its load (its value differs from the snapshot) keeps the
// change.
func (u *UnitOfWork) SetLoaded(en *Entry, props []*meta.Property, src unsafe.Pointer) {
	ti := infoOf(en.Entity)
	for _, p := range props {
		i := slicesIndexProp(ti, p)
		if i < 0 {
			continue
		}
		c := &ti.cols[i]
		if en.snap != nil {
			a, b := p.At.Ptr(en.Ptr), p.At.Ptr(en.snap)
			if a != nil && b != nil && !c.json && !c.custom && !c.equal(a, b) {
				continue // changed in memory: the change wins
			}
			copyField(p, en.snap, src)
			if s := p.At.Ptr(src); s != nil && c.deep != nil {
				c.deep(p.At.PtrAlloc(en.snap), s)
			}
			if c.json {
				en.snapExt().json[i] = marshalJSON(p, src)
			}
			if c.custom {
				en.snapExt().vals[i], _ = FieldValue(p, src)
			}
		}
		copyField(p, en.Ptr, src)
	}
}

func slicesIndexProp(ti *typeInfo, p *meta.Property) int {
	for i := range ti.cols {
		if ti.cols[i].prop == p {
			return i
		}
	}
	return -1
}
