package qb_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/sqldb"
)

// The execution tests run the built statements on a real SQLite database
// (modernc.org/sqlite through sqldb, which registers unitorm_fold and
// regexp) and check the rows that come back. integration/qbtest runs a
// larger suite on every SQL backend.

type book struct {
	ID       int64           `db:"id"`
	AuthorID sql.NullInt64   `db:"author_id"`
	Title    string          `db:"title"`
	Price    sql.NullFloat64 `db:"price"`
}

var titles = []string{"Ärger im Paradies", "ärger", "Apple", "apple pie", "100% pure", "under_score", "star*glob?", "Zebra"}

func openSQLite(t *testing.T) *sqldb.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.OpenDB(ctx, "file:"+t.TempDir()+"/x.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, ddl := range []string{
		`CREATE TABLE author (id integer PRIMARY KEY, name text NOT NULL)`,
		`CREATE TABLE book (id integer PRIMARY KEY, author_id integer REFERENCES author (id),
			title text NOT NULL, price real)`,
	} {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(t, db, qb.InsertInto("author").Columns("id", "name").Values(1, "Ann").Values(2, "Bob").Values(3, "Cid"))
	ins := qb.InsertInto("book").Columns("id", "author_id", "title", "price")
	prices := []any{10.0, nil, 5.0, 7.5, nil, 20.0, 1.0, 12.0}
	for i, title := range titles {
		ins = ins.Values(i+1, i%2+1, title, prices[i])
	}
	mustExec(t, db, ins)
	return db
}

