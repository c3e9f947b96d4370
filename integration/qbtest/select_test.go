package qbtest

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/Masterminds/squirrel"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/sqldb"
)

func TestSelect(t *testing.T) {
	seeded(t, func(t *testing.T, db *sqldb.DB) {
		b := qb.Select("id").From("book")
		byID := func(q qb.SelectQuery) qb.SelectQuery { return q.OrderBy("id", qb.Asc) }
		checks := []struct {
			name string
			q    qb.SelectQuery
			want []int64
		}{
			{"all", byID(b), []int64{1, 2, 3, 4, 5, 6, 7, 8}},
			{"join where limit offset", qb.Select("b.id").From("book b").Join("author a", "a.id = b.author_id").
				Where(qb.Cond{"a.name": qb.In("Ann", "Bob")}).OrderBy("b.id", qb.Asc).Limit(2).Offset(1), []int64{2, 3}},
			{"offset only", byID(b).Offset(6), []int64{7, 8}},
			{"limit 0", byID(b).Limit(0), nil},
			{"left join null", qb.Select("b.id").From("book b").LeftJoin("author a", "a.id = b.author_id").WhereNull("a.id"), []int64{8}},
			{"right join null", qb.Select("a.id").From("book b").RightJoin("author a", "a.id = b.author_id").WhereNull("b.id"), []int64{4}},
			{"join on cond", qb.Select("b.id").From("author a").Join("book b", qb.Cond{"b.author_id": qb.Col("a.id"), "b.price": qb.Gt(9)}).OrderBy("b.id", qb.Asc), []int64{1, 6}},
			{"join sub", qb.Select("a.id").From("author a").JoinSub(qb.JoinInner,
				qb.Select("author_id", qb.Count("*").As("n")).From("book").GroupBy("author_id"), "c", "c.author_id = a.id").
				Where(qb.Cond{"c.n": qb.Gte(2)}).OrderBy("a.id", qb.Asc), []int64{1, 2, 3}},
			{"cond filter object", byID(b).Where(qb.Cond{"author_id": []int{1, 2}, "price": qb.Gte(5), "stock": qb.Ne(2)}), []int64{1, 3}},
			{"eq nil", byID(b).Where(qb.Cond{"price": nil}), []int64{2, 5}},
			{"ne nil", byID(b).Where(qb.Cond{"price": qb.Ne(nil), "id": qb.Lte(3)}), []int64{1, 3}},
			{"exists op", byID(b).Where(qb.Cond{"author_id": qb.Exists(false)}), []int64{8}},
			{"or / and / not", byID(b).Where(qb.Or(qb.Cond{"id": 1}, qb.And(qb.Cond{"author_id": 3}, qb.Not(qb.Cond{"price": qb.Gt(5)})))), []int64{1, 7}},
			{"$or key", byID(b).Where(qb.Cond{"$or": []qb.Cond{{"id": 2}, {"stock": 5}}}), []int64{2, 6}},
			{"where or where", byID(b).Where(qb.Cond{"id": 1}).OrWhere(qb.Cond{"id": 2}).Where(qb.Cond{"price": nil}), []int64{2}},
			{"where group", byID(b).Where(qb.Cond{"author_id": 1}).WhereGroup(func(w qb.W) qb.W {
				return w.Where(qb.Cond{"price": qb.Gt(5)}).OrWhere(qb.Cond{"price": nil})
			}), []int64{1, 2, 5}},
			{"where not", byID(b).WhereNot(qb.Cond{"author_id": 1}).WhereNotNull("author_id"), []int64{3, 4, 6, 7}},
			{"between", byID(b).WhereBetween("price", 5, 10), []int64{1, 3, 4}},
			{"not between", byID(b).WhereNotBetween("price", 5, 10), []int64{6, 7, 8}},
			{"in", byID(b).WhereIn("id", 8, 2, 5), []int64{2, 5, 8}},
			{"in empty", byID(b).WhereIn("id"), nil},
			{"not in", byID(b).WhereNotIn("id", 1, 2, 3, 4), []int64{5, 6, 7, 8}},
			{"not in empty", byID(b).WhereNotIn("id"), []int64{1, 2, 3, 4, 5, 6, 7, 8}},
			{"in with null", byID(b).Where(qb.Cond{"price": qb.In(5, nil)}), []int64{2, 3, 5}},
			{"not in with null", byID(b).Where(qb.Cond{"price": qb.Nin(5, nil)}), []int64{1, 4, 6, 7, 8}},
			{"in subquery", byID(b).WhereIn("author_id", qb.Select("id").From("author").Where(qb.Cond{"born": qb.Exists(true)})), []int64{1, 2, 5, 6, 7}},
			{"exists", qb.Select("id").From("author a").WhereExists(qb.Select(qb.Raw("1")).From("book b").
				Where(qb.Cond{"b.author_id": qb.Col("a.id"), "b.price": qb.Gt(15)})), []int64{3}},
			{"not exists", qb.Select("id").From("author a").WhereNotExists(qb.Select(qb.Raw("1")).From("book b").
				Where(qb.Cond{"b.author_id": qb.Col("a.id")})), []int64{4}},
			{"raw", byID(b).WhereRaw("?? * ? > ?", "price", 2, 30), []int64{6}},
			{"raw list", byID(b).WhereRaw("id IN (?) OR ?? = ?", []int{3, 4}, "isbn", "i8"), []int64{3, 4, 8}},
			{"squirrel", byID(b).Where(qb.Squirrel(squirrel.Gt{"price": 11})), []int64{6, 8}},
			{"squirrel subquery", byID(b).WhereIn("author_id", squirrel.Select("id").From("author").Where(squirrel.Eq{"name": "Cid"})), []int64{6, 7}},
			{"column compare", byID(b).Where(qb.Cond{"stock": qb.Gte(qb.Col("price"))}), []int64{7}},
			{"distinct", qb.Select("author_id").Distinct().From("book").WhereNotNull("author_id").OrderBy("author_id", qb.Asc), []int64{1, 2, 3}},
			{"group having", qb.Select("author_id").From("book").WhereNotNull("author_id").GroupBy("author_id").
				Having(qb.Count("*").Gte(2)).Having(qb.Sum("price").Gt(11)).OrderBy("author_id", qb.Asc), []int64{2, 3}},
			{"having raw", qb.Select("author_id").From("book").GroupBy("author_id").HavingRaw("count(*) = ?", 3), []int64{1}},
			{"order by aggregate", qb.Select("author_id").From("book").WhereNotNull("author_id").GroupBy("author_id").
				OrderByExpr(qb.Max("stock"), qb.Desc), []int64{3, 1, 2}},
			{"order by raw", qb.Select("id").From("book").WhereIn("id", 1, 2, 3).OrderByRaw("?? * -1", "id"), []int64{3, 2, 1}},
			{"union", qb.Select("id").From("book").Where(qb.Cond{"price": qb.Lt(2)}).
				Union(qb.Select("id").From("book").Where(qb.Cond{"price": qb.Gt(15)})).OrderBy("id", qb.Desc), []int64{7, 6}},
			{"union dedup", qb.Select("author_id").From("book").WhereIn("id", 1, 2).Union(qb.Select("author_id").From("book").WhereIn("id", 1, 5)), []int64{1}},
			{"union all", qb.Select("author_id").From("book").WhereIn("id", 1, 2).UnionAll(qb.Select("author_id").From("book").WhereIn("id", 1, 5)), []int64{1, 1, 1, 1}},
			{"union member limited", qb.Select("id").From("book").Where(qb.Cond{"id": 1}).
				Union(qb.Select("id").From("book").OrderBy("price", qb.Desc, qb.NullsLast).Limit(1)).OrderBy("id", qb.Asc), []int64{1, 6}},
			{"cte", qb.Select("id").With("cheap", qb.Select("id", "title").From("book").Where(qb.Cond{"price": qb.Lt(6)})).From("cheap").OrderBy("id", qb.Asc), []int64{3, 7}},
			{"recursive cte", qb.Select("n").WithRecursive("t", qb.Select(qb.Raw("1")).
				UnionAll(qb.Select(qb.Raw("n + 1")).From("t").Where(qb.Cond{"n": qb.Lt(4)})), "n").From("t").OrderBy("n", qb.Desc), []int64{4, 3, 2, 1}},
			{"from sub", qb.Select("s.id").FromSub(qb.Select("id", "price").From("book").Where(qb.Cond{"price": qb.Gt(10)}), "s").OrderBy("s.price", qb.Asc), []int64{8, 6}},
		}
		for _, c := range checks {
			checkIDs(t, db, c.name, c.q, c.want...)
		}

		ctx := context.Background()
		type aggs struct {
			N       int64   `db:"n"`
			Authors int64   `db:"authors"`
			Min     float64 `db:"min_price"`
			Max     float64 `db:"max_price"`
			Sum     float64 `db:"sum_price"`
			Avg     float64 `db:"avg_price"`
		}
		var a aggs
		err := qb.Select(qb.Count("*").As("n"), qb.CountDistinct("author_id").As("authors"), qb.Min("price").As("min_price"),
			qb.Max("price").As("max_price"), qb.Sum("price").As("sum_price"), qb.Avg("price").As("avg_price")).From("book").First(ctx, db, &a)
		if err != nil {
			t.Fatal(err)
		}
		if a.N != 8 || a.Authors != 3 || a.Min != 1 || a.Max != 20 || a.Sum != 55.5 || math.Abs(a.Avg-9.25) > 1e-9 {
			t.Errorf("aggregates: %+v", a)
		}

		type perAuthor struct {
			Name  string `db:"name"`
			Books int64  `db:"books"`
		}
		var pa []perAuthor
		err = qb.Select("a.name", qb.As(qb.Select(qb.Count("*")).From("book b").Where(qb.Cond{"b.author_id": qb.Col("a.id")}), "books")).
			From("author a").OrderBy("a.id", qb.Asc).Scan(ctx, db, &pa)
		want := []perAuthor{{"Ann", 3}, {"Bob", 2}, {"Cid", 2}, {"Dee", 0}}
		if err != nil || !reflect.DeepEqual(pa, want) {
			t.Errorf("scalar subquery: %+v %v", pa, err)
		}

		var doubled float64
		if err := qb.Select(qb.As(qb.Raw("?? * ?", "price", 2), "d")).From("book").Where(qb.Cond{"id": 3}).First(ctx, db, &doubled); err != nil || doubled != 10 {
			t.Errorf("raw column: %v %v", doubled, err)
		}

		var maps []map[string]any
		if err := qb.Select("title", "isbn").From("book").WhereIn("id", 1, 3).OrderBy("id", qb.Asc).Scan(ctx, db, &maps); err != nil {
			t.Fatal(err)
		}
		wantMaps := []map[string]any{{"title": "Ärger im Paradies", "isbn": "i1"}, {"title": "Apple", "isbn": "i3"}}
		if !reflect.DeepEqual(maps, wantMaps) {
			t.Errorf("maps: %#v", maps)
		}

		var first book
		if err := qb.Select().From("book").Where(qb.Cond{"price": qb.Gt(0)}).OrderBy("price", qb.Desc).First(ctx, db, &first); err != nil || first != seedBooks[5] {
			t.Errorf("First: %+v %v", first, err)
		}
		if err := qb.Select().From("book").Where(qb.Cond{"id": 99}).First(ctx, db, &first); !errors.Is(err, qb.ErrNoRows) {
			t.Errorf("First without rows: %v", err)
		}
		for _, c := range []struct {
			q    qb.SelectQuery
			want int64
		}{
			{qb.Select().From("book").Where(qb.Cond{"price": qb.Gt(5)}).OrderBy("id", qb.Asc).Limit(1).Offset(1), 4},
			{qb.Select("b.*").From("book b").Join("author a", "a.id = b.author_id").Where(qb.Cond{"a.name": "Ann"}), 3},
			{qb.Select("author_id").From("book").GroupBy("author_id"), 4},
			{qb.Select("author_id").Distinct().From("book").WhereNotNull("author_id"), 3},
			{qb.Select("id").From("book").Union(qb.Select("id").From("author")), 8},
		} {
			n, err := c.q.Count(ctx, db)
			if err != nil || n != c.want {
				s, _, _ := c.q.CountQuery().ToSQL(db.Dialect())
				t.Errorf("Count = %d, %v; want %d (%s)", n, err, c.want, s)
			}
		}
	})
}

