// Package sqlconn is the contract between sqldb and the SQL driver
// packages (driver/postgres, driver/mysql, driver/sqlite): one executor per
// database family behind the small interfaces below. pgx implements them in
// driver/postgres; database/sql implements them here (std.go) for MySQL,
// MariaDB and SQLite. sqldb runs every statement through them, logging and
// counting each one in one place.
package sqlconn

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
)

// Conn runs statements on a pool or inside one transaction.
type Conn interface {
	Query(ctx context.Context, query string, args []any) (Rows, error)
	Exec(ctx context.Context, query string, args []any) (sql.Result, error)
}

// Preparer is a Conn that prepares a statement once to run it many times
// (database/sql transactions; pgx caches statements by text on its own).
type Preparer interface {
	Prepare(ctx context.Context, query string) (Stmt, error)
}

// Stmt is a prepared statement; its Query and Exec take the arguments only.
type Stmt interface {
	Query(ctx context.Context, args []any) (Rows, error)
	Exec(ctx context.Context, args []any) (sql.Result, error)
	Close() error
}

// Rows is a result set of either family: qb's Rows plus struct and map
// scanning.
type Rows interface {
	qb.Rows
	qb.RowScanner
}

// Pool is a family's connection pool.
type Pool interface {
	Conn
	// Begin starts a transaction on a connection of the pool, retrying on a
	// fresh one when the first was found dead before anything was sent.
	Begin(ctx context.Context, opts *sql.TxOptions) (Tx, error)
	// Acquire takes one connection out of the pool until the session is
	// closed, for statements whose session settings must hold for the next
	// ones.
	Acquire(ctx context.Context) (Session, error)
	// Close closes the pool.
	Close() error
}

// Session is one connection of the pool.
type Session interface {
	Conn
	// Begin starts a transaction on the session's connection; ending it
	// leaves the connection with the session.
	Begin(ctx context.Context, opts *sql.TxOptions) (Tx, error)
	// Close puts the connection back in the pool.
	Close() error
}

// Tx is one transaction on the connection it holds until it ends.
type Tx interface {
	Conn
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
}

// Family is what a driver package gives sqldb.New.
type Family struct {
	// Name is the driver name ("postgres", "mysql", "mariadb", "sqlite").
	Name    string
	Dialect dialect.Dialect
	Pool    Pool
	// Handle is database/sql's pool when it is the family's pool (nil on
	// pgx, whose pool is configured through its DSN or given ready).
	Handle *sql.DB
	// Classify turns the driver's constraint violations into
	// *uow.ConstraintError; other errors are returned as they are.
	Classify func(error) error
	// NativeKeys is set when the driver decodes generated keys in its own
	// types (pgx), which sqldb then normalizes.
	NativeKeys bool
	// AutoIncrementStep is MySQL's auto_increment_increment when known.
	AutoIncrementStep int64
	// VolatileAutoIncrement says the step may change while the server
	// runs (a Galera node: wsrep_auto_increment_control sets it to the
	// cluster's size), so it must be read again at each multi-row insert.
	VolatileAutoIncrement bool
	// Lag reports the replication lag of the server behind query (0 when
	// it is not a replica; an error when it is one whose replication
	// stopped). Nil: the family has no replicas, a probe only checks that
	// the server answers.
	Lag func(ctx context.Context, query func(ctx context.Context, sql string) (qb.Rows, error)) (time.Duration, error)
}

// ExecResult is the sql.Result of a driver without last insert ids.
type ExecResult int64

func (r ExecResult) RowsAffected() (int64, error) { return int64(r), nil }

func (ExecResult) LastInsertId() (int64, error) { return 0, ErrNoLastInsertID }

// ErrNoLastInsertID is LastInsertId of a database that returns keys with
// RETURNING instead.
var ErrNoLastInsertID = errors.New("sqldb: LastInsertId is not supported on this database: use RETURNING")

// Between returns the text of msg between head (a prefix) and tail (a
// suffix), when msg has both and something between them.
func Between(msg, head, tail string) (string, bool) {
	if len(msg) < len(head)+len(tail)+1 || !strings.HasPrefix(msg, head) || !strings.HasSuffix(msg, tail) {
		return "", false
	}
	return msg[len(head) : len(msg)-len(tail)], true
}

// Classify is the shared entry of the drivers' ClassifyError: nil stays
// nil, an error already classified is returned as it is, an error holding
// the driver's error type E goes through classify, any other is returned
// as it is.
func Classify[E error](err error, classify func(err error, e E) error) error {
	if err == nil {
		return nil
	}
	var ce *uow.ConstraintError
	if errors.As(err, &ce) {
		return err
	}
	var e E
	if errors.As(err, &e) {
		return classify(err, e)
	}
	return err
}
