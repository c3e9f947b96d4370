package qbtest

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/sqldb"
)

func TestMain(m *testing.M) { harness.Main(m) }

type book struct {
	ID       int64           `db:"id"`
	AuthorID sql.NullInt64   `db:"author_id"`
	Title    string          `db:"title"`
	ISBN     string          `db:"isbn"`
	Price    sql.NullFloat64 `db:"price"`
	Stock    int64           `db:"stock"`
}

// The seed data. Prices have NULLs for the NULLS FIRST/LAST tests; titles
// have upper and lower case, non-ASCII letters and LIKE/GLOB metacharacters.
var seedBooks = []book{
	{1, ni(1), "Ärger im Paradies", "i1", nf(10), 3},
	{2, ni(1), "ärger", "i2", sql.NullFloat64{}, 0},
	{3, ni(2), "Apple", "i3", nf(5), 1},
	{4, ni(2), "apple pie", "i4", nf(7.5), 2},
	{5, ni(1), "100% pure", "i5", sql.NullFloat64{}, 0},
	{6, ni(3), "under_score", "i6", nf(20), 5},
	{7, ni(3), "star*glob?", "i7", nf(1), 1},
	{8, sql.NullInt64{}, "Zebra", "i8", nf(12), 4},
}

func ni(v int64) sql.NullInt64     { return sql.NullInt64{Int64: v, Valid: true} }
func nf(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }

// seeded returns a database on each backend with the author and book tables
// filled in.
func seeded(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		for _, ddl := range []string{
			`CREATE TABLE author (id integer NOT NULL PRIMARY KEY, name varchar(100) NOT NULL, born integer)`,
			`CREATE TABLE book (id integer NOT NULL PRIMARY KEY, author_id integer REFERENCES author (id),
				title varchar(100) NOT NULL, isbn varchar(20) NOT NULL UNIQUE, price double precision,
				stock integer NOT NULL DEFAULT 0)`,
		} {
			if _, err := db.ExecContext(ctx, ddl); err != nil {
				t.Fatal(err)
			}
		}
		authors := qb.InsertInto("author").Columns("id", "name", "born").
			Values(1, "Ann", 1970).Values(2, "Bob", nil).Values(3, "Cid", 1980).Values(4, "Dee", nil)
		mustExec(t, db, authors)
		ins := qb.InsertInto("book")
		for _, b := range seedBooks {
			m := map[string]any{"id": b.ID, "author_id": b.AuthorID, "title": b.Title, "isbn": b.ISBN, "price": b.Price, "stock": b.Stock}
			ins = ins.ValuesMap(m)
		}
		mustExec(t, db, ins)
		fn(t, db)
	})
}

func mustExec(t *testing.T, r qb.Runner, s qb.Statement) sql.Result {
	t.Helper()
	res, err := qb.Exec(context.Background(), r, s)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// ids runs q, which selects one integer column, and returns its values.
func ids(t *testing.T, r qb.Runner, q qb.SelectQuery) []int64 {
	t.Helper()
	out := []int64{}
	if err := q.Scan(context.Background(), r, &out); err != nil {
		s, args, _ := q.ToSQL(r.Dialect())
		t.Fatalf("%v\n%s %v", err, s, args)
	}
	return out
}

func checkIDs(t *testing.T, r qb.Runner, name string, q qb.SelectQuery, want ...int64) {
	t.Helper()
	if want == nil {
		want = []int64{}
	}
	if got := ids(t, r, q); !slices.Equal(got, want) {
		s, args, _ := q.ToSQL(r.Dialect())
		t.Errorf("%s: got %v, want %v\n%s %v", name, got, want, s, args)
	}
}

// isMariaDB reports whether the server behind db is MariaDB (which stands in
// for MySQL on the development machines).
func isMariaDB(t *testing.T, db *sqldb.DB) bool {
	var v string
	if err := db.QueryRowContext(context.Background(), "SELECT version()").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return strings.Contains(v, "MariaDB")
}
