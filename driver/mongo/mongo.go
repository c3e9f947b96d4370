// Package mongo is unitorm's MongoDB driver as a Connector: the rendering
// and running live in package github.com/unitorm/unitorm/mongo, which this
// package opens for the ORM.
//
//	orm, err := unitorm.Open(ctx, mongo.Open("mongodb://127.0.0.1:27017/app"), unitorm.Config{Entities: ...})
//
// Importing it links the official MongoDB driver and no SQL driver.
package mongo

import (
	"context"
	"database/sql"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/meta"
	umongo "github.com/unitorm/unitorm/mongo"
)

// Open returns the Connector of the MongoDB database named by the path of
// uri (a mongodb:// URI).
func Open(uri string) unitorm.Connector { return connector(uri) }

type connector string

func (c connector) Connect(ctx context.Context, reg *meta.Registry) (unitorm.Conn, error) {
	d, err := umongo.Open(ctx, string(c), "", reg)
	if err != nil {
		return nil, err
	}
	return &Conn{d: d}, nil
}

// Conn is an open MongoDB database as the ORM holds it.
type Conn struct{ d *umongo.Driver }

// Driver returns the MongoDB driver of an ORM opened with Open (nil for
// another database).
func Driver(orm *unitorm.ORM) *umongo.Driver {
	if c, ok := orm.Conn().(*Conn); ok {
		return c.d
	}
	return nil
}

// EMDriver adapts a driver opened with umongo.Open to the EntityManager's
// driver contract (for em.New without an ORM).
func EMDriver(d *umongo.Driver) em.Driver { return &Conn{d: d} }

// Driver returns the MongoDB driver.
func (c *Conn) Driver() *umongo.Driver { return c.d }

// Executor runs reads and writes outside transactions.
func (c *Conn) Executor() em.Executor { return c.d.Executor() }

// Dialect is nil: MongoDB is no SQL database.
func (c *Conn) Dialect() dialect.Dialect { return nil }

// NoTransactions reports whether the server runs no transactions.
func (c *Conn) NoTransactions() bool { return c.d.NoTransactions() }

// NonFiniteFloats reports whether the server stores ±Inf and NaN.
func (c *Conn) NonFiniteFloats() (inf, nan bool) { return c.d.NonFiniteFloats() }

// Begin starts a transaction (on a replica set).
func (c *Conn) Begin(ctx context.Context, opts *sql.TxOptions) (em.Tx, error) {
	tx, err := c.d.Begin(ctx, opts)
	if err != nil {
		return nil, err
	}
	return tx, nil
}

// CreateSchema creates the indexes of the registered entities.
func (c *Conn) CreateSchema(ctx context.Context, _ []*meta.Entity) error {
	return c.d.EnsureIndexes(ctx)
}

// DropSchema drops the collections of entities.
func (c *Conn) DropSchema(ctx context.Context, entities []*meta.Entity) error {
	for _, e := range entities {
		if err := c.d.Collection(e).Drop(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Close disconnects.
func (c *Conn) Close(ctx context.Context) error { return c.d.Close(ctx) }
