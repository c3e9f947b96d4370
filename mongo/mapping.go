package mongo

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/meta"
)

// idKind says how a key value travels between Go and the document.
type idKind uint8

const (
	idPlain idKind = iota // stored as it is (integers, strings that are not keys, ...)
	idHex                 // a Go string holding an ObjectID's hex form; stored as an ObjectID
	idOID                 // a [12]byte (bson.ObjectID or a named type); stored as an ObjectID
)

var objectIDType = reflect.TypeFor[bson.ObjectID]()

// keyKind returns how values of the primary-key property pk are stored.
func keyKind(pk *meta.Property) idKind {
	t := pk.Type
	switch {
	case t.Kind() == reflect.Array && t.Len() == 12 && t.Elem().Kind() == reflect.Uint8:
		return idOID
	case t.Kind() == reflect.String:
		return idHex
	}
	return idPlain
}

// field is one column of an entity as a document field.
type field struct {
	col  *meta.Column
	prop *meta.Property // the scalar or owning to-one property writing the column
	name string         // document field: "_id" for the primary key, else the column name
	fk   bool           // a to-one relation: the value is the target's key
	id   idKind
	doc  bool // type=json: stored as an embedded document or array
}

// array is an owning many-to-many relation stored as an array of the
// targets' keys in the owner's document.
type array struct {
	rel  *meta.Relation
	name string
	id   idKind
}

// docMap is how one entity maps to documents of one collection.
type docMap struct {
	e      *meta.Entity
	coll   string
	fields []field // in e.Columns order
	arrays []array
	pk     *field
	// byName finds a field by document field name: an index into fields,
	// or len(fields)+i for arrays[i].
	byName map[string]int
	// byColumn finds a field by column name or property name (as qb
	// statements built by the EntityManager and populate name them).
	byColumn map[string]int
}

// mapper builds and caches docMaps of a registry's entities.
type mapper struct {
	reg  *meta.Registry
	maps sync.Map // *meta.Entity → *docMap or error
}

type mapErr struct{ err error }

func (m *mapper) of(e *meta.Entity) (*docMap, error) {
	if v, ok := m.maps.Load(e); ok {
		if me, bad := v.(mapErr); bad {
			return nil, me.err
		}
		return v.(*docMap), nil
	}
	dm, err := m.build(e)
	if err != nil {
		m.maps.Store(e, mapErr{err})
		return nil, err
	}
	v, _ := m.maps.LoadOrStore(e, dm)
	return v.(*docMap), nil
}

// byTable finds the entity whose collection is table.
func (m *mapper) byTable(table string) (*docMap, error) {
	for _, e := range m.reg.Entities() {
		if e.Table == table && e.Parent == nil {
			if e.Polymorphic() {
				return m.ofTable(e)
			}
			return m.of(e)
		}
	}
	return nil, fmt.Errorf("%w: no entity is stored in collection %q", ErrUnsupported, table)
}

// ArrayField is the document field holding the keys of an owning
// many-to-many relation: the naming strategy's column name for the property
// (Book.Tags → "tags").
func ArrayField(r *meta.Relation, n meta.NamingStrategy) string {
	return n.ColumnName(r.Prop.Name)
}

// tableKey caches the docMap of a single-table family's whole collection.
type tableKey struct{ e *meta.Entity }

// ofTable is the docMap of the collection of a single-table family root
// with subtypes: every member's fields (TableColumns), for conditions and
// native statements on the collection. It never reads or writes an
// instance (the fields of subtypes are not the root's).
func (m *mapper) ofTable(e *meta.Entity) (*docMap, error) {
	if v, ok := m.maps.Load(tableKey{e}); ok {
		if me, bad := v.(mapErr); bad {
			return nil, me.err
		}
		return v.(*docMap), nil
	}
	dm, err := m.buildCols(e, e.TableColumns)
	if err != nil {
		m.maps.Store(tableKey{e}, mapErr{err})
		return nil, err
	}
	v, _ := m.maps.LoadOrStore(tableKey{e}, dm)
	return v.(*docMap), nil
}

func (m *mapper) build(e *meta.Entity) (*docMap, error) { return m.buildCols(e, e.Columns) }

