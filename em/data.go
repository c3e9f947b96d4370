package em

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"unsafe"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Create returns a new T filled from data (property names to values) and
// persisted. Relation properties take an entity or a primary key (which
// becomes a reference); to-many properties take a slice of those. Data as
// json.Unmarshal gives it works too (see assign_dto.go and the README's
// "DTOs in"). An unknown key or a value that does not fit is an error
// naming its path, and nothing is persisted.
func Create[T any](m *EntityManager, data map[string]any, opts ...AssignOption) (*T, error) {
	entered, err := m.guarded()
	if err != nil {
		return nil, err
	}
	defer m.leave(entered)
	obj := new(T)
	if err := m.assignDTO(obj, data, opts); err != nil {
		return nil, err
	}
	if err := m.persist([]any{obj}); err != nil {
		return nil, err
	}
	return obj, nil
}

// Assign sets properties of entity from data (property names to values,
// or what json.Unmarshal gives: see Create), checking every key and value
// before changing anything.
func (m *EntityManager) Assign(entity any, data map[string]any, opts ...AssignOption) error {
	entered, err := m.enter()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	return m.assignDTO(entity, data, opts)
}

func (m *EntityManager) assign(entity any, data map[string]any) error {
	e, ptr, err := m.uow.Resolve(entity)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// Check everything on a scratch copy first, so a bad value changes nothing.
	scratch := e.NewValue()
	scratch.Elem().Set(reflect.NewAt(e.Type, ptr).Elem())
	for _, k := range keys {
		p, ok := e.Prop(k)
		if !ok {
			return &PropertyError{Entity: e.Name, Property: k, Err: ErrUnknownProperty}
		}
		if err := m.assignProp(p, scratch.UnsafePointer(), data[k], true); err != nil {
			return &PropertyError{Entity: e.Name, Property: k, Err: fmt.Errorf("%w: %w", ErrInvalidData, err)}
		}
	}
	for _, k := range keys {
		p, _ := e.Prop(k)
		if err := m.assignProp(p, ptr, data[k], false); err != nil {
			return &PropertyError{Entity: e.Name, Property: k, Err: fmt.Errorf("%w: %w", ErrInvalidData, err)}
		}
	}
	return nil
}

// assignProp sets one property; with check set it only validates what a
// collection would receive (the scratch copy shares the collection's storage
// with the entity, so it must not be changed).
func (m *EntityManager) assignProp(p *meta.Property, ptr unsafe.Pointer, v any, check bool) error {
	switch p.Kind {
	case meta.Scalar:
		if v != nil {
			rv := reflect.ValueOf(v)
			switch rv.Kind() {
			case reflect.Map:
				return fmt.Errorf("a map is not a value for %s", p.Type)
			}
			if p.Type.Kind() == reflect.Pointer && rv.Kind() != reflect.Pointer && !rv.Type().AssignableTo(p.Type) {
				// A plain value for a pointer field ("annie" for a *string,
				// as decoded JSON gives): store a pointer to it.
				elem, err := pointee(p.Type.Elem(), rv)
				if err != nil {
					return fmt.Errorf("%s: %w", p, err)
				}
				return p.At.Set(ptr, elem.Addr().Interface())
			}
		}
		return p.At.Set(ptr, v)
	case meta.ManyToOne, meta.OneToOne:
		target, err := m.relTarget(p.Relation.Target, v)
		if err != nil {
			return err
		}
		if !p.At.SetPointer(ptr, target) {
			return fmt.Errorf("cannot set %s", p)
		}
		return nil
	default:
		c := p.At.Collection(ptr)
		if c == nil {
			return fmt.Errorf("cannot reach collection %s", p)
		}
		rv := reflect.ValueOf(v)
		if v == nil || rv.Kind() != reflect.Slice {
			return fmt.Errorf("%s takes a slice of entities or keys, not %T", p, v)
		}
		items := make([]any, rv.Len())
		for i := range items {
			tp, err := m.relTarget(p.Relation.Target, rv.Index(i).Interface())
			if err != nil {
				return err
			}
			if tp == nil {
				return fmt.Errorf("%s item %d is nil", p, i)
			}
			items[i] = reflect.NewAt(p.Relation.Target.Type, tp).Interface()
		}
		if check {
			return nil
		}
		for _, old := range c.AnyItems() {
			if !slices.Contains(items, old) {
				if err := c.RemoveAny(old); err != nil {
					return err
				}
			}
		}
		c.MarkInitialized()
		for _, it := range items {
			if err := c.AddAny(it); err != nil {
				return err
			}
		}
		return nil
	}
}

// pointee returns a new addressable value of type t holding rv, converted
// where the conversion keeps its meaning (not an integer into a string).
func pointee(t reflect.Type, rv reflect.Value) (reflect.Value, error) {
	n := reflect.New(t).Elem()
	switch {
	case rv.Type().AssignableTo(t):
		n.Set(rv)
	case rv.Type().ConvertibleTo(t) && (t.Kind() != reflect.String || rv.Kind() == reflect.String):
		n.Set(rv.Convert(t))
	default:
		return reflect.Value{}, fmt.Errorf("cannot set %s into *%s", rv.Type(), t)
	}
	return n, nil
}

