package unitorm

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"time"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/rel"
	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/sqldb"
	"github.com/unitorm/unitorm/types"
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

// ConstraintKind says which kind of constraint a ConstraintError reports.
type ConstraintKind = uow.ConstraintKind

// The kinds of constraint a ConstraintError reports.
const (
	OtherConstraint      = uow.OtherConstraint
	UniqueConstraint     = uow.UniqueConstraint
	ForeignKeyConstraint = uow.ForeignKeyConstraint
	NotNullConstraint    = uow.NotNullConstraint
	CheckConstraint      = uow.CheckConstraint
)

// IsUniqueViolation reports whether err wraps a ConstraintError for a
// duplicate value in a unique index or primary key.
func IsUniqueViolation(err error) bool { return uow.IsUniqueViolation(err) }

// IsForeignKeyViolation reports whether err wraps a ConstraintError for a
// foreign key.
func IsForeignKeyViolation(err error) bool { return uow.IsForeignKeyViolation(err) }

// IsNotNullViolation reports whether err wraps a ConstraintError for a NULL
// written to a NOT NULL column.
func IsNotNullViolation(err error) bool { return uow.IsNotNullViolation(err) }

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
	ErrConflict          = uow.ErrConflict
	ErrUnavailable       = uow.ErrUnavailable
	ErrInvalidSubscriber = em.ErrInvalidSubscriber
	// Single-table inheritance: persisting an abstract base; a row whose
	// discriminator names no type of the family (a *DiscriminatorError).
	ErrAbstractEntity       = uow.ErrAbstractEntity
	ErrUnknownDiscriminator = uow.ErrUnknownDiscriminator
	// ErrTransactionsUnsupported: the database runs no transactions (a
	// standalone MongoDB, FerretDB). ErrNoTransaction: none is open.
	ErrTransactionsUnsupported = uow.ErrTransactionsUnsupported
)

// IsRetryable reports whether err says the work it interrupted can be run
// again whole, on a fresh fork: the transaction was lost with its
// connection (ErrTransactionLost), the database aborted it in a conflict
// — serialization failure, deadlock, Galera certification failure
// (ErrConflict) — or the server could not take the work (ErrUnavailable).
// em.Retry makes Transactional do that.
func IsRetryable(err error) bool { return uow.IsRetryable(err) }

// Config configures Open.
type Config struct {
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
	// Each must implement at least one of the subscriber interfaces.
	Subscribers []any
	// NPlusOneThreshold turns on the N+1 detector (see em.Config): a warning
	// on Logger (or slog's default) when one load query shape runs more than
	// this many times in one EntityManager. 0 is off.
	NPlusOneThreshold int
	// Replicas are read replicas of the database (Connectors of the same
	// driver package). Reads outside a transaction go to them in turn
	// (round robin) until a fork writes; see "Scaling out" in the README.
	Replicas []Connector
	// ReplicaMaxLag is the replication lag past which a replica is skipped
	// (default 5s; negative: not checked). ReplicaCheckInterval is how long
	// a replica's liveness and lag check holds (default 1s).
	ReplicaMaxLag        time.Duration
	ReplicaCheckInterval time.Duration
	// CursorKey signs em.FindByCursor cursors (see em.Config.CursorKey).
	CursorKey []byte
	// Filters are named conditions applied to queries, on or off by
	// default and switched per EntityManager or call (see em.Filter and
	// the README section "Filters and soft delete").
	Filters []em.Filter
	// Types maps Go types to custom types (meta.Type), added to and
	// overriding the built-ins of package types (decimal.Decimal).
	Types map[reflect.Type]meta.Type
}

// Connector opens a database for Open. Each driver package makes its own,
// so that a program links only the database it uses:
//
//	postgres.Open(dsn)    // github.com/unitorm/unitorm/driver/postgres (pgx)
//	mysql.Open(dsn)       // github.com/unitorm/unitorm/driver/mysql
//	mysql.OpenMariaDB(dsn)
//	sqlite.Open(dsn)      // github.com/unitorm/unitorm/driver/sqlite (modernc, pure Go)
//	mongo.Open(uri)       // github.com/unitorm/unitorm/driver/mongo
type Connector interface {
	// Connect opens the database for the entities of reg.
	Connect(ctx context.Context, reg *meta.Registry) (Conn, error)
}

