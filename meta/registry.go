package meta

import (
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
)

// Registry holds the metadata of registered entities. It is safe for
// concurrent use: lookups are lock-free reads of an immutable snapshot, and
// registrations are serialized and published atomically.
type Registry struct {
	naming NamingStrategy
	types  map[reflect.Type]Type // WithType
	mu     sync.Mutex            // serializes Register
	state  atomic.Pointer[registryState]
	last   atomic.Pointer[lastEntity] // see Entity
}

type registryState struct {
	byType map[reflect.Type]*Entity
	byName map[string]*Entity
	list   []*Entity
	tables map[string]string // table name → what uses it ("entity Book", "pivot of Book.Tags")
	// relations says whether any entity has a relation.
	relations bool
}

// Option configures a Registry.
type Option func(*Registry)

// WithNaming sets the naming strategy (default UnderscoreNaming).
func WithNaming(n NamingStrategy) Option {
	return func(r *Registry) {
		if n != nil {
			r.naming = n
		}
	}
}

// NewRegistry returns an empty registry.
func NewRegistry(opts ...Option) *Registry {
	r := &Registry{naming: UnderscoreNaming{}}
	for _, o := range opts {
		o(r)
	}
	r.state.Store(&registryState{
		byType: map[reflect.Type]*Entity{},
		byName: map[string]*Entity{},
		tables: map[string]string{},
	})
	return r
}

// Naming returns the registry's naming strategy.
func (r *Registry) Naming() NamingStrategy { return r.naming }

// Register adds entities, given as struct values or pointers to structs
// (Author{} or (*Author)(nil)) or as their reflect.Type. Types already
// registered are skipped.
// Entities that refer to each other must be registered in the same call
// (or targets first). On any problem it returns a *DefinitionError listing
// every problem of every entity, and registers nothing.
func (r *Registry) Register(entities ...any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.state.Load()
	b := newBuilder(r.naming, old)
	b.types = r.types
	for _, v := range entities {
		t, err := structType(v)
		if err != nil {
			_ = err
			b.problem(fmt.Sprintf("%T", v), "", "not a struct or a pointer to a struct")
			continue
		}
		if _, ok := old.byType[t]; ok {
			continue
		}
		if _, ok := b.pending[t]; ok {
			continue
		}
		b.build(t)
	}
	b.inheritLink()
	b.resolve()
	b.inheritColumns()
	if len(b.probs) > 0 {
		return &DefinitionError{Problems: b.probs}
	}
	if len(b.order) == 0 {
		return nil
	}
	next := &registryState{
		byType: make(map[reflect.Type]*Entity, len(old.byType)+len(b.order)),
		byName: make(map[string]*Entity, len(old.byName)+len(b.order)),
		list:   append(append([]*Entity(nil), old.list...), b.order...),
		tables: b.tables,
	}
	for k, v := range old.byType {
		next.byType[k] = v
	}
	for k, v := range old.byName {
		next.byName[k] = v
	}
	for _, e := range next.list {
		next.relations = next.relations || len(e.Relations) > 0
	}
	for _, e := range b.order {
		next.byType[e.Type] = e
		next.byName[e.Name] = e
		e.lookups = [2]lastEntity{{t: e.Type, e: e}, {t: e.PtrType, e: e}}
	}
	r.state.Store(next)
	return nil
}

// Entity returns the metadata of a registered type; t may be the struct
// type or a pointer to it.
func (r *Registry) Entity(t reflect.Type) (*Entity, bool) {
	if t == nil {
		return nil, false
	}
	if c := r.last.Load(); c != nil && c.t == t {
		return c.e, true
	}
	key := t
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	e, ok := r.state.Load().byType[t]
	if ok {
		// Calls come in runs of one type (Persist or Remove in a loop):
		// the next one finds it here instead of hashing the type.
		c := &e.lookups[0]
		if key != t {
			c = &e.lookups[1]
		}
		if c.e != nil {
			r.last.Store(c)
		}
	}
	return e, ok
}

// lastEntity is the type Entity found last (the struct or its pointer
// type) and its entity. A type's entity never changes once registered.
type lastEntity struct {
	t reflect.Type
	e *Entity
}

// EntityOf returns the metadata of v's type: a struct value or a pointer to
// one (nil pointers included).
func (r *Registry) EntityOf(v any) (*Entity, error) {
	t, err := structType(v)
	if err != nil {
		return nil, err
	}
	if e, ok := r.state.Load().byType[t]; ok {
		return e, nil
	}
	return nil, fmt.Errorf("meta: %s: %w", t, ErrNotRegistered)
}

// EntityByName returns a registered entity by its Go type name.
func (r *Registry) EntityByName(name string) (*Entity, bool) {
	e, ok := r.state.Load().byName[name]
	return e, ok
}

// HasRelations reports whether any registered entity has a relation: when
// none has, removing an entity leaves no collection or pointer to update.
func (r *Registry) HasRelations() bool { return r.state.Load().relations }

// Entities returns the registered entities in registration order.
func (r *Registry) Entities() []*Entity {
	return append([]*Entity(nil), r.state.Load().list...)
}

// structType returns the struct type of v (a struct or pointer(s) to one).
func structType(v any) (reflect.Type, error) {
	if v == nil {
		return nil, fmt.Errorf("%w: nil", ErrNotStruct)
	}
	t, ok := v.(reflect.Type)
	if !ok {
		t = reflect.TypeOf(v)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%w: %s", ErrNotStruct, t)
	}
	return t, nil
}
