package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"

	"github.com/jmoiron/sqlx"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/sqlconn"
	"github.com/unitorm/unitorm/qb"
)

// DB is a connection pool paired with its dialect, opened by a driver
// package (driver/postgres, driver/mysql, driver/sqlite). It is safe for
// concurrent use. QueryContext and ExecContext (qb.Runner) run through the
// executor, logged and counted.
type DB struct {
	dialect  dialect.Dialect
	driver   string
	observe  Observe
	queries  counter
	classify func(error) error
	native   bool // generated keys come in the driver's own types
	// autoIncStep is MySQL's auto_increment_increment, read on first need.
	autoIncStep atomic.Int64
	exec        *Executor
	pool        sqlconn.Pool
	std         *sqlx.DB
	handle      *sql.DB
}

var _ qb.Runner = (*DB)(nil)

// New pairs a driver's pool with its dialect. Driver packages call it.
func New(f sqlconn.Family) *DB {
	db := &DB{dialect: f.Dialect, driver: f.Name, classify: f.Classify, native: f.NativeKeys, pool: f.Pool, std: f.SQL, handle: f.Handle}
	if db.classify == nil {
		db.classify = func(err error) error { return err }
	}
	if f.AutoIncrementStep > 0 {
		db.autoIncStep.Store(f.AutoIncrementStep)
	}
	db.exec = &Executor{db: db, c: f.Pool}
	return db
}

// Close closes the pool (a pool the driver package was given is left open).
func (db *DB) Close() error { return db.pool.Close() }

// QueryContext runs a query through the executor (logged and counted);
// the caller closes the rows.
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (qb.Rows, error) {
	return db.exec.QueryContext(ctx, query, args...)
}

// ExecContext runs a statement through the executor (logged and counted).
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.exec.ExecContext(ctx, query, args...)
}

// BeginTx begins a database/sql transaction on the same pool, for schema
// changes that must run in one transaction (schema.Exec). Its statements
// are not logged; the ORM and qb use Begin.
func (db *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	if db.std == nil {
		return nil, fmt.Errorf("sqldb: %s has no database/sql view", db.driver)
	}
	return db.std.BeginTx(ctx, opts)
}

// Conn returns one database/sql connection of the pool, for schema changes
// whose session settings must hold for several statements (schema.Exec).
func (db *DB) Conn(ctx context.Context) (*sql.Conn, error) {
	if db.std == nil {
		return nil, fmt.Errorf("sqldb: %s has no database/sql view", db.driver)
	}
	return db.std.Conn(ctx)
}

// SQLDB returns database/sql's pool on MySQL, MariaDB and SQLite, for its
// settings (SetMaxOpenConns, ...); nil on PostgreSQL, whose pgx pool is
// sized by the DSN (pool_max_conns) or given ready (postgres.FromPool).
// Statements run on it directly are not logged.
func (db *DB) SQLDB() *sql.DB { return db.handle }

// Dialect returns the dialect of the database.
func (db *DB) Dialect() dialect.Dialect { return db.dialect }

// DriverName returns the driver's name ("postgres", "mysql", "mariadb",
// "sqlite").
func (db *DB) DriverName() string { return db.driver }
