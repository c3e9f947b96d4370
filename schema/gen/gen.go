package gen

import (
	"bytes"
	"fmt"
	"go/format"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/schema"
)

// Options configures Generate.
type Options struct {
	// Package is the package clause of the file (default "entities").
	Package string
	// Naming is the naming strategy the entities will be registered with:
	// tags name tables and columns only where it would name them otherwise
	// (default meta.UnderscoreNaming).
	Naming meta.NamingStrategy
	// Dialect is the database the schema was read from; it decides which
	// SQL types are the default rendering of a logical type (default: types
	// are compared loosely).
	Dialect dialect.Dialect
}

type entity struct {
	table   *schema.Table
	name    string
	fields  []*field
	used    map[string]bool
	imports map[string]bool
}

type field struct {
	name string
	typ  string
	tags []string
	note string
}

// free returns name, or name with "Ref" appended until no field of e uses
// it, and reserves it.
func (e *entity) free(name string) string {
	for e.used[name] {
		name += "Ref"
	}
	e.used[name] = true
	return name
}

func (e *entity) add(f *field) { e.fields = append(e.fields, f) }

// Generate returns the Go source of entity structs for the tables of s.
func Generate(s *schema.Schema, opts Options) ([]byte, error) {
	if opts.Package == "" {
		opts.Package = "entities"
	}
	if opts.Naming == nil {
		opts.Naming = meta.UnderscoreNaming{}
	}
	g := &generator{opts: opts, s: s, byTable: map[string]*entity{}, imports: map[string]bool{}}
	return g.run()
}

type generator struct {
	opts    Options
	s       *schema.Schema
	byTable map[string]*entity
	list    []*entity
	pivots  []*schema.Table
	imports map[string]bool
}

// isPivot reports whether t is a join table: two foreign keys covering all
// columns, which form the primary key.
func isPivot(t *schema.Table) bool {
	if len(t.ForeignKeys) != 2 || len(t.PrimaryKey) != len(t.Columns) {
		return false
	}
	var cols []string
	for _, fk := range t.ForeignKeys {
		cols = append(cols, fk.Columns...)
	}
	if len(cols) != len(t.Columns) {
		return false
	}
	for _, c := range t.Columns {
		if !slices.Contains(cols, c.Name) {
			return false
		}
	}
	return true
}

func (g *generator) run() ([]byte, error) {
	for _, t := range g.s.Tables {
		if isPivot(t) && g.s.Table(t.ForeignKeys[0].RefTable) != nil && g.s.Table(t.ForeignKeys[1].RefTable) != nil {
			g.pivots = append(g.pivots, t)
			continue
		}
		if len(t.PrimaryKey) == 0 {
			continue // an entity needs a primary key; reported in the file comment
		}
		e := &entity{table: t, name: GoName(t.Name), used: map[string]bool{}}
		for g.nameTaken(e.name) {
			e.name += "Entity"
		}
		g.byTable[t.Name] = e
		g.list = append(g.list, e)
	}
	for _, e := range g.list {
		g.columns(e)
	}
	for _, e := range g.list {
		g.inverseSides(e)
	}
	for _, p := range g.pivots {
		g.manyToMany(p)
	}
	return g.render()
}

func (g *generator) nameTaken(n string) bool {
	for _, e := range g.list {
		if e.name == n {
			return true
		}
	}
	return n == "Entities"
}

// relFK returns the foreign keys of t that become relations: to a table
// that is an entity, on its primary key.
func (g *generator) relFK(t *schema.Table) []*schema.ForeignKey {
	var out []*schema.ForeignKey
	for _, fk := range t.ForeignKeys {
		target := g.byTable[fk.RefTable]
		if target == nil || !slices.Equal(fk.RefColumns, target.table.PrimaryKey) {
			continue
		}
		// Every column of a relation must belong to it alone.
		shared := false
		for _, other := range out {
			for _, c := range fk.Columns {
				if slices.Contains(other.Columns, c) {
					shared = true
				}
			}
		}
		if !shared && !slices.ContainsFunc(fk.Columns, t.IsPK) {
			out = append(out, fk)
		}
	}
	return out
}

func (g *generator) columns(e *entity) {
	t := e.table
	fks := g.relFK(t)
	indexTags := g.indexTags(t, fks)
	done := map[string]bool{}
	for _, c := range t.Columns {
		if done[c.Name] {
			continue
		}
		var fk *schema.ForeignKey
		for _, f := range fks {
			if f.Columns[0] == c.Name {
				fk = f
			}
		}
		if fk != nil {
			for _, col := range fk.Columns {
				done[col] = true
			}
			g.relation(e, fk, indexTags[c.Name])
			continue
		}
		if slices.ContainsFunc(fks, func(f *schema.ForeignKey) bool { return slices.Contains(f.Columns, c.Name) }) {
			continue
		}
		g.scalar(e, c, indexTags[c.Name])
	}
}

