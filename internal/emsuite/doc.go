// Package emsuite is the behaviour suite of the EntityManager, Identity Map
// and Unit of Work (packages em, uow and sqldb behind unitorm.Open), run on
// every SQL backend: SQLite, PostgreSQL, MySQL (the mysql dialect: no
// RETURNING, generated keys from LastInsertId) and MariaDB.
//
// Every test opens its own ORM on a fresh namespace, creates the tables with
// ORM.CreateSchema, and checks what ran through Config.OnQuery: statement
// counts and order are asserted, not read by eye. Its tests are ordinary Test functions
// listed in tests.go; each module runs them from a TestSuite of its own: the
// root module on SQLite (internal/testkit's own provider), integration/emtest
// on every backend the harness serves.
package emsuite
