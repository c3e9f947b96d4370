// Package sqldb is unitorm's SQL driver: it opens connections to PostgreSQL
// (pgx), MySQL and MariaDB (go-sql-driver/mysql) and SQLite
// (modernc.org/sqlite, pure Go), pairs each with its dialect, runs
// statements and flush plans, and scans rows straight into entity fields.
//
// There is one executor per database family behind one small internal
// interface (conn.go): pgx end to end on PostgreSQL — pgxpool, a connection
// acquired for each transaction and released when it ends, pgx's statement
// cache — and database/sql (with sqlx's struct scanning) on MySQL, MariaDB
// and SQLite. Every statement, from the ORM, qb, schema code or a
// migration, goes through Executor.query or Executor.exec, which log it,
// count it and call OnQuery.
//
// A pooled connection that died while idle (a server restart, a failover,
// pg_terminate_backend, KILL) fails no work: a statement outside a
// transaction, and the BEGIN of a transaction, are retried on a fresh
// connection when nothing had reached the server, or (PostgreSQL) the
// server had ended the session before the statement produced any result.
// Inside a transaction the error wraps uow.ErrTransactionLost: the whole
// unit of work can be retried.
//
// Connections are set up the same strict way everywhere: UTF-8 and UTC
// sessions, and on SQLite no double-quoted string literals, so that a
// quoted name that is no column is an error on every database.
//
// Opening SQLite through this package also registers two SQL functions the
// query builder relies on: unitorm_fold(text), a Unicode-aware case fold
// (SQLite's lower() folds only ASCII), and regexp(pattern, text), which
// backs SQLite's REGEXP operator with Go's regexp package.
package sqldb
