package schema

import (
	"strings"

	"github.com/unitorm/unitorm/dialect"
)

// style is how one dialect writes DDL. Most of it comes from the dialect's
// capability flags. A few differences have no flag in package dialect yet;
// they are derived here, and only here, from capabilities that only the
// databases concerned have:
//
//   - MySQL and MariaDB (the dialects with INSERT ... ON DUPLICATE KEY UPDATE):
//     index names are scoped to their table (DROP INDEX name ON table), a
//     column is changed with ALTER TABLE ... MODIFY and its whole definition,
//     indexes are declared inside CREATE TABLE (MySQL has no CREATE INDEX IF
//     NOT EXISTS), tables take ENGINE/CHARSET/COLLATE options, and foreign-key
//     checks are switched off with SET FOREIGN_KEY_CHECKS;
//   - SQLite (the dialect that cannot add a foreign key with ALTER TABLE):
//     foreign keys are declared inside CREATE TABLE, other changes than adding
//     a column or an index rebuild the table, and foreign-key checks are
//     switched off with PRAGMA foreign_keys.
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
		d:             d,
		alterFK:       d.Has(dialect.AlterFK),
		dropCascade:   d.Has(dialect.DropCascade),
		transactional: d.Has(dialect.TransactionalDDL),
	}
	if d.Has(dialect.UpsertOnDuplicateKey) {
		s.inlineIndexes, s.tableIndexNames, s.modifyColumn = true, true, true
		s.tableOptions = " ENGINE=InnoDB"
		if coll := d.CaseInsensitiveCollation(); coll != "" {
			charset, _, _ := strings.Cut(coll, "_")
			s.tableOptions += " DEFAULT CHARSET=" + charset + " COLLATE=" + coll
		}
		s.fkChecksOff, s.fkChecksOn = "SET FOREIGN_KEY_CHECKS = 0", "SET FOREIGN_KEY_CHECKS = 1"
	}
	if !s.alterFK {
		s.rebuildTables = true
		s.fkChecksOff, s.fkChecksOn = "PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys = ON"
	}
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
