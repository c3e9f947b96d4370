package em

import (
	"database/sql/driver"
	"fmt"
	"reflect"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// customValues converts the values a condition compares a custom-typed
// property with (meta.Type) into database values, also inside lists;
// values of other types are passed as given (a string the column holds).
func customValues(p *meta.Property, v any) (any, error) {
	conv := func(x any) (any, error) {
		if a, ok := x.(customArg); ok {
			x = a.v
		}
		rv := reflect.ValueOf(x)
		if rv.Kind() == reflect.Pointer && rv.Type().Elem() == p.BaseType {
			if rv.IsNil() {
				return nil, nil
			}
			rv = rv.Elem()
		}
		if rv.Type() != p.BaseType {
			return x, nil
		}
		out, err := p.CustomType().ToDatabase(rv.Interface())
		if err != nil {
			return nil, &PropertyError{Entity: p.Entity.Name, Property: p.Name, Err: fmt.Errorf("%w: %w", ErrInvalidData, err)}
		}
		if dt, ok := p.CustomType().(meta.DialectType); ok {
			return meta.DialectArg{Type: dt, V: out}, nil
		}
		return out, nil
	}
	if list, ok := v.([]any); ok {
		out := make([]any, len(list))
		for i, x := range list {
			c, err := conv(x)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	return conv(v)
}

// customArg carries a Go value of a custom type through qb.Normalize (which
// takes only plain values and driver.Valuers) to translate.
type customArg struct {
	p *meta.Property
	v any
}

func (a customArg) Value() (driver.Value, error) { return a.p.CustomType().ToDatabase(a.v) }

// ForDialect converts the value for a database, for custom types whose
// stored form depends on it (meta.DialectType).
func (a customArg) ForDialect(dialect string) (any, error) {
	v, err := a.p.CustomType().ToDatabase(a.v)
	if err != nil {
		return nil, err
	}
	if dt, ok := a.p.CustomType().(meta.DialectType); ok {
		return dt.ToDialect(dialect, v)
	}
	return v, nil
}

// wrapCustom wraps the values that conditions on e's custom-typed
// properties compare with, so that they pass qb.Normalize, and turns the
// entities compared with to-one relations into their keys. An entity
// without a key yet is an error naming the relation.
func wrapCustom(e *meta.Entity, c qb.Condition) (qb.Condition, error) {
	switch v := c.(type) {
	case qb.Cond:
		m, err := wrapCondMap(e, v)
		return qb.Cond(m), err
	case qb.Logical:
		items := make([]qb.Expr, len(v.Items))
		for i, it := range v.Items {
			w, err := wrapCustom(e, it)
			if err != nil {
				return nil, err
			}
			x, ok := w.(qb.Expr)
			if !ok {
				return c, nil
			}
			items[i] = x
		}
		return qb.Logical{Op: v.Op, Items: items}, nil
	case qb.NotExpr:
		w, err := wrapCustom(e, v.Expr)
		if err != nil {
			return nil, err
		}
		if x, ok := w.(qb.Expr); ok {
			return qb.NotExpr{Expr: x}, nil
		}
	}
	return c, nil
}

func wrapCondMap(e *meta.Entity, m map[string]any) (map[string]any, error) {
	var out map[string]any
	for k, v := range m {
		p, ok := e.Prop(k)
		if !ok || (p.Codec != meta.CodecType && !isToOne(p)) {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(m))
			for k2, v2 := range m {
				out[k2] = v2
			}
		}
		w, err := wrapValue(p, v)
		if err != nil {
			return nil, &PropertyError{Entity: e.Name, Property: p.Name, Err: err}
		}
		out[k] = w
	}
	if out == nil {
		return m, nil
	}
	return out, nil
}

func wrapValue(p *meta.Property, v any) (any, error) {
	switch x := v.(type) {
	case qb.Operator:
		w, err := wrapValue(p, x.Value)
		return qb.Operator{Op: x.Op, Value: w}, err
	case qb.Ops:
		out := make(qb.Ops, len(x))
		for i, o := range x {
			w, err := wrapValue(p, o.Value)
			if err != nil {
				return nil, err
			}
			out[i] = qb.Operator{Op: o.Op, Value: w}
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, it := range x {
			w, err := wrapValue(p, it)
			if err != nil {
				return nil, err
			}
			out[i] = w
		}
		return out, nil
	}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return v, nil
	}
	if isToOne(p) {
		return relationKeys(p, rv)
	}
	if rv.Type() == p.BaseType {
		return customArg{p: p, v: v}, nil
	}
	if rv.Kind() == reflect.Slice && rv.Type().Elem() == p.BaseType {
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = customArg{p: p, v: rv.Index(i).Interface()}
		}
		return out, nil
	}
	return v, nil
}

func isToOne(p *meta.Property) bool { return p.Kind == meta.ManyToOne || p.Kind == meta.OneToOne }

// relationKeys turns the entities a condition on a to-one relation compares
// with (a *Target, or a slice of them) into their primary keys, as a
// MikroORM user writes {author: a}. An entity without a key yet is an
// error; anything else is left for qb.Normalize and translate to judge.
func relationKeys(p *meta.Property, rv reflect.Value) (any, error) {
	target := p.Relation.Target
	key := func(x reflect.Value) (any, error) {
		if x.IsNil() {
			return nil, nil
		}
		if len(target.PK) != 1 {
			return nil, fmt.Errorf("%w: compare %s with a key of %s (its key has %d columns), not the entity", uow.ErrInvalidKey, p.Name, target.Name, len(target.PK))
		}
		if !uow.HasPK(target, x.UnsafePointer()) {
			return nil, fmt.Errorf("%w: the %s compared with has no key yet: flush it first (or compare with a key)", uow.ErrInvalidKey, target.Name)
		}
		return uow.FieldValue(target.PK[0], x.UnsafePointer())
	}
	switch {
	case rv.Type() == target.PtrType:
		return key(rv)
	case rv.Kind() == reflect.Slice && rv.Type().Elem() == target.PtrType:
		out := make([]any, rv.Len())
		for i := range out {
			k, err := key(rv.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = k
		}
		return out, nil
	}
	return rv.Interface(), nil
}
