package meta

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"
)

// relationProp fills a relation property from its tag; the target is
// resolved later, once every entity of the call is built.
func (b *builder) relationProp(e *Entity, p *Property, spec *tagSpec, target reflect.Type) *Property {
	p.Kind = spec.rel
	r := &Relation{Kind: spec.rel, Owner: e, Prop: p, Cascade: CascadePersist}
	p.Relation = r
	switch spec.rel {
	case ManyToOne:
		r.Owning = true
		b.checkOpts(e, p.Field, spec, toOneOpts, "a m:1 relation")
	case OneToOne:
		r.Owning = spec.mappedBy == ""
		if r.Owning {
			b.checkOpts(e, p.Field, spec, oneOwnOpts, "an owning 1:1 relation")
		} else {
			b.checkOpts(e, p.Field, spec, inverseOpts, "an inverse 1:1 relation (mappedBy)")
		}
	case OneToMany:
		b.checkOpts(e, p.Field, spec, inverseOpts, "a 1:m relation")
		if spec.mappedBy == "" {
			b.problemf(e, p.Field, "1:m needs mappedBy=<the m:1 field of %s pointing back>", target.Name())
		}
	case ManyToMany:
		r.Owning = spec.mappedBy == ""
		if r.Owning {
			b.checkOpts(e, p.Field, spec, manyOwnOpts, "an owning m:n relation")
		} else {
			b.checkOpts(e, p.Field, spec, manyInvOpts, "an inverse m:n relation (mappedBy)")
		}
	}
	if spec.hasCascade {
		r.Cascade = spec.cascade
	}
	r.OrphanRemoval = spec.orphanRemoval
	r.OnDelete, r.OnUpdate = spec.onDelete, spec.onUpdate
	p.Required = spec.required
	if r.Owning && !p.Kind.IsToMany() {
		r.Nullable = spec.nullable && !spec.notNull
		p.Nullable = r.Nullable
		p.Unique, p.UniqueGroup = spec.unique, spec.uniqueName
		p.Indexed, p.IndexName = spec.index, spec.indexName
		if p.Kind == OneToOne && p.UniqueGroup == "" {
			p.Unique = true
		}
		b.checkIndexNames(e, p)
		if (r.OnDelete == ActionSetNull || r.OnUpdate == ActionSetNull) && !r.Nullable {
			b.problemf(e, p.Field, "set null on delete/update needs a nullable relation (add nullable)")
		}
		if spec.joinColumn != "" && spec.column != "" {
			b.problemf(e, p.Field, "give joinColumn or column, not both")
		}
	}
	b.specs[p] = spec
	b.targets[p] = target
	return p
}

func (b *builder) lookup(t reflect.Type) *Entity {
	if e, ok := b.pending[t]; ok {
		return e
	}
	return b.old.byType[t]
}

// resolve links relations, then computes columns, pivots and indexes.
func (b *builder) resolve() {
	var rels []*Property
	for _, e := range b.order {
		for _, p := range e.Props {
			if p.Relation == nil {
				continue
			}
			t := b.targets[p]
			target := b.lookup(t)
			if target == nil {
				b.problemf(e, p.Field, "relation to unregistered type %s (register it too)", t)
				continue
			}
			p.Relation.Target = target
			rels = append(rels, p)
		}
	}
	// Owning sides first: inverse sides borrow their columns.
	for _, p := range rels {
		if r := p.Relation; r.Owning {
			if r.Kind == ManyToMany {
				b.resolvePivot(p)
			} else {
				b.resolveJoinColumns(p)
			}
		}
	}
	for _, p := range rels {
		if !p.Relation.Owning {
			b.resolveMappedBy(p)
		}
	}
	for _, p := range rels {
		if spec := b.specs[p]; p.Relation.Owning && spec.inversedBy != "" {
			b.checkInversedBy(p, spec.inversedBy)
		}
	}
	for _, e := range b.order {
		b.columns(e)
		b.indexes(e)
		for _, p := range e.Props {
			if p.Relation != nil {
				e.Relations = append(e.Relations, p.Relation)
			}
		}
	}
}

func (b *builder) resolveJoinColumns(p *Property) {
	e, r, spec := p.Entity, p.Relation, b.specs[p]
	if len(r.Target.PK) == 0 {
		return // reported on the target
	}
	given := spec.joinColumn
	if given == "" {
		given = spec.column
	}
	var names []string
	if given != "" {
		names = strings.Split(given, "|")
		if len(names) != len(r.Target.PK) {
			b.problemf(e, p.Field, "%d join columns for the %d primary-key columns of %s", len(names), len(r.Target.PK), r.Target.Name)
			return
		}
	} else {
		for _, pk := range r.Target.PK {
			names = append(names, b.naming.JoinColumnName(p.Name, pk.Column))
		}
	}
	for i, n := range names {
		n = strings.TrimSpace(n)
		names[i] = n
		if msg := checkIdent(n, false); msg != "" {
			b.problemf(e, p.Field, "join column name %q %s", n, msg)
		}
		r.ReferencedColumns = append(r.ReferencedColumns, r.Target.PK[i].Column)
	}
	r.JoinColumns = names
	p.Column = names[0]
}

