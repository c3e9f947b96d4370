// Package mongo is unitorm's MongoDB driver: the same entities, qb
// conditions, Identity Map, Unit of Work and populate paths as the SQL
// drivers, over the official Go driver v2.
//
// # Documents
//
// An entity is stored in the collection named like its table. Each column
// is a document field named like the column; the primary key is _id. A key
// of type bson.ObjectID (or any [12]byte type) is stored as it is; a string
// key holds an ObjectID's hex form and is stored as the ObjectID (MikroORM's
// id/_id pair). New entities without a key get an ObjectID at Flush; integer
// keys must be set by the application, since MongoDB generates no integers.
// An invalid hex string or the zero ObjectID is ErrInvalidObjectID, found
// before anything is sent.
//
// A to-one relation is the referenced key; an owning many-to-many relation
// is an array of the targets' keys in the owner's document, named by
// ArrayField (Book.Tags → tags); there is no pivot collection. type=json
// fields are embedded documents or arrays (bson tags apply). nil values are
// left out of inserted documents and $unset by updates; zero values are
// written. Times are stored at MongoDB's millisecond precision.
//
// # Queries
//
// A qb select of one entity becomes a find: conditions become filters (see
// Filter for the operators), ORDER BY a sort, LIMIT and OFFSET limit and
// skip. Joins (conditions through relations, the joined populate strategy)
// are ErrJoin, raw SQL and subqueries ErrUnsupported. Populate uses one $in
// query per level; many-to-many collections are read from the owners'
// arrays (populate's ArrayManyToMany option), their inverse sides with an
// $in on the owners' arrays. Pipeline builds aggregations.
//
// # Flush and transactions
//
// Execute runs a flush plan with one round trip per step (an ordered insert
// command per insert step, split only past the server's batch limits; a
// BulkWrite per update, pivot or delete step) after building every write,
// so bad input fails with nothing sent. On FerretDB (whose update commands
// of 100 statements or more never answer, and whose ordered inserts of
// more than 100 documents go on past a failure) a step's commands carry at
// most 99 statements each, in order. Deleting an entity also pulls its
// key out of the many-to-many arrays holding it (one more round trip per
// such relation) and unsets the to-one references to it (deletes the
// referencing documents, one level deep, for onDelete=cascade), as foreign
// keys would in SQL. A relink step (one-to-many items written through an
// unloaded collection) is one updateMany per change; unlink steps (which
// break foreign-key cycles in SQL) write nothing.
// Versioned entities are matched on their version; a mismatch is
// uow.ErrOptimisticLock.
//
// On a replica set or mongos, Begin starts a transaction in a session that
// every operation of the Tx carries in its context. MongoDB has no
// savepoints: RollbackTo aborts the whole transaction. A standalone mongod
// or FerretDB has no transactions: Begin returns a *TransactionsError
// saying why (Transactional fails at start), NoTransactions reports true so
// that the EntityManager flushes without a transaction, and a flush that
// fails after some writes returns a *PartialWriteError listing exactly what
// the server kept. Entities are left as they were before a failed flush in
// every case.
//
// EnsureIndexes creates the unique, plain and compound indexes the
// entities declare.
package mongo