func TestNullsOrder(t *testing.T) {
	seeded(t, func(t *testing.T, db *sqldb.DB) {
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
			q := qb.Select("id").From("book").OrderBy("price", tt.dir, tt.nulls).OrderBy("id", qb.Asc)
			checkIDs(t, db, string(tt.dir)+" nulls "+[]string{"", "first", "last"}[tt.nulls], q, tt.want...)
		}
	})
}

func TestLike(t *testing.T) {
	seeded(t, func(t *testing.T, db *sqldb.DB) {
		tests := []struct {
			cond qb.Condition
			want []int64
		}{
			// $like is case-sensitive everywhere, also for non-ASCII letters
			{qb.Cond{"title": qb.Like("A%")}, []int64{3}},
			{qb.Cond{"title": qb.Like("a%")}, []int64{4}},
			{qb.Cond{"title": qb.Like("Ä%")}, []int64{1}},
			{qb.Cond{"title": qb.Like("ä%")}, []int64{2}},
			{qb.Cond{"title": qb.Like("%rger")}, []int64{2}},
			{qb.Cond{"title": qb.Like("_pple")}, []int64{3}},
			{qb.Cond{"title": qb.Like("arger")}, nil},
			// escapes and characters that are special elsewhere (GLOB)
			{qb.Cond{"title": qb.Like(`100\%%`)}, []int64{5}},
			{qb.Cond{"title": qb.Like(`%r\_s%`)}, []int64{6}},
			{qb.Cond{"title": qb.Like("star*%")}, []int64{7}},
			{qb.Cond{"title": qb.Like("%?")}, []int64{7}},
			{qb.Cond{"title": qb.Like("[Aa]%")}, nil},
			// $ilike folds case, non-ASCII too, and keeps accents apart
			{qb.Cond{"title": qb.ILike("ä%")}, []int64{1, 2}},
			{qb.Cond{"title": qb.ILike("ÄRGER")}, []int64{2}},
			{qb.Cond{"title": qb.ILike("APPLE%")}, []int64{3, 4}},
			{qb.Cond{"title": qb.ILike("arger")}, nil},
			{qb.Cond{"title": qb.ILike(`%\_%`)}, []int64{6}},
			{qb.Cond{"title": qb.ILike(`100\%%`)}, []int64{5}},
			{qb.Not(qb.Cond{"title": qb.Like("%e%")}), []int64{7}},
			{qb.Cond{"title": qb.Re("^[A-Za-z]+$")}, []int64{3, 8}},
		}
		for _, tt := range tests {
			checkIDs(t, db, "", qb.Select("id").From("book").Where(tt.cond).OrderBy("id", qb.Asc), tt.want...)
		}
		checkIDs(t, db, "WhereLike", qb.Select("id").From("book").WhereLike("title", "Ap%").OrderBy("id", qb.Asc), 3)
		checkIDs(t, db, "WhereILike", qb.Select("id").From("book").WhereILike("title", "Ap%").OrderBy("id", qb.Asc), 3, 4)
	})
}
