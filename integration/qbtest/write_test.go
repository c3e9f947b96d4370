package qbtest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/sqldb"
)

func byBookID(a, b book) int { return int(a.ID - b.ID) }

func books(t *testing.T, db qb.Runner, q qb.SelectQuery) []book {
	t.Helper()
	var out []book
	if err := q.OrderBy("id", qb.Asc).Scan(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestInsert(t *testing.T) {
	seeded(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		d := db.Dialect()
		ins := qb.InsertInto("book").Columns("id", "title", "isbn", "price").Values(9, "Nine", "i9", 9).Values(10, "Ten", "i10", nil)
		if d.Has(dialect.InsertReturning) {
			var got []book
			if err := ins.Returning("id", "title").Scan(ctx, db, &got); err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(got, byBookID)
			if len(got) != 2 || got[0].ID != 9 || got[1].Title != "Ten" {
				t.Errorf("returning: %+v", got)
			}
		} else {
			if _, err := ins.Returning("id").Exec(ctx, db); !errors.Is(err, qb.ErrUnsupported) {
				t.Errorf("returning without InsertReturning: %v", err)
			}
			res := mustExec(t, db, ins)
			if n, err := res.RowsAffected(); err != nil || n != 2 {
				t.Errorf("rows affected %d %v", n, err)
			}
		}
		got := books(t, db, qb.Select().From("book").Where(qb.Cond{"id": qb.Gte(9)}))
		want := []book{{ID: 9, Title: "Nine", ISBN: "i9", Price: nf(9)}, {ID: 10, Title: "Ten", ISBN: "i10"}}
		if !slices.Equal(got, want) {
			t.Errorf("inserted %+v", got)
		}

		// DEFAULT VALUES (or () VALUES ()) into a table with an identity column.
		def, inline := d.AutoIncrement(dialect.TypeInt64)
		ddl := "CREATE TABLE counter (id " + def + ", note varchar(10) DEFAULT 'x'"
		if !inline {
			ddl += ", PRIMARY KEY (id)"
		}
		if _, err := db.ExecContext(ctx, ddl+")"); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, qb.InsertInto("counter"))
		mustExec(t, db, qb.InsertInto("counter"))
		var notes []string
		if err := qb.Select("note").From("counter").OrderBy("id", qb.Asc).Scan(ctx, db, &notes); err != nil || !slices.Equal(notes, []string{"x", "x"}) {
			t.Errorf("default values: %v %v", notes, err)
		}

		// INSERT ... SELECT
		if _, err := db.ExecContext(ctx, "CREATE TABLE archive (id integer NOT NULL PRIMARY KEY, title varchar(100))"); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, qb.InsertInto("archive").Columns("id", "title").FromSelect(qb.Select("id", "title").From("book").Where(qb.Cond{"price": qb.Gt(10)})))
		checkIDs(t, db, "insert select", qb.Select("id").From("archive").OrderBy("id", qb.Asc), 6, 8)
	})
}

func TestUpsert(t *testing.T) {
	seeded(t, func(t *testing.T, db *sqldb.DB) {
		base := qb.InsertInto("book").Columns("id", "isbn", "title", "price")
		mustExec(t, db, base.Values(11, "i1", "Ärger 2", 11).Values(12, "i12", "Twelve", 12).OnConflict("isbn").Merge("title", "price"))
		mustExec(t, db, base.Values(13, "i2", "dup", 1).Values(14, "i14", "Fourteen", 1).OnConflict("isbn").Ignore())
		mustExec(t, db, qb.InsertInto("book").Columns("id", "isbn", "title", "stock").Values(3, "i3", "Apple 2", 9).OnConflict("isbn").Merge())
		got := books(t, db, qb.Select().From("book").WhereIn("id", 1, 2, 3, 11, 12, 13, 14))
		want := []book{
			{1, ni(1), "Ärger 2", "i1", nf(11), 3},
			{2, ni(1), "ärger", "i2", nf(0), 0},
			{3, ni(2), "Apple 2", "i3", nf(5), 9},
			{12, ni(0), "Twelve", "i12", nf(12), 0},
			{14, ni(0), "Fourteen", "i14", nf(1), 0},
		}
		want[1].Price.Valid = false
		want[3].AuthorID.Valid = false
		want[4].AuthorID.Valid = false
		if !slices.Equal(got, want) {
			t.Errorf("after upserts:\n got %+v\nwant %+v", got, want)
		}
	})
}

