package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/unitorm/unitorm/dialect"
)

// Safe keeps tables and columns that the target schema does not have:
// Compare and Update never drop them. Indexes and foreign keys are still
// brought in line.
func Safe() Option { return func(o *options) { o.safe = true } }

// IgnoreTables leaves the named tables out of Compare and Update (on both
// sides), such as the table of applied migrations.
func IgnoreTables(names ...string) Option {
	return func(o *options) { o.ignore = append(o.ignore, names...) }
}

// ChangeKind says what a Change does.
type ChangeKind int

// The kinds of change, in the order their statements run.
const (
	DropForeignKey ChangeKind = iota + 1
	DropIndex
	DropCheck
	CreateTable
	RebuildTable
	AddColumn
	AlterColumn
	AlterPrimaryKey
	DropColumn
	AddIndex
	AddForeignKey
	AddCheck
	DropTable
)

var changeNames = [...]string{"", "drop foreign key", "drop index", "drop check", "create table", "rebuild table",
	"add column", "alter column", "alter primary key", "drop column", "add index", "add foreign key", "add check", "drop table"}

func (k ChangeKind) String() string {
	if k > 0 && int(k) < len(changeNames) {
		return changeNames[k]
	}
	return fmt.Sprintf("ChangeKind(%d)", int(k))
}

// Change is one difference between two schemas and the statements that
// remove it.
type Change struct {
	Kind  ChangeKind
	Table string
	// Name is the column, index or foreign key concerned ("" for a table).
	Name string
	// Detail says what differs, for people ("type varchar(100) → varchar(200)").
	Detail string
	SQL    []string
}

func (c Change) String() string {
	s := c.Kind.String() + " " + c.Table
	if c.Name != "" {
		s += "." + c.Name
	}
	if c.Detail != "" {
		s += " (" + c.Detail + ")"
	}
	return s
}

// Diff is what it takes to turn one schema into another.
type Diff struct {
	Changes []Change
	// fkChecks: the statements must run with foreign-key checks off.
	fkChecksOff, fkChecksOn string
}

// Empty reports whether the schemas are the same.
func (d *Diff) Empty() bool { return len(d.Changes) == 0 }

// SQL returns the statements in a safe order: foreign keys and indexes
// dropped first, then tables created, columns added and altered, columns
// dropped, indexes and foreign keys added, and tables dropped last; wrapped
// in statements switching foreign-key checks off and on where tables are
// rebuilt (SQLite) or dropped without CASCADE. Run them with Exec.
func (d *Diff) SQL() []string {
	var out []string
	for k := DropForeignKey; k <= DropTable; k++ {
		for _, c := range d.Changes {
			if c.Kind == k {
				out = append(out, c.SQL...)
			}
		}
	}
	if len(out) > 0 && d.fkChecksOff != "" {
		out = append(append([]string{d.fkChecksOff}, out...), d.fkChecksOn)
	}
	return out
}

// Compare returns the changes that turn the current schema into the target
// one on dialect d. Tables, columns, indexes and foreign keys are matched by
// name, except foreign keys, which are matched by their columns and
// referenced table and columns (SQLite keeps no names for them); types and
// defaults are compared in a normalized form, so that a schema created from
// the target compares equal to it.
func Compare(current, target *Schema, d dialect.Dialect, opts ...Option) *Diff {
	st, o := styleOf(d), newOptions(opts)
	ignored := map[string]bool{}
	for _, n := range o.ignore {
		ignored[n] = true
	}
	diff := &Diff{}
	add := func(c Change) { diff.Changes = append(diff.Changes, c) }
	cur := map[string]*Table{}
	for _, t := range current.Tables {
		if !ignored[t.Name] {
			cur[t.Name] = t
		}
	}
	var created []*Table
	needChecksOff := false
	for _, t := range target.Tables {
		if ignored[t.Name] {
			continue
		}
		c, ok := cur[t.Name]
		if !ok {
			created = append(created, t)
			continue
		}
		if st.compareTable(diff, c, t, o) {
			needChecksOff = true
		}
	}
	if len(created) > 0 {
		sub := &Schema{Tables: created}
		stmts := sub.CreateSQL(d)
		add(Change{Kind: CreateTable, Table: strings.Join(sub.TableNames(), ", "), SQL: stmts})
	}
	if !o.safe {
		var dropped []*Table
		for _, t := range current.Tables {
			if !ignored[t.Name] && target.Table(t.Name) == nil {
				dropped = append(dropped, t)
			}
		}
		p := createPlan(dropped)
		for i := len(p.tables) - 1; i >= 0; i-- {
			t := p.tables[i]
			add(Change{Kind: DropTable, Table: t.Name, SQL: []string{st.dropTable(t.Name, false)}})
		}
		if len(dropped) > 0 && !st.dropCascade {
			needChecksOff = true
		}
	}
	if needChecksOff && st.fkChecksOff != "" && !diff.Empty() {
		diff.fkChecksOff, diff.fkChecksOn = st.fkChecksOff, st.fkChecksOn
	}
	return diff
}

