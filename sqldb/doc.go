// Package sqldb is unitorm's SQL driver: it opens connections to PostgreSQL
// (pgx), MySQL and MariaDB (go-sql-driver/mysql) and SQLite
// (modernc.org/sqlite, pure Go), pairs each with its dialect, and runs
// statements. The database/sql path goes through sqlx.
//
// Opening SQLite through this package also registers two SQL functions the
// query builder relies on: unitorm_fold(text), a Unicode-aware case fold
// (SQLite's lower() folds only ASCII), and regexp(pattern, text), which
// backs SQLite's REGEXP operator with Go's regexp package.
package sqldb
