// Package schematest runs package schema, migrate and the unitorm CLI
// against real databases: every SQL backend of the harness.
//
// Its non-test files hold the entity model the tests share.
package schematest
