package cli

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/migrate"
)

// DSNs are written per driver, so creating the database a DSN names is
// driver-specific: the dialect value picks how.

var pgDBName = regexp.MustCompile(`(^|\s)dbname=\S*`)

// pgAdminDSN returns dsn pointing at the postgres maintenance database.
func pgAdminDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/postgres"
		return u.String()
	}
	if pgDBName.MatchString(dsn) {
		return pgDBName.ReplaceAllString(dsn, "${1}dbname=postgres")
	}
	return dsn + " dbname=postgres"
}

func createDatabase(ctx context.Context, r *run) error {
	d, err := dialect.ByName(r.set.Driver)
	if err != nil {
		return &usageError{err}
	}
	if r.set.DSN == "" {
		return usagef("no DSN: give --dsn, %s or \"dsn\" in %s", EnvDSN, DefaultConfigFile)
	}
	switch d {
	case dialect.Postgres:
		cfg, err := pgx.ParseConfig(r.set.DSN)
		if err != nil {
			return &usageError{fmt.Errorf("postgres DSN: %w", err)}
		}
		name := cfg.Database
		admin, err := driver.OpenDB(ctx, r.set.Driver, pgAdminDSN(r.set.DSN))
		if err != nil {
			return err
		}
		defer admin.Close()
		var n int
		if err := admin.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			r.logf("database:create: database %s already exists", name)
			return nil
		}
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+d.QuoteIdent(name)); err != nil {
			return err
		}
		r.logf("database:create: created database %s", name)
	case dialect.MySQL, dialect.MariaDB:
		cfg, err := mysql.ParseDSN(r.set.DSN)
		if err != nil {
			return &usageError{fmt.Errorf("mysql DSN: %w", err)}
		}
		name := cfg.DBName
		if name == "" {
			return usagef("the DSN names no database")
		}
		cfg.DBName = ""
		admin, err := driver.OpenDB(ctx, r.set.Driver, cfg.FormatDSN())
		if err != nil {
			return err
		}
		defer admin.Close()
		stmt := "CREATE DATABASE IF NOT EXISTS " + d.QuoteIdent(name)
		if coll := d.CaseInsensitiveCollation(); coll != "" {
			charset, _, _ := strings.Cut(coll, "_")
			stmt += " CHARACTER SET " + charset + " COLLATE " + coll
		}
		if _, err := admin.ExecContext(ctx, stmt); err != nil {
			return err
		}
		r.logf("database:create: database %s is there", name)
	default: // SQLite: opening the file creates it
		db, err := driver.OpenDB(ctx, r.set.Driver, r.set.DSN)
		if err != nil {
			return err
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "PRAGMA user_version"); err != nil {
			return err
		}
		r.logf("database:create: database %s is there", r.set.DSN)
	}
	return nil
}

func init() {
	register(&command{
		name: "database:create", summary: "create the database named in the DSN",
		help: "Creates the database the DSN names (PostgreSQL: through the postgres database; MySQL/MariaDB: with utf8mb4;\n" +
			"SQLite: the file). Succeeds when it already exists.",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			return createDatabase
		},
	})
	register(&command{
		name: "database:import", args: " <file.sql>", summary: "run the SQL statements of a file",
		help: "Runs the statements of a SQL file in order on one connection (split at semicolons outside strings, quoted\n" +
			"names, comments and dollar quotes), printing progress; stops at the first failing statement.",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			return func(ctx context.Context, r *run) error {
				if len(r.args) != 1 {
					return usagef("give exactly one SQL file")
				}
				data, err := os.ReadFile(r.args[0])
				if err != nil {
					return err
				}
				stmts := migrate.SplitStatements(string(data))
				db, err := r.open(ctx)
				if err != nil {
					return err
				}
				defer db.Close()
				conn, err := db.Session(ctx)
				if err != nil {
					return err
				}
				defer conn.Close()
				for i, s := range stmts {
					if _, err := conn.ExecContext(ctx, s); err != nil {
						return fmt.Errorf("statement %d of %d: %w\n%s", i+1, len(stmts), err, s)
					}
					if (i+1)%100 == 0 {
						r.logf("database:import: %d/%d statements", i+1, len(stmts))
					}
				}
				r.logf("database:import: %d statements from %s", len(stmts), r.args[0])
				return nil
			}
		},
	})
}
