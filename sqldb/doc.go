// Package sqldb is unitorm's SQL core, shared by the SQL driver packages
// (driver/postgres, driver/mysql, driver/sqlite), which open a *DB: it
// pairs a pool with its dialect, runs statements and flush plans, and scans
// rows straight into entity fields. It links no database library itself.
//
// There is one executor per database family behind one small internal
// interface (internal/sqlconn): pgx end to end on PostgreSQL — pgxpool, a
// connection acquired for each transaction and released when it ends,
// pgx's statement cache — and database/sql (with sqlx's struct scanning)
// on MySQL, MariaDB and SQLite. Every statement, from the ORM, qb, raw SQL
// through DB.QueryContext/ExecContext/QueryRowContext, schema code or a
// migration, goes through Executor.query or Executor.exec, which log it,
// count it and call OnQuery — also on a Session, one connection held for
// statements whose session settings must hold for the next ones (schema
// changes with foreign-key checks off), and in a transaction begun on it.
//
// A pooled connection that died while idle (a server restart, a failover,
// pg_terminate_backend, KILL) fails no work: a statement outside a
// transaction, and the BEGIN of a transaction, are retried on a fresh
// connection when nothing had reached the server, or (PostgreSQL) the
// server had ended the session before the statement produced any result.
// Inside a transaction the error wraps uow.ErrTransactionLost: the whole
// unit of work can be retried.
//
// Read replicas (replicas.go): DB.SetReplicas gives a primary its
// replicas, and DB.Reads a Router that sends reads to them in turn, skips
// one that is down or lags past a bound (probed at most once per check
// interval, through the same logged path, QueryEvent.Probe set), and
// writes on the primary. Query events name the node (QueryEvent.Node).
//
// Errors come back classified by the driver package (constraint violations
// as *uow.ConstraintError) and, when the context ended, wrapping its error.
package sqldb