// indexTags returns the unique/index tags per column (the first column of a
// relation carries its relation's).
func (g *generator) indexTags(t *schema.Table, fks []*schema.ForeignKey) map[string][]string {
	owner := map[string]string{} // column → column carrying its tags
	for _, c := range t.Columns {
		owner[c.Name] = c.Name
	}
	for _, fk := range fks {
		for _, c := range fk.Columns {
			owner[c] = fk.Columns[0]
		}
	}
	out := map[string][]string{}
	has := map[string]map[string]bool{} // carrier → unique/index already given
	for _, ix := range t.Indexes {
		// The index schema.Build adds for a foreign key is implied.
		if !ix.Unique && slices.ContainsFunc(fks, func(fk *schema.ForeignKey) bool {
			return slices.Equal(fk.Columns, ix.Columns) && ix.Name == g.opts.Naming.IndexName(t.Name, fk.Columns, "index")
		}) {
			continue
		}
		kind := "index"
		if ix.Unique {
			kind = "unique"
		}
		// Tags group columns in field order, one group per property each.
		var carriers []string
		for _, c := range ix.Columns {
			if o := owner[c]; !slices.Contains(carriers, o) {
				carriers = append(carriers, o)
			}
		}
		ok := true
		last := -1
		for _, cname := range carriers {
			pos := slices.IndexFunc(t.Columns, func(c *schema.Column) bool { return c.Name == cname })
			if pos < last || has[cname][kind] {
				ok = false
			}
			last = pos
		}
		if !ok {
			continue
		}
		tag := kind + "=" + ix.Name
		if len(carriers) == 1 && ix.Name == g.opts.Naming.IndexName(t.Name, ix.Columns, kind) {
			tag = kind
		}
		for _, cname := range carriers {
			if has[cname] == nil {
				has[cname] = map[string]bool{}
			}
			has[cname][kind] = true
			out[cname] = append(out[cname], tag)
		}
	}
	return out
}

var actionWords = map[string]string{"CASCADE": "cascade", "SET NULL": "setnull", "RESTRICT": "restrict",
	"NO ACTION": "noaction", "SET DEFAULT": "setdefault"}

func (g *generator) relation(e *entity, fk *schema.ForeignKey, ixTags []string) {
	target := g.byTable[fk.RefTable]
	n := g.opts.Naming
	base := fk.Columns[0]
	if len(fk.Columns) == 1 {
		base = strings.TrimSuffix(base, "_"+fk.RefColumns[0])
	}
	f := &field{name: e.free(GoName(base)), typ: "*" + target.name}
	kind := "m:1"
	for _, ix := range e.table.Indexes {
		if ix.Unique && slices.Equal(ix.Columns, fk.Columns) {
			kind = "1:1"
		}
	}
	f.tags = append(f.tags, kind)
	prop := n.PropertyName(f.name)
	want := make([]string, len(fk.Columns))
	for i, rc := range fk.RefColumns {
		want[i] = n.JoinColumnName(prop, rc)
	}
	if !slices.Equal(want, fk.Columns) {
		f.tags = append(f.tags, "joinColumn="+strings.Join(fk.Columns, "|"))
	}
	if c := e.table.Column(fk.Columns[0]); c != nil && c.Nullable {
		f.tags = append(f.tags, "nullable")
	}
	for _, t := range ixTags {
		if kind == "1:1" && t == "unique" {
			continue // implied by 1:1
		}
		f.tags = append(f.tags, t)
	}
	if w := actionWords[fk.OnDelete]; w != "" {
		f.tags = append(f.tags, "onDelete="+w)
	}
	if w := actionWords[fk.OnUpdate]; w != "" {
		f.tags = append(f.tags, "onUpdate="+w)
	}
	e.add(f)
}

// inverseSides adds, for each relation pointing at e, the inverse
// collection (or inverse 1:1) on e.
func (g *generator) inverseSides(e *entity) {
	for _, owner := range g.list {
		fks := g.relFK(owner.table)
		var toE []*schema.ForeignKey
		for _, fk := range fks {
			if fk.RefTable == e.table.Name {
				toE = append(toE, fk)
			}
		}
		for _, fk := range toE {
			ownerField := g.fieldFor(owner, fk)
			if ownerField == nil {
				continue
			}
			oneToOne := slices.Contains(ownerField.tags, "1:1")
			name := Plural(owner.name)
			if oneToOne {
				name = owner.name
			}
			if len(toE) > 1 || owner == e {
				name += "By" + ownerField.name
			}
			f := &field{name: e.free(name)}
			if oneToOne {
				f.typ = "*" + owner.name
				f.tags = []string{"1:1", "mappedBy=" + ownerField.name}
			} else {
				f.typ = "rel.Collection[*" + owner.name + "]"
				f.tags = []string{"1:m", "mappedBy=" + ownerField.name}
				g.imports["github.com/unitorm/unitorm/rel"] = true
			}
			e.add(f)
		}
	}
}

