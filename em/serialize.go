package em

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// ToJSON returns the JSON of an entity, or of a slice of entities,
// following what is loaded: loaded relations are nested objects, unloaded
// references appear as their primary key, unloaded collections are left
// out, hidden properties (tag hidden) never appear, and an entity met again
// on its own path (a cycle) appears as its primary key. Keys are the json
// tag's name when the field has one, else the property name.
func (m *EntityManager) ToJSON(v any) ([]byte, error) {
	entered, err := m.enter()
	if err != nil {
		return nil, err
	}
	defer m.leave(entered)
	s := &serializer{m: m, path: map[unsafe.Pointer]bool{}}
	var b bytes.Buffer
	if err := s.value(&b, reflect.ValueOf(v)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type serializer struct {
	m    *EntityManager
	path map[unsafe.Pointer]bool
}

func (s *serializer) value(b *bytes.Buffer, v reflect.Value) error {
	if !v.IsValid() {
		b.WriteString("null")
		return nil
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		b.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := s.value(b, v.Index(i)); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		if e, ok := s.m.s.Registry.Entity(v.Type().Elem()); ok {
			return s.entity(b, e, v.UnsafePointer())
		}
	case reflect.Interface:
		return s.value(b, v.Elem())
	}
	return fmt.Errorf("unitorm: ToJSON takes entities or slices of entities, not %s", v.Type())
}

// loaded reports whether the entity's data is known: tracked and loaded, or
// not tracked at all (built in memory).
func (s *serializer) loaded(e *meta.Entity, ptr unsafe.Pointer) bool {
	en, ok := s.m.uow.IdentityMap().EntryAt(e, ptr)
	return !ok || en.Loaded() || en.State == uow.StateNew
}

func jsonName(e *meta.Entity, p *meta.Property) (string, bool) {
	f, ok := e.Type.FieldByName(p.Field)
	if ok {
		if tag, has := f.Tag.Lookup("json"); has {
			name, _, _ := strings.Cut(tag, ",")
			if name == "-" {
				return "", false
			}
			if name != "" {
				return name, true
			}
		}
	}
	return p.Name, true
}

func (s *serializer) key(b *bytes.Buffer, e *meta.Entity, ptr unsafe.Pointer) error {
	if len(e.PK) == 1 {
		return writeJSON(b, e.PK[0].At.Interface(ptr))
	}
	vals := uow.PKValues(e, ptr)
	return writeJSON(b, vals)
}

func (s *serializer) entity(b *bytes.Buffer, e *meta.Entity, ptr unsafe.Pointer) error {
	if e.Polymorphic() {
		// Single-table inheritance: a *Base into a tracked subtype is
		// written with the subtype's properties.
		if en, ok := s.m.uow.IdentityMap().EntryOf(ptr); ok && en.Entity.IsA(e) {
			e = en.Entity
		}
	}
	if s.path[ptr] || !s.loaded(e, ptr) {
		return s.key(b, e, ptr)
	}
	s.path[ptr] = true
	defer delete(s.path, ptr)
	b.WriteByte('{')
	first := true
	var written map[string]bool // top-level embeddables written
	for _, p := range e.Props {
		if p.Hidden {
			continue
		}
		if p.Embedded != "" {
			if written == nil {
				written = map[string]bool{}
			}
			if err := s.topEmbeddable(b, e, p, ptr, &first, written); err != nil {
				return err
			}
			continue
		}
		name, ok := jsonName(e, p)
		if !ok {
			continue
		}
		var c meta.AnyCollection
		if p.Kind.IsToMany() {
			if c = p.At.Collection(ptr); c == nil || !c.IsInitialized() {
				continue
			}
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		if err := writeJSON(b, name); err != nil {
			return err
		}
		b.WriteByte(':')
		switch {
		case p.Kind == meta.Scalar:
			fp := p.At.Ptr(ptr)
			if fp == nil {
				b.WriteString("null")
				continue
			}
			if err := writeJSON(b, reflect.NewAt(p.Type, fp).Elem().Interface()); err != nil {
				return fmt.Errorf("unitorm: %s: %w", p, err)
			}
		case c != nil:
			b.WriteByte('[')
			for i, it := range c.AnyItems() {
				if i > 0 {
					b.WriteByte(',')
				}
				if err := s.value(b, reflect.ValueOf(it)); err != nil {
					return err
				}
			}
			b.WriteByte(']')
		default:
			tp := p.At.Pointer(ptr)
			if tp == nil {
				b.WriteString("null")
				continue
			}
			if err := s.entity(b, p.Relation.Target, tp); err != nil {
				return err
			}
		}
	}
	b.WriteByte('}')
	return nil
}

func writeJSON(b *bytes.Buffer, v any) error {
	out, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(out)
	return nil
}
