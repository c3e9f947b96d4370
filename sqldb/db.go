package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

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
	// volatileStep: the step changes while the server runs (Galera sets
	// it to the cluster's size), so it is read at each multi-row insert.
	volatileStep bool
	exec         *Executor
	pool         sqlconn.Pool
	handle       *sql.DB
	// lag reports a replica's replication lag (nil: the family has none).
	lag func(ctx context.Context, query func(ctx context.Context, sql string) (qb.Rows, error)) (time.Duration, error)
	// Read replicas: router is the primary's router of reads; a replica
	// has its node name and its parent, whose Observe and counter it uses.
	router *Router
	node   string
	parent *DB
}

var _ qb.Runner = (*DB)(nil)

// New pairs a driver's pool with its dialect. Driver packages call it.
func New(f sqlconn.Family) *DB {
	db := &DB{dialect: f.Dialect, driver: f.Name, classify: f.Classify, native: f.NativeKeys, pool: f.Pool, handle: f.Handle, lag: f.Lag, volatileStep: f.VolatileAutoIncrement}
	if db.classify == nil {
		db.classify = func(err error) error { return err }
	}
	if f.AutoIncrementStep > 0 {
		db.autoIncStep.Store(f.AutoIncrementStep)
	}
	db.exec = &Executor{db: db, c: f.Pool}
	return db
}

// Close closes the pool (a pool the driver package was given is left open)
// and its replicas'.
func (db *DB) Close() error {
	var errs []error
	if db.router != nil {
		for _, r := range db.router.replicas {
			errs = append(errs, r.db.Close())
		}
	}
	errs = append(errs, db.pool.Close())
	return errors.Join(errs...)
}

// QueryContext runs a query through the executor (logged and counted);
// the caller closes the rows.
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (qb.Rows, error) {
	return db.exec.QueryContext(ctx, query, args...)
}

// ExecContext runs a statement through the executor (logged and counted).
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.exec.ExecContext(ctx, query, args...)
}

// Session takes one connection out of the pool until Close: for
// statements whose session settings must hold for the next ones (schema
// changes with foreign-key checks off, imports). Its statements go through
// the same logged path.
func (db *DB) Session(ctx context.Context) (*Session, error) {
	s, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqldb: acquire a connection: %w", db.classifyCtx(ctx, err))
	}
	return &Session{Executor: Executor{db: db, c: s}, s: s}, nil
}

// Session is one connection of the pool: a qb.Runner whose statements all
// run on it, and Begin for a transaction on it.
type Session struct {
	Executor
	s sqlconn.Session
}

// Begin starts a transaction on the session's connection; when it ends,
// the connection stays with the session.
func (s *Session) Begin(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	start := time.Now()
	t, err := s.s.Begin(ctx, opts)
	s.db.report(ctx, "BEGIN", nil, start, -1, err, true)
	if err != nil {
		return nil, fmt.Errorf("sqldb: begin: %w", s.db.classifyCtx(ctx, err))
	}
	return &Tx{Executor: Executor{db: s.db, c: t, inTx: true}, t: t}, nil
}

// Close puts the connection back in the pool.
func (s *Session) Close() error { return s.s.Close() }

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