func TestUpdateDelete(t *testing.T) {
	seeded(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		d := db.Dialect()
		up := qb.Update("book").Increment("stock", 2).Decrement("price", 1).WhereIn("id", 3, 4)
		if d.Has(dialect.UpdateReturning) {
			var got []book
			if err := up.Returning("id", "stock", "price").Scan(ctx, db, &got); err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(got, byBookID)
			if len(got) != 2 || got[0].Stock != 3 || got[1].Price.Float64 != 6.5 {
				t.Errorf("update returning: %+v", got)
			}
		} else {
			if _, err := up.Returning("id").Exec(ctx, db); !errors.Is(err, qb.ErrUnsupported) {
				t.Errorf("returning without UpdateReturning: %v", err)
			}
			if n, err := mustExec(t, db, up).RowsAffected(); err != nil || n != 2 {
				t.Errorf("rows affected %d %v", n, err)
			}
		}
		got := books(t, db, qb.Select().From("book").WhereIn("id", 3, 4))
		if got[0].Stock != 3 || got[0].Price.Float64 != 4 || got[1].Stock != 4 || got[1].Price.Float64 != 6.5 {
			t.Errorf("after increment: %+v", got)
		}

		mustExec(t, db, qb.Update("book").SetMap(map[string]any{"title": "Z", "price": nil}).Set("stock", qb.Col("id")).Where(qb.Cond{"id": 8}))
		mustExec(t, db, qb.Update("author").Set("born", qb.Select(qb.Max("stock")).From("book").Where(qb.Cond{"book.author_id": qb.Col("author.id")})).WhereNull("born"))
		if got := books(t, db, qb.Select().From("book").Where(qb.Cond{"id": 8})); got[0] != (book{ID: 8, Title: "Z", ISBN: "i8", Stock: 8}) {
			t.Errorf("set map: %+v", got)
		}
		var born []any
		if err := qb.Select("born").From("author").OrderBy("id", qb.Asc).Scan(ctx, db, &born); err != nil {
			t.Fatal(err)
		}
		if len(born) != 4 || asInt(born[0]) != 1970 || asInt(born[1]) != 4 || born[3] != nil {
			t.Errorf("update from subquery: %v", born)
		}

		del := qb.DeleteFrom("book").Where(qb.Cond{"price": nil}).WhereNotIn("id", 8)
		if d.Has(dialect.DeleteReturning) {
			var gone []book
			if err := del.Returning("id", "title").Scan(ctx, db, &gone); err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(gone, byBookID)
			if len(gone) != 2 || gone[0].Title != "ärger" || gone[1].Title != "100% pure" {
				t.Errorf("delete returning: %+v", gone)
			}
		} else {
			if _, err := del.Returning("id").Exec(ctx, db); !errors.Is(err, qb.ErrUnsupported) {
				t.Errorf("returning without DeleteReturning: %v", err)
			}
			if n, err := mustExec(t, db, del).RowsAffected(); err != nil || n != 2 {
				t.Errorf("rows affected %d %v", n, err)
			}
		}
		checkIDs(t, db, "after delete", qb.Select("id").From("book").OrderBy("id", qb.Asc), 1, 3, 4, 6, 7, 8)
		mustExec(t, db, qb.DeleteFrom("book").WhereExists(qb.Select(qb.Raw("1")).From("author").
			Where(qb.Cond{"author.id": qb.Col("book.author_id"), "author.name": "Cid"})))
		checkIDs(t, db, "after delete exists", qb.Select("id").From("book").OrderBy("id", qb.Asc), 1, 3, 4, 8)

		mustExec(t, db, qb.Truncate("book"))
		if n, err := qb.Select().From("book").Count(ctx, db); err != nil || n != 0 {
			t.Errorf("after truncate: %d %v", n, err)
		}
	})
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case []byte:
		var n int64
		for _, c := range x {
			n = n*10 + int64(c-'0')
		}
		return n
	}
	return -1
}

func TestLocks(t *testing.T) {
	seeded(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		d := db.Dialect()
		tx1, err := db.Begin(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx1.Rollback(ctx)
		r1 := tx1
		row1 := qb.Select("id").From("book").Where(qb.Cond{"id": 1})
		checkIDs(t, r1, "for update", row1.ForUpdate(), 1)

		tx2, err := db.Begin(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx2.Rollback(ctx)
		r2 := tx2
		q := qb.Select("id").From("book").WhereIn("id", 1, 2).OrderBy("id", qb.Asc)
		if d.Has(dialect.ForUpdate) {
			// Row 1 is locked by tx1: SKIP LOCKED passes over it, NOWAIT fails.
			checkIDs(t, r2, "skip locked", q.ForUpdate().SkipLocked(), 2)
			var got []int64
			if err := q.ForUpdate().NoWait().Scan(ctx, r2, &got); err == nil {
				t.Errorf("NOWAIT on a locked row did not fail: %v", got)
			} else {
				t.Logf("NOWAIT: %v", err)
			}
		} else {
			// No row locks (SQLite): the clauses are left out and the rows read.
			checkIDs(t, r2, "skip locked", q.ForUpdate().SkipLocked(), 1, 2)
			checkIDs(t, r2, "nowait", q.ForUpdate().NoWait(), 1, 2)
		}
		tx2.Rollback(ctx)
		tx1.Rollback(ctx)

		if !d.Has(dialect.ForUpdate) || d == dialect.MySQL && isMariaDB(t, db) {
			// MariaDB standing in for MySQL has no FOR SHARE (it has LOCK IN SHARE MODE).
			return
		}
		tx3, err := db.Begin(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx3.Rollback(ctx)
		checkIDs(t, tx3, "for share", row1.ForShare(), 1)
		checkIDs(t, tx3, "for share skip locked", row1.ForShare().SkipLocked(), 1)
	})
}

func TestArrayOps(t *testing.T) {
	seeded(t, func(t *testing.T, db *sqldb.DB) {
		d := db.Dialect()
		q := qb.Select("id").From("tagged").Where(qb.Cond{"tags": qb.Contains([]int64{1, 2})}).OrderBy("id", qb.Asc)
		if !d.Has(dialect.ArrayOps) {
			if _, _, err := q.ToSQL(d); !errors.Is(err, qb.ErrUnsupported) {
				t.Errorf("$contains without ArrayOps: %v", err)
			}
			return
		}
		if _, err := db.ExecContext(context.Background(), "CREATE TABLE tagged (id integer PRIMARY KEY, tags integer[])"); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, qb.InsertInto("tagged").Columns("id", "tags").Values(1, []int64{1, 2, 3}).Values(2, []int64{2}).Values(3, []int64{4}))
		checkIDs(t, db, "contains", q, 1)
		checkIDs(t, db, "overlap", qb.Select("id").From("tagged").Where(qb.Cond{"tags": qb.Overlap([]int64{2, 4})}).OrderBy("id", qb.Asc), 1, 2, 3)
	})
}
