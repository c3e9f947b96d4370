// Package benchmarks compares unitorm with raw pgx, sqlx, GORM and bun on the
// same database, same statements and same data.
//
// It is a separate module so that the peers it measures never become
// dependencies of unitorm itself. The benchmarks are not written yet; this
// file keeps the module (and the go.work that ties it to the repository)
// resolvable until they are.
package benchmarks
