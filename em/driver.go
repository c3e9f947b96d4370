package em

import (
	"context"
	"database/sql"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
)

// Executor runs reads and writes, on a pool or inside a transaction.
type Executor interface {
	// Load runs a load request, building fresh instances from its rows.
	Load(ctx context.Context, req *uow.Load) error
	// Count counts the rows of a query (ignoring order, limit and offset).
	Count(ctx context.Context, q qb.SelectQuery) (int64, error)
	// Execute runs a flush plan's steps in order, writing generated keys
	// back through the plan. It does not commit or roll back.
	Execute(ctx context.Context, plan *uow.Plan) error
	// Exec runs a statement and returns the number of rows it affected.
	Exec(ctx context.Context, s qb.Statement) (int64, error)
	// QueryMaps runs a query and returns its rows as maps.
	QueryMaps(ctx context.Context, s qb.Statement) ([]map[string]any, error)
}

// Tx is an Executor inside a transaction.
type Tx interface {
	Executor
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
	Savepoint(ctx context.Context, name string) error
	RollbackTo(ctx context.Context, name string) error
	Release(ctx context.Context, name string) error
}

// Driver is a database as the EntityManager sees it.
type Driver interface {
	// Executor runs statements outside any transaction.
	Executor() Executor
	// Begin starts a transaction. A driver whose database cannot run one
	// returns an error saying why (ErrTransactionsUnsupported).
	Begin(ctx context.Context, opts *sql.TxOptions) (Tx, error)
	// Dialect is the SQL dialect, or nil for a document database.
	Dialect() dialect.Dialect
}
