// Package emtest runs the EntityManager suite (internal/emsuite) on every SQL
// backend the harness serves: SQLite, PostgreSQL, MySQL and MariaDB. The root
// module runs the same suite on SQLite alone.
package emtest
