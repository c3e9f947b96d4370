package qbtest

import (
	"context"
	"testing"

	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/sqldb"
)

// TestUnknownQuotedIdentifierFails: a quoted name that is no column is an
// error on every database. SQLite would otherwise take "nope" for the
// string 'nope' and match every row.
func TestUnknownQuotedIdentifierFails(t *testing.T) {
	seeded(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		var titles []string
		q := qb.Select("title").From("book").Where(qb.Cond{"nope": "nope"})
		if err := q.Scan(ctx, db.Executor(), &titles); err == nil {
			t.Fatalf("condition on an unknown column matched %d rows, want an error", len(titles))
		}
		if _, err := db.Executor().QueryMaps(ctx, qb.Select("nope").From("book")); err == nil {
			t.Fatal("selecting an unknown column succeeded")
		}
		if _, err := db.Executor().Exec(ctx, qb.Update("book").Set("nope", "x")); err == nil {
			t.Fatal("updating an unknown column succeeded")
		}
	})
}

// TestSessionsAreUTC: every session runs in UTC and UTF-8, so that
// timestamps the database formats or converts read the same everywhere
// (SQLite has no session time zone: its text encoding is checked).
func TestSessionsAreUTC(t *testing.T) {
	seeded(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		var q string
		switch db.Dialect().Name() {
		case "postgres":
			q = "SELECT current_setting('TimeZone') || ' ' || current_setting('client_encoding')"
		case "sqlite":
			q = "SELECT encoding FROM pragma_encoding"
		default:
			q = "SELECT CONCAT(@@session.time_zone, ' ', @@character_set_client)"
		}
		var got string
		if err := db.QueryRowContext(ctx, q).Scan(&got); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"postgres": "UTC UTF8", "sqlite": "UTF-8"}[db.Dialect().Name()]
		if want == "" {
			want = "+00:00 utf8mb4"
		}
		if got != want {
			t.Errorf("session = %q, want %q", got, want)
		}
	})
}
