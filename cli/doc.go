// Package cli is the unitorm command line as a library: schema:create,
// schema:update, schema:drop, schema:fresh, migration:create, migration:up,
// migration:down, migration:list, migration:pending, migration:check,
// generate-entities, database:create, database:import and debug.
//
// Go has no way to discover a program's entity types at run time, so the
// verbs that need entities run from a small program of your own that
// registers them and hands over to Main:
//
//	// cmd/unitorm/main.go in your module
//	package main
//
//	import (
//		"os"
//
//		"example.com/app/models"
//		"github.com/unitorm/unitorm/cli"
//	)
//
//	func main() {
//		os.Exit(cli.Main(os.Args[1:], cli.Config{Entities: models.Entities()}))
//	}
//
// The stock command github.com/unitorm/unitorm/cmd/unitorm is that program
// without entities: it runs the verbs that need none (database:*,
// migration:up/down/list/pending, migration:create --blank,
// generate-entities, debug) and explains what to do for the others.
//
// Settings come, strongest first, from flags (--driver, --dsn, --config,
// --migrations-dir, --migrations-table), the environment (UNITORM_DRIVER,
// UNITORM_DSN, UNITORM_CONFIG, UNITORM_MIGRATIONS_DIR,
// UNITORM_MIGRATIONS_TABLE), a JSON config file (./unitorm.json, or the one
// named by --config / UNITORM_CONFIG):
//
//	{"driver": "postgres", "dsn": "postgres://...", "migrationsDir": "db/migrations", "migrationsTable": "unitorm_migrations"}
//
// and last Config. Exit codes: 0 done, 1 the operation failed (or
// migration:check found pending migrations or differences), 2 bad usage or
// configuration.
package cli
