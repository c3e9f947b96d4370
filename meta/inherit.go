package meta

import (
	"reflect"
	"strings"
	"unsafe"
)

// Single-table inheritance (MikroORM's STI, SQLAlchemy's single-table
// inheritance). A family is one table; the root entity declares a string
// discriminator field, and each subtype embeds its parent struct by value as
// its FIRST field, with the subtype's discriminator value on that field:
//
//	type Animal struct {
//		ID   int64  `orm:"pk"`
//		Kind string `orm:"discriminator"` // or discriminator=animal: Animal rows too
//		Name string
//	}
//	type Dog struct {
//		Animal `orm:"discriminator=dog"`
//		Barks  bool
//	}
//
// Because the base sits at offset 0 of every subtype, a *Animal that points
// at a Dog's embedded Animal is the address of the Dog itself: the Identity
// Map keys rows per root type, and a load through the base type hands out
// pointers into the concrete instances.

// subSpec is what build found on a subtype's first field.
type subSpec struct {
	parent reflect.Type
	value  string
	field  string
}

// isDiscriminatorTag reports whether tag is discriminator=value (the tag of
// a subtype's embedded base).
func isDiscriminatorTag(tag string) bool {
	k, v, ok := strings.Cut(strings.TrimSpace(tag), "=")
	return ok && strings.EqualFold(strings.TrimSpace(k), "discriminator") && strings.TrimSpace(v) != ""
}

// subtypeOf records t as a subtype when its first field is an embedded
// struct tagged discriminator=value.
func (b *builder) subtypeOf(e *Entity, t reflect.Type) bool {
	if t.NumField() == 0 {
		return false
	}
	f := t.Field(0)
	tag := f.Tag.Get("orm")
	if !f.Anonymous || !isDiscriminatorTag(tag) {
		return false
	}
	_, v, _ := strings.Cut(tag, "=")
	pt := f.Type
	if pt.Kind() == reflect.Pointer {
		b.problemf(e, f.Name, "a single-table subtype must embed its base by value, not as %s", pt)
		pt = pt.Elem()
	}
	if b.subs == nil {
		b.subs = map[*Entity]subSpec{}
	}
	b.subs[e] = subSpec{parent: pt, value: strings.TrimSpace(v), field: f.Name}
	return true
}

// discriminatorProp checks and records a discriminator property.
func (b *builder) discriminatorProp(e *Entity, p *Property, spec *tagSpec) {
	if p.Type.Kind() != reflect.String || p.Codec != CodecPlain || p.Embedded != "" {
		b.problemf(e, p.Field, "a discriminator must be a plain string field of the entity, not %s", p.Type)
		return
	}
	if e.Discriminator != nil {
		b.problemf(e, p.Field, "only one discriminator per entity (%s is one)", e.Discriminator.Field)
		return
	}
	p.Discriminator = true
	e.Discriminator = p
	if _, sub := b.subs[e]; !sub && spec.discValue != "" {
		if b.discValues == nil {
			b.discValues = map[*Entity]string{}
		}
		b.discValues[e] = spec.discValue
	}
}

// inheritLink links subtypes to their parents and roots and gives them the
// root's table; it runs before relations are resolved (join columns and
// index names need the table).
func (b *builder) inheritLink() {
	for _, e := range b.order {
		e.Root = e
		if _, sub := b.subs[e]; !sub && e.Discriminator != nil {
			e.family = map[string]*Entity{}
			if v := b.discValues[e]; v != "" {
				e.DiscriminatorValue = v
				e.family[v] = e
			}
		}
	}
	done := map[*Entity]bool{}
	var link func(e *Entity, depth int) bool
	link = func(e *Entity, depth int) bool {
		s, sub := b.subs[e]
		if !sub || done[e] {
			return e.Root.family != nil
		}
		done[e] = true
		if depth > 32 {
			b.problemf(e, s.field, "single-table inheritance nests too deep")
			return false
		}
		parent := b.pending[s.parent]
		if parent == nil {
			if old, ok := b.old.byType[s.parent]; ok {
				b.problemf(e, s.field, "register single-table subtypes in the same call as their base %s", old.Name)
			} else {
				b.problemf(e, s.field, "embeds %s as its single-table base, but %s is not registered (register it too)", s.parent, s.parent)
			}
			return false
		}
		if !link(parent, depth+1) || parent.Discriminator == nil {
			if parent.Discriminator == nil {
				b.problemf(e, s.field, "embeds %s as its single-table base, but %s declares no discriminator (tag a string field orm:\"discriminator\")", parent.Name, parent.Name)
			}
			return false
		}
		root := parent.Root
		e.Parent, e.Root, e.Table = parent, root, root.Table
		e.DiscriminatorValue = s.value
		if e.Discriminator == nil {
			b.problemf(e, s.field, "has no discriminator property (is the base's discriminator field shadowed?)")
			return false
		}
		if other, ok := root.family[s.value]; ok {
			b.problemf(e, s.field, "discriminator value %q is used by both %s and %s", s.value, other.Name, e.Name)
			return false
		}
		root.family[s.value] = e
		for a := parent; a != nil; a = a.Parent {
			a.Subtypes = append(a.Subtypes, e)
		}
		return true
	}
	for _, e := range b.order {
		link(e, 0)
	}
}

