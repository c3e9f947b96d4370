// Package qb is unitorm's Knex-style query builder and its dialect-neutral
// query model.
//
// Conditions are built from MikroORM-style filter objects (Cond, And, Or,
// Not and the operator constructors Eq, In, Like, ...) or with the fluent
// Where methods, and are normalized into a small exported tree (Compare,
// Logical, NotExpr, RawExpr, ExistsExpr, AggCompare) that other layers walk:
// the EntityManager rewrites field names with MapFields, and the MongoDB
// driver renders the same tree to bson.
//
// Statements (SelectQuery, InsertQuery, UpdateQuery, DeleteQuery,
// TruncateQuery) are values: every method returns a new builder, so a base
// query can be reused for several derived queries without one leaking into
// another. The first error is kept and returned by ToSQL or the run methods.
//
// ToSQL renders for one dialect.Dialect. Values are always bound parameters,
// identifiers are validated and quoted, and what differs between databases is
// asked of the dialect's capabilities, never of its name. Notable choices:
//
//   - $like is case-sensitive on every database: LIKE on PostgreSQL, LIKE with
//     the dialect's binary collation on MySQL/MariaDB, and GLOB with a
//     translated pattern where neither exists (SQLite).
//   - $ilike is case-insensitive for non-ASCII letters too, and, like
//     PostgreSQL's ILIKE, accent-sensitive: ILIKE on PostgreSQL; the dialect's
//     fold function on both sides on SQLite (unitorm_fold, registered by
//     sqldb); lower() on both sides under the binary collation on MySQL and
//     MariaDB (their utf8mb4_general_ci would also match 'Ärger' with 'arger').
//   - LIKE patterns use the dialect's escape character (backslash), written
//     out as an explicit ESCAPE clause.
//   - ORDER BY ... NULLS FIRST/LAST is emulated where missing with
//     (col IS NULL) before the column, which keeps the column's own direction.
//   - Row locks (FOR UPDATE/SHARE, SKIP LOCKED, NOWAIT) are left out on a
//     database without row locks (SQLite locks the whole database for writing).
//   - An empty IN list renders as 1=0 (NOT IN as 1=1); an OFFSET without LIMIT
//     gets LIMIT 9223372036854775807, which every supported database accepts.
//
// Raw fragments (Raw, WhereRaw, ...) bind values with ? and quote identifiers
// with ??; \? writes a literal question mark (useful for PostgreSQL's jsonb
// operators; on databases whose placeholder is ? the driver would take it for
// one). Question marks inside quotes in raw SQL are placeholders too: bind
// such literals as values. A squirrel.Sqlizer (in squirrel's default
// Question format) is accepted as a value or subquery, and as a condition
// through the Squirrel adapter, with squirrel's own placeholder rules.
//
// Condition is a type (any Expr: Cond, Raw, And, Or, ...), so a bare value
// where a condition belongs is a compile error.
//
// The Knex forms beyond the basics: Intersect/Except (and their ALL forms),
// DistinctOn (PostgreSQL), tuple IN (InTuples, WhereInTuples), named
// bindings (RawNamed: :name values, :name: identifiers), the Or… where
// helpers and WhereNotGroup, OrderByColumns, Knex-style join conditions
// (On, OrOn, AndOnVal, OnIn, ...), InnerJoinSub/LeftJoinSub and bound
// literals in select lists (Lit). A form a dialect lacks is ErrUnsupported
// naming the dialect. Some, None and Every are conditions on the items of an
// entity's to-many relation, for the EntityManager.
//
// The run methods (Exec, Scan, Rows, First, Count) take a context and a
// Runner, such as sqldb.DB, and are meant for queries that are not about
// entities.
package qb
