package schema

import (
	"github.com/unitorm/unitorm/dialect"
)

// style is how one dialect writes DDL, read from its capability flags.
type style struct {
	d             dialect.Dialect
	alterFK       bool // ALTER TABLE ADD/DROP CONSTRAINT ... FOREIGN KEY
	dropCascade   bool // DROP TABLE ... CASCADE
	transactional bool // DDL inside transactions

	inlineIndexes   bool   // KEY / UNIQUE KEY clauses inside CREATE TABLE
	tableIndexNames bool   // DROP INDEX name ON table
	modifyColumn    bool   // ALTER TABLE t MODIFY c <definition>
	rebuildTables   bool   // no ALTER COLUMN: rebuild the table
	tableOptions    string // appended to CREATE TABLE
	fkChecksOff     string // statement switching foreign-key checks off ("" none)
	fkChecksOn      string
}

func styleOf(d dialect.Dialect) style {
	s := style{
		d:               d,
		alterFK:         d.Has(dialect.AlterFK),
		dropCascade:     d.Has(dialect.DropCascade),
		transactional:   d.Has(dialect.TransactionalDDL),
		inlineIndexes:   d.Has(dialect.InlineIndexes),
		tableIndexNames: d.Has(dialect.TableScopedIndexNames),
		modifyColumn:    d.Has(dialect.ModifyColumn),
		rebuildTables:   d.Has(dialect.RebuildTables),
		tableOptions:    d.TableOptions(),
	}
	s.fkChecksOff, s.fkChecksOn = d.ForeignKeyChecks()
	return s
}

func (s style) q(name string) string { return s.d.QuoteIdent(name) }

func (s style) qlist(names []string) string {
	var b []byte
	for i, n := range names {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = s.d.AppendIdent(b, n)
	}
	return string(b)
}
