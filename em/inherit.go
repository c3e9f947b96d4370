package em

import (
	"github.com/unitorm/unitorm/internal/uow"
)

// Single-table inheritance (see meta/inherit.go for the mapping): a query
// on a family's base type returns *Base pointers into the concrete
// instances (their embedded base, the same address); these helpers give
// back the concrete value.

// ErrAbstractEntity is returned by Persist for an abstract single-table base
// (one without a discriminator value of its own).
var ErrAbstractEntity = uow.ErrAbstractEntity

// ErrUnknownDiscriminator matches (errors.Is) the *DiscriminatorError a load
// returns for a row whose discriminator names no type of the family.
var ErrUnknownDiscriminator = uow.ErrUnknownDiscriminator

// DiscriminatorError is a row whose discriminator value names no type of
// the family the load admits; it names the entity, property and value.
type DiscriminatorError = uow.DiscriminatorError

// Concrete returns the instance m tracks for entity (a *Base of a
// single-table family, or any tracked entity pointer) as its concrete type
// (*Dog as any); an untracked entity is returned as given.
func (m *EntityManager) Concrete(entity any) any {
	if en, ok := m.uow.EntryOf(entity); ok {
		return en.Entity.ViewAt(en.Ptr)
	}
	return entity
}

// As returns the tracked instance entity points at as a *T when its
// concrete type is T or one of T's subtypes: em.As[Dog](m, animal).
func As[T any](m *EntityManager, entity any) (*T, bool) {
	e, err := entityOf[T](m)
	if err != nil {
		return nil, false
	}
	en, ok := m.uow.EntryOf(entity)
	if !ok || !en.Entity.IsA(e) {
		return nil, false
	}
	return (*T)(en.Ptr), true
}
