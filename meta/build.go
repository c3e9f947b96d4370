package meta

import (
	"github.com/unitorm/unitorm/internal/access"

	"fmt"
	"reflect"
	"strings"
)

// builder builds the entities of one Register call.
type builder struct {
	naming  NamingStrategy
	old     *registryState
	pending map[reflect.Type]*Entity
	order   []*Entity
	specs   map[*Property]*tagSpec
	targets map[*Property]reflect.Type // struct type a relation points at
	tables  map[string]string
	probs   []Problem
	types   map[reflect.Type]Type // custom types by Go type
	// subs are the single-table subtypes found by build: the embedded
	// parent's type and the discriminator value (see inherit.go).
	subs map[*Entity]subSpec
	// discValues are the roots' own discriminator values (discriminator=v).
	discValues map[*Entity]string
	notNull    map[*Property]bool // scalars tagged notnull
}

func newBuilder(n NamingStrategy, old *registryState) *builder {
	b := &builder{
		naming:  n,
		old:     old,
		pending: map[reflect.Type]*Entity{},
		specs:   map[*Property]*tagSpec{},
		targets: map[*Property]reflect.Type{},
		tables:  make(map[string]string, len(old.tables)),
	}
	for k, v := range old.tables {
		b.tables[k] = v
	}
	return b
}

func (b *builder) problem(entity, field, msg string) {
	b.probs = append(b.probs, Problem{Entity: entity, Field: field, Msg: msg})
}

func (b *builder) problemf(e *Entity, field, format string, args ...any) {
	b.problem(e.Name, field, fmt.Sprintf(format, args...))
}

// fieldRec is a struct field found while flattening embedded structs.
type fieldRec struct {
	sf    reflect.StructField
	index []int
	steps []access.Step
	depth int
	emb   *embedding // the embeddable the field belongs to, nil for the entity's own
}

// build creates the entity for t with its scalar properties and the
// unresolved relation properties.
func (b *builder) build(t reflect.Type) {
	e := &Entity{Type: t, PtrType: reflect.PointerTo(t), Name: t.Name()}
	b.pending[t] = e
	b.order = append(b.order, e)
	if e.Name == "" {
		e.Name = t.String()
		b.problemf(e, "", "an entity must be a named struct type")
	}
	if other, ok := b.old.byName[e.Name]; ok {
		b.problemf(e, "", "entity name %s is already used by %s", e.Name, other.Type)
	}
	for _, o := range b.order[:len(b.order)-1] {
		if o.Name == e.Name {
			b.problemf(e, "", "entity name %s is used by both %s and %s", e.Name, o.Type, t)
		}
	}
	sub := b.subtypeOf(e, t)
	if !sub {
		e.Table = b.tableName(e)
	}
	if e.Table != "" {
		if msg := checkIdent(e.Table, true); msg != "" {
			b.problemf(e, "", "table name %q %s", e.Table, msg)
		} else if used, ok := b.tables[e.Table]; ok {
			b.problemf(e, "", "table %q is already used by %s", e.Table, used)
		} else {
			b.tables[e.Table] = "entity " + e.Name
		}
	}

	var recs []fieldRec
	b.collect(e, t, nil, nil, 0, map[reflect.Type]bool{t: true}, &recs, nil)
	recs = b.shadow(e, recs)

	e.byName = map[string]*Property{}
	e.byField = map[string]*Property{}
	for _, fr := range recs {
		p := b.property(e, fr)
		if p == nil {
			continue
		}
		if other, ok := e.byName[p.Name]; ok {
			b.problemf(e, p.Field, "property name %q is also used by %s", p.Name, other.Field)
			continue
		}
		e.byName[p.Name] = p
		e.byField[p.Field] = p
		e.Props = append(e.Props, p)
	}
	// Case-insensitive fallback ("userId" for userID), when unambiguous.
	e.byFold = map[string]*Property{}
	ambiguous := map[string]bool{}
	for _, p := range e.Props {
		k := strings.ToLower(p.Name)
		if other, ok := e.byFold[k]; ok && other != p {
			ambiguous[k] = true
		}
		e.byFold[k] = p
	}
	for k := range ambiguous {
		delete(e.byFold, k)
	}
	b.finishKeys(e)
}

