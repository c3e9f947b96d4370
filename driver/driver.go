// Package driver opens a database by driver name. It links every driver
// package (driver/postgres, driver/mysql, driver/sqlite, driver/mongo):
// use it in tools that pick the database at run time, such as the unitorm
// CLI and test suites. A program that knows its database imports that
// driver's package alone.
package driver

import (
	"context"
	"errors"
	"fmt"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/mongo"
	"github.com/unitorm/unitorm/driver/mysql"
	"github.com/unitorm/unitorm/driver/postgres"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/sqldb"
)

// ErrUnknown is returned for a driver name this package does not know.
var ErrUnknown = errors.New("unitorm: unknown driver")

// Names are the driver names Open and OpenDB know.
var Names = []string{"sqlite", "postgres", "mysql", "mariadb", "mongo"}

// Open returns the Connector of driver name ("sqlite", "postgres", "mysql",
// "mariadb" or "mongo") for dsn.
func Open(name, dsn string) (unitorm.Connector, error) {
	switch name {
	case "sqlite", "sqlite3":
		return sqlite.Open(dsn), nil
	case "postgres", "postgresql", "pgx":
		return postgres.Open(dsn), nil
	case "mysql":
		return mysql.Open(dsn), nil
	case "mariadb":
		return mysql.OpenMariaDB(dsn), nil
	case "mongo", "mongodb":
		return mongo.Open(dsn), nil
	}
	return nil, fmt.Errorf("%w %q (want sqlite, postgres, mysql, mariadb or mongo)", ErrUnknown, name)
}

// OpenDB opens the SQL database of driver name ("sqlite", "postgres",
// "mysql" or "mariadb") for qb and schema work.
func OpenDB(ctx context.Context, name, dsn string) (*sqldb.DB, error) {
	switch name {
	case "sqlite", "sqlite3":
		return sqlite.OpenDB(ctx, dsn)
	case "postgres", "postgresql", "pgx":
		return postgres.OpenDB(ctx, dsn)
	case "mysql":
		return mysql.OpenDB(ctx, dsn)
	case "mariadb":
		return mysql.OpenMariaDBDB(ctx, dsn)
	}
	return nil, fmt.Errorf("%w %q (want sqlite, postgres, mysql or mariadb)", ErrUnknown, name)
}
