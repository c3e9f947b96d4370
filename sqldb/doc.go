// Package sqldb is unitorm's SQL driver: it opens connections to PostgreSQL
// (pgx), MySQL and MariaDB (go-sql-driver/mysql) and SQLite
// (modernc.org/sqlite, pure Go), pairs each with its dialect, runs
// statements and flush plans, and scans rows straight into entity fields.
// The database/sql path goes through sqlx.
//
// On PostgreSQL a DB keeps pgx's native pool under its database/sql view
// (one set of connections): reads and single statements outside
// transactions, and every statement inside a transaction (on the
// transaction's own connection), run on pgx directly; sqlx and database/sql
// serve the qb.Runner methods and transaction control.
//
// Opening SQLite through this package also registers two SQL functions the
// query builder relies on: unitorm_fold(text), a Unicode-aware case fold
// (SQLite's lower() folds only ASCII), and regexp(pattern, text), which
// backs SQLite's REGEXP operator with Go's regexp package.
package sqldb
