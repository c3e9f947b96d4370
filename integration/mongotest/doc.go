// Package mongotest runs unitorm's behaviour suite on MongoDB: identity,
// change sets, batched flushes, optimistic locks, failed flushes, populate
// query counts, transactions (refused where the server has none),
// aggregation pipelines, indexes and bad input. The server comes from
// UNITORM_MONGO_URI, Docker (a single-node replica set), or embedded
// FerretDB (package embedmongo), through the harness.
package mongotest
