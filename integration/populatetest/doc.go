// Package populatetest runs the populate suite (internal/populatesuite) on
// every SQL backend the harness serves. The root module runs the same suite
// on SQLite alone.
package populatetest
