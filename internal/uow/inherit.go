package uow

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Single-table inheritance (see meta/inherit.go): identity keys are made
// for the family root, loads of an entity with subtypes pick each row's
// concrete type from its discriminator, and loads of a subtype read only its
// rows.

// ErrAbstractEntity is returned when an abstract family root (a base
// without a discriminator value of its own) is persisted.
var ErrAbstractEntity = errors.New("unitorm: abstract single-table base")

// ErrUnknownDiscriminator is what a DiscriminatorError matches with
// errors.Is.
var ErrUnknownDiscriminator = errors.New("unitorm: unknown discriminator value")

// DiscriminatorError reports a row whose discriminator value names no type
// of the family (or none that the loaded type admits).
type DiscriminatorError struct {
	Entity   string // the entity loaded
	Property string // the discriminator property
	Value    any    // the value read (nil for NULL)
}

func (e *DiscriminatorError) Error() string {
	return fmt.Sprintf("unitorm: %s.%s: discriminator value %v names no type of the family that is a %s", e.Entity, e.Property, e.Value, e.Entity)
}

// Is matches ErrUnknownDiscriminator.
func (e *DiscriminatorError) Is(target error) bool { return target == ErrUnknownDiscriminator }

// Concrete returns the member of e's family a row with discriminator value
// raw (a driver value: string or []byte) is an instance of.
func Concrete(e *meta.Entity, raw any) (*meta.Entity, error) {
	var v string
	switch x := raw.(type) {
	case string:
		v = x
	case []byte:
		v = string(x)
		raw = v
	case *string:
		if x != nil {
			v = *x
		}
	}
	if c, ok := e.ForDiscriminator(v); ok && v != "" {
		return c, nil
	}
	return nil, &DiscriminatorError{Entity: e.Name, Property: e.Discriminator.Name, Value: raw}
}

// DiscriminatorIndex returns the index of e's discriminator column in cols
// when a load of e must pick each row's type (e has subtypes), else -1.
func DiscriminatorIndex(e *meta.Entity, cols []*meta.Column) int {
	if !e.Polymorphic() || e.Discriminator == nil {
		return -1
	}
	for i, c := range cols {
		if c.Name == e.Discriminator.Column {
			return i
		}
	}
	return -1
}

// DiscriminatorCond is the condition a load of e adds so that it reads only
// rows of e and its subtypes: nil for a family root (every row of the table
// is one of its family's) and outside families.
func DiscriminatorCond(e *meta.Entity, alias string) qb.Condition {
	if !e.InFamily() || e.Parent == nil {
		return nil
	}
	col := e.Discriminator.Column
	if alias != "" {
		col = alias + "." + col
	}
	vals := e.DiscriminatorValues()
	if len(vals) == 1 {
		return qb.Cond{col: vals[0]}
	}
	list := make([]any, len(vals))
	for i, v := range vals {
		list[i] = v
	}
	return qb.Cond{col: qb.In(list...)}
}

// upgradeReference replaces a reference made for a family member (a base
// type reached through a relation) by the fresh instance of its concrete
// type: the entry now tracks fresh, and to-one fields of tracked entities
// that pointed at the reference point at fresh instead (at its embedded
// base, the same address). A pointer to the old reference kept elsewhere
// stays an unloaded base instance.
func (u *UnitOfWork) upgradeReference(en *Entry, e *meta.Entity, freshPtr unsafe.Pointer) *Entry {
	old := en.Ptr
	root := keyEntity(e)
	u.im.drop(en)
	n := u.im.add(e, freshPtr, StateManaged)
	takeSnapshot(n, &u.im.snaps)
	for _, x := range u.im.Entries() {
		for _, r := range x.Entity.Relations {
			if r.Kind.IsToMany() || r.Target == nil || keyEntity(r.Target) != root {
				continue
			}
			if r.Prop.At.Pointer(x.Ptr) == old {
				r.Prop.At.SetPointer(x.Ptr, freshPtr)
			}
		}
	}
	return n
}

// ObjAs returns the tracked instance of en as a *T of entity e (one of its
// entity's ancestors): a pointer to the instance, or to its embedded base
// (the same address).
func ObjAs(e *meta.Entity, en *Entry) any {
	if en.Entity == e {
		return en.Obj() // no reflection outside families
	}
	return e.ViewAt(en.Ptr)
}
