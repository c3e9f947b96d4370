// Package unitorm is a Go ORM built on MikroORM's ideas: entities are plain
// structs (Data Mapper); an EntityManager holds one instance per row (Identity
// Map) and writes what changed at Flush, ordered by foreign keys, batched,
// in one transaction (Unit of Work). Queries use a Knex-style builder (package
// qb) rendered for PostgreSQL, MySQL, MariaDB and SQLite.
//
//	orm, err := unitorm.Open(ctx, sqlite.Open("file:app.db"), unitorm.Config{
//		Entities: []any{Author{}, Book{}},
//	})
//	m := orm.Fork() // one EntityManager per request or job
//	m.Persist(&Book{Title: "My Life", Author: &Author{Name: "Jon"}})
//	err = m.Flush(ctx) // INSERT author; INSERT book — one transaction
//
// This package is the front door: Open, Config and the ORM, plus aliases of
// the types entity code names (Collection) and of the errors callers check.
// It links no database driver: the Connector given to Open comes from the
// driver package of the database the program uses (driver/postgres,
// driver/mysql, driver/sqlite, driver/mongo), the way GORM and bun ship
// theirs.
package unitorm