func (b *builder) tableName(e *Entity) (name string) {
	t := e.Type
	var tn TableNamer
	switch {
	case t.Implements(reflect.TypeFor[TableNamer]()):
		tn, _ = reflect.Zero(t).Interface().(TableNamer)
	case e.PtrType.Implements(reflect.TypeFor[TableNamer]()):
		tn, _ = reflect.New(t).Interface().(TableNamer)
	}
	if tn == nil {
		return b.naming.TableName(e.Name)
	}
	defer func() {
		if r := recover(); r != nil {
			b.problemf(e, "", "TableName panicked: %v", r)
			name = ""
		}
	}()
	return tn.TableName()
}

// collect walks the fields of t, flattening anonymous embedded structs.
func (b *builder) collect(e *Entity, t reflect.Type, index []int, steps []access.Step, depth int, seen map[reflect.Type]bool, out *[]fieldRec, emb *embedding) {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("orm")
		idx := append(append([]int(nil), index...), i)
		if strings.TrimSpace(tag) == "-" {
			continue
		}
		if sf.Anonymous {
			et := sf.Type
			isPtr := et.Kind() == reflect.Pointer
			if isPtr {
				et = et.Elem()
			}
			if _, coll := isCollection(et); et.Kind() == reflect.Struct && !coll && isEntityCandidate(et) && !strings.Contains(tag, ":") {
				if seen[et] {
					b.problemf(e, sf.Name, "embedded struct %s embeds itself", et)
					continue
				}
				if tag != "" && !(allZero(idx) && isDiscriminatorTag(tag)) {
					if isDiscriminatorTag(tag) {
						b.problemf(e, sf.Name, "the base struct of a single-table subtype must be its first field, embedded by value")
					} else {
						b.problemf(e, sf.Name, "tag on an embedded struct is not supported (tag its fields)")
					}
				}
				st := append([]access.Step(nil), steps...)
				st = append(st, access.Step{Offset: sf.Offset, Deref: isPtr, Type: et})
				seen[et] = true
				b.collect(e, et, idx, st, depth+1, seen, out, emb)
				delete(seen, et)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if isEmbeddedTag(tag) {
			b.embed(e, sf, idx, steps, depth, seen, out, emb)
			continue
		}
		st := append(append([]access.Step(nil), steps...), access.Step{Offset: sf.Offset})
		*out = append(*out, fieldRec{sf: sf, index: idx, steps: st, depth: depth, emb: emb})
	}
}

// shadow applies Go's promotion rule: a shallower field hides deeper ones
// with the same name; fields at the same depth collide.
func (b *builder) shadow(e *Entity, recs []fieldRec) []fieldRec {
	minDepth := map[string]int{}
	count := map[string]int{}
	for _, fr := range recs {
		d, ok := minDepth[fr.key()]
		if !ok || fr.depth < d {
			minDepth[fr.key()] = fr.depth
			count[fr.key()] = 0
			d = fr.depth
		}
		if fr.depth == d {
			count[fr.key()]++
		}
	}
	out := recs[:0:0]
	reported := map[string]bool{}
	for _, fr := range recs {
		name := fr.key()
		if fr.depth != minDepth[name] {
			continue
		}
		if count[name] > 1 {
			if !reported[name] {
				reported[name] = true
				b.problemf(e, name, "field is ambiguous: %d embedded structs at the same depth declare it", count[name])
			}
			continue
		}
		out = append(out, fr)
	}
	return out
}

// allowed tag options per property shape.
var (
	scalarOpts = optSet("pk", "autoincrement", "column", "nullable", "notnull", "unique", "index", "default", "type", "length", "precision", "scale", "version", "hidden",
		"softDelete", "required", "enum", "formula", "lazy", "discriminator")
	toOneOpts    = optSet("column", "joinColumn", "nullable", "notnull", "unique", "index", "hidden", "inversedBy", "cascade", "onDelete", "onUpdate", "required")
	oneOwnOpts   = optSet("column", "joinColumn", "nullable", "notnull", "unique", "index", "hidden", "inversedBy", "cascade", "onDelete", "onUpdate", "orphanRemoval", "required")
	inverseOpts  = optSet("mappedBy", "cascade", "orphanRemoval", "hidden")
	manyOwnOpts  = optSet("inversedBy", "pivot", "pivotJoinColumn", "pivotInverseJoinColumn", "cascade", "hidden")
	manyInvOpts  = optSet("mappedBy", "cascade", "hidden")
	relationOpts = optSet("mappedBy", "inversedBy", "joinColumn", "pivot", "pivotJoinColumn", "pivotInverseJoinColumn", "cascade", "orphanRemoval", "onDelete", "onUpdate")
)

func optSet(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func (b *builder) checkOpts(e *Entity, field string, spec *tagSpec, allowed map[string]bool, what string) {
	for _, k := range sortedKeys(spec.seen) {
		if !allowed[k] {
			b.problemf(e, field, "tag option %q is not valid on %s", k, what)
		}
	}
}

// property builds one property; it returns nil when the field is skipped
// or too broken to keep.
func (b *builder) property(e *Entity, fr fieldRec) *Property {
	sf := fr.sf
	spec, msgs := parseTag(sf.Tag.Get("orm"))
	for _, m := range msgs {
		b.problemf(e, sf.Name, "%s", m)
	}
	if spec.skip {
		return nil
	}
	if fr.emb != nil && !b.embeddedOK(e, fr, &spec) {
		return nil
	}
	if spec.hidden && sf.Tag.Get("json") != "-" {
		// encoding/json must not write it either: json.Marshal(entity) is
		// what most code does with an entity first.
		b.problemf(e, sf.Name, `a hidden property needs json:"-" as well, so that encoding/json never writes it`)
	}
	p := &Property{
		Entity: e,
		Name:   b.naming.PropertyName(sf.Name),
		Field:  sf.Name,
		Index:  fr.index,
		Type:   sf.Type,
		Hidden: spec.hidden,
	}
	if fr.emb != nil {
		fr.emb.rename(p)
	}
	p.At = access.Field{Name: p.String(), Type: sf.Type, Kind: sf.Type.Kind(), Direct: true}
	for _, s := range fr.steps {
		p.At.Offset += s.Offset
		if s.Deref {
			p.At.Direct = false
		}
	}
	if !p.At.Direct {
		p.At.Offset = 0
		p.At.Steps = fr.steps
	}

	ft := sf.Type
	if elem, ok := isCollection(ft); ok {
		p.BaseType = elem
		p.At.ToMany = true
		if !spec.hasRel || !spec.rel.IsToMany() {
			b.problemf(e, sf.Name, `a rel.Collection needs orm:"1:m,mappedBy=..." or orm:"m:n"`)
			return nil
		}
		if elem.Kind() != reflect.Pointer || !isEntityCandidate(elem.Elem()) {
			b.problemf(e, sf.Name, "a rel.Collection must hold pointers to entity structs, not %s", elem)
			return nil
		}
		return b.relationProp(e, p, &spec, elem.Elem())
	}
	lt, isLogical := logicalType(spec.typ)
	isJSON := isLogical && lt == TypeJSON
	if ft.Kind() == reflect.Pointer && isEntityCandidate(ft.Elem()) && !isJSON {
		if spec.hasRel && spec.rel.IsToMany() {
			b.problemf(e, sf.Name, "%s needs a rel.Collection field, not %s", spec.rel, ft)
			return nil
		}
		if !spec.hasRel {
			spec.rel = ManyToOne
		}
		p.BaseType = ft.Elem()
		return b.relationProp(e, p, &spec, ft.Elem())
	}
	if spec.hasRel {
		want := "a pointer to an entity struct"
		if spec.rel.IsToMany() {
			want = "a rel.Collection of pointers to entity structs"
		}
		b.problemf(e, sf.Name, "%s needs %s, not %s", spec.rel, want, ft)
		return nil
	}
	return b.scalarProp(e, p, &spec)
}

func (b *builder) scalarProp(e *Entity, p *Property, spec *tagSpec) *Property {
	b.checkOpts(e, p.Field, spec, scalarOpts, "a scalar field")
	si, isCustom := b.customScalar(p.Type, spec)
	if strings.EqualFold(spec.typ, "array") {
		if si, isCustom = arrayScalar(p.Type); !isCustom {
			b.problemf(e, p.Field, "type=array needs a slice of %s (or a pointer to one), not %s", ArrayElemTypes(), p.Type)
			return nil
		}
	}
	if !isCustom {
		var err error
		if si, err = classifyScalar(p.Type, spec); err != nil {
			b.problemf(e, p.Field, "%v", err)
			return nil
		}
	}
	p.custom = si.custom
	p.Kind = Scalar
	p.BaseType = si.base
	p.ColumnType = si.colType
	p.SQLType = si.sqlType
	p.Wrap = si.wrap
	p.Codec = si.codec
	p.Unsigned = si.unsigned
	p.PK = spec.pk
	p.Nullable = (si.wrap != WrapNone || spec.nullable) && !spec.notNull
	p.Unique, p.UniqueGroup = spec.unique, spec.uniqueName
	p.Indexed, p.IndexName = spec.index, spec.indexName
	p.Default, p.HasDefault = spec.def, spec.hasDefault
	p.Length, p.Precision, p.Scale = spec.length, spec.precision, spec.scale
	p.Version = spec.version
	if spec.notNull {
		if b.notNull == nil {
			b.notNull = map[*Property]bool{}
		}
		b.notNull[p] = true
	}
	if spec.discriminator {
		b.discriminatorProp(e, p, spec)
	}
	p.Column = b.columnName(p, spec)
	if msg := checkIdent(p.Column, false); msg != "" {
		b.problemf(e, p.Field, "column name %q %s", p.Column, msg)
	}
	b.checkIndexNames(e, p)
	if p.SQLType != "" {
		if msg := checkSQLType(p.SQLType); msg != "" {
			b.problemf(e, p.Field, "type %q %s", p.SQLType, msg)
		}
	}
	if p.HasDefault {
		if msg := checkDefault(p.Default); msg != "" {
			b.problemf(e, p.Field, "default %q %s", p.Default, msg)
		}
	}
	if p.PK && p.Nullable {
		b.problemf(e, p.Field, "a primary key cannot be nullable")
	}
	if spec.length > 0 && p.ColumnType != TypeString && p.ColumnType != TypeBytes {
		b.problemf(e, p.Field, "length applies to string and bytes columns, not %s", p.ColumnType)
	}
	if spec.scale > 0 && spec.precision == 0 {
		b.problemf(e, p.Field, "scale needs precision")
	}
	if spec.autoInc != nil {
		p.AutoIncrement = *spec.autoInc
		p.autoIncSet = true
		if !p.PK {
			b.problemf(e, p.Field, "autoincrement applies to a primary key")
		} else if p.AutoIncrement && !isIntType(p) {
			b.problemf(e, p.Field, "autoincrement needs an integer primary key, not %s", p.Type)
		}
	}
	if p.Version {
		if (!isIntType(p) && p.ColumnType != TypeTime) || p.Wrap != WrapNone {
			b.problemf(e, p.Field, "version needs a non-nullable integer or time.Time field, not %s", p.Type)
		} else if e.Version != nil {
			b.problemf(e, p.Field, "only one version property per entity (%s is one)", e.Version.Field)
		} else {
			e.Version = p
		}
	}
	b.mappingOpts(e, p, spec)
	return p
}

func isIntType(p *Property) bool {
	switch p.ColumnType {
	case TypeInt16, TypeInt32, TypeInt64:
		return p.Wrap == WrapNone && p.Codec == CodecPlain
	}
	return false
}

func (b *builder) checkIndexNames(e *Entity, p *Property) {
	for _, n := range []string{p.UniqueGroup, p.IndexName} {
		if n == "" {
			continue
		}
		if msg := checkIdent(n, false); msg != "" {
			b.problemf(e, p.Field, "index name %q %s", n, msg)
		}
	}
}

// finishKeys collects primary keys and applies the auto-increment default.
func (b *builder) finishKeys(e *Entity) {
	for _, p := range e.Props {
		if p.PK {
			e.PK = append(e.PK, p)
		}
	}
	switch {
	case len(e.PK) == 0:
		b.problemf(e, "", `no primary key (tag a field orm:"pk")`)
	case len(e.PK) == 1:
		p := e.PK[0]
		if isIntType(p) && !p.autoIncSet {
			p.AutoIncrement = true
		}
	default:
		for _, p := range e.PK {
			if p.AutoIncrement {
				b.problemf(e, p.Field, "autoincrement is not supported on a composite primary key")
			}
		}
	}
}

// allZero reports whether a field index path follows first fields only
// (where a single-table subtype's base, and its base's base, sit).
func allZero(idx []int) bool {
	for _, i := range idx {
		if i != 0 {
			return false
		}
	}
	return true
}
