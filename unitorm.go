package unitorm

import (
	"context"
	"database/sql"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/mongo"
	"github.com/unitorm/unitorm/rel"
	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/sqldb"
	"github.com/unitorm/unitorm/uow"
)

// Collection is the holder of a to-many relation: rel.Collection.
type Collection[T any] = rel.Collection[T]

// NewCollection returns an initialized collection holding items.
func NewCollection[T any](items ...T) Collection[T] { return rel.NewCollection(items...) }

// EntityManager is em.EntityManager.
type EntityManager = em.EntityManager

// QueryEvent describes one statement run (see Config.OnQuery).
type QueryEvent = sqldb.QueryEvent

// ConstraintError is a constraint violation reported by the database.
type ConstraintError = uow.ConstraintError

// FlushError says which statement of a flush failed.
type FlushError = uow.FlushError

// Errors callers check with errors.Is.
var (
	ErrNotFound          = em.ErrNotFound
	ErrOptimisticLock    = uow.ErrOptimisticLock
	ErrGlobalContext     = em.ErrGlobalContext
	ErrUnknownProperty   = em.ErrUnknownProperty
	ErrNotInitialized    = rel.ErrNotInitialized
	ErrNoTransaction     = em.ErrNoTransaction
	ErrFlushInProgress   = em.ErrFlushInProgress
	ErrInvalidKey        = uow.ErrInvalidKey
	ErrNotEntity         = uow.ErrNotEntity
	ErrDetached          = uow.ErrDetached
	ErrDuplicateIdentity = uow.ErrDuplicateIdentity
	ErrConcurrentUse     = em.ErrConcurrentUse
	ErrUnknownPath       = em.ErrUnknownPath
	ErrNotVersioned      = em.ErrNotVersioned
	ErrTransactionLost   = uow.ErrTransactionLost
)

// IsRetryable reports whether err says the work it interrupted can be run
// again whole, on a fresh fork (the transaction was lost with its connection).
func IsRetryable(err error) bool { return uow.IsRetryable(err) }

// Config configures Open.
type Config struct {
	// Driver is "sqlite", "postgres", "mysql", "mariadb" or "mongo".
	Driver string
	// DSN is the data source name in the driver's format (see sqldb.Open);
	// for MongoDB a mongodb:// URI whose path names the database.
	DSN string
	// DB is an existing pool to use instead of Driver+DSN; Driver then names
	// its dialect. Close does not close it.
	DB *sql.DB
	// PgxPool is an existing pgx pool to use instead of Driver+DSN (the
	// dialect is PostgreSQL). Close does not close it.
	PgxPool *pgxpool.Pool
	// Entities are the entity types (struct values or pointers).
	Entities []any
	// Naming is the naming strategy (default meta.UnderscoreNaming).
	Naming meta.NamingStrategy
	// Logger logs each statement at Debug level with its duration and rows.
	Logger *slog.Logger
	// LogParams adds bound parameters to logs and query events.
	LogParams bool
	// OnQuery is called after each statement (for tests, metrics, tracing).
	OnQuery func(QueryEvent)
	// AllowGlobalContext lets the root EntityManager (ORM.EM) do work.
	AllowGlobalContext bool
	// Subscribers receive flush events (see em.BeforeFlushSubscriber, ...).
	Subscribers []any
	// NPlusOneThreshold turns on the N+1 detector (see em.Config): a warning
	// on Logger (or slog's default) when one load query shape runs more than
	// this many times in one EntityManager. 0 is off.
	NPlusOneThreshold int
}

// ORM holds what is shared: metadata, the connection pool and the root
// EntityManager. It is safe for concurrent use; Fork an EntityManager per
// request or job.
type ORM struct {
	reg    *meta.Registry
	db     *sqldb.DB     // SQL databases
	mdb    *mongo.Driver // MongoDB
	root   *em.EntityManager
	ownsDB bool
}

// Open registers the entities (every problem in their definitions is
// reported at once), connects, and returns the ORM.
func Open(ctx context.Context, cfg Config) (*ORM, error) {
	var opts []meta.Option
	if cfg.Naming != nil {
		opts = append(opts, meta.WithNaming(cfg.Naming))
	}
	reg := meta.NewRegistry(opts...)
	if err := reg.Register(cfg.Entities...); err != nil {
		return nil, err
	}
	if cfg.Driver == "mongo" || cfg.Driver == "mongodb" {
		return openMongo(ctx, cfg, reg)
	}
	var (
		db  *sqldb.DB
		err error
	)
	owns := cfg.DB == nil && cfg.PgxPool == nil
	switch {
	case cfg.PgxPool != nil:
		db = sqldb.WrapPool(cfg.PgxPool)
	case cfg.DB != nil:
		db, err = sqldb.Wrap(cfg.DB, cfg.Driver)
	default:
		db, err = sqldb.Open(ctx, cfg.Driver, cfg.DSN)
	}
	if err != nil {
		return nil, err
	}
	db.SetObserve(sqldb.Observe{Logger: cfg.Logger, LogParams: cfg.LogParams, OnQuery: cfg.OnQuery})
	root, err := em.New(emConfig(cfg, reg, SQLDriver(db)))
	if err != nil {
		if owns {
			db.Close()
		}
		return nil, err
	}
	return &ORM{reg: reg, db: db, root: root, ownsDB: owns}, nil
}

