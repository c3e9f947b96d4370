// Package mysql is unitorm's MySQL and MariaDB driver, on database/sql and
// go-sql-driver/mysql.
//
//	orm, err := unitorm.Open(ctx, mysql.Open(dsn), unitorm.Config{Entities: ...})
//	orm, err := unitorm.Open(ctx, mysql.OpenMariaDB(dsn), unitorm.Config{Entities: ...})
//
// Importing it links go-sql-driver/mysql and no other database driver.
//
// DSNs are go-sql-driver/mysql's ("user:pass@tcp(host:3306)/db"), with
// one addition: tcp(...) may list several nodes ("tcp(h1:3306,h2:3306)"),
// and new connections go to one that answers (see nodes.go). Every
// session is utf8mb4 and UTC (time_zone '+00:00'), times are parsed, and
// rows affected count matched rows. A pooled connection that died while
// idle is replaced before anything is written on it (database/sql's
// retry on driver.ErrBadConn); inside a transaction the error wraps
// unitorm.ErrTransactionLost.
package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"
	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/sqlconn"
	"github.com/unitorm/unitorm/sqldb"
)

// Open returns the Connector of the MySQL database at dsn.
func Open(dsn string) unitorm.Connector {
	return unitorm.SQLConnector(func(ctx context.Context) (*sqldb.DB, error) { return OpenDB(ctx, dsn) })
}

// OpenMariaDB returns the Connector of the MariaDB database at dsn.
func OpenMariaDB(dsn string) unitorm.Connector {
	return unitorm.SQLConnector(func(ctx context.Context) (*sqldb.DB, error) { return OpenMariaDBDB(ctx, dsn) })
}

// FromDB returns the Connector of an existing *sql.DB of go-sql-driver/mysql
// (MariaDB when mariaDB is set), used as it is configured. Closing the ORM
// does not close it.
func FromDB(db *sql.DB, mariaDB bool) unitorm.Connector {
	return unitorm.SQLConnector(func(context.Context) (*sqldb.DB, error) { return Wrap(db, mariaDB), nil })
}

// OpenDB opens a MySQL pool for qb and schema work without the ORM, and
// checks that the database answers.
func OpenDB(ctx context.Context, dsn string) (*sqldb.DB, error) {
	return open(ctx, dsn, dialect.MySQL, "mysql")
}

// OpenMariaDBDB opens a MariaDB pool, as OpenDB.
func OpenMariaDBDB(ctx context.Context, dsn string) (*sqldb.DB, error) {
	return open(ctx, dsn, dialect.MariaDB, "mariadb")
}

// Wrap returns a *sqldb.DB on an existing *sql.DB. Its Close does not close
// db.
func Wrap(db *sql.DB, mariaDB bool) *sqldb.DB {
	d, name := dialect.MySQL, "mysql"
	if mariaDB {
		d, name = dialect.MariaDB, "mariadb"
	}
	return newDB(db, d, name, false, 0, false)
}

func open(ctx context.Context, dsn string, d dialect.Dialect, name string) (*sqldb.DB, error) {
	cfg, err := config(dsn)
	if err != nil {
		return nil, err
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: DSN: %w", name, err)
	}
	db := sql.OpenDB(conn)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: connect: %w", name, err)
	}
	// Keys of a multi-row insert come from the last insert id and the
	// server's step between generated keys: read it once, now.
	var step int64
	if err := db.QueryRowContext(ctx, "SELECT @@auto_increment_increment").Scan(&step); err != nil {
		step = 0
	}
	// On a Galera node the step follows the cluster's size: it is read
	// again at each multi-row insert.
	var wsrep int64
	galera := db.QueryRowContext(ctx, "SELECT @@wsrep_on").Scan(&wsrep) == nil && wsrep == 1
	return newDB(db, d, name, true, step, galera), nil
}

func newDB(db *sql.DB, d dialect.Dialect, name string, owns bool, step int64, galera bool) *sqldb.DB {
	x := sqlx.NewDb(db, "mysql")
	return sqldb.New(sqlconn.Family{
		Name:              name,
		Dialect:           d,
		Pool:              sqlconn.NewStdPool(x, badConn, owns),
		Handle:            db,
		Classify:          ClassifyError,
		AutoIncrementStep: step,
		Lag:               replicaLag,
		// Galera: the step changes with the cluster's size.
		VolatileAutoIncrement: galera,
	})
}

// badConn reports whether err says the connection died.
func badConn(err error) bool { return errors.Is(err, mysql.ErrInvalidConn) }

// config reads dsn and sets up the session strictly.
func config(dsn string) (*mysql.Config, error) {
	dsn, nodes := splitNodes(dsn)
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("mysql: DSN: %w", err)
	}
	if len(nodes) > 1 {
		d := &nodeDialer{nodes: nodes, timeout: nodeDialTimeout}
		if cfg.Timeout > 0 {
			d.timeout = cfg.Timeout
		}
		cfg.DialFunc = d.dial
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