// Conn is an open database as the ORM holds it: the EntityManager's driver
// plus schema creation and Close.
type Conn interface {
	em.Driver
	// CreateSchema creates the tables (on MongoDB: the indexes) of entities.
	CreateSchema(ctx context.Context, entities []*meta.Entity) error
	// DropSchema drops the tables (collections) of entities.
	DropSchema(ctx context.Context, entities []*meta.Entity) error
	// Close closes what Connect opened (not a pool it was given).
	Close(ctx context.Context) error
}

// SQLConn is the Conn of a SQL database: its pool is a *sqldb.DB.
type SQLConn interface {
	Conn
	DB() *sqldb.DB
}

// ErrNoConnector is returned by Open without a Connector.
var ErrNoConnector = errors.New("unitorm: Open needs a Connector from a driver package (postgres.Open(dsn), sqlite.Open(dsn), ...)")

// ORM holds what is shared: metadata, the connection pool and the root
// EntityManager. It is safe for concurrent use; Fork an EntityManager per
// request or job.
type ORM struct {
	reg  *meta.Registry
	conn Conn
	db   *sqldb.DB // SQL databases
	root *em.EntityManager
}

// Open registers the entities (every problem in their definitions is
// reported at once), connects through c, and returns the ORM:
//
//	orm, err := unitorm.Open(ctx, postgres.Open(dsn), unitorm.Config{Entities: []any{Author{}, Book{}}})
func Open(ctx context.Context, c Connector, cfg Config) (*ORM, error) {
	if c == nil {
		return nil, ErrNoConnector
	}
	opts := types.Builtin()
	for t, ct := range cfg.Types {
		opts = append(opts, meta.WithType(t, ct))
	}
	if cfg.Naming != nil {
		opts = append(opts, meta.WithNaming(cfg.Naming))
	}
	reg := meta.NewRegistry(opts...)
	if err := reg.Register(cfg.Entities...); err != nil {
		return nil, err
	}
	conn, err := c.Connect(ctx, reg)
	if err != nil {
		return nil, err
	}
	o := &ORM{reg: reg, conn: conn}
	if s, ok := conn.(SQLConn); ok {
		o.db = s.DB()
		o.db.SetObserve(sqldb.Observe{Logger: cfg.Logger, LogParams: cfg.LogParams, OnQuery: cfg.OnQuery})
	}
	var reads em.Executor
	if len(cfg.Replicas) > 0 {
		if reads, err = o.openReplicas(ctx, reg, cfg); err != nil {
			_ = conn.Close(ctx)
			return nil, err
		}
	}
	o.root, err = em.New(em.Config{Registry: reg, Driver: conn, AllowGlobalContext: cfg.AllowGlobalContext,
		Subscribers: cfg.Subscribers, Logger: cfg.Logger, NPlusOneThreshold: cfg.NPlusOneThreshold, Reads: reads,
		CursorKey: cfg.CursorKey, Filters: cfg.Filters})
	if err != nil {
		_ = conn.Close(ctx)
		return nil, err
	}
	return o, nil
}

// Fork returns a new EntityManager with an empty identity map.
func (o *ORM) Fork() *em.EntityManager { return o.root.Fork() }

// EM returns the root EntityManager (work on it is refused unless
// Config.AllowGlobalContext is set).
func (o *ORM) EM() *em.EntityManager { return o.root }

// Conn returns the open database (a driver package's type).
func (o *ORM) Conn() Conn { return o.conn }

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
func (o *ORM) Dialect() dialect.Dialect { return o.conn.Dialect() }

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
//
// Options are package schema's: schema.IfNotExists() leaves existing tables
// alone, for a service that creates its schema at start (see
// schema_start.go; MongoDB ignores them: its indexes are always ensured).
func (o *ORM) CreateSchema(ctx context.Context, opts ...schema.Option) error {
	return o.createSchema(ctx, opts)
}

// DropSchema drops the tables of the registered entities.
func (o *ORM) DropSchema(ctx context.Context) error {
	return o.conn.DropSchema(ctx, o.reg.Entities())
}

// Close closes the pool (unless the Connector was given an open one).
func (o *ORM) Close() error { return o.conn.Close(context.Background()) }
