package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

// DB is a connection pool paired with its dialect. It is safe for concurrent
// use. Its QueryContext and ExecContext (qb.Runner) run through the
// executor, logged and counted; the embedded *sqlx.DB gives database/sql's
// other methods on the same pool (on PostgreSQL a database/sql view of
// pgx's pool).
type DB struct {
	*sqlx.DB
	dialect dialect.Dialect
	driver  string
	observe Observe
	queries counter
	// autoIncStep is MySQL's auto_increment_increment, read on first need.
	autoIncStep atomic.Int64
	exec        *Executor
	pool        pool          // the family's pool: statements and transactions
	pgPool      *pgxpool.Pool // PostgreSQL: pgx's pool
	ownsPool    bool
}

var _ qb.Runner = (*DB)(nil)

// WrapPool uses an existing pgx pool (PostgreSQL). Close does not close the
// pool. The pool's sessions are used as they are configured.
func WrapPool(p *pgxpool.Pool) *DB {
	return newPgDB(p, "postgres", false)
}

func newPgDB(p *pgxpool.Pool, driver string, owns bool) *DB {
	db := newDB(sqlx.NewDb(stdlib.OpenDBFromPool(p), "pgx"), dialect.Postgres, driver, pgxPool{p})
	db.pgPool, db.ownsPool = p, owns
	return db
}

// Close closes the pool (and pgx's pool when Open made it).
func (db *DB) Close() error {
	err := db.DB.Close()
	if db.pgPool != nil && db.ownsPool {
		db.pool.close()
	}
	return err
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

// Pool returns pgx's pool on PostgreSQL, nil elsewhere.
func (db *DB) Pool() *pgxpool.Pool { return db.pgPool }

// ErrUnknownDriver is returned by Open for a driver name it does not know.
var ErrUnknownDriver = errors.New("sqldb: unknown driver")

// Open opens a pool for driver "sqlite", "postgres", "mysql" or "mariadb" and
// checks that the database answers.
//
// Every connection is set up the same strict way: UTF-8 text and UTC
// sessions, and identifiers that are never taken for strings.
//
// DSNs: PostgreSQL takes a URL or key=value string (extra URL parameters such
// as search_path become run-time parameters), to which Open adds
// client_encoding=UTF8 and TimeZone=UTC unless the DSN sets them; MySQL and
// MariaDB take go-sql-driver/mysql DSNs ("user:pass@tcp(host:3306)/db"), to
// which Open adds parseTime=true, a UTC session (time_zone '+00:00') and
// utf8mb4; SQLite takes a file name or "file:" URI, to which Open adds
// foreign_keys=on, a busy timeout, a time format that SQLite's date
// functions understand and _dqs=0 (a double-quoted name that is no column is
// an error, not a string literal), unless the DSN sets them.
func Open(ctx context.Context, driver, dsn string) (*DB, error) {
	d, err := dialect.ByName(driver)
	if err != nil {
		return nil, fmt.Errorf("%w %q (want sqlite, postgres, mysql or mariadb)", ErrUnknownDriver, driver)
	}
	var (
		sqlDB   *sql.DB
		sqlxDrv string
	)
	switch d {
	case dialect.Postgres:
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("sqldb: postgres DSN: %w", err)
		}
		if !strings.Contains(dsn, "pool_max_conns") {
			cfg.MaxConns = 32
		}
		strictPostgres(cfg.ConnConfig.RuntimeParams)
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("sqldb: postgres: %w", err)
		}
		if err := pool.Ping(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("sqldb: connect to postgres: %w", err)
		}
		return newPgDB(pool, driver, true), nil
	case dialect.MySQL, dialect.MariaDB:
		cfg, err := mysqlConfig(dsn)
		if err != nil {
			return nil, err
		}
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, fmt.Errorf("sqldb: %s DSN: %w", driver, err)
		}
		sqlDB, sqlxDrv = sql.OpenDB(conn), "mysql"
	case dialect.SQLite:
		registerSQLiteFuncs()
		sqlDB, err = sql.Open("sqlite", sqliteDSN(dsn))
		if err != nil {
			return nil, fmt.Errorf("sqldb: sqlite: %w", err)
		}
		sqlxDrv = "sqlite"
		if isMemoryDSN(dsn) {
			// Each connection to ":memory:" is its own database: keep one.
			sqlDB.SetMaxOpenConns(1)
		}
	default:
		return nil, fmt.Errorf("%w %q", ErrUnknownDriver, driver)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("sqldb: connect to %s: %w", d.Name(), err)
	}
	x := sqlx.NewDb(sqlDB, sqlxDrv)
	db := newDB(x, d, driver, stdPool{x})
	if d.Has(dialect.LastInsertID) && !d.Has(dialect.InsertReturning) {
		// Keys of a multi-row insert come from the last insert id and the
		// server's step between generated keys: read it once, now.
		var step int64
		if err := sqlDB.QueryRowContext(ctx, "SELECT @@auto_increment_increment").Scan(&step); err == nil && step > 0 {
			db.autoIncStep.Store(step)
		}
	}
	return db, nil
}

