// Package schema creates, drops, inspects and updates database schemas from
// entity metadata.
//
// The centre of the package is a small dialect-specific model of a schema
// ([Schema], [Table], [Column], [ForeignKey], [Index]). It is built from
// metadata by [Build] and, for a live database, by [Inspect]; DDL is
// rendered from it for one dialect, so the same code writes CREATE TABLE for
// a fresh database, the statements of a migration and the statements that
// undo it.
//
// # Create and drop
//
//	stmts, err := schema.CreateSQL(reg.Entities(), dialect.Postgres)
//	err = schema.Create(ctx, db, reg.Entities())
//	err = schema.Drop(ctx, db, reg.Entities(), schema.IfExists())
//
// Tables are created parents first (by foreign-key dependency) and dropped
// children first. A cycle of foreign keys (Author.FavouriteBook ↔
// Book.Author) is broken by creating the tables first and adding the
// cycle's foreign keys with ALTER TABLE afterwards; where the database
// cannot add a foreign key to an existing table (SQLite), every foreign key
// is written inside CREATE TABLE, which SQLite allows to refer forward.
//
// What is generated, per table:
//
//   - one column per metadata column, typed by the dialect (or the verbatim
//     type= of the tag), NOT NULL unless nullable, DEFAULT from the tag, and
//     auto-increment primary keys in the dialect's form (SQLite: the inline
//     "integer PRIMARY KEY AUTOINCREMENT");
//   - the primary key (composite keys included);
//   - foreign keys named <table>_<columns>_foreign (as MikroORM names them)
//     with the relation's ON DELETE / ON UPDATE;
//   - unique and plain indexes under their metadata names, plus a plain index
//     <table>_<columns>_index on every foreign key that no other index or
//     the primary key already starts with;
//   - pivot tables of many-to-many relations: both foreign-key column sets
//     form the primary key, and both foreign keys cascade on delete.
//
// Names longer than 63 bytes (PostgreSQL's limit) are shortened to a
// prefix and a hash, so that a name read back from the database is the name
// that was generated.
//
// MySQL and MariaDB tables are created with DEFAULT CHARSET=utf8mb4 and the
// dialect's case-insensitive collation, so that the binary collation qb uses
// for case-sensitive LIKE applies.
//
// # Capabilities this package infers
//
// Package dialect has no flags yet for a few DDL differences; they are
// derived in one place (style.go) from capabilities only the same databases
// have, never from a dialect's name. See style.go for the list.
package schema
