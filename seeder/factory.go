package seeder

import (
	"context"
	"fmt"
	"maps"
	"sync/atomic"

	"github.com/unitorm/unitorm/em"
)

// Factory makes entities of type T (MikroORM's Factory): a definition
// gives each new entity its default values from a sequence number, Each
// adds typed changes (relations, say), With adds data overrides applied
// with em.Assign. A Factory is a value: With and Each return a new one and
// leave the receiver as it was; copies share the sequence, so numbers are
// never reused.
type Factory[T any] struct {
	def  func(i int) *T
	each []func(e *T, i int)
	data map[string]any
	seq  *atomic.Int64
}

// NewFactory returns a factory whose definition builds the i-th entity
// (i counts from 1 across every call on the factory and its copies).
func NewFactory[T any](def func(i int) *T) Factory[T] {
	return Factory[T]{def: def, seq: new(atomic.Int64)}
}

// Each returns a factory that also calls fn on every entity it makes,
// after the definition and before the data overrides.
func (f Factory[T]) Each(fn func(e *T, i int)) Factory[T] {
	f.each = append(f.each[:len(f.each):len(f.each)], fn)
	return f
}

// With returns a factory that also assigns data to every entity it makes
// (em.Assign rules: property names, nested objects for relations, lists of
// keys or objects for collections, JSON numbers and RFC 3339 times). Later
// keys win over earlier With calls.
func (f Factory[T]) With(data map[string]any) Factory[T] {
	merged := maps.Clone(f.data)
	if merged == nil {
		merged = map[string]any{}
	}
	maps.Copy(merged, data)
	f.data = merged
	return f
}

// Make builds n entities and persists them in m (written at m's next
// flush), with overrides applied on top of the factory's own. An override
// that does not fit is an error naming the entity's sequence number and
// the property path, and nothing is persisted.
func (f Factory[T]) Make(m *em.EntityManager, n int, overrides ...map[string]any) ([]*T, error) {
	if f.def == nil {
		return nil, fmt.Errorf("seeder: Factory[%T] has no definition: use NewFactory", *new(T))
	}
	out := make([]*T, 0, n)
	for range n {
		i := int(f.seq.Add(1))
		e := f.def(i)
		if e == nil {
			return nil, fmt.Errorf("seeder: the definition of %T returned nil for %d", e, i)
		}
		for _, fn := range f.each {
			fn(e, i)
		}
		data := f.data
		for _, o := range overrides {
			data = maps.Clone(data)
			if data == nil {
				data = map[string]any{}
			}
			maps.Copy(data, o)
		}
		if len(data) > 0 {
			if err := m.Assign(e, data); err != nil {
				return nil, fmt.Errorf("seeder: entity %d: %w", i, err)
			}
		}
		out = append(out, e)
	}
	// Persisted only when every one was made: a bad override leaves m as it was.
	for _, e := range out {
		if err := m.Persist(e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MakeOne is Make of one entity.
func (f Factory[T]) MakeOne(m *em.EntityManager, overrides ...map[string]any) (*T, error) {
	es, err := f.Make(m, 1, overrides...)
	if err != nil {
		return nil, err
	}
	return es[0], nil
}

// Create is Make followed by m.Flush: the entities are in the database.
func (f Factory[T]) Create(ctx context.Context, m *em.EntityManager, n int, overrides ...map[string]any) ([]*T, error) {
	es, err := f.Make(m, n, overrides...)
	if err != nil {
		return nil, err
	}
	if err := m.Flush(ctx); err != nil {
		return nil, err
	}
	return es, nil
}

// CreateOne is Create of one entity.
func (f Factory[T]) CreateOne(ctx context.Context, m *em.EntityManager, overrides ...map[string]any) (*T, error) {
	es, err := f.Create(ctx, m, 1, overrides...)
	if err != nil {
		return nil, err
	}
	return es[0], nil
}