func newDB(x *sqlx.DB, d dialect.Dialect, driver string, p pool) *DB {
	db := &DB{DB: x, dialect: d, driver: driver, pool: p}
	db.exec = &Executor{db: db, c: p}
	return db
}

// Wrap pairs an existing *sql.DB with a dialect ("postgres", "mysql",
// "mariadb", "sqlite"). For SQLite the caller must have opened it with the
// "sqlite" driver of modernc.org/sqlite for unitorm_fold and regexp to exist;
// Wrap registers them for connections opened after it.
func Wrap(db *sql.DB, dialectName string) (*DB, error) {
	d, err := dialect.ByName(dialectName)
	if err != nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownDriver, dialectName)
	}
	drv := map[dialect.Dialect]string{dialect.Postgres: "pgx", dialect.MySQL: "mysql", dialect.MariaDB: "mysql", dialect.SQLite: "sqlite"}[d]
	if d == dialect.SQLite {
		registerSQLiteFuncs()
	}
	x := sqlx.NewDb(db, drv)
	return newDB(x, d, dialectName, stdPool{x}), nil
}

// Dialect returns the dialect of the database.
func (db *DB) Dialect() dialect.Dialect { return db.dialect }

// SQLX returns the underlying sqlx pool.
func (db *DB) SQLX() *sqlx.DB { return db.DB }

// DriverName returns the driver name given to Open.
func (db *DB) DriverName() string { return db.driver }

func mysqlConfig(dsn string) (*mysql.Config, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqldb: mysql DSN: %w", err)
	}
	cfg.ParseTime = true
	// Rows affected must count matched rows, not changed ones, or an UPDATE
	// that writes an unchanged value looks like an optimistic-lock failure.
	cfg.ClientFoundRows = true
	if cfg.Loc == nil || cfg.Loc == time.Local {
		cfg.Loc = time.UTC
	}
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	if _, ok := cfg.Params["time_zone"]; !ok {
		cfg.Params["time_zone"] = "'+00:00'"
	}
	if cfg.Collation == "" || !strings.HasPrefix(cfg.Collation, "utf8mb4") {
		cfg.Collation = "utf8mb4_general_ci"
	}
	return cfg, nil
}

// strictPostgres sets the session parameters every PostgreSQL connection
// gets, unless the DSN set them: UTF-8 text and UTC.
func strictPostgres(params map[string]string) {
	set := func(key, val string) {
		for k := range params {
			if strings.EqualFold(k, key) {
				return
			}
		}
		params[key] = val
	}
	set("client_encoding", "UTF8")
	set("TimeZone", "UTC")
}

func isMemoryDSN(dsn string) bool {
	base, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return base == ":memory:" || strings.Contains(dsn, "mode=memory") && !strings.Contains(dsn, "cache=shared")
}

func sqliteDSN(dsn string) string {
	base, query, _ := strings.Cut(dsn, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return dsn // let the driver report it
	}
	has := func(pragma string) bool {
		for _, p := range q["_pragma"] {
			if strings.HasPrefix(strings.ToLower(p), pragma) {
				return true
			}
		}
		return false
	}
	if !has("foreign_keys") {
		q.Add("_pragma", "foreign_keys(1)")
	}
	if !has("busy_timeout") {
		q.Add("_pragma", "busy_timeout(10000)")
	}
	if q.Get("_time_format") == "" {
		q.Set("_time_format", "sqlite")
	}
	if !q.Has("_dqs") {
		// SQLITE_DBCONFIG_DQS_DML and _DDL off: "nope" names a column or
		// fails with "no such column", as on the other databases.
		q.Set("_dqs", "0")
	}
	return base + "?" + q.Encode()
}
