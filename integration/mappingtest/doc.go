// Package mappingtest checks the mapping features of issue 15 — filters,
// soft delete, validation before flush — on every backend (SQLite,
// PostgreSQL, MySQL, MariaDB, MongoDB): each write is read back with plain
// SQL or the raw Mongo driver, reloaded through the ORM, and changed again
// with the UPDATE checked to touch only the changed column.
package mappingtest