// fieldFor finds the relation field generated for fk in owner.
func (g *generator) fieldFor(owner *entity, fk *schema.ForeignKey) *field {
	target := g.byTable[fk.RefTable]
	for _, f := range owner.fields {
		if f.typ != "*"+target.name {
			continue
		}
		n := g.opts.Naming
		join := ""
		for _, t := range f.tags {
			if strings.HasPrefix(t, "joinColumn=") {
				join = strings.TrimPrefix(t, "joinColumn=")
			}
		}
		if join == "" {
			var cols []string
			for _, rc := range fk.RefColumns {
				cols = append(cols, n.JoinColumnName(n.PropertyName(f.name), rc))
			}
			join = strings.Join(cols, "|")
		}
		if join == strings.Join(fk.Columns, "|") {
			return f
		}
	}
	return nil
}

func (g *generator) manyToMany(p *schema.Table) {
	first, second := p.ForeignKeys[0], p.ForeignKeys[1]
	pos := func(fk *schema.ForeignKey) int {
		return slices.IndexFunc(p.Columns, func(c *schema.Column) bool { return c.Name == fk.Columns[0] })
	}
	if pos(second) < pos(first) {
		first, second = second, first
	}
	owner, target := g.byTable[first.RefTable], g.byTable[second.RefTable]
	if owner == nil || target == nil {
		return
	}
	n := g.opts.Naming
	name := Plural(target.name)
	if owner.used[name] {
		name += "By" + GoName(p.Name)
	}
	f := &field{name: owner.free(name), typ: "rel.Collection[*" + target.name + "]", tags: []string{"m:n"}}
	g.imports["github.com/unitorm/unitorm/rel"] = true
	prop := n.PropertyName(f.name)
	if n.PivotTableName(owner.name, prop) != p.Name {
		f.tags = append(f.tags, "pivot="+p.Name)
	}
	side1, side2 := 0, 0
	if owner == target {
		side1, side2 = 1, 2
	}
	pivotCols := func(fk *schema.ForeignKey, e *entity, side int) string {
		var want []string
		for _, rc := range fk.RefColumns {
			want = append(want, n.PivotJoinColumnName(e.name, rc, side))
		}
		if slices.Equal(want, fk.Columns) {
			return ""
		}
		return strings.Join(fk.Columns, "|")
	}
	if c := pivotCols(first, owner, side1); c != "" {
		f.tags = append(f.tags, "pivotJoinColumn="+c)
	}
	if c := pivotCols(second, target, side2); c != "" {
		f.tags = append(f.tags, "pivotInverseJoinColumn="+c)
	}
	owner.add(f)
	if owner != target {
		name := Plural(owner.name)
		if target.used[name] {
			name += "By" + f.name
		}
		target.add(&field{name: target.free(name), typ: "rel.Collection[*" + owner.name + "]", tags: []string{"m:n", "mappedBy=" + f.name}})
	}
}

func (g *generator) render() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by unitorm generate-entities. Edit as you like.\n\n")
	fmt.Fprintf(&b, "package %s\n\n", g.opts.Package)
	var imps []string
	for imp := range g.imports {
		imps = append(imps, imp)
	}
	sort.Slice(imps, func(i, j int) bool {
		si, sj := !strings.Contains(imps[i], "."), !strings.Contains(imps[j], ".")
		if si != sj {
			return si // standard library first
		}
		return imps[i] < imps[j]
	})
	if len(imps) > 0 {
		b.WriteString("import (\n")
		std := true
		for _, imp := range imps {
			if std && strings.Contains(imp, ".") {
				std = false
				if imp != imps[0] {
					b.WriteString("\n")
				}
			}
			fmt.Fprintf(&b, "\t%q\n", imp)
		}
		b.WriteString(")\n\n")
	}
	var skipped []string
	for _, t := range g.s.Tables {
		if g.byTable[t.Name] == nil && !slices.Contains(g.pivots, t) {
			skipped = append(skipped, t.Name)
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(&b, "// Tables without a primary key, not mapped: %s.\n\n", strings.Join(skipped, ", "))
	}
	b.WriteString("// Entities lists the entities of this file, for meta.Registry.Register.\nfunc Entities() []any {\n\treturn []any{")
	for i, e := range g.list {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.name + "{}")
	}
	b.WriteString("}\n}\n")
	for _, e := range g.list {
		fmt.Fprintf(&b, "\n// %s maps table %s.\ntype %s struct {\n", e.name, e.table.Name, e.name)
		for _, f := range e.fields {
			if f.note != "" {
				fmt.Fprintf(&b, "\t// %s\n", f.note)
			}
			fmt.Fprintf(&b, "\t%s %s %s\n", f.name, f.typ, structTag(f.tags))
		}
		b.WriteString("}\n")
		if g.opts.Naming.TableName(e.name) != e.table.Name {
			fmt.Fprintf(&b, "\n// TableName maps %s onto its table.\nfunc (%s) TableName() string { return %q }\n", e.name, e.name, e.table.Name)
		}
	}
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("gen: format: %w\n%s", err, b.Bytes())
	}
	return out, nil
}

// structTag renders `orm:"a,b"`, as a raw string unless it holds a backquote.
func structTag(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	whole := "orm:" + strconv.Quote(strings.Join(tags, ","))
	if strings.Contains(whole, "`") {
		return strconv.Quote(whole)
	}
	return "`" + whole + "`"
}
