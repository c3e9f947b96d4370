// Package unitorm is a Go ORM built on MikroORM's ideas: entities are plain
// structs (Data Mapper); an EntityManager holds one instance per row (Identity
// Map) and writes what changed at Flush, ordered by foreign keys, batched,
// in one transaction (Unit of Work). Queries use a Knex-style builder (package
// qb) rendered for PostgreSQL, MySQL, MariaDB and SQLite.
//
//	orm, err := unitorm.Open(ctx, unitorm.Config{
//		Driver: "sqlite", DSN: "file:app.db",
//		Entities: []any{Author{}, Book{}},
//	})
//	m := orm.Fork() // one EntityManager per request or job
//	m.Persist(&Book{Title: "My Life", Author: &Author{Name: "Jon"}})
//	err = m.Flush(ctx) // INSERT author; INSERT book — one transaction
//
// This package is the front door: Open, Config and the ORM, plus aliases of
// the types entity code names (Collection) and of the errors callers check.
package unitorm