// columnDiff says how two columns differ ("" when they do not).
func (s style) columnDiff(c, t *Column) string {
	var parts []string
	if s.typeKey(c.Type) != s.typeKey(t.Type) {
		parts = append(parts, "type "+c.Type+" → "+t.Type)
	}
	if c.Nullable != t.Nullable {
		parts = append(parts, fmt.Sprintf("nullable %v → %v", c.Nullable, t.Nullable))
	}
	if c.AutoIncrement != t.AutoIncrement {
		parts = append(parts, fmt.Sprintf("auto-increment %v → %v", c.AutoIncrement, t.AutoIncrement))
	}
	if !t.AutoIncrement && defaultKey(c) != defaultKey(t) {
		parts = append(parts, "default "+orNone(c)+" → "+orNone(t))
	}
	return strings.Join(parts, ", ")
}

func orNone(c *Column) string {
	if !c.HasDefault {
		return "none"
	}
	return c.Default
}

func sameFK(a, b *ForeignKey) bool {
	return a.RefTable == b.RefTable && slices.Equal(a.Columns, b.Columns) && slices.Equal(a.RefColumns, b.RefColumns)
}

func sameIndex(a, b *Index) bool {
	return a.Unique == b.Unique && slices.Equal(a.Columns, b.Columns)
}

