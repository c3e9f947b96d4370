// Package migrate runs and writes schema migrations.
//
// A migration is a version (a UTC timestamp, 20240506070809), a name, and
// up and down steps: SQL files in a folder,
//
//	migrations/20240506070809_add_notes.up.sql
//	migrations/20240506070809_add_notes.down.sql
//
// or Go functions registered in code:
//
//	func init() {
//		migrate.Register("20240506070809", "backfill_slugs", up, down)
//	}
//
// A [Migrator] applies pending migrations in version order, each in its own
// transaction where the database has transactional DDL (PostgreSQL,
// SQLite), and records each in a table (unitorm_migrations by default) in
// that same transaction, so that a failing migration leaves the table
// exact: it lists the migrations that ran to the end, and no other. On MySQL
// and MariaDB, whose DDL commits by itself, a migration that fails half-way
// leaves its first statements applied (and is not recorded).
//
// [Migrator.Create] writes a migration from the difference between the
// live schema and the entities (package schema's Compare), with the down
// step computed as the difference the other way; --blank and --initial
// (in the CLI) write an empty migration and one creating the whole schema.
//
// SQL files may hold several statements; they are split at semicolons
// outside strings, quoted identifiers, comments and PostgreSQL dollar
// quotes (see [SplitStatements]).
package migrate
