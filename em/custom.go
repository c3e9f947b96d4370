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
// properties compare with, so that they pass qb.Normalize.
func wrapCustom(e *meta.Entity, c qb.Condition) qb.Condition {
	switch v := c.(type) {
	case qb.Cond:
		return qb.Cond(wrapCondMap(e, v))
	case qb.Logical:
		items := make([]qb.Expr, len(v.Items))
		for i, it := range v.Items {
			x, ok := wrapCustom(e, it).(qb.Expr)
			if !ok {
				return c
			}
			items[i] = x
		}
		return qb.Logical{Op: v.Op, Items: items}
	case qb.NotExpr:
		if x, ok := wrapCustom(e, v.Expr).(qb.Expr); ok {
			return qb.NotExpr{Expr: x}
		}
	}
	return c
}

func wrapCondMap(e *meta.Entity, m map[string]any) map[string]any {
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
		out[k] = wrapValue(p, v)
	}
	if out == nil {
		return m
	}
	return out
}

func wrapValue(p *meta.Property, v any) any {
	switch x := v.(type) {
	case qb.Operator:
		return qb.Operator{Op: x.Op, Value: wrapValue(p, x.Value)}
	case qb.Ops:
		out := make(qb.Ops, len(x))
		for i, o := range x {
			out[i] = qb.Operator{Op: o.Op, Value: wrapValue(p, o.Value)}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, it := range x {
			out[i] = wrapValue(p, it)
		}
		return out
	}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return v
	}
	if isToOne(p) {
		return relationKeys(p, rv)
	}
	if rv.Type() == p.BaseType {
		return customArg{p: p, v: v}
	}
	if rv.Kind() == reflect.Slice && rv.Type().Elem() == p.BaseType {
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = customArg{p: p, v: rv.Index(i).Interface()}
		}
		return out
	}
	return v
}

func isToOne(p *meta.Property) bool { return p.Kind == meta.ManyToOne || p.Kind == meta.OneToOne }

// relationKeys turns the entities a condition on a to-one relation compares
// with (a *Target, or a slice of them) into their primary keys, as a
// MikroORM user writes {author: a}. Anything else, and an entity without a
// key yet, is left for qb.Normalize and translate to judge.
func relationKeys(p *meta.Property, rv reflect.Value) any {
	target := p.Relation.Target
	key := func(x reflect.Value) (any, bool) {
		if x.IsNil() {
			return nil, true
		}
		if len(target.PK) != 1 || !uow.HasPK(target, x.UnsafePointer()) {
			return nil, false
		}
		k, err := uow.FieldValue(target.PK[0], x.UnsafePointer())
		return k, err == nil
	}
	switch {
	case rv.Type() == target.PtrType:
		if k, ok := key(rv); ok {
			return k
		}
	case rv.Kind() == reflect.Slice && rv.Type().Elem() == target.PtrType:
		out := make([]any, rv.Len())
		for i := range out {
			k, ok := key(rv.Index(i))
			if !ok {
				return rv.Interface()
			}
			out[i] = k
		}
		return out
	}
	return rv.Interface()
}
