package em

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// DTOs in: Create and Assign take what json.Unmarshal gives (maps, slices,
// float64 or json.Number, strings) as well as Go values. dtoIn rewrites such
// data into the values assign takes — entities, keys, typed scalars —
// checking all of it first, and names the property path of any problem
// (tags[2].name).

// AssignOption changes how Create and Assign read nested data.
type AssignOption func(*assignOpts)

type assignOpts struct{ merge bool }

// Merge (MikroORM's assign(…, { merge: true })) takes nested objects that
// carry a primary key as the stored state of that row (the entity assigned
// to is changed as usual, and written at the next flush): a row tracked and
// loaded gets the fields as its clean state (no UPDATE for them), any other
// row becomes a managed entity holding the key and the fields given. Without
// Merge, a nested object with a key and other fields changes a loaded,
// tracked entity (written at the next flush) and is an error for a row that
// is not loaded.
func Merge() AssignOption { return func(o *assignOpts) { o.merge = true } }

// dtoAction is work done once every value checked out.
type dtoAction func() error

type dtoIn struct {
	m       *EntityManager
	opts    assignOpts
	root    string
	actions []dtoAction
}

func (m *EntityManager) readDTO(e *meta.Entity, data map[string]any, opts []AssignOption) (map[string]any, []dtoAction, error) {
	d := &dtoIn{m: m, root: e.Name}
	for _, o := range opts {
		o(&d.opts)
	}
	out, err := d.object(e, data, "")
	return out, d.actions, err
}

