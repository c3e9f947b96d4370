// Package benchmarks compares unitorm with raw pgx, pgx through
// database/sql, sqlx, GORM and bun on the same database, the same schema,
// the same data and one connection each.
//
// It is a separate module so that the peers it measures never become
// dependencies of unitorm itself. Everything lives in _test.go files:
//
//   - BenchmarkInsert, BenchmarkInsertMulti, BenchmarkUpdate, BenchmarkRead
//     and BenchmarkReadSlice: the five operations of the common Go ORM
//     benchmark (efectn/go-orm-benchmarks), one sub-benchmark per library;
//   - BenchmarkUoW: MikroORM's Unit of Work benchmark (insert, find, update,
//     remove of n entities) on SQLite, PostgreSQL and MariaDB, with a
//     hand-written pgx baseline on PostgreSQL;
//   - BenchmarkPopulate: author.books.tags against hand-written pgx;
//   - TestOpsAgree: each library's five operations once, checked, so that a
//     benchmark that stopped doing the work fails the test suite.
//
// run.sh runs them and cmd/report writes RESULTS.md; README.md says what
// each benchmark measures and how to rerun it.
package benchmarks