// inheritColumns builds each family root's TableColumns: the union of the
// members' columns, subtype-only ones nullable.
func (b *builder) inheritColumns() {
	for _, e := range b.order {
		e.TableColumns = e.Columns
		if e.Parent != nil || len(e.Subtypes) == 0 {
			continue
		}
		cols := append([]*Column(nil), e.Columns...)
		byName := map[string]*Column{}
		owner := map[string]*Entity{}
		for _, c := range e.Columns {
			byName[c.Name], owner[c.Name] = c, e
		}
		for _, s := range e.Subtypes {
			for _, c := range s.Columns {
				if prev, ok := byName[c.Name]; ok {
					if !s.IsA(owner[c.Name]) && !sameColumnDef(prev, c) {
						b.problemf(s, fieldOf(c), "column %q of the shared table %q is also defined differently by %s", c.Name, e.Table, owner[c.Name].Name)
					}
					continue
				}
				if c.Prop != nil && b.notNull[c.Prop] {
					b.problemf(s, c.Prop.Field, "column %q is only %s's, so rows of other types hold NULL there: it cannot be notnull", c.Name, s.Name)
				}
				if c.PK {
					b.problemf(s, fieldOf(c), "a subtype cannot add primary-key columns")
				}
				cc := *c
				cc.Nullable = true
				cols = append(cols, &cc)
				byName[c.Name], owner[c.Name] = &cc, s
			}
		}
		e.TableColumns = cols
	}
}

func fieldOf(c *Column) string {
	if c.Prop != nil {
		return c.Prop.Field
	}
	return ""
}

func sameColumnDef(a, b *Column) bool {
	return a.Type == b.Type && a.SQLType == b.SQLType && a.Length == b.Length &&
		a.Precision == b.Precision && a.Scale == b.Scale && a.Unsigned == b.Unsigned
}

// IsA reports whether e is anc or one of anc's subtypes.
func (e *Entity) IsA(anc *Entity) bool {
	for x := e; x != nil; x = x.Parent {
		if x == anc {
			return true
		}
	}
	return false
}

// Polymorphic reports whether rows of e's table read through e may be of
// several Go types (e has subtypes).
func (e *Entity) Polymorphic() bool { return len(e.Subtypes) > 0 }

// InFamily reports whether e belongs to a single-table inheritance family.
func (e *Entity) InFamily() bool {
	return e.Discriminator != nil && e.Root != nil && e.Root.family != nil
}

// Abstract reports whether e is a family root without a discriminator value
// of its own: it has no rows of its own and cannot be persisted.
func (e *Entity) Abstract() bool { return e.InFamily() && e.DiscriminatorValue == "" }

// ForDiscriminator returns the member of e's family whose discriminator
// value is v, when it is e or one of e's subtypes.
func (e *Entity) ForDiscriminator(v string) (*Entity, bool) {
	if e.Root == nil || e.Root.family == nil {
		return nil, false
	}
	c, ok := e.Root.family[v]
	if !ok || !c.IsA(e) {
		return nil, false
	}
	return c, true
}

// DiscriminatorValues returns the discriminator values of e and its
// subtypes (the rows a query on e reads); nil outside a family.
func (e *Entity) DiscriminatorValues() []string {
	if !e.InFamily() {
		return nil
	}
	var out []string
	if e.DiscriminatorValue != "" {
		out = append(out, e.DiscriminatorValue)
	}
	for _, s := range e.Subtypes {
		if s.DiscriminatorValue != "" {
			out = append(out, s.DiscriminatorValue)
		}
	}
	return out
}

// LoadColumns are the columns a load of e selects: TableColumns of the
// family root for a polymorphic e (the concrete type is known per row),
// else e's Columns.
func (e *Entity) LoadColumns() []*Column {
	if e.Polymorphic() {
		return e.Root.TableColumns
	}
	return e.Columns
}

// ViewAt returns the struct at ptr as a *T of e (as any). For a family
// member, ptr may be the address of an instance of one of e's subtypes: the
// result then points at its embedded base.
func (e *Entity) ViewAt(ptr unsafe.Pointer) any { return reflect.NewAt(e.Type, ptr).Interface() }
