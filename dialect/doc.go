// Package dialect describes what differs between the SQL databases unitorm
// speaks: placeholders, identifier quoting, capabilities such as RETURNING or
// upsert syntax, the bound-parameter limit and column type mapping.
//
// A Dialect is a value: code asks it for a capability with Has, never for its
// name. The four built-in dialects are Postgres, MySQL, MariaDB and SQLite.
package dialect
