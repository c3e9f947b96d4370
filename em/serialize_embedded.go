package em

import (
	"github.com/unitorm/unitorm/internal/uow"

	"bytes"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

// ToJSON writes an embeddable as a nested object under its field's name
// (its json tag, else its property name), its fields named the same way;
// a nil pointer embeddable is null.

// topEmbeddable writes the top-level embeddable holding p, once.
func (s *serializer) topEmbeddable(b *bytes.Buffer, e *meta.Entity, p *meta.Property, ptr unsafe.Pointer, first *bool, written map[string]bool) error {
	top, _, _ := strings.Cut(p.Embedded, ".")
	if written[top] {
		return nil
	}
	written[top] = true
	em, ok := e.Embeddable(top)
	if !ok {
		return nil
	}
	sf, _ := e.Type.FieldByName(em.Field)
	name, ok := fieldJSONName(sf, top)
	if !ok {
		return nil
	}
	if !*first {
		b.WriteByte(',')
	}
	*first = false
	if err := writeJSON(b, name); err != nil {
		return err
	}
	b.WriteByte(':')
	return s.embeddable(b, e, em, ptr)
}

// embeddable writes em's fields and nested embeddables as an object.
func (s *serializer) embeddable(b *bytes.Buffer, e *meta.Entity, em *meta.Embeddable, ptr unsafe.Pointer) error {
	if uow.EmbeddableIsNil(em, ptr) {
		b.WriteString("null")
		return nil
	}
	b.WriteByte('{')
	first := true
	done := map[string]bool{}
	for _, p := range e.Props {
		if p.Hidden || !strings.HasPrefix(p.Embedded+".", em.Path+".") {
			continue
		}
		var name string
		var write func() error
		if p.Embedded == em.Path {
			leaf := p.Field[strings.LastIndexByte(p.Field, '.')+1:]
			sf, _ := em.Type.FieldByName(leaf)
			n, ok := fieldJSONName(sf, p.Name[strings.LastIndexByte(p.Name, '.')+1:])
			if !ok {
				continue
			}
			name = n
			write = func() error {
				fp := p.At.Ptr(ptr)
				if fp == nil {
					b.WriteString("null")
					return nil
				}
				if err := writeJSON(b, reflect.NewAt(p.Type, fp).Elem().Interface()); err != nil {
					return fmt.Errorf("unitorm: %s: %w", p, err)
				}
				return nil
			}
		} else {
			seg, _, _ := strings.Cut(strings.TrimPrefix(p.Embedded, em.Path+"."), ".")
			child, ok := e.Embeddable(em.Path + "." + seg)
			if !ok || done[child.Path] {
				continue
			}
			done[child.Path] = true
			leaf := child.Field[strings.LastIndexByte(child.Field, '.')+1:]
			sf, _ := em.Type.FieldByName(leaf)
			if name, ok = fieldJSONName(sf, seg); !ok {
				continue
			}
			write = func() error { return s.embeddable(b, e, child, ptr) }
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		if err := writeJSON(b, name); err != nil {
			return err
		}
		b.WriteByte(':')
		if err := write(); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// fieldJSONName is a field's json tag name, or def; false for json:"-".
func fieldJSONName(sf reflect.StructField, def string) (string, bool) {
	if tag, has := sf.Tag.Lookup("json"); has {
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			return "", false
		}
		if name != "" {
			return name, true
		}
	}
	return def, true
}