func emConfig(cfg Config, reg *meta.Registry, d em.Driver) em.Config {
	return em.Config{Registry: reg, Driver: d, AllowGlobalContext: cfg.AllowGlobalContext,
		Subscribers: cfg.Subscribers, Logger: cfg.Logger, NPlusOneThreshold: cfg.NPlusOneThreshold}
}

// openMongo opens the MongoDB driver: DSN is a mongodb:// URI whose path
// names the database.
func openMongo(ctx context.Context, cfg Config, reg *meta.Registry) (*ORM, error) {
	d, err := mongo.Open(ctx, cfg.DSN, "", reg)
	if err != nil {
		return nil, err
	}
	root, err := em.New(emConfig(cfg, reg, MongoDriver(d)))
	if err != nil {
		_ = d.Close(ctx)
		return nil, err
	}
	return &ORM{reg: reg, mdb: d, root: root, ownsDB: true}, nil
}

// Mongo returns the MongoDB driver (nil on SQL databases).
func (o *ORM) Mongo() *mongo.Driver { return o.mdb }

// MongoDriver adapts a mongo.Driver to the EntityManager's driver contract.
func MongoDriver(d *mongo.Driver) em.Driver { return mongoDriver{d} }

type mongoDriver struct{ d *mongo.Driver }

func (a mongoDriver) Executor() em.Executor    { return a.d.Executor() }
func (a mongoDriver) Dialect() dialect.Dialect { return nil }
func (a mongoDriver) NoTransactions() bool     { return a.d.NoTransactions() }
func (a mongoDriver) Begin(ctx context.Context, opts *sql.TxOptions) (em.Tx, error) {
	tx, err := a.d.Begin(ctx, opts)
	if err != nil {
		return nil, err
	}
	return tx, nil
}

// Fork returns a new EntityManager with an empty identity map.
func (o *ORM) Fork() *em.EntityManager { return o.root.Fork() }

// EM returns the root EntityManager (work on it is refused unless
// Config.AllowGlobalContext is set).
func (o *ORM) EM() *em.EntityManager { return o.root }

// SQL returns a runner for qb queries that are not about entities (nil on
// MongoDB).
func (o *ORM) SQL() *sqldb.Executor {
	if o.db == nil {
		return nil
	}
	return o.db.Executor()
}

// DB returns the SQL connection pool (nil on MongoDB).
func (o *ORM) DB() *sqldb.DB { return o.db }

// Dialect returns the SQL dialect (nil on MongoDB).
func (o *ORM) Dialect() dialect.Dialect {
	if o.db == nil {
		return nil
	}
	return o.db.Dialect()
}

// Registry returns the entity metadata.
func (o *ORM) Registry() *meta.Registry { return o.reg }

// QueryCount returns the number of SQL statements run so far (0 on MongoDB).
func (o *ORM) QueryCount() int64 {
	if o.db == nil {
		return 0
	}
	return o.db.QueryCount()
}

// CreateSchema creates the tables of the registered entities (on MongoDB:
// their indexes).
func (o *ORM) CreateSchema(ctx context.Context) error {
	if o.mdb != nil {
		return o.mdb.EnsureIndexes(ctx)
	}
	return schema.Create(ctx, o.db.Executor(), o.reg.Entities())
}

// DropSchema drops the tables of the registered entities.
func (o *ORM) DropSchema(ctx context.Context) error {
	if o.mdb != nil {
		for _, e := range o.reg.Entities() {
			if err := o.mdb.Collection(e).Drop(ctx); err != nil {
				return err
			}
		}
		return nil
	}
	return schema.Drop(ctx, o.db, o.reg.Entities(), schema.IfExists())
}

// Close closes the pool (unless it was given in Config.DB).
func (o *ORM) Close() error {
	if o.mdb != nil {
		return o.mdb.Close(context.Background())
	}
	if o.ownsDB {
		return o.db.Close()
	}
	return nil
}

// SQLDriver adapts a sqldb.DB to the EntityManager's driver contract.
func SQLDriver(db *sqldb.DB) em.Driver { return sqlDriver{db} }

type sqlDriver struct{ db *sqldb.DB }

func (d sqlDriver) Executor() em.Executor    { return d.db.Executor() }
func (d sqlDriver) Dialect() dialect.Dialect { return d.db.Dialect() }
func (d sqlDriver) Begin(ctx context.Context, opts *sql.TxOptions) (em.Tx, error) {
	tx, err := d.db.Begin(ctx, opts)
	if err != nil {
		return nil, err
	}
	return tx, nil
}
