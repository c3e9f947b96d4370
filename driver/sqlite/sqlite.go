// Package sqlite is unitorm's SQLite driver, on database/sql and
// modernc.org/sqlite (pure Go, no cgo): the embedded default.
//
//	orm, err := unitorm.Open(ctx, sqlite.Open("file:app.db"), unitorm.Config{Entities: ...})
//
// Importing it links modernc.org/sqlite and no other database driver.
//
// DSNs are a file name or a "file:" URI, to which Open adds foreign_keys=on,
// a busy timeout, a time format that SQLite's date functions understand and
// _dqs=0 (a double-quoted name that is no column is an error, not a string
// literal), unless the DSN sets them. ":memory:" keeps one connection, since
// each would be its own database.
//
// Opening SQLite through this package also registers two SQL functions the
// query builder relies on: unitorm_fold(text), a Unicode-aware case fold
// (SQLite's lower() folds only ASCII), and regexp(pattern, text), which
// backs SQLite's REGEXP operator with Go's regexp package.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/sqlconn"
	"github.com/unitorm/unitorm/sqldb"
)

// Open returns the Connector of the SQLite database at dsn.
func Open(dsn string) unitorm.Connector {
	return unitorm.SQLConnector(func(ctx context.Context) (*sqldb.DB, error) { return OpenDB(ctx, dsn) })
}

// FromDB returns the Connector of an existing *sql.DB opened with the
// "sqlite" driver of modernc.org/sqlite (for unitorm_fold and regexp to
// exist, it must be opened after this package registered them, which
// importing it does). Closing the ORM does not close it.
func FromDB(db *sql.DB) unitorm.Connector {
	return unitorm.SQLConnector(func(context.Context) (*sqldb.DB, error) { return Wrap(db), nil })
}

func init() { registerFuncs() }

// OpenDB opens a pool for qb and schema work without the ORM, and checks
// that the database answers.
func OpenDB(ctx context.Context, dsn string) (*sqldb.DB, error) {
	db, err := sql.Open("sqlite", strictDSN(dsn))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if isMemoryDSN(dsn) {
		// Each connection to ":memory:" is its own database: keep one.
		db.SetMaxOpenConns(1)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: connect: %w", err)
	}
	return newDB(db, true), nil
}

// Wrap returns a *sqldb.DB on an existing *sql.DB (see FromDB). Its Close
// does not close db.
func Wrap(db *sql.DB) *sqldb.DB { return newDB(db, false) }

func newDB(db *sql.DB, owns bool) *sqldb.DB {
	x := sqlx.NewDb(db, "sqlite")
	return sqldb.New(sqlconn.Family{
		Name:     "sqlite",
		Dialect:  dialect.SQLite,
		Pool:     sqlconn.NewStdPool(x, nil, owns),
		Handle:   db,
		Classify: ClassifyError,
	})
}

func isMemoryDSN(dsn string) bool {
	base, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return base == ":memory:" || strings.Contains(dsn, "mode=memory") && !strings.Contains(dsn, "cache=shared")
}

// strictDSN adds the settings every connection gets, unless dsn sets them.
func strictDSN(dsn string) string {
	base, query, _ := strings.Cut(dsn, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return dsn // let the driver report it
	}
	has := func(pragma string) bool {
		for _, p := range q["_pragma"] {
			if strings.HasPrefix(strings.ToLower(p), pragma) {
				return true
			}
		}
		return false
	}
	if !has("foreign_keys") {
		q.Add("_pragma", "foreign_keys(1)")
	}
	if !has("busy_timeout") {
		q.Add("_pragma", "busy_timeout(10000)")
	}
	if q.Get("_time_format") == "" {
		q.Set("_time_format", "sqlite")
	}
	if !q.Has("_dqs") {
		// SQLITE_DBCONFIG_DQS_DML and _DDL off: "nope" names a column or
		// fails with "no such column", as on the other databases.
		q.Set("_dqs", "0")
	}
	return base + "?" + q.Encode()
}
