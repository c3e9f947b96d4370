// Package harness gives integration tests a real, empty database for every
// backend unitorm supports: SQLite, PostgreSQL, MySQL, MariaDB and MongoDB.
//
// # Where a backend comes from
//
// For each backend, the first of these that applies is used:
//
//  1. a server named by an environment variable (UNITORM_PG_DSN,
//     UNITORM_MYSQL_DSN, UNITORM_MARIADB_DSN, UNITORM_MONGO_URI);
//  2. a Docker container started with dockertest when a Docker daemon
//     answers, UNITORM_DOCKER is not "0" and the daemon has the backend's
//     image or can pull it: postgres:15, mysql:8, mariadb:10.11, mongo:7 (as
//     a single-node replica set), or the image named by UNITORM_PG_IMAGE,
//     UNITORM_MYSQL_IMAGE, UNITORM_MARIADB_IMAGE, UNITORM_MONGO_IMAGE.
//     Containers start once per test binary and backend, publish their port
//     on 127.0.0.1 only, are removed by [Main], and are killed and removed by
//     the daemon after UNITORM_DOCKER_EXPIRE (default: -test.timeout plus
//     five minutes) if the binary dies first;
//  3. an embedded server: SQLite always (a file in the test's temporary
//     directory); MongoDB when a starter was registered with
//     [RegisterEmbeddedMongo];
//  4. none: the test is skipped with a message naming the variables to set
//     (and, when the daemon answered but the image could not be had, the
//     image and the pull error).
//
// UNITORM_REQUIRE ("all" or a comma-separated list such as
// "sqlite,postgres,mariadb") turns step 4 into a test failure for the named
// backends, so that CI cannot pass by skipping.
//
// The choice itself is the pure function [Choose]; everything else in the
// package carries it out.
//
// # Isolation
//
// [DB], [DSN] and [NewTarget] create a fresh namespace for the calling test
// and remove it when the test ends: a schema on PostgreSQL (reached through
// search_path), a database on MySQL and MariaDB, a file on SQLite and a
// database on MongoDB ([MongoDB]). Tests that use different namespaces can run
// in parallel.
//
// A test binary that uses the package should call [Main] from its TestMain so
// that containers and embedded servers are stopped when it ends:
//
//	func TestMain(m *testing.M) { harness.Main(m) }
package harness
