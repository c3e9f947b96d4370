package qbtest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/sqldb"
)

// TestKnexForms runs every Knex form added for issue 16 on the real
// database (the golden files in qb/testdata/golden pin their SQL); forms a
// dialect lacks must fail with qb.ErrUnsupported naming it, and run nothing.
func TestKnexForms(t *testing.T) {
	seeded(t, func(t *testing.T, db *sqldb.DB) {
		d := db.Dialect()
		b := qb.Select("id").From("book")
		byID := func(q qb.SelectQuery) qb.SelectQuery { return q.OrderBy("id", qb.Asc) }
		ids := func(lo, hi int) qb.SelectQuery { return qb.Select("id").From("book").WhereBetween("id", lo, hi) }
		checks := []struct {
			name string
			q    qb.SelectQuery
			want []int64
			need dialect.Feature // 0: every dialect
		}{
			{"intersect", ids(1, 5).Intersect(ids(4, 8)).OrderBy("id", qb.Asc), []int64{4, 5}, dialect.SetOps},
			{"intersect chain", ids(1, 6).Intersect(ids(3, 8), ids(1, 4)).OrderBy("id", qb.Asc), []int64{3, 4}, dialect.SetOps},
			{"except", ids(1, 5).Except(ids(2, 4)).OrderBy("id", qb.Desc), []int64{5, 1}, dialect.SetOps},
			{"union then except", ids(1, 2).Union(ids(7, 8)).Except(ids(2, 7)).OrderBy("id", qb.Asc), []int64{1, 8}, dialect.SetOps},
			{"except member limited", ids(1, 3).Except(qb.Select("id").From("book").OrderBy("id", qb.Desc).Limit(6)).OrderBy("id", qb.Asc), []int64{1, 2}, dialect.SetOps},
			{"intersect all", qb.Select("author_id").From("book").WhereIn("id", 1, 2, 3).
				IntersectAll(qb.Select("author_id").From("book").WhereIn("id", 1, 2, 5)), []int64{1, 1}, dialect.SetOpsAll},
			{"except all", qb.Select("author_id").From("book").WhereIn("id", 1, 2, 5).
				ExceptAll(qb.Select("author_id").From("book").WhereIn("id", 1)), []int64{1, 1}, dialect.SetOpsAll},
			{"distinct on", qb.Select("id").FromSub(qb.Select("id", "author_id", "price").From("book").WhereNotNull("author_id").
				DistinctOn("author_id").OrderBy("author_id", qb.Asc).OrderBy("price", qb.Desc, qb.NullsLast), "s").OrderBy("id", qb.Asc),
				[]int64{1, 4, 6}, dialect.DistinctOn},
			{"tuple in", byID(b).WhereInTuples([]string{"author_id", "stock"}, [][]any{{1, 3}, {2, 2}, {3, 99}}), []int64{1, 4}, 0},
			{"tuple not in", byID(b).WhereNotNull("author_id").WhereNotInTuples([]string{"author_id", "stock"}, [][]any{{1, 3}, {1, 0}}), []int64{3, 4, 6, 7}, 0},
			{"tuple in empty", byID(b).WhereInTuples([]string{"id", "stock"}, nil), nil, 0},
			{"tuple in subquery", byID(b).Where(qb.InTuplesSub([]string{"author_id", "stock"},
				qb.Select("author_id", qb.Max("stock")).From("book").GroupBy("author_id"))), []int64{1, 4, 6}, 0},
			{"named bindings", byID(qb.Select("id").From("book").Where(qb.RawNamed(":col: > :min AND :col: < :max", map[string]any{"col": "price", "min": 5, "max": 12}))), []int64{1, 4}, 0},
			{"or where in/null", byID(b).Where(qb.Cond{"id": 1}).OrWhereIn("id", 7, 8).OrWhereNull("price"), []int64{1, 2, 5, 7, 8}, 0},
			{"or where not in", byID(b).Where(qb.Cond{"id": 0}).OrWhereNotIn("id", 1, 2, 3, 4, 5, 6), []int64{7, 8}, 0},
			{"or where not null", byID(b).WhereNull("author_id").OrWhereNotNull("author_id").Where(qb.Cond{"stock": qb.Gte(4)}), []int64{6, 8}, 0},
			{"or where between", byID(b).Where(qb.Cond{"id": 1}).OrWhereBetween("price", 11, 30), []int64{1, 6, 8}, 0},
			{"or where not between", byID(b).Where(qb.Cond{"id": 0}).OrWhereNotBetween("price", 2, 30), []int64{7}, 0},
			{"or where like", byID(b).Where(qb.Cond{"id": 8}).OrWhereLike("title", "A%"), []int64{3, 8}, 0},
			{"or where ilike", byID(b).Where(qb.Cond{"id": 8}).OrWhereILike("title", "a%"), []int64{3, 4, 8}, 0},
			{"or where exists", qb.Select("id").From("author a").Where(qb.Cond{"a.id": 4}).OrWhereExists(qb.Select(qb.Raw("1")).From("book b").
				Where(qb.Cond{"b.author_id": qb.Col("a.id"), "b.price": qb.Gt(15)})).OrderBy("id", qb.Asc), []int64{3, 4}, 0},
			{"or where not exists", qb.Select("id").From("author a").Where(qb.Cond{"a.id": 1}).OrWhereNotExists(qb.Select(qb.Raw("1")).From("book b").
				Where(qb.Cond{"b.author_id": qb.Col("a.id")})).OrderBy("id", qb.Asc), []int64{1, 4}, 0},
			{"where not group", byID(b).WhereNotNull("price").WhereNotGroup(func(w qb.W) qb.W {
				return w.Where(qb.Cond{"author_id": 1}).OrWhere(qb.Cond{"price": qb.Gt(10)})
			}), []int64{3, 4, 7}, 0},
			{"or where not group", byID(b).Where(qb.Cond{"id": 6}).OrWhereNotGroup(func(w qb.W) qb.W {
				return w.WhereIn("id", 1, 2, 3, 4, 5, 6).OrWhereNull("author_id")
			}), []int64{6, 7}, 0},
			{"order by columns", qb.Select("id").From("book").WhereNotNull("author_id").OrderByColumns("author_id desc", "stock", "id ASC"), []int64{7, 6, 3, 4, 2, 5, 1}, 0},
			{"join on builder", qb.Select("b.id").From("book b").Join("author a", qb.On("a.id", "=", "b.author_id").
				AndOnVal("a.name", "<>", "Ann").OnIn("b.stock", 1, 2, 5)).OrderBy("b.id", qb.Asc), []int64{3, 4, 6, 7}, 0},
			{"join on or", qb.Select("b.id").From("book b").Join("author a", qb.On("a.id", "=", "b.author_id").
				OrOn("a.id", "=", "b.stock")).Where(qb.Cond{"a.id": 4}).OrderBy("b.id", qb.Asc), []int64{8}, 0},
			{"join on null between", qb.Select("a.id").From("author a").LeftJoin("book b", qb.On("b.author_id", "=", "a.id").
				OnBetween("b.price", 5, 10)).WhereNull("b.id").OrderBy("a.id", qb.Asc), []int64{3, 4}, 0},
			{"inner join sub", qb.Select("a.id").From("author a").InnerJoinSub(qb.Select("author_id", qb.Count("*").As("n")).From("book").GroupBy("author_id"),
				"c", qb.On("c.author_id", "=", "a.id").OnVal("c.n", ">", 2)), []int64{1}, 0},
			{"left join sub", qb.Select("a.id").From("author a").LeftJoinSub(qb.Select("author_id").From("book").Where(qb.Cond{"price": qb.Gt(15)}),
				"c", "c.author_id = a.id").WhereNotNull("c.author_id"), []int64{3}, 0},
		}
		ctx := context.Background()
		for _, c := range checks {
			if c.need != 0 && !d.Has(c.need) {
				_, _, err := c.q.ToSQL(d)
				if !errors.Is(err, qb.ErrUnsupported) {
					t.Errorf("%s on %s: %v, want ErrUnsupported", c.name, d.Name(), err)
				}
				var n []int64
				if err := c.q.Scan(ctx, db, &n); !errors.Is(err, qb.ErrUnsupported) {
					t.Errorf("%s on %s ran: %v", c.name, d.Name(), err)
				}
				continue
			}
			checkIDs(t, db, c.name, c.q, c.want...)
		}

		// Literals in a select list come back with their types.
		type lits struct {
			One  int64   `db:"one"`
			Kind string  `db:"kind"`
			F    float64 `db:"f"`
		}
		var got lits
		if err := qb.Select(qb.As(qb.Lit(1), "one"), qb.As(qb.Lit("book"), "kind"), qb.As(qb.Lit(1.5), "f")).
			From("book").Where(qb.Cond{"id": 1}).First(ctx, db, &got); err != nil || got != (lits{1, "book", 1.5}) {
			t.Errorf("literals: %+v %v", got, err)
		}
		var maps []map[string]any
		if err := qb.Select("id", qb.As(qb.Lit(7), "seven")).From("book").WhereIn("id", 2, 3).OrderBy("id", qb.Asc).Scan(ctx, db, &maps); err != nil {
			t.Fatal(err)
		}
		for _, m := range maps {
			if v := reflect.ValueOf(m["seven"]); !v.CanInt() || v.Int() != 7 {
				t.Errorf("literal in a map row: %#v (%T)", m["seven"], m["seven"])
			}
		}
		// Named bindings run as a whole statement too.
		var n int64
		if err := qb.Scan(ctx, db, qb.RawNamed("SELECT count(*) FROM :t: WHERE author_id = :a", map[string]any{"t": "book", "a": 1}), &n); err != nil || n != 3 {
			t.Errorf("named count: %d %v", n, err)
		}
	})
}
