// Package querytest holds the integration tests of querying depth on every
// backend: conditions through to-many relations, cursor pagination and
// streaming (issue 16).
package querytest
