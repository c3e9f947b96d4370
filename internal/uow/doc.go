// Package uow is unitorm's Unit of Work: the Identity Map (one instance per
// row), snapshots taken when rows are loaded or flushed, change sets computed
// by comparing entities with their snapshots, the commit order derived from
// the foreign-key graph, and the flush plan — an ordered list of steps that
// render to batched, chunked qb statements.
//
// Nothing here does I/O: a driver (package sqldb, or the MongoDB driver) runs
// the plan and reports generated keys back through it, and the plan records
// every change it makes to entities so that a failed flush can undo them.
package uow
