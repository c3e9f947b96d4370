// Package qbtest runs the statements built by package qb on every SQL
// backend (SQLite, PostgreSQL, MySQL, MariaDB) and checks the rows that come
// back. It holds tests only; see the harness package for where the
// databases come from.
package qbtest
