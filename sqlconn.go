package unitorm

import (
	"context"
	"database/sql"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/sqldb"
)

// SQLConnector is the Connector of a SQL database that open opens. The SQL
// driver packages build theirs with it.
func SQLConnector(open func(ctx context.Context) (*sqldb.DB, error)) Connector {
	return sqlConnector(open)
}

type sqlConnector func(ctx context.Context) (*sqldb.DB, error)

func (c sqlConnector) Connect(ctx context.Context, _ *meta.Registry) (Conn, error) {
	db, err := c(ctx)
	if err != nil {
		return nil, err
	}
	return sqlConn{db}, nil
}

// sqlConn is a *sqldb.DB as the ORM's Conn.
type sqlConn struct{ db *sqldb.DB }

func (c sqlConn) DB() *sqldb.DB            { return c.db }
func (c sqlConn) Executor() em.Executor    { return c.db.Executor() }
func (c sqlConn) Dialect() dialect.Dialect { return c.db.Dialect() }
func (c sqlConn) Close(context.Context) error {
	return c.db.Close()
}

func (c sqlConn) Begin(ctx context.Context, opts *sql.TxOptions) (em.Tx, error) {
	tx, err := c.db.Begin(ctx, opts)
	if err != nil {
		return nil, err
	}
	return tx, nil
}

func (c sqlConn) CreateSchema(ctx context.Context, entities []*meta.Entity) error {
	return schema.Create(ctx, c.db.Executor(), entities)
}

func (c sqlConn) DropSchema(ctx context.Context, entities []*meta.Entity) error {
	return schema.Drop(ctx, c.db, entities, schema.IfExists())
}
