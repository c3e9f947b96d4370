// Package postgres is unitorm's PostgreSQL driver, on pgx end to end:
// pgxpool for the pool, a connection acquired for each transaction and
// released when it ends, pgx's statement cache and binary formats.
//
//	orm, err := unitorm.Open(ctx, postgres.Open(dsn), unitorm.Config{Entities: ...})
//
// Importing it links pgx and no other database driver.
//
// Every session is UTF-8 and UTC (client_encoding and TimeZone, unless the
// DSN sets them). A pooled connection that died while idle (a restart, a
// failover, pg_terminate_backend) fails no work: statements outside a
// transaction and the BEGIN of one are retried on a fresh connection when
// nothing reached the server or the server had ended the session before
// answering; inside a transaction the error wraps unitorm.ErrTransactionLost.
package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/sqlconn"
	"github.com/unitorm/unitorm/sqldb"
)

// Open returns the Connector of the PostgreSQL database at dsn, a URL or
// key=value string (extra URL parameters such as search_path become
// run-time parameters; pool_max_conns sizes the pool, 32 by default).
func Open(dsn string) unitorm.Connector {
	return unitorm.SQLConnector(func(ctx context.Context) (*sqldb.DB, error) { return OpenDB(ctx, dsn) })
}

// FromPool returns the Connector of an existing pgx pool, used as it is
// configured. Closing the ORM does not close the pool.
func FromPool(p *pgxpool.Pool) unitorm.Connector {
	return unitorm.SQLConnector(func(context.Context) (*sqldb.DB, error) { return WrapPool(p), nil })
}

// OpenDB opens a pool for qb and schema work without the ORM, and checks
// that the database answers.
func OpenDB(ctx context.Context, dsn string) (*sqldb.DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: DSN: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = 32
	}
	strictSession(cfg.ConnConfig.RuntimeParams)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	return newDB(pool, true), nil
}

// WrapPool returns a *sqldb.DB on an existing pgx pool. Its Close does not
// close the pool.
func WrapPool(p *pgxpool.Pool) *sqldb.DB { return newDB(p, false) }

func newDB(p *pgxpool.Pool, owns bool) *sqldb.DB {
	return sqldb.New(sqlconn.Family{
		Name:       "postgres",
		Dialect:    dialect.Postgres,
		Pool:       pgxPool{p: p, owns: owns},
		Classify:   ClassifyError,
		NativeKeys: true,
		Lag:        replicaLag,
	})
}

// strictSession sets the session parameters every connection gets, unless
// the DSN set them: UTF-8 text and UTC.
func strictSession(params map[string]string) {
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