func (b *builder) resolvePivot(p *Property) {
	e, r, spec := p.Entity, p.Relation, b.specs[p]
	if len(e.PK) == 0 || len(r.Target.PK) == 0 {
		return
	}
	pv := &Pivot{Table: spec.pivot, Owner: e, Target: r.Target}
	if pv.Table == "" {
		pv.Table = b.naming.PivotTableName(e.Name, p.Name)
	}
	side1, side2 := 0, 0
	if r.Target == e {
		side1, side2 = 1, 2
	}
	pv.JoinColumns = b.pivotColumns(p, spec.pivotJoin, "pivotJoinColumn", e, side1)
	pv.InverseJoinColumns = b.pivotColumns(p, spec.pivotInverse, "pivotInverseJoinColumn", r.Target, side2)
	if pv.JoinColumns == nil || pv.InverseJoinColumns == nil {
		return
	}
	if msg := checkIdent(pv.Table, true); msg != "" {
		b.problemf(e, p.Field, "pivot table name %q %s", pv.Table, msg)
	} else if used, ok := b.tables[pv.Table]; ok {
		b.problemf(e, p.Field, "pivot table %q is already used by %s", pv.Table, used)
	} else {
		b.tables[pv.Table] = "pivot of " + e.Name + "." + p.Field
	}
	seen := map[string]bool{}
	for _, c := range pv.Columns() {
		if seen[c.Name] {
			b.problemf(e, p.Field, "pivot column %q appears twice in %s", c.Name, pv.Table)
		}
		seen[c.Name] = true
	}
	r.Pivot = pv
	r.JoinColumns = columnNames(pv.JoinColumns)
	r.InverseJoinColumns = columnNames(pv.InverseJoinColumns)
	for _, pk := range e.PK {
		r.ReferencedColumns = append(r.ReferencedColumns, pk.Column)
	}
}

func (b *builder) pivotColumns(p *Property, given, key string, side *Entity, n int) []*Column {
	var names []string
	if given != "" {
		names = strings.Split(given, "|")
		if len(names) != len(side.PK) {
			b.problemf(p.Entity, p.Field, "%s has %d columns for the %d primary-key columns of %s", key, len(names), len(side.PK), side.Name)
			return nil
		}
	} else {
		for _, pk := range side.PK {
			names = append(names, b.naming.PivotJoinColumnName(side.Name, pk.Column, n))
		}
	}
	cols := make([]*Column, len(names))
	for i, name := range names {
		name = strings.TrimSpace(name)
		if msg := checkIdent(name, false); msg != "" {
			b.problemf(p.Entity, p.Field, "pivot column name %q %s", name, msg)
		}
		c := refColumn(name, side.PK[i])
		c.PK = true
		cols[i] = c
	}
	return cols
}

// refColumn is a foreign-key column referencing ref, typed like it.
func refColumn(name string, ref *Property) *Column {
	return &Column{
		Name: name, Ref: ref, Type: ref.ColumnType, SQLType: ref.SQLType,
		Length: ref.Length, Precision: ref.Precision, Scale: ref.Scale, Unsigned: ref.Unsigned,
	}
}