func (m *mapper) buildCols(e *meta.Entity, cols []*meta.Column) (*docMap, error) {
	if len(e.PK) != 1 {
		return nil, fmt.Errorf("%w: %s has a composite primary key; a document has one _id", ErrUnsupported, e.Name)
	}
	dm := &docMap{e: e, coll: e.Table, byName: map[string]int{}, byColumn: map[string]int{}}
	for i, c := range cols {
		f := field{col: c, prop: c.Prop, name: c.Name}
		if c.Prop == nil {
			return nil, fmt.Errorf("%w: %s.%s has no property", ErrUnsupported, e.Name, c.Name)
		}
		if c.IsFormula() {
			return nil, fmt.Errorf("%w: %s.%s is a formula (a SQL expression); MongoDB has no SQL", ErrUnsupported, e.Name, c.Prop.Field)
		}
		switch {
		case c.PK:
			f.name = "_id"
			f.id = keyKind(c.Prop)
		case c.Prop.Kind != meta.Scalar:
			f.fk = true
			if c.Ref == nil {
				return nil, fmt.Errorf("%w: %s.%s references no key", ErrUnsupported, e.Name, c.Name)
			}
			f.id = keyKind(c.Ref)
		default:
			if t := c.Prop.BaseType; t.Kind() == reflect.Array && t.Len() == 12 && t.Elem().Kind() == reflect.Uint8 {
				f.id = idOID
			}
			f.doc = c.Prop.Codec == meta.CodecJSON
			if c.Prop.Embedded != "" {
				f.name = embeddedField(c.Prop, m.reg.Naming())
			}
		}
		if f.name != "_id" && (strings.HasPrefix(f.name, "$") || strings.Contains(f.name, ".") && c.Prop.Embedded == "") {
			return nil, fmt.Errorf("%w: %s.%s: field names may not start with $ or hold dots", ErrUnsupported, e.Name, c.Name)
		}
		dm.fields = append(dm.fields, f)
		dm.byName[f.name] = i
		dm.byColumn[c.Name] = i
		dm.byColumn[c.Prop.Name] = i
		if c.PK {
			dm.pk = &dm.fields[i]
		}
	}
	for _, r := range e.Relations {
		if r.Kind != meta.ManyToMany || !r.Owning {
			continue
		}
		if len(r.Target.PK) != 1 {
			return nil, fmt.Errorf("%w: %s targets %s, which has a composite key", ErrUnsupported, r.Prop, r.Target.Name)
		}
		a := array{rel: r, name: ArrayField(r, m.reg.Naming()), id: keyKind(r.Target.PK[0])}
		if _, taken := dm.byName[a.name]; taken {
			return nil, fmt.Errorf("%w: %s: array field %q is also a column", ErrUnsupported, r.Prop, a.name)
		}
		idx := len(dm.fields) + len(dm.arrays)
		dm.arrays = append(dm.arrays, a)
		dm.byName[a.name] = idx
		dm.byColumn[r.Prop.Name] = idx
		dm.byColumn[r.Prop.Field] = idx
	}
	if dm.pk == nil {
		return nil, fmt.Errorf("%w: %s has no primary-key column", ErrUnsupported, e.Name)
	}
	// byColumn must hold the pk under its column even when a property
	// shares a name with another column.
	for i := range dm.fields {
		dm.byColumn[dm.fields[i].col.Name] = i
	}
	return dm, nil
}

// target is what a field name in a condition resolves to.
type target struct {
	name string // document field
	id   idKind
	doc  bool
	list bool // an array of keys (m:n)
}

// resolve maps a field of a qb condition or order ("e0.title", "title",
// "author_id", "tags") to a document field. Other aliases mean a join.
func (dm *docMap) resolve(f string) (target, error) {
	name := f
	if i := strings.IndexByte(f, '.'); i >= 0 {
		alias := f[:i]
		if alias != "e0" && alias != dm.coll {
			return target{}, fmt.Errorf("%w: %q belongs to a joined table", ErrJoin, f)
		}
		name = f[i+1:]
	}
	if name == "_id" {
		return target{name: "_id", id: dm.pk.id}, nil
	}
	i, ok := dm.byColumn[name]
	if !ok {
		// A path inside a type=json field (a subdocument): settings.theme.
		if head, rest, cut := strings.Cut(name, "."); cut {
			if j, ok := dm.byColumn[head]; ok && j < len(dm.fields) && dm.fields[j].doc {
				return target{name: dm.fields[j].name + "." + rest}, nil
			}
		}
		return target{}, fmt.Errorf("%w: %s has no field %q", ErrUnknownField, dm.e.Name, f)
	}
	if i >= len(dm.fields) {
		a := dm.arrays[i-len(dm.fields)]
		return target{name: a.name, id: a.id, list: true}, nil
	}
	fl := dm.fields[i]
	return target{name: fl.name, id: fl.id, doc: fl.doc}, nil
}
