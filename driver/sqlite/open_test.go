package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/sqldb"
)

func openSQLite(t *testing.T) *sqldb.DB {
	t.Helper()
	db, err := OpenDB(context.Background(), "file:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenSQLiteFunctions(t *testing.T) {
	db := openSQLite(t)
	if db.Dialect() != dialect.SQLite {
		t.Fatalf("dialect = %v", db.Dialect())
	}
	var folded string
	if err := db.QueryRowContext(context.Background(), "SELECT unitorm_fold(?)", "ÄRGER Straße").Scan(&folded); err != nil {
		t.Fatal(err)
	}
	if folded != "ärger straße" {
		t.Errorf("unitorm_fold = %q", folded)
	}
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT ? REGEXP ?", "book-42", `^book-\d+$`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("REGEXP matched %d, want 1", n)
	}
	if err := db.QueryRowContext(context.Background(), "SELECT 'x' REGEXP '('").Scan(&n); err == nil {
		t.Error("bad pattern gave no error")
	}
}

func TestOpenSQLiteForeignKeysOn(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	var on int
	if err := db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil {
		t.Fatal(err)
	}
	if on != 1 {
		t.Fatalf("foreign_keys = %d", on)
	}
}

func TestOpenMemoryKeepsOneDatabase(t *testing.T) {
	ctx := context.Background()
	db, err := OpenDB(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (id integer)"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ { // would hit fresh connections without the pool limit
		if _, err := db.ExecContext(ctx, "INSERT INTO t VALUES (?)", i); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSQLiteDSN(t *testing.T) {
	got := strictDSN("file:x.db?_pragma=foreign_keys(0)")
	if want := "file:x.db?_dqs=0&_pragma=foreign_keys%280%29&_pragma=busy_timeout%2810000%29&_time_format=sqlite"; got != want {
		t.Errorf("sqliteDSN = %s\nwant        %s", got, want)
	}
	if got := strictDSN("file:x.db?_dqs=1"); !strings.Contains(got, "_dqs=1") || strings.Contains(got, "_dqs=0") {
		t.Errorf("sqliteDSN overrides the DSN's _dqs: %s", got)
	}
}

// TestSQLiteDoubleQuotedNameIsNoString: "nope" is an unknown column, not
// the string 'nope'.
func TestSQLiteDoubleQuotedNameIsNoString(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id integer)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE "nope" = 'nope'`).Scan(&n)
	if err == nil || !strings.Contains(err.Error(), "no such column") {
		t.Fatalf("err = %v (count %d), want no such column", err, n)
	}
}