func columnNames(cols []*Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// resolveMappedBy links an inverse side to the owning property it names.
func (b *builder) resolveMappedBy(p *Property) {
	e, r, spec := p.Entity, p.Relation, b.specs[p]
	if spec.mappedBy == "" {
		return // 1:m without mappedBy, reported already
	}
	mp, ok := r.Target.Prop(spec.mappedBy)
	if !ok {
		b.problemf(e, p.Field, "mappedBy=%s: %s has no such property", spec.mappedBy, r.Target.Name)
		return
	}
	want := map[Kind]Kind{OneToMany: ManyToOne, OneToOne: OneToOne, ManyToMany: ManyToMany}[r.Kind]
	mr := mp.Relation
	if mr == nil || mp.Kind != want || !mr.Owning || (mr.Target != nil && mr.Target != e) {
		desc := "a scalar"
		if mr != nil {
			desc = "a " + mp.Kind.String()
			if !mr.Owning {
				desc = "an inverse " + mp.Kind.String()
			}
			if mr.Target != nil {
				desc += " to " + mr.Target.Name
			}
		}
		b.problemf(e, p.Field, "mappedBy=%s: %s.%s is %s, want an owning %s to %s", spec.mappedBy, r.Target.Name, mp.Field, desc, want, e.Name)
		return
	}
	if mr.Target == nil {
		return // its own target is unregistered, reported there
	}
	if _, pending := b.pending[mp.Entity.Type]; !pending {
		b.problemf(e, p.Field, "mappedBy=%s: %s is already registered; register both sides of a relation in one call", spec.mappedBy, r.Target.Name)
		return
	}
	if mr.InversedBy != nil && mr.InversedBy != p {
		b.problemf(e, p.Field, "mappedBy=%s: %s.%s is already mapped by %s", spec.mappedBy, r.Target.Name, mp.Field, mr.InversedBy)
		return
	}
	mr.InversedBy = p
	r.MappedBy = mp
	if r.Kind == ManyToMany {
		if mr.Pivot == nil {
			return
		}
		r.Pivot = mr.Pivot
		r.JoinColumns = columnNames(mr.Pivot.InverseJoinColumns)
		r.InverseJoinColumns = columnNames(mr.Pivot.JoinColumns)
		for _, pk := range e.PK {
			r.ReferencedColumns = append(r.ReferencedColumns, pk.Column)
		}
		return
	}
	r.JoinColumns = mr.JoinColumns
	r.ReferencedColumns = mr.ReferencedColumns
}

func (b *builder) checkInversedBy(p *Property, name string) {
	r := p.Relation
	ip, ok := r.Target.Prop(name)
	if !ok {
		b.problemf(p.Entity, p.Field, "inversedBy=%s: %s has no such property", name, r.Target.Name)
		return
	}
	if ip.Relation == nil || ip.Relation.MappedBy != p {
		b.problemf(p.Entity, p.Field, "inversedBy=%s: %s.%s must be a relation with mappedBy=%s", name, r.Target.Name, ip.Field, p.Field)
	}
}

// columns builds the table columns of e and checks they are unique.
func (b *builder) columns(e *Entity) {
	e.byColumn = map[string]*Column{}
	add := func(p *Property, c *Column) {
		if other, ok := e.byColumn[c.Name]; ok {
			b.problemf(e, p.Field, "column %q is also used by %s", c.Name, other.Prop.Field)
			return
		}
		e.byColumn[c.Name] = c
		e.Columns = append(e.Columns, c)
		p.Columns = append(p.Columns, c)
	}
	for _, p := range e.Props {
		switch {
		case p.Kind == Scalar:
			add(p, &Column{
				Name: p.Column, Prop: p, Type: p.ColumnType, SQLType: p.SQLType,
				Length: p.Length, Precision: p.Precision, Scale: p.Scale, Unsigned: p.Unsigned,
				Nullable: p.Nullable, PK: p.PK, AutoIncrement: p.AutoIncrement,
				Default: p.Default, HasDefault: p.HasDefault, Formula: p.Formula,
			})
		case p.Relation.Owning && !p.Kind.IsToMany() && p.Relation.Target != nil:
			for i, name := range p.Relation.JoinColumns {
				c := refColumn(name, p.Relation.Target.PK[i])
				c.Prop = p
				c.Nullable = p.Relation.Nullable
				add(p, c)
			}
		}
	}
}

// indexes groups unique and index tags into e.Indexes.
func (b *builder) indexes(e *Entity) {
	named := map[string]*Index{}
	for _, p := range e.Props {
		if len(p.Columns) == 0 {
			continue
		}
		cols := columnNames(p.Columns)
		for _, kind := range []string{"unique", "index"} {
			on, name := p.Unique, p.UniqueGroup
			if kind == "index" {
				on, name = p.Indexed, p.IndexName
			}
			if !on {
				continue
			}
			if name == "" {
				e.Indexes = append(e.Indexes, &Index{Name: b.naming.IndexName(e.Table, cols, kind), Columns: cols, Unique: kind == "unique"})
				continue
			}
			ix, ok := named[name]
			if !ok {
				ix = &Index{Name: name, Unique: kind == "unique"}
				named[name] = ix
				e.Indexes = append(e.Indexes, ix)
			} else if ix.Unique != (kind == "unique") {
				b.problemf(e, p.Field, "%q names both a unique constraint and an index", name)
				continue
			}
			ix.Columns = append(ix.Columns, cols...)
		}
	}
}

// checkIdent returns why s is not an acceptable table or column name, or "".
// Only letters, digits, '_' and '$' are accepted (and '.' between parts of a
// table name), so quoting can never be escaped.
func checkIdent(s string, allowDot bool) string {
	if s == "" {
		return "is empty"
	}
	if len(s) > 64 {
		return "is longer than 64 characters"
	}
	for i, c := range s {
		switch {
		case unicode.IsLetter(c), unicode.IsDigit(c), c == '_', c == '$':
		case c == '.' && allowDot && i > 0 && i < len(s)-1 && s[i-1] != '.':
		default:
			return fmt.Sprintf("contains %q (only letters, digits, _ and $ are allowed)", c)
		}
	}
	return ""
}

// checkSQLType accepts type names such as "varchar(20)", "numeric(10, 2)",
// "double precision".
func checkSQLType(s string) string {
	for _, c := range s {
		if !(unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune("_ (),.", c)) {
			return fmt.Sprintf("contains %q (only letters, digits, spaces, _ ( ) , . are allowed)", c)
		}
	}
	return ""
}

// checkDefault rejects default expressions that could end or comment out
// the statement they are written into.
func checkDefault(s string) string {
	for _, bad := range []string{"\x00", ";", "--", "/*"} {
		if strings.Contains(s, bad) {
			return fmt.Sprintf("contains %q", bad)
		}
	}
	return ""
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
