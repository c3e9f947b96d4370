// Command dbversion prints the server version of the benchmark databases
// ("postgres" or "mariadb"), for the report's header.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: dbversion postgres|mariadb")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "dbversion:", err)
		os.Exit(1)
	}
}

func run(which string) error {
	driver, dsn, query := "pgx", env("BENCH_PG_DSN", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "SHOW server_version"
	if which == "mariadb" {
		driver, dsn, query = "mysql", env("BENCH_MARIADB_DSN", "root@tcp(127.0.0.1:3306)/test"), "SELECT version()"
	} else if which != "postgres" {
		return fmt.Errorf("unknown database %q", which)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var v string
	if err := db.QueryRowContext(context.Background(), query).Scan(&v); err != nil {
		return err
	}
	fmt.Println(v)
	return nil
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