// compareTable adds the changes turning table c into t. It reports whether
// they need foreign-key checks off (a table rebuild).
func (s style) compareTable(diff *Diff, c, t *Table, o options) bool {
	// The table as it will be: the target, plus in safe mode the current
	// columns the target lacks.
	merged := t.Clone()
	if o.safe {
		for _, cc := range c.Columns {
			if t.Column(cc.Name) == nil {
				kept := *cc
				merged.Columns = append(merged.Columns, &kept)
			}
		}
	}
	var changes []Change
	rebuild := false
	for _, tc := range merged.Columns {
		cc := c.Column(tc.Name)
		switch {
		case cc == nil:
			if s.rebuildTables && (!tc.Nullable && !tc.HasDefault || tc.AutoIncrement || t.IsPK(tc.Name)) {
				rebuild = true
			}
			changes = append(changes, Change{Kind: AddColumn, Table: t.Name, Name: tc.Name,
				SQL: []string{"ALTER TABLE " + s.q(t.Name) + " ADD COLUMN " + s.q(tc.Name) + " " + s.columnDef(merged, tc)}})
		default:
			if d := s.columnDiff(cc, tc); d != "" {
				rebuild = rebuild || s.rebuildTables
				changes = append(changes, Change{Kind: AlterColumn, Table: t.Name, Name: tc.Name, Detail: d,
					SQL: s.alterColumn(merged, cc, tc)})
			}
		}
	}
	for _, cc := range c.Columns {
		if merged.Column(cc.Name) == nil {
			// SQLite drops a column in place unless a key or index uses it.
			rebuild = rebuild || s.rebuildTables && usesColumn(c, cc.Name)
			changes = append(changes, Change{Kind: DropColumn, Table: t.Name, Name: cc.Name,
				SQL: []string{"ALTER TABLE " + s.q(t.Name) + " DROP COLUMN " + s.q(cc.Name)}})
		}
	}
	if !slices.Equal(c.PrimaryKey, t.PrimaryKey) {
		rebuild = rebuild || s.rebuildTables
		changes = append(changes, Change{Kind: AlterPrimaryKey, Table: t.Name,
			Detail: "(" + strings.Join(c.PrimaryKey, ", ") + ") → (" + strings.Join(t.PrimaryKey, ", ") + ")",
			SQL:    s.alterPrimaryKey(c, t)})
	}
	// Foreign keys, matched by what they refer to.
	usedFK := map[*ForeignKey]bool{}
	for _, tfk := range t.ForeignKeys {
		var match *ForeignKey
		for _, cfk := range c.ForeignKeys {
			if !usedFK[cfk] && sameFK(cfk, tfk) {
				match = cfk
				break
			}
		}
		if match != nil {
			usedFK[match] = true
			if s.actionKey(match.OnDelete) == s.actionKey(tfk.OnDelete) && s.actionKey(match.OnUpdate) == s.actionKey(tfk.OnUpdate) {
				continue
			}
			rebuild = rebuild || s.rebuildTables
			changes = append(changes, Change{Kind: DropForeignKey, Table: t.Name, Name: match.Name, Detail: "actions changed",
				SQL: []string{s.dropForeignKey(t.Name, match)}})
		} else {
			rebuild = rebuild || s.rebuildTables
		}
		changes = append(changes, Change{Kind: AddForeignKey, Table: t.Name, Name: tfk.Name,
			SQL: []string{s.addForeignKey(t.Name, tfk)}})
	}
	for _, cfk := range c.ForeignKeys {
		if !usedFK[cfk] {
			rebuild = rebuild || s.rebuildTables
			changes = append(changes, Change{Kind: DropForeignKey, Table: t.Name, Name: cfk.Name,
				SQL: []string{s.dropForeignKey(t.Name, cfk)}})
		}
	}
	// Indexes, matched by name, then by definition.
	usedIx := map[*Index]bool{}
	var unmatched []*Index
	for _, tix := range merged.Indexes {
		cix := c.Index(tix.Name)
		if cix != nil && sameIndex(cix, tix) {
			usedIx[cix] = true
			continue
		}
		unmatched = append(unmatched, tix)
	}
	for _, tix := range unmatched {
		var match *Index
		for _, cix := range c.Indexes {
			if !usedIx[cix] && cix.Name != tix.Name && sameIndex(cix, tix) {
				match = cix
				break
			}
		}
		if match != nil {
			usedIx[match] = true
			continue
		}
		changes = append(changes, Change{Kind: AddIndex, Table: t.Name, Name: tix.Name,
			SQL: []string{s.createIndex(t.Name, tix, false)}})
	}
	for _, cix := range c.Indexes {
		if usedIx[cix] {
			continue
		}
		if cix.Constraint && s.rebuildTables {
			rebuild = true
		}
		changes = append(changes, Change{Kind: DropIndex, Table: t.Name, Name: cix.Name,
			SQL: []string{s.dropIndexOf(t.Name, cix)}})
	}
	if s.compareChecks(&changes, c, merged) && s.rebuildTables {
		rebuild = true
	}
	if len(changes) == 0 {
		return false
	}
	if rebuild {
		var what []string
		for _, ch := range changes {
			w := ch.Kind.String()
			if ch.Name != "" {
				w += " " + ch.Name
			}
			what = append(what, w)
		}
		diff.Changes = append(diff.Changes, Change{Kind: RebuildTable, Table: t.Name,
			Detail: strings.Join(what, "; "), SQL: s.rebuild(c, merged)})
		return true
	}
	diff.Changes = append(diff.Changes, changes...)
	return false
}

// dropIndexOf drops an index, or the UNIQUE constraint behind it.
func (s style) dropIndexOf(table string, ix *Index) string {
	if ix.Constraint && !s.rebuildTables {
		return "ALTER TABLE " + s.q(table) + " DROP CONSTRAINT " + s.q(ix.Name)
	}
	return s.dropIndex(table, ix)
}

