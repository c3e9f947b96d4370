package postgres

import (
	"context"
	"testing"
	"time"
)

// TestPoolRowsReleaseTheirConnection: rows of a query outside a transaction
// hold a pool connection of their own, given back when they are read to the
// end (even unclosed, as pgxpool's rows do), when they are closed early,
// and when the query fails; rows read concurrently hold one each. With a
// pool of one connection a leak blocks the next query, so each step runs
// under a deadline.
func TestPoolRowsReleaseTheirConnection(t *testing.T) {
	db, table := pgTestDB(t)
	poolOf(db).Reset()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "INSERT INTO "+table+" (id, v) SELECT g, 'v' || g FROM generate_series(1, 50) g"); err != nil {
		t.Fatal(err)
	}
	read := func(close bool, upTo int) int {
		t.Helper()
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		rows, err := db.QueryContext(ctx, "SELECT id, v FROM "+table+" ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for n < upTo && rows.Next() {
			var id int
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				t.Fatal(err)
			}
			n++
		}
		if close {
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
		}
		return n
	}
	for range 3 {
		if n := read(false, 1000); n != 50 { // to the end, never closed
			t.Fatalf("read %d rows, want 50", n)
		}
		waitIdle(t, db)
	}
	for range 3 {
		read(true, 5) // closed early
		waitIdle(t, db)
	}
	// A failing query gives its connection back too.
	if _, err := db.QueryContext(ctx, "SELECT nope FROM "+table); err == nil {
		t.Fatal("a query of a missing column did not fail")
	}
	waitIdle(t, db)
	// A query failing on a later row: the error ends the rows, and the
	// connection goes back without a Close.
	if rows, err := db.QueryContext(ctx, "SELECT 1/(id-25) FROM "+table+" ORDER BY id"); err == nil {
		for rows.Next() {
		}
		if rows.Err() == nil {
			t.Fatal("a division by zero on row 25 did not fail")
		}
	}
	waitIdle(t, db)
	// Two result sets open at once hold two connections.
	a, err := db.QueryContext(ctx, "SELECT id FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.QueryContext(ctx, "SELECT id FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	if got := poolOf(db).Stat().AcquiredConns(); got != 2 {
		t.Errorf("two open result sets hold %d connections, want 2", got)
	}
	a.Close()
	b.Close()
	waitIdle(t, db)
}