func (d *dtoIn) fail(path string, format string, args ...any) error {
	return &PropertyError{Entity: d.root, Property: path, Err: fmt.Errorf("%w: "+format, append([]any{ErrInvalidData}, args...)...)}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// object rewrites the data of one entity of type e.
func (d *dtoIn) object(e *meta.Entity, data map[string]any, path string) (map[string]any, error) {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(map[string]any, len(data))
	for _, k := range keys {
		p, ok := e.Prop(k)
		at := join(path, k)
		if !ok {
			return nil, &PropertyError{Entity: d.root, Property: at, Err: fmt.Errorf("%w: %s has no property %q", ErrUnknownProperty, e.Name, k)}
		}
		v, err := d.value(p, data[k], at)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func (d *dtoIn) value(p *meta.Property, v any, path string) (any, error) {
	switch p.Kind {
	case meta.Scalar:
		return d.scalar(p, v, path)
	case meta.ManyToOne, meta.OneToOne:
		return d.target(p, v, path)
	}
	if v == nil {
		return nil, d.fail(path, "%s takes a list, not null", p)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return v, nil // assign reports it
	}
	items := make([]any, rv.Len())
	for i := range items {
		at := path + "[" + strconv.Itoa(i) + "]"
		it, err := d.target(p, rv.Index(i).Interface(), at)
		if err != nil {
			return nil, err
		}
		if it == nil {
			return nil, d.fail(at, "null in the list %s", p)
		}
		items[i] = it
	}
	return items, nil
}

// target reads the value of a relation (or one item of a collection): an
// entity, a key, or an object — {"id": 1} is a reference, an object without
// a key a new entity, an object with a key and fields see Merge.
func (d *dtoIn) target(p *meta.Property, v any, path string) (any, error) {
	t := p.Relation.Target
	obj, isMap := v.(map[string]any)
	if !isMap {
		if n, ok := v.(json.Number); ok && len(t.PK) == 1 {
			return d.scalar(t.PK[0], n, path)
		}
		if f, ok := v.(float64); ok && len(t.PK) == 1 {
			return d.scalar(t.PK[0], f, path)
		}
		return v, nil // an entity or a key: assign checks it
	}
	var key []any
	rest := map[string]any{}
	for k, x := range obj {
		kp, ok := t.Prop(k)
		if !ok {
			return nil, &PropertyError{Entity: d.root, Property: join(path, k), Err: fmt.Errorf("%w: %s has no property %q", ErrUnknownProperty, t.Name, k)}
		}
		if kp.PK && x != nil {
			kv, err := d.scalar(kp, x, join(path, k))
			if err != nil {
				return nil, err
			}
			key = append(key, kv)
			continue
		}
		rest[k] = x
	}
	if len(key) == 0 {
		// A new entity, persisted with its owner when the relation cascades.
		if !p.Relation.Cascade.Has(meta.CascadePersist) {
			return nil, d.fail(path, "an object without a key makes a new %s, but %s does not cascade persist: give its key, or persist it first", t.Name, p)
		}
		sub, err := d.object(t, rest, path)
		if err != nil {
			return nil, err
		}
		fresh := t.NewValue()
		if err := d.m.assign(fresh.Interface(), sub); err != nil {
			return nil, d.rebase(err, path)
		}
		return fresh.Interface(), nil
	}
	if len(key) != len(t.PK) {
		return nil, d.fail(path, "%s has %d key properties, the object gives %d", t.Name, len(t.PK), len(key))
	}
	if len(t.PK) > 1 {
		return nil, d.fail(path, "%s has a composite key: pass the entity or em.Reference", t.Name)
	}
	if len(rest) == 0 {
		return key[0], nil // a reference
	}
	sub, err := d.object(t, rest, path)
	if err != nil {
		return nil, err
	}
	k, err := uow.KeyFor(t, key...)
	if err != nil {
		return nil, d.fail(path, "%v", err)
	}
	en, tracked := d.m.uow.IdentityMap().Lookup(k)
	loaded := tracked && en.Loaded()
	if !loaded && !d.opts.merge {
		return nil, d.fail(path, "%s %v is not loaded: load it before changing it through %s, or pass em.Merge() to take the object as its stored state", t.Name, key[0], p)
	}
	if loaded {
		// Check the fields on a scratch copy now; set them when all is well.
		scratch := t.NewValue()
		scratch.Elem().Set(reflect.NewAt(t.Type, en.Ptr).Elem())
		if err := d.checkOnly(t, scratch, sub, path); err != nil {
			return nil, err
		}
		d.actions = append(d.actions, func() error {
			if err := d.m.assign(en.Obj(), sub); err != nil {
				return err
			}
			if d.opts.merge {
				d.m.uow.Snapshot(en)
			}
			return nil
		})
		return en.Obj(), nil
	}
	// Merge of a row not loaded: a fresh instance with the key and fields
	// becomes the tracked one (filling a reference in place).
	fresh := t.NewValue()
	if err := t.PK[0].At.Set(fresh.UnsafePointer(), key[0]); err != nil {
		return nil, d.fail(path, "%v", err)
	}
	if err := d.m.assign(fresh.Interface(), sub); err != nil {
		return nil, d.rebase(err, path)
	}
	d.actions = append(d.actions, func() error {
		_, err := d.m.uow.Merge(t, fresh.UnsafePointer(), true)
		return err
	})
	// The tracked instance is known only after the merge: when a reference
	// is tracked, Merge fills it in place, so point at it already.
	if tracked {
		return en.Obj(), nil
	}
	return fresh.Interface(), nil
}

// checkOnly validates sub on a scratch instance of t.
func (d *dtoIn) checkOnly(t *meta.Entity, scratch reflect.Value, sub map[string]any, path string) error {
	for k, v := range sub {
		p, _ := t.Prop(k)
		if p.Kind.IsToMany() {
			continue // collections are checked without changing them by assign
		}
		if err := d.m.assignProp(p, scratch.UnsafePointer(), v, true); err != nil {
			return d.fail(join(path, k), "%v", err)
		}
	}
	return nil
}

// rebase prefixes the property of an error from a nested assign with path.
func (d *dtoIn) rebase(err error, path string) error {
	var pe *PropertyError
	if errors.As(err, &pe) {
		return &PropertyError{Entity: d.root, Property: join(path, pe.Property), Err: pe.Err}
	}
	return d.fail(path, "%v", err)
}

var (
	dtoTimeType         = reflect.TypeFor[time.Time]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// scalar converts what JSON gives into the property's type: json.Number
// and float64 into any integer, float or decimal type (an integer must be
// whole and fit), strings into times (RFC 3339) and into types that
// unmarshal JSON or text. Other values go to assign as they are.
func (d *dtoIn) scalar(p *meta.Property, v any, path string) (any, error) {
	if v == nil {
		return nil, nil
	}
	t := p.Type
	base := t
	if base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	rv := reflect.ValueOf(v)
	if rv.Type().AssignableTo(t) || rv.Type().AssignableTo(base) {
		return v, nil
	}
	wants := false
	switch v.(type) {
	case json.Number:
		wants = true
	case float64:
		switch base.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			wants = true
		}
		if isUnmarshaler(base) {
			wants = true
		}
	case string:
		wants = base == dtoTimeType || isUnmarshaler(base)
	case map[string]any, []any:
		wants = isUnmarshaler(base) || base.Kind() == reflect.Struct || base.Kind() == reflect.Slice || base.Kind() == reflect.Map
	}
	if !wants {
		return v, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, d.fail(path, "%v", err)
	}
	n := reflect.New(base)
	if err := json.Unmarshal(b, n.Interface()); err != nil {
		return nil, d.fail(path, "%s does not fit %s (%v)", b, base, jsonReason(err))
	}
	if t.Kind() == reflect.Pointer {
		return n.Interface(), nil
	}
	return n.Elem().Interface(), nil
}

func isUnmarshaler(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(jsonUnmarshalerType) || pt.Implements(textUnmarshalerType)
}

func jsonReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "a " + te.Value + " value"
	}
	return err.Error()
}

// assignDTO is assign for DTO data: read and check all of it, then apply
// the nested work, then set the entity's own properties.
func (m *EntityManager) assignDTO(entity any, data map[string]any, opts []AssignOption) error {
	e, ptr, err := m.uow.Resolve(entity)
	if err != nil {
		return err
	}
	conv, actions, err := m.readDTO(e, data, opts)
	if err != nil {
		return err
	}
	scratch := e.NewValue()
	scratch.Elem().Set(reflect.NewAt(e.Type, ptr).Elem())
	for k, v := range conv {
		p, _ := e.Prop(k)
		if err := m.assignProp(p, scratch.UnsafePointer(), v, true); err != nil {
			return &PropertyError{Entity: e.Name, Property: k, Err: fmt.Errorf("%w: %w", ErrInvalidData, err)}
		}
	}
	for _, a := range actions {
		if err := a(); err != nil {
			return err
		}
	}
	return m.assign(entity, conv)
}