// alterColumn changes column c (as it is) into t (as it should be) in
// table merged.
func (s style) alterColumn(merged *Table, c, t *Column) []string {
	prefix := "ALTER TABLE " + s.q(merged.Name) + " "
	if s.modifyColumn {
		return []string{prefix + "MODIFY " + s.q(t.Name) + " " + s.columnDef(merged, t)}
	}
	col := "ALTER COLUMN " + s.q(t.Name) + " "
	var acts []string
	if s.typeKey(c.Type) != s.typeKey(t.Type) {
		acts = append(acts, col+"TYPE "+t.Type+" USING "+s.q(t.Name)+"::"+t.Type)
	}
	if c.AutoIncrement != t.AutoIncrement {
		if t.AutoIncrement {
			def, _ := s.autoIncDef(t)
			if i := strings.Index(strings.ToUpper(def), "GENERATED"); i >= 0 {
				gen := strings.TrimSuffix(def[i:], " NOT NULL")
				acts = append(acts, col+"DROP DEFAULT", col+"ADD "+gen)
			}
		} else {
			acts = append(acts, col+"DROP IDENTITY IF EXISTS")
		}
	}
	if c.Nullable != t.Nullable {
		if t.Nullable {
			acts = append(acts, col+"DROP NOT NULL")
		} else {
			acts = append(acts, col+"SET NOT NULL")
		}
	}
	if !t.AutoIncrement && defaultKey(c) != defaultKey(t) {
		if t.HasDefault {
			acts = append(acts, col+"SET DEFAULT "+t.Default)
		} else if c.HasDefault {
			acts = append(acts, col+"DROP DEFAULT")
		}
	}
	if len(acts) == 0 {
		return nil
	}
	return []string{prefix + strings.Join(acts, ", ")}
}

// alterPrimaryKey replaces c's primary key by t's.
func (s style) alterPrimaryKey(c, t *Table) []string {
	prefix := "ALTER TABLE " + s.q(t.Name) + " "
	var acts []string
	if len(c.PrimaryKey) > 0 {
		if s.modifyColumn {
			acts = append(acts, "DROP PRIMARY KEY")
		} else {
			name := c.PKName
			if name == "" {
				name = c.Name + "_pkey"
			}
			acts = append(acts, "DROP CONSTRAINT "+s.q(name))
		}
	}
	if len(t.PrimaryKey) > 0 {
		acts = append(acts, "ADD PRIMARY KEY ("+s.qlist(t.PrimaryKey)+")")
	}
	return []string{prefix + strings.Join(acts, ", ")}
}

// rebuild recreates table c as t (SQLite): a new table under a temporary
// name, the common columns copied, the old table dropped, the new one
// renamed, and its indexes created.
func (s style) rebuild(c, t *Table) []string {
	tmp := t.Clone()
	tmp.Name = shortName("_unitorm_new_" + t.Name)
	var cols []string
	for _, col := range t.Columns {
		if c.Column(col.Name) != nil {
			cols = append(cols, col.Name)
		}
	}
	out := []string{s.createTable(tmp, nil, false)}
	if len(cols) > 0 {
		out = append(out, "INSERT INTO "+s.q(tmp.Name)+" ("+s.qlist(cols)+") SELECT "+s.qlist(cols)+" FROM "+s.q(c.Name))
	}
	out = append(out, s.dropTable(c.Name, false), "ALTER TABLE "+s.q(tmp.Name)+" RENAME TO "+s.q(t.Name))
	for _, ix := range t.Indexes {
		out = append(out, s.createIndex(t.Name, ix, false))
	}
	return out
}

// usesColumn reports whether t's primary key, an index or a foreign key
// uses column.
func usesColumn(t *Table, column string) bool {
	if t.IsPK(column) {
		return true
	}
	for _, ix := range t.Indexes {
		if slices.Contains(ix.Columns, column) {
			return true
		}
	}
	for _, fk := range t.ForeignKeys {
		if slices.Contains(fk.Columns, column) {
			return true
		}
	}
	return false
}
