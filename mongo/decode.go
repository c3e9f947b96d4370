package mongo

import (
	"encoding/binary"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// slot says what one document field fills in a fresh instance.
type slot struct {
	f   *field // a column
	col int    // its index in the load group (for Loaded.FK)
	arr *array // or an owning many-to-many array
}

// decoder builds fresh instances of one load group from documents.
type decoder struct {
	dm     *docMap
	g      uow.LoadGroup
	slots  map[string]slot
	hasFK  bool
	arrays []*array
	// subdocs are the paths of embeddables ("home", "home.geo").
	subdocs map[string]bool
}

func newDecoder(dm *docMap, g uow.LoadGroup) (*decoder, error) {
	if g.Optional {
		return nil, fmt.Errorf("%w: optional (LEFT JOIN) load groups", ErrJoin)
	}
	d := &decoder{dm: dm, g: g, slots: make(map[string]slot, len(g.Columns)+len(dm.arrays))}
	index := make(map[*meta.Column]int, len(dm.fields))
	for i := range dm.fields {
		index[dm.fields[i].col] = i
	}
	for i, c := range g.Columns {
		fi, ok := index[c]
		if !ok {
			return nil, fmt.Errorf("mongo: column %s is not one of %s's", c.Name, dm.e.Name)
		}
		f := &dm.fields[fi]
		if f.prop.Lazy && !g.WithLazy {
			continue // read by a load of lazy properties only
		}
		d.slots[f.name] = slot{f: f, col: i}
		for j := strings.IndexByte(f.name, '.'); j >= 0 && f.prop.Embedded != ""; {
			if d.subdocs == nil {
				d.subdocs = map[string]bool{}
			}
			d.subdocs[f.name[:j]] = true
			k := strings.IndexByte(f.name[j+1:], '.')
			if k < 0 {
				break
			}
			j += 1 + k
		}
		if f.fk {
			d.hasFK = true
		}
	}
	for i := range dm.arrays {
		a := &dm.arrays[i]
		d.slots[a.name] = slot{arr: a}
		d.arrays = append(d.arrays, a)
	}
	return d, nil
}

// decode builds one fresh instance from a document.
func (d *decoder) decode(raw bson.Raw) (uow.Loaded, error) {
	v := d.g.Entity.NewValue()
	l := uow.Loaded{Ptr: v.UnsafePointer()}
	if d.hasFK {
		l.FK = make([]any, len(d.g.Columns))
	}
	if len(d.arrays) > 0 {
		l.Many = make(map[*meta.Property][]any, len(d.arrays))
		for _, a := range d.arrays {
			l.Many[a.rel.Prop] = []any{}
		}
	}
	if len(raw) < 5 {
		return l, fmt.Errorf("%w: a %d-byte document", ErrDecode, len(raw))
	}
	n := int(binary.LittleEndian.Uint32(raw))
	if n > len(raw) || n < 5 {
		return l, fmt.Errorf("%w: a document shorter than its length", ErrDecode)
	}
	sawID := false
	if err := d.elements(&l, []byte(raw[4:n-1]), "", &sawID); err != nil {
		return l, err
	}
	if !sawID {
		return l, fmt.Errorf("%w: a %s document without _id", ErrDecode, d.dm.coll)
	}
	return l, nil
}

// readKeys reads an array of keys (null and missing are empty).
func readKeys(rv bson.RawValue, id idKind) ([]any, error) {
	if rv.Type == bson.TypeNull || rv.Type == bson.TypeUndefined {
		return []any{}, nil
	}
	arr, ok := rv.ArrayOK()
	if !ok {
		return nil, fmt.Errorf("%w: %s where an array of keys belongs", ErrDecode, rv.Type)
	}
	vals, err := arr.Values()
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(vals))
	for _, v := range vals {
		k, err := readKey(v, id)
		if err != nil {
			return nil, err
		}
		if k != nil {
			out = append(out, k)
		}
	}
	return out, nil
}

// elements reads the fields of a document (or of the subdocument of an
// embeddable at prefix "home.") into l.
func (d *decoder) elements(l *uow.Loaded, rest []byte, prefix string, sawID *bool) error {
	for len(rest) > 0 {
		el, next, ok := bsoncore.ReadElement(rest)
		if !ok {
			return fmt.Errorf("%w: a malformed %s document", ErrDecode, d.dm.coll)
		}
		rest = next
		key := prefix + string(el.KeyBytes())
		cv := el.Value()
		s, ok := d.slots[key]
		if !ok {
			if sub, isDoc := cv.DocumentOK(); isDoc && d.subdocs[key] {
				if err := d.elements(l, sub[4:len(sub)-1], key+".", sawID); err != nil {
					return err
				}
			}
			continue // a field the entity does not map
		}
		rv := bson.RawValue{Type: bson.Type(cv.Type), Value: cv.Data}
		switch {
		case s.arr != nil:
			keys, err := readKeys(rv, s.arr.id)
			if err != nil {
				return fmt.Errorf("mongo: %s: %w", s.arr.rel.Prop, err)
			}
			l.Many[s.arr.rel.Prop] = keys
		case s.f.fk:
			k, err := readKey(rv, s.f.id)
			if err != nil {
				return fmt.Errorf("mongo: %s: %w", s.f.prop, err)
			}
			l.FK[s.col] = k
		default:
			if s.f.col.PK {
				*sawID = true
			}
			if s.f.prop.InNullable && (rv.Type == bson.TypeNull || rv.Type == bson.TypeUndefined) {
				continue // NULL leaves a pointer embeddable nil
			}
			if err := readField(s.f, l.Ptr, rv); err != nil {
				return err
			}
		}
	}
	return nil
}