func mustExec(t *testing.T, db qb.Runner, s qb.Statement) sql.Result {
	t.Helper()
	res, err := qb.Exec(context.Background(), db, s)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func titlesOf(t *testing.T, db qb.Runner, q qb.SelectQuery) []string {
	t.Helper()
	var out []string
	if err := q.Scan(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSQLiteLike(t *testing.T) {
	db := openSQLite(t)
	tests := []struct {
		cond qb.Condition
		want []string
	}{
		{qb.Cond{"title": qb.Like("A%")}, []string{"Apple"}},
		{qb.Cond{"title": qb.Like("a%")}, []string{"apple pie"}},
		{qb.Cond{"title": qb.Like("Ä%")}, []string{"Ärger im Paradies"}},
		{qb.Cond{"title": qb.Like("ä%")}, []string{"ärger"}},
		{qb.Cond{"title": qb.Like("_pple")}, []string{"Apple"}},
		{qb.Cond{"title": qb.Like(`100\%%`)}, []string{"100% pure"}},
		{qb.Cond{"title": qb.Like(`%r\_s%`)}, []string{"under_score"}},
		{qb.Cond{"title": qb.Like("star*%")}, []string{"star*glob?"}},
		{qb.Cond{"title": qb.Like("%?")}, []string{"star*glob?"}},
		{qb.Cond{"title": qb.Like("[a]%")}, nil},
		{qb.Cond{"title": qb.ILike("ä%")}, []string{"Ärger im Paradies", "ärger"}},
		{qb.Cond{"title": qb.ILike("ÄRGER")}, []string{"ärger"}},
		{qb.Cond{"title": qb.ILike("APPLE%")}, []string{"Apple", "apple pie"}},
		{qb.Cond{"title": qb.ILike(`%\_%`)}, []string{"under_score"}},
		{qb.Cond{"title": qb.Re("^[A-Z][a-z]+$")}, []string{"Apple", "Zebra"}},
		{qb.Not(qb.Cond{"title": qb.Like("%e%")}), []string{"star*glob?"}},
	}
	for _, tt := range tests {
		q := qb.Select("title").From("book").Where(tt.cond).OrderBy("id", qb.Asc)
		if got := titlesOf(t, db, q); !slices.Equal(got, tt.want) {
			s, args, _ := q.ToSQL(db.Dialect())
			t.Errorf("%s %v: got %q, want %q", s, args, got, tt.want)
		}
	}
}

func TestSQLiteNullsOrder(t *testing.T) {
	db := openSQLite(t)
	tests := []struct {
		dir   qb.Direction
		nulls qb.Nulls
		want  []int64
	}{
		{qb.Asc, qb.NullsFirst, []int64{2, 5, 7, 3, 4, 1, 8, 6}},
		{qb.Asc, qb.NullsLast, []int64{7, 3, 4, 1, 8, 6, 2, 5}},
		{qb.Desc, qb.NullsFirst, []int64{2, 5, 6, 8, 1, 4, 3, 7}},
		{qb.Desc, qb.NullsLast, []int64{6, 8, 1, 4, 3, 7, 2, 5}},
	}
	for _, tt := range tests {
		var ids []int64
		q := qb.Select("id").From("book").OrderBy("price", tt.dir, tt.nulls).OrderBy("id", qb.Asc)
		if err := q.Scan(context.Background(), db, &ids); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids, tt.want) {
			t.Errorf("%s %d: got %v, want %v", tt.dir, tt.nulls, ids, tt.want)
		}
	}
}

func TestSQLiteRunHelpers(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()

	var bs []book
	q := qb.Select("b.*").From("book b").Join("author a", "a.id = b.author_id").
		Where(qb.Cond{"a.name": "Ann", "b.price": qb.Gte(5)}).OrderBy("b.price", qb.Desc).Limit(2)
	if err := q.Scan(ctx, db, &bs); err != nil {
		t.Fatal(err)
	}
	want := []book{
		{ID: 1, AuthorID: sql.NullInt64{Int64: 1, Valid: true}, Title: "Ärger im Paradies", Price: sql.NullFloat64{Float64: 10, Valid: true}},
		{ID: 3, AuthorID: sql.NullInt64{Int64: 1, Valid: true}, Title: "Apple", Price: sql.NullFloat64{Float64: 5, Valid: true}},
	}
	if !reflect.DeepEqual(bs, want) {
		t.Errorf("structs: %+v", bs)
	}

	var ms []map[string]any
	if err := qb.Select("a.name", qb.Count("b.id").As("n")).From("author a").LeftJoin("book b", "b.author_id = a.id").
		GroupBy("a.name").OrderBy("a.name", qb.Asc).Scan(ctx, db, &ms); err != nil {
		t.Fatal(err)
	}
	wantMaps := []map[string]any{{"name": "Ann", "n": int64(4)}, {"name": "Bob", "n": int64(4)}, {"name": "Cid", "n": int64(0)}}
	if !reflect.DeepEqual(ms, wantMaps) {
		t.Errorf("maps: %#v", ms)
	}

	var one book
	if err := qb.Select().From("book").Where(qb.Cond{"title": "Zebra"}).First(ctx, db, &one); err != nil || one.ID != 8 {
		t.Errorf("First: %+v %v", one, err)
	}
	err := qb.Select().From("book").Where(qb.Cond{"title": "nope"}).First(ctx, db, &one)
	if !errors.Is(err, qb.ErrNoRows) || !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("First without rows: %v", err)
	}
	var m map[string]any
	if err := qb.Select("title").From("book").Where(qb.Cond{"id": 3}).First(ctx, db, &m); err != nil || m["title"] != "Apple" {
		t.Errorf("First map: %v %v", m, err)
	}

	n, err := qb.Select().From("book").Where(qb.Cond{"price": qb.Gt(5)}).OrderBy("id", qb.Asc).Limit(1).Count(ctx, db)
	if err != nil || n != 4 {
		t.Errorf("Count = %d, %v; want 4", n, err)
	}
	n, err = qb.Select("author_id").Distinct().From("book").Count(ctx, db)
	if err != nil || n != 2 {
		t.Errorf("Count distinct = %d, %v; want 2", n, err)
	}

	rows, err := qb.Select("id").From("book").WhereIn("id", 2, 4).OrderBy("id", qb.Desc).Rows(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if !slices.Equal(ids, []int64{4, 2}) {
		t.Errorf("Rows: %v", ids)
	}

	_, err = qb.Select().From("no_such_table").Count(ctx, db)
	var qe *qb.QueryError
	if !errors.As(err, &qe) || qe.SQL != `SELECT count(*) FROM "no_such_table"` {
		t.Errorf("driver error not wrapped with the SQL: %v", err)
	}
	if err := q.First(ctx, db, &bs); !errors.Is(err, qb.ErrInvalidValue) {
		t.Errorf("First into a slice: %v", err)
	}
}

func TestSQLiteWrites(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()

	// DELETE ... RETURNING works on SQLite (Knex drops it silently).
	var gone []book
	if err := qb.DeleteFrom("book").Where(qb.Cond{"price": nil}).Returning("id", "title").Scan(ctx, db, &gone); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(gone, func(a, b book) int { return int(a.ID - b.ID) })
	if len(gone) != 2 || gone[0].Title != "ärger" || gone[1].Title != "100% pure" {
		t.Errorf("deleted %+v", gone)
	}

	var got []book
	if err := qb.Update("book").Increment("price", 1).Where(qb.Cond{"id": []int{1, 3}}).Returning("id", "price").Scan(ctx, db, &got); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b book) int { return int(a.ID - b.ID) })
	if len(got) != 2 || got[0].Price.Float64 != 11 || got[1].Price.Float64 != 6 {
		t.Errorf("incremented %+v", got)
	}

	up := qb.InsertInto("book").Columns("id", "title", "price").Values(3, "Apple 2", 99).Values(100, "New", 1).OnConflict("id")
	mustExec(t, db, up.Merge("title"))
	mustExec(t, db, up.Values(101, "Newer", 2).Ignore())
	var rows []book
	if err := qb.Select("id", "title", "price").From("book").WhereIn("id", 3, 100, 101).OrderBy("id", qb.Asc).Scan(ctx, db, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Title != "Apple 2" || rows[0].Price.Float64 != 6 || rows[1].Title != "New" || rows[2].Title != "Newer" {
		t.Errorf("after upserts: %+v", rows)
	}

	mustExec(t, db, qb.Truncate("book"))
	if n, err := qb.Select().From("book").Count(ctx, db); err != nil || n != 0 {
		t.Errorf("after truncate: %d %v", n, err)
	}
}
