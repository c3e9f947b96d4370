package meta

import (
	"github.com/unitorm/unitorm/internal/access"

	"reflect"
	"strings"
)

// Embeddables: a named struct field tagged embedded is stored inline in the
// entity's table, one column per field of the struct, named with a prefix
// (the field's column name and an underscore by default: Address.City →
// address_city; prefix=x_ sets it, prefix= with no value drops it).
// Embeddables nest (prefixes concatenate). Their properties are named by
// path (address.city), which conditions, orders and Assign accept. A pointer
// embeddable is nullable: its columns are all nullable, a nil pointer writes
// NULL to each, and a row whose columns are all NULL loads as nil.
// Relations, primary keys and version fields inside an embeddable are not
// supported. For a whole struct in one JSON column, tag it type=json
// instead.

// Embeddable is one embedded struct field of an entity.
type Embeddable struct {
	Path     string       // property path (address, address.geo)
	Field    string       // Go field path (Address, Address.Geo)
	Type     reflect.Type // the struct type
	Nullable bool         // a pointer field
	Prefix   string       // the column prefix of its fields (with its parents')

	// At walks from the entity struct to the field itself, for this
	// module's layers; its type is internal.
	At access.Path
}

// embedding is what collect carries while inside an embeddable.
type embedding struct {
	path, field, colPrefix string
	nullable               bool
}

// key is the field's identity for Go's promotion rule.
func (fr fieldRec) key() string {
	if fr.emb == nil {
		return fr.sf.Name
	}
	return fr.emb.field + "." + fr.sf.Name
}

// isEmbeddedTag reports whether an orm tag holds the embedded option.
func isEmbeddedTag(tag string) bool {
	parts, err := splitTag(tag)
	if err != nil {
		return false
	}
	for _, p := range parts {
		if strings.EqualFold(strings.TrimSpace(p), "embedded") {
			return true
		}
	}
	return false
}

var embeddedOpts = optSet("embedded", "prefix")

// embed collects the fields of an embedded struct field sf.
func (b *builder) embed(e *Entity, sf reflect.StructField, idx []int, steps []access.Step, depth int, seen map[reflect.Type]bool, out *[]fieldRec, parent *embedding) {
	spec, msgs := parseTag(sf.Tag.Get("orm"))
	for _, m := range msgs {
		b.problemf(e, sf.Name, "%s", m)
	}
	b.checkOpts(e, sf.Name, &spec, embeddedOpts, "an embedded field")
	et := sf.Type
	isPtr := et.Kind() == reflect.Pointer
	if isPtr {
		et = et.Elem()
	}
	if _, coll := isCollection(et); et.Kind() != reflect.Struct || coll || !isEntityCandidate(et) {
		b.problemf(e, sf.Name, "embedded needs a struct or a pointer to a struct, not %s", sf.Type)
		return
	}
	if seen[et] {
		b.problemf(e, sf.Name, "embedded struct %s embeds itself", et)
		return
	}
	emb := &embedding{path: b.naming.PropertyName(sf.Name), field: sf.Name, nullable: isPtr}
	var prefix string
	if spec.hasPrefix {
		prefix = spec.prefix
	} else {
		prefix = b.naming.ColumnName(emb.path) + "_"
	}
	if parent != nil {
		emb.path = parent.path + "." + emb.path
		emb.field = parent.field + "." + emb.field
		emb.nullable = emb.nullable || parent.nullable
		prefix = parent.colPrefix + prefix
	}
	emb.colPrefix = prefix
	at := append(append([]access.Step(nil), steps...), access.Step{Offset: sf.Offset})
	e.Embeddeds = append(e.Embeddeds, &Embeddable{Path: emb.path, Field: emb.field, Type: et, Nullable: isPtr, Prefix: prefix, At: at})
	st := append(append([]access.Step(nil), steps...), access.Step{Offset: sf.Offset, Deref: isPtr, Type: et})
	seen[et] = true
	b.collect(e, et, idx, st, depth+1, seen, out, emb)
	delete(seen, et)
}

// embeddedOK refuses what an embeddable cannot hold.
func (b *builder) embeddedOK(e *Entity, fr fieldRec, spec *tagSpec) bool {
	ft := fr.sf.Type
	_, coll := isCollection(ft)
	switch {
	case spec.hasRel || coll || (ft.Kind() == reflect.Pointer && isEntityCandidate(ft.Elem()) && spec.typ == ""):
		b.problemf(e, fr.key(), "relations inside an embeddable are not supported")
	case spec.pk || spec.version:
		b.problemf(e, fr.key(), "a primary key or version field cannot be inside an embeddable")
	default:
		return true
	}
	return false
}

// rename gives a property of an embeddable its path name.
func (emb *embedding) rename(p *Property) {
	p.Name = emb.path + "." + p.Name
	p.Field = emb.field + "." + p.Field
	p.Embedded = emb.path
	p.InNullable = emb.nullable
	p.colPrefix = emb.colPrefix
}

// columnName is a scalar's column: its tag's column or the naming
// strategy's name of its own (last) name, after its embeddables' prefix.
func (b *builder) columnName(p *Property, spec *tagSpec) string {
	col := spec.column
	if col == "" {
		col = b.naming.ColumnName(p.Name[strings.LastIndexByte(p.Name, '.')+1:])
	}
	return p.colPrefix + col
}

// Embeddable finds an embeddable by path.
func (e *Entity) Embeddable(path string) (*Embeddable, bool) {
	for _, em := range e.Embeddeds {
		if em.Path == path {
			return em, true
		}
	}
	return nil, false
}

// LeafColumn is the column of a property of an embeddable without the
// embeddables' prefix (its own name: city for home_city).
func (p *Property) LeafColumn() string { return strings.TrimPrefix(p.Column, p.colPrefix) }
