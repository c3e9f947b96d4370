package schema

import (
	"strings"

	"github.com/unitorm/unitorm/dialect"
)

// intLogical maps an integer SQL type to its logical type, for rendering an
// auto-increment column whose logical type is not known (read from a
// database); anything else is taken as a 64-bit integer.
func intLogical(sqlType string) dialect.Type {
	switch strings.ToLower(strings.TrimSpace(sqlType)) {
	case "smallint", "int2", "tinyint":
		return dialect.TypeInt16
	case "int", "integer", "int4", "mediumint":
		return dialect.TypeInt32
	}
	return dialect.TypeInt64
}

// autoIncDef returns the definition of an auto-increment column and whether
// it carries the PRIMARY KEY clause itself.
func (s style) autoIncDef(c *Column) (string, bool) {
	lt := c.Logical
	switch lt {
	case dialect.TypeInt16, dialect.TypeInt32, dialect.TypeInt64:
	default:
		lt = intLogical(c.Type)
	}
	def, inline := s.d.AutoIncrement(lt)
	if !inline && !strings.Contains(strings.ToUpper(def), "NOT NULL") {
		def += " NOT NULL"
	}
	return def, inline
}

// inlinePK reports whether t's primary key is declared by its single
// auto-increment column (SQLite's integer PRIMARY KEY AUTOINCREMENT).
func (s style) inlinePK(t *Table) bool {
	if len(t.PrimaryKey) != 1 {
		return false
	}
	c := t.Column(t.PrimaryKey[0])
	if c == nil || !c.AutoIncrement {
		return false
	}
	_, inline := s.autoIncDef(c)
	return inline
}

// columnDef is a column's definition after its name.
func (s style) columnDef(t *Table, c *Column) string {
	if c.AutoIncrement && len(t.PrimaryKey) == 1 && t.PrimaryKey[0] == c.Name {
		def, _ := s.autoIncDef(c)
		return def
	}
	var b strings.Builder
	b.WriteString(c.Type)
	if !c.Nullable {
		b.WriteString(" NOT NULL")
	}
	if c.HasDefault {
		b.WriteString(" DEFAULT ")
		b.WriteString(c.Default)
	}
	return b.String()
}

func (s style) fkClause(fk *ForeignKey) string {
	var b strings.Builder
	b.WriteString("CONSTRAINT ")
	b.WriteString(s.q(fk.Name))
	b.WriteString(" FOREIGN KEY (")
	b.WriteString(s.qlist(fk.Columns))
	b.WriteString(") REFERENCES ")
	b.WriteString(s.q(fk.RefTable))
	b.WriteString(" (")
	b.WriteString(s.qlist(fk.RefColumns))
	b.WriteByte(')')
	if fk.OnDelete != "" {
		b.WriteString(" ON DELETE ")
		b.WriteString(fk.OnDelete)
	}
	if fk.OnUpdate != "" {
		b.WriteString(" ON UPDATE ")
		b.WriteString(fk.OnUpdate)
	}
	return b.String()
}

func (s style) indexClause(ix *Index) string {
	kw := "KEY "
	if ix.Unique {
		kw = "UNIQUE KEY "
	}
	return kw + s.q(ix.Name) + " (" + s.qlist(ix.Columns) + ")"
}

// createTable renders CREATE TABLE for t. Foreign keys for which skipFK
// reports true are left out (they are added later); on a database that
// cannot add them later they are always written inline.
func (s style) createTable(t *Table, skipFK func(*ForeignKey) bool, ifNotExists bool) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE ")
	if ifNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	b.WriteString(s.q(t.Name))
	b.WriteString(" (")
	var parts []string
	for _, c := range t.Columns {
		parts = append(parts, s.q(c.Name)+" "+s.columnDef(t, c))
	}
	if len(t.PrimaryKey) > 0 && !s.inlinePK(t) {
		parts = append(parts, "PRIMARY KEY ("+s.qlist(t.PrimaryKey)+")")
	}
	if s.inlineIndexes {
		for _, ix := range t.Indexes {
			parts = append(parts, s.indexClause(ix))
		}
	}
	for _, fk := range t.ForeignKeys {
		if s.alterFK && skipFK != nil && skipFK(fk) {
			continue
		}
		parts = append(parts, s.fkClause(fk))
	}
	for _, c := range t.Checks {
		parts = append(parts, s.checkClause(c))
	}
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n  ")
		b.WriteString(p)
	}
	b.WriteString("\n)")
	b.WriteString(s.tableOptions)
	return b.String()
}

// createIndex renders CREATE [UNIQUE] INDEX.
func (s style) createIndex(table string, ix *Index, ifNotExists bool) string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if ix.Unique {
		b.WriteString("UNIQUE ")
	}
	b.WriteString("INDEX ")
	if ifNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	b.WriteString(s.q(ix.Name))
	b.WriteString(" ON ")
	b.WriteString(s.q(table))
	b.WriteString(" (")
	b.WriteString(s.qlist(ix.Columns))
	b.WriteByte(')')
	return b.String()
}

// dropIndex renders DROP INDEX.
func (s style) dropIndex(table string, ix *Index) string {
	if s.tableIndexNames {
		return "DROP INDEX " + s.q(ix.Name) + " ON " + s.q(table)
	}
	return "DROP INDEX " + s.q(ix.Name)
}

// addForeignKey renders ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY.
func (s style) addForeignKey(table string, fk *ForeignKey) string {
	return "ALTER TABLE " + s.q(table) + " ADD " + s.fkClause(fk)
}

// dropForeignKey renders ALTER TABLE ... DROP CONSTRAINT (MySQL 8.0.19+,
// MariaDB and PostgreSQL all accept it for foreign keys).
func (s style) dropForeignKey(table string, fk *ForeignKey) string {
	if s.tableIndexNames {
		return "ALTER TABLE " + s.q(table) + " DROP FOREIGN KEY " + s.q(fk.Name)
	}
	return "ALTER TABLE " + s.q(table) + " DROP CONSTRAINT " + s.q(fk.Name)
}

// dropTable renders DROP TABLE.
func (s style) dropTable(table string, ifExists bool) string {
	var b strings.Builder
	b.WriteString("DROP TABLE ")
	if ifExists {
		b.WriteString("IF EXISTS ")
	}
	b.WriteString(s.q(table))
	if s.dropCascade {
		b.WriteString(" CASCADE")
	}
	return b.String()
}