// relTarget resolves an entity or a primary key into the target's address.
func (m *EntityManager) relTarget(target *meta.Entity, v any) (unsafe.Pointer, error) {
	if v == nil {
		return nil, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Type() == target.PtrType {
		return rv.UnsafePointer(), nil
	}
	if rv.Kind() == reflect.Map || rv.Kind() == reflect.Struct && rv.Type() != reflect.TypeOf(v) {
		return nil, fmt.Errorf("%T is neither a %s nor its key", v, target.Name)
	}
	en, err := m.uow.Reference(target, v)
	if err != nil {
		return nil, err
	}
	return en.Ptr, nil
}

// Upsert inserts entity, or updates the existing row that conflicts with it
// on conflictProps (default: the primary key), in one statement, and manages
// it. The entity's generated key is read back where the database returns it.
func (m *EntityManager) Upsert(ctx context.Context, entity any, conflictProps ...string) error {
	entered, err := m.guarded()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	e, ptr, err := m.uow.Resolve(entity)
	if err != nil {
		return err
	}
	var conflict []string
	if len(conflictProps) == 0 {
		for _, pk := range e.PK {
			conflict = append(conflict, pk.Column)
		}
	}
	for _, name := range conflictProps {
		p, ok := e.Prop(name)
		if !ok || p.Column == "" {
			return &PropertyError{Entity: e.Name, Property: name, Err: ErrUnknownProperty}
		}
		conflict = append(conflict, p.Column)
	}
	if inf, nan, db := m.nonFinite(); !inf || !nan {
		if vs := floatViolations(nil, e, ptr, nil, inf, nan, db); len(vs) > 0 {
			return &ValidationError{Violations: vs}
		}
	}
	var cols []string
	var vals []any
	var merge []string
	for _, c := range e.Columns {
		if c.PK && c.AutoIncrement && !uow.HasPK(e, ptr) || c.IsFormula() {
			continue
		}
		v, err := uow.ColumnValue(c, ptr)
		if err != nil {
			return err
		}
		if c.Prop != nil && c.Prop.Version && v == int64(0) {
			v = int64(1)
		}
		if c.Prop != nil && c.Prop.Discriminator && e.InFamily() {
			if e.Abstract() {
				return fmt.Errorf("%w: %s: upsert one of its subtypes", ErrAbstractEntity, e.Name)
			}
			v = e.DiscriminatorValue // the row is an e
		}
		cols = append(cols, c.Name)
		vals = append(vals, v)
		// The stored version is the database's: an upsert never writes an
		// older one over it.
		if !slices.Contains(conflict, c.Name) && !c.PK && (c.Prop == nil || !c.Prop.Version) {
			merge = append(merge, c.Name)
		}
	}
	for _, c := range conflict {
		i := slices.Index(cols, c)
		if i < 0 || vals[i] == nil {
			return fmt.Errorf("%w: Upsert of %s conflicts on %s, which has no value: set it or name unique properties",
				ErrInvalidData, e.Name, c)
		}
	}
	q := qb.InsertInto(e.Table).Columns(cols...).Values(vals...).OnConflict(conflict...).Merge(merge...)
	if _, err := m.exec(ctx).Exec(ctx, q); err != nil {
		return err
	}
	// Read the row back by the conflict columns: it is the row written.
	where := qb.Cond{}
	for i, c := range cols {
		if slices.Contains(conflict, c) {
			where[c] = vals[i]
		}
	}
	mapped := qb.Cond{}
	for k, v := range where {
		mapped["e0."+k] = v
	}
	g := uow.GroupOf(e)
	return m.exec(ctx).Load(ctx, &uow.Load{Query: uow.SelectFrom(e, "e0").Where(mapped), Groups: []uow.LoadGroup{g},
		Row: func(row []uow.Loaded, _ []any) error {
			fresh := row[0]
			if en, ok := m.uow.EntryOf(entity); ok && en.State == uow.StateNew {
				m.uow.Detach(entity)
			}
			// Copy the stored row into the user's instance, then track it.
			reflect.NewAt(e.Type, ptr).Elem().Set(reflect.NewAt(e.Type, fresh.Ptr).Elem())
			fresh.Ptr = ptr
			_, err := m.uow.Hydrate(&g, fresh, true)
			return err
		}})
}

// NativeInsert inserts one row of T from data (property names) without the
// identity map, returning the rows affected.
func NativeInsert[T any](ctx context.Context, m *EntityManager, data map[string]any) (int64, error) {
	entered, err := m.guarded()
	if err != nil {
		return 0, err
	}
	defer m.leave(entered)
	e, cols, vals, err := nativeData[T](m, data)
	if err != nil {
		return 0, err
	}
	if e.InFamily() {
		// Single-table inheritance: the row is a T whatever data says.
		if e.Abstract() {
			return 0, fmt.Errorf("%w: %s: insert one of its subtypes", ErrAbstractEntity, e.Name)
		}
		i := slices.Index(cols, e.Discriminator.Column)
		if i < 0 {
			cols, vals = append(cols, e.Discriminator.Column), append(vals, e.DiscriminatorValue)
		} else {
			vals[i] = e.DiscriminatorValue
		}
	}
	return m.exec(ctx).Exec(ctx, qb.InsertInto(e.Table).Columns(cols...).Values(vals...))
}

// NativeUpdate updates the rows of T matching where with data (property
// names) without the identity map; managed entities are not refreshed.
func NativeUpdate[T any](ctx context.Context, m *EntityManager, where qb.Condition, data map[string]any) (int64, error) {
	entered, err := m.guarded()
	if err != nil {
		return 0, err
	}
	defer m.leave(entered)
	e, cols, vals, err := nativeData[T](m, data)
	if err != nil {
		return 0, err
	}
	if where, err = m.filteredWhere(e, where, nil); err != nil {
		return 0, err
	}
	w, err := nativeWhere(e, where)
	if err != nil {
		return 0, err
	}
	q := qb.Update(e.Table)
	for i, c := range cols {
		q = q.Set(c, vals[i])
	}
	q = q.Where(w)
	if c := uow.DiscriminatorCond(e, ""); c != nil {
		q = q.Where(c) // a subtype's rows only
	}
	return m.exec(ctx).Exec(ctx, q)
}

// NativeDelete deletes the rows of T matching where without the identity map.
func NativeDelete[T any](ctx context.Context, m *EntityManager, where qb.Condition) (int64, error) {
	entered, err := m.guarded()
	if err != nil {
		return 0, err
	}
	defer m.leave(entered)
	e, err := entityOf[T](m)
	if err != nil {
		return 0, err
	}
	if where, err = m.filteredWhere(e, where, nil); err != nil {
		return 0, err
	}
	w, err := nativeWhere(e, where)
	if err != nil {
		return 0, err
	}
	q := qb.DeleteFrom(e.Table).Where(w)
	if c := uow.DiscriminatorCond(e, ""); c != nil {
		q = q.Where(c) // a subtype's rows only
	}
	return m.exec(ctx).Exec(ctx, q)
}

func nativeData[T any](m *EntityManager, data map[string]any) (*meta.Entity, []string, []any, error) {
	e, err := entityOf[T](m)
	if err != nil {
		return nil, nil, nil, err
	}
	tmp := e.NewValue().UnsafePointer()
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var cols []string
	var vals []any
	for _, k := range keys {
		p, ok := e.Prop(k)
		if !ok || (p.Kind != meta.Scalar && len(p.Columns) != 1) || p.Formula != "" {
			return nil, nil, nil, &PropertyError{Entity: e.Name, Property: k, Err: ErrUnknownProperty}
		}
		if err := m.assignProp(p, tmp, data[k], false); err != nil {
			return nil, nil, nil, &PropertyError{Entity: e.Name, Property: k, Err: fmt.Errorf("%w: %w", ErrInvalidData, err)}
		}
		if inf, nan, db := m.nonFinite(); !inf || !nan {
			if vs := floatViolations(nil, e, tmp, []*meta.Property{p}, inf, nan, db); len(vs) > 0 {
				return nil, nil, nil, &PropertyError{Entity: e.Name, Property: k,
					Err: fmt.Errorf("%w: %s", ErrInvalidData, vs[0].Message)}
			}
		}
		c := p.Columns[0]
		v, err := uow.ColumnValue(c, tmp)
		if err != nil {
			return nil, nil, nil, err
		}
		cols = append(cols, c.Name)
		vals = append(vals, v)
	}
	return e, cols, vals, nil
}

// nativeWhere translates a condition on properties to one on bare columns.
func nativeWhere(e *meta.Entity, where qb.Condition) (qb.Expr, error) {
	if where == nil {
		return qb.Logical{Op: qb.OpAnd}, nil
	}
	w, err := wrapCustom(e, where)
	if err != nil {
		return nil, err
	}
	n, err := qb.Normalize(w)
	if err != nil {
		return nil, err
	}
	jp := newJoinPlan(e)
	jp.native = true
	x, err := jp.translate(n)
	if err != nil {
		return nil, err
	}
	if len(jp.joins) > 0 || jp.sub.n > 0 {
		return nil, fmt.Errorf("%w: native updates and deletes take conditions on the entity's own properties", ErrUnknownProperty)
	}
	return qb.MapFields(x, func(f string) (string, error) {
		if len(f) > 3 && f[:3] == "e0." {
			return f[3:], nil
		}
		return f, nil
	})
}
