package mongo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/meta"
)

// Driver is a MongoDB database as the EntityManager sees it: it loads
// entities, counts, runs flush plans and native statements, and begins
// transactions where the server has them. It is safe for concurrent use.
//
// Its methods use this package's types; the root package adapts it to
// em.Driver (as it does for sqldb), forwarding NoTransactions.
type Driver struct {
	client *mongodrv.Client
	db     *mongodrv.Database
	owns   bool
	m      *mapper
	exec   *Executor

	txReason string // why the server cannot run transactions; "" when it can
	ferret   bool   // the server is FerretDB
}

// Open connects to the server at uri and returns a driver for database
// (when "", the database named in the URI's path: mongodb://host/app), whose
// entities are described by reg. opts are applied after the URI (a command
// monitor, timeouts, ...). Close disconnects.
func Open(ctx context.Context, uri, database string, reg *meta.Registry, opts ...*options.ClientOptions) (*Driver, error) {
	if database == "" {
		cs, err := connstring.Parse(uri)
		if err != nil {
			return nil, fmt.Errorf("mongo: %w", err)
		}
		if database = cs.Database; database == "" {
			return nil, errors.New("mongo: no database name given, and the URI names none (mongodb://host/<database>)")
		}
	}
	all := append([]*options.ClientOptions{options.Client().ApplyURI(uri)}, opts...)
	client, err := mongodrv.Connect(all...)
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	d, err := New(ctx, client, database, reg)
	if err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	d.owns = true
	return d, nil
}

// New returns a driver using an existing client for database. It asks the
// server (hello) whether it can run transactions. Close leaves the client
// connected.
func New(ctx context.Context, client *mongodrv.Client, database string, reg *meta.Registry) (*Driver, error) {
	if client == nil || reg == nil {
		return nil, errors.New("mongo: New needs a client and a registry")
	}
	if database == "" {
		return nil, errors.New("mongo: no database name given")
	}
	d := &Driver{client: client, db: client.Database(database), m: &mapper{reg: reg}}
	d.exec = &Executor{d: d}
	reason, ferret, err := transactionSupport(ctx, d.db)
	if err != nil {
		return nil, err
	}
	d.txReason, d.ferret = reason, ferret
	return d, nil
}

// transactionSupport asks the server what it is: transactions need a
// replica set member or a mongos. It returns why not, or "", and whether
// the server is FerretDB.
func transactionSupport(ctx context.Context, db *mongodrv.Database) (string, bool, error) {
	var hello struct {
		SetName                      string `bson:"setName"`
		Msg                          string `bson:"msg"`
		LogicalSessionTimeoutMinutes *int64 `bson:"logicalSessionTimeoutMinutes"`
	}
	if err := db.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return "", false, fmt.Errorf("mongo: hello: %w", err)
	}
	var build bson.M
	if err := db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&build); err == nil {
		if _, ferret := build["ferretdbVersion"]; ferret {
			return "the server is FerretDB, which has no transactions", true, nil
		}
	}
	switch {
	case hello.LogicalSessionTimeoutMinutes == nil:
		return "the server does not support sessions", false, nil
	case hello.Msg == "isdbgrid", hello.SetName != "":
		return "", false, nil
	}
	return "the server is a standalone mongod (transactions need a replica set or mongos)", false, nil
}

// Client returns the official driver's client.
func (d *Driver) Client() *mongodrv.Client { return d.client }

// Database returns the database the driver works in.
func (d *Driver) Database() *mongodrv.Database { return d.db }

// Registry returns the entity metadata.
func (d *Driver) Registry() *meta.Registry { return d.m.reg }

// Collection returns the collection storing entity e.
func (d *Driver) Collection(e *meta.Entity) *mongodrv.Collection { return d.db.Collection(e.Table) }

// Dialect returns nil: MongoDB speaks no SQL.
func (d *Driver) Dialect() dialect.Dialect { return nil }

// Executor returns the executor outside any transaction.
func (d *Driver) Executor() *Executor { return d.exec }

// NoTransactions reports whether the server cannot run transactions
// (standalone mongod, FerretDB). The EntityManager then flushes without
// one: a failed flush leaves the entities as they were, and what the server
// already applied is reported by a *PartialWriteError.
func (d *Driver) NoTransactions() bool { return d.txReason != "" }

// NonFiniteFloats reports whether the server stores ±Inf and NaN doubles:
// MongoDB does (BSON doubles), FerretDB does neither (it refuses an
// infinity and drops the connection on a NaN). The EntityManager refuses
// the values the server cannot store before sending anything.
func (d *Driver) NonFiniteFloats() (inf, nan bool) { return !d.ferret, !d.ferret }

// Begin starts a transaction in a new session. On a server without
// transactions it returns a *TransactionsError (ErrTransactionsUnsupported) saying
// why. Isolation levels and read-only options of opts are not supported;
// the session uses the client's read and write concerns.
func (d *Driver) Begin(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	if d.txReason != "" {
		return nil, &TransactionsError{Reason: d.txReason}
	}
	if opts != nil && (opts.Isolation != sql.LevelDefault || opts.ReadOnly) {
		return nil, fmt.Errorf("%w: transaction isolation levels and read-only transactions", ErrUnsupported)
	}
	sess, err := d.client.StartSession()
	if err != nil {
		return nil, fmt.Errorf("mongo: start session: %w", err)
	}
	if err := sess.StartTransaction(); err != nil {
		sess.EndSession(ctx)
		return nil, fmt.Errorf("mongo: start transaction: %w", err)
	}
	tx := &Tx{sess: sess}
	tx.Executor = Executor{d: d, tx: tx}
	return tx, nil
}

// Close disconnects the client when Open created it.
func (d *Driver) Close(ctx context.Context) error {
	if !d.owns {
		return nil
	}
	return d.client.Disconnect(ctx)
}

// docMap returns the mapping of entity e.
func (d *Driver) docMap(e *meta.Entity) (*docMap, error) { return d.m.of(e) }
