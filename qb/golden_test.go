package qb_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Masterminds/squirrel"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

var update = flag.Bool("update", false, "rewrite the golden SQL files in testdata/golden")

var dialects = []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.MariaDB, dialect.SQLite}

type goldenCase struct {
	name string
	q    qb.Statement
}

func books() qb.SelectQuery { return qb.Select().From("book") }

func goldenCases() []goldenCase {
	sub := qb.Select("author_id").From("book").Where(qb.Cond{"price": qb.Gt(10)})
	return []goldenCase{
		// select list, distinct, from
		{"select_star", qb.Select().From("book")},
		{"select_columns", qb.Select("id", "b.title", "b.title AS t", "b.price p", "b.*").From("book", "b")},
		{"select_columns_method", qb.Select("id").Columns("title").From("book")},
		{"select_distinct", qb.Select("author_id").Distinct().From("book")},
		{"select_no_from", qb.Select(qb.Raw("1 + ?", 1))},
		{"select_raw_column", qb.Select(qb.As(qb.Raw("upper(??)", "title"), "up")).From("book")},
		{"select_scalar_subquery", qb.Select("a.name", qb.As(qb.Select(qb.Count("*")).From("book", "b").Where(qb.Cond{"b.author_id": qb.Col("a.id")}), "books")).From("author a")},
		{"select_squirrel_column", qb.Select(squirrel.Expr("coalesce(title, ?)", "none")).From("book")},
		{"from_alias_as", qb.Select("a.id").From("author AS a")},
		{"from_alias_space", qb.Select("a.id").From("author a")},
		{"from_schema", qb.Select().From("public.author")},
		{"from_sub", qb.Select("t.n").FromSub(qb.Select(qb.Count("*").As("n")).From("book"), "t")},
		{"with_cte", qb.Select().With("cheap", qb.Select().From("book").Where(qb.Cond{"price": qb.Lt(5)})).From("cheap")},
		{"with_cte_columns", qb.Select("x").With("t", qb.Select("id").From("book"), "x").From("t")},
		{"with_recursive", qb.Select("n").WithRecursive("t",
			qb.Select(qb.Raw("1")).UnionAll(qb.Select(qb.Raw("n + 1")).From("t").Where(qb.Cond{"n": qb.Lt(5)})), "n").From("t")},
		// aggregates
		{"aggregates", qb.Select(qb.Count("*").As("n"), qb.CountDistinct("author_id").As("authors"),
			qb.Min("price"), qb.Max("price").As("max"), qb.Sum("price").As("sum"), qb.Avg("price").As("avg")).From("book")},
		// where: filter objects and operators
		{"cond_sorted_keys", books().Where(qb.Cond{"title": qb.Like("A%"), "price": qb.Gte(10), "author.name": "x", "id": []any{1, 2}})},
		{"cond_eq_ne", books().Where(qb.Cond{"a": qb.Eq(1), "b": qb.Ne(2), "c": nil, "d": qb.Ne(nil)})},
		{"cond_compare", books().Where(qb.Cond{"a": qb.Gt(1), "b": qb.Gte(2), "c": qb.Lt(3), "d": qb.Lte(4)})},
		{"cond_ops_same_field", books().Where(qb.Cond{"price": qb.Ops{qb.Gte(10), qb.Lt(20)}})},
		{"cond_in_nin", books().Where(qb.Cond{"a": qb.In(1, 2), "b": qb.Nin([]string{"x", "y"})})},
		{"cond_in_with_null", books().Where(qb.Cond{"a": qb.In(1, nil), "b": qb.Nin(2, nil)})},
		{"cond_in_only_null", books().Where(qb.Cond{"a": qb.In(nil), "b": qb.Nin(nil)})},
		{"cond_in_subquery", books().Where(qb.Cond{"author_id": qb.In(qb.Select("id").From("author").Where(qb.Cond{"name": qb.Like("J%")}))})},
		{"cond_eq_subquery", books().Where(qb.Cond{"price": qb.Select(qb.Max("price")).From("book")})},
		{"cond_like_ilike", books().Where(qb.Cond{"title": qb.Like("A_c%"), "name": qb.ILike("%ärger%")})},
		{"cond_like_glob_chars", books().Where(qb.Cond{"title": qb.Like(`[*?]\%\_%`)})},
		{"cond_re", books().Where(qb.Cond{"title": qb.Re("^A.*z$")})},
		{"cond_exists_op", books().Where(qb.Cond{"a": qb.Exists(true), "b": qb.Exists(false)})},
		{"cond_contains_overlap", books().Where(qb.Cond{"tags": qb.Contains([]string{"go"}), "cats": qb.Overlap([]int{1, 2})})},
		{"cond_column_compare", qb.Select().From("a").Where(qb.Cond{"a.x": qb.Col("a.y"), "a.z": qb.Gt(qb.Col("a.w"))})},
		{"cond_raw_value", books().Where(qb.Cond{"created": qb.Lt(qb.Raw("now()"))})},
		{"cond_or_and_not", books().Where(qb.Or(qb.Cond{"a": 1}, qb.And(qb.Cond{"b": 2}, qb.Cond{"c": 3}), qb.Not(qb.Cond{"d": 4})))},
		{"cond_nested_keys", books().Where(qb.Cond{"$or": []qb.Cond{{"a": 1}, {"b": 2, "c": 3}}, "$not": qb.Cond{"d": 4}, "e": 5})},
		{"cond_and_key", books().Where(qb.Cond{"$and": []any{qb.Cond{"a": 1}, qb.Or(qb.Cond{"b": 2}, qb.Cond{"c": 3})}})},
		{"cond_empty", books().Where(qb.Cond{})},
		{"cond_empty_or", books().Where(qb.Or())},
		{"cond_squirrel", books().Where(qb.Squirrel(squirrel.Or{squirrel.Eq{"a": 1}, squirrel.Gt{"b": 2}}))},
		// where methods
		{"where_chain", books().Where(qb.Cond{"a": 1}).OrWhere(qb.Cond{"b": 2}).Where(qb.Cond{"c": 3})},
		{"where_not", books().WhereNot(qb.Cond{"a": 1, "b": 2})},
		{"or_where_not", books().Where(qb.Cond{"a": 1}).OrWhereNot(qb.Cond{"b": 2})},
		{"where_in", books().WhereIn("id", 1, 2, 3)},
		{"where_in_slice", books().WhereIn("id", []int64{4, 5})},
		{"where_in_empty", books().WhereIn("id")},
		{"where_in_empty_slice", books().WhereIn("id", []int{})},
		{"where_not_in", books().WhereNotIn("id", 1, 2)},
		{"where_not_in_empty", books().WhereNotIn("id")},
		{"where_in_sub", books().WhereIn("author_id", sub)},
		{"where_null", books().WhereNull("deleted_at")},
		{"where_not_null", books().WhereNotNull("deleted_at")},
		{"where_between", books().WhereBetween("price", 10, 20)},
		{"where_not_between", books().WhereNotBetween("price", 10, 20)},
		{"where_exists", qb.Select().From("author", "a").WhereExists(qb.Select(qb.Raw("1")).From("book", "b").Where(qb.Cond{"b.author_id": qb.Col("a.id")}))},
		{"where_not_exists", qb.Select().From("author", "a").WhereNotExists(qb.Select(qb.Raw("1")).From("book", "b").Where(qb.Cond{"b.author_id": qb.Col("a.id")}))},
		{"where_exists_raw", books().WhereExists(qb.Raw("SELECT 1 FROM ?? WHERE x = ?", "tag", 3))},
		{"where_like", books().WhereLike("title", "The %")},
		{"where_ilike", books().WhereILike("title", "the %")},
		{"where_raw", books().WhereRaw("price > ? OR price IS NULL", 10).Where(qb.Cond{"a": 1})},
		{"or_where_raw", books().Where(qb.Cond{"a": 1}).OrWhereRaw("?? = ?", "b", 2)},
		{"where_group", books().Where(qb.Cond{"a": 1}).WhereGroup(func(w qb.W) qb.W {
			return w.Where(qb.Cond{"b": 2}).OrWhere(qb.Cond{"c": 3})
		})},
		{"or_where_group", books().Where(qb.Cond{"a": 1}).OrWhereGroup(func(w qb.W) qb.W {
			return w.Where(qb.Cond{"b": 2}).Where(qb.Cond{"c": 3})
		})},
		// joins
		{"join_inner", qb.Select("b.title", "a.name").From("book b").Join("author a", "a.id = b.author_id")},
		{"join_inner_explicit", qb.Select().From("book b").InnerJoin("author AS a", "a.id = b.author_id AND a.x <> b.y")},
		{"join_left", qb.Select().From("book b").LeftJoin("author a", "a.id=b.author_id")},
		{"join_right", qb.Select().From("book b").RightJoin("author a", "a.id = b.author_id")},
		{"join_full", qb.Select().From("book b").FullJoin("author a", "a.id = b.author_id")},
		{"join_cross", qb.Select().From("book b").CrossJoin("tag t")},
		{"join_cond", qb.Select().From("book b").LeftJoin("author a", qb.Cond{"a.id": qb.Col("b.author_id"), "a.active": true})},
		{"join_raw", qb.Select().From("book b").JoinRaw("NATURAL JOIN ??", "book_extra")},
		{"join_sub", qb.Select().From("author a").JoinSub(qb.JoinLeft, qb.Select("author_id", qb.Count("*").As("n")).From("book").GroupBy("author_id"), "c", "c.author_id = a.id")},
		// group, having
		{"group_by", qb.Select("author_id", qb.Count("*").As("n")).From("book").GroupBy("author_id")},
		{"group_by_raw", qb.Select(qb.As(qb.Raw("lower(title)"), "t")).From("book").GroupByRaw("lower(title)")},
		{"having", qb.Select("author_id").From("book").GroupBy("author_id").Having(qb.Count("*").Gt(1)).Having(qb.Sum("price").Lte(100))},
		{"having_raw", qb.Select("author_id").From("book").GroupBy("author_id").HavingRaw("count(*) > ?", 2)},
		// order, limit, offset
		{"order_by", books().OrderBy("title", qb.Asc).OrderBy("id", "desc")},
		{"order_nulls_first_asc", books().OrderBy("price", qb.Asc, qb.NullsFirst)},
		{"order_nulls_last_asc", books().OrderBy("price", qb.Asc, qb.NullsLast)},
		{"order_nulls_first_desc", books().OrderBy("price", qb.Desc, qb.NullsFirst)},
		{"order_nulls_last_desc", books().OrderBy("price", qb.Desc, qb.NullsLast)},
		{"order_by_raw", books().OrderByRaw("length(??) DESC", "title")},
		{"order_by_expr", qb.Select("author_id").From("book").GroupBy("author_id").OrderByExpr(qb.Count("*"), qb.Desc)},
		{"limit", books().Limit(10)},
		{"limit_offset", books().Limit(10).Offset(20)},
		{"offset_only", books().Offset(5)},
		{"limit_zero", books().Limit(0)},
		// unions
		{"union", qb.Select("id").From("a").Union(qb.Select("id").From("b")).OrderBy("id", qb.Asc).Limit(3)},
		{"union_all", qb.Select("id").From("a").UnionAll(qb.Select("id").From("b"), qb.Select("id").From("c"))},
		{"union_member_limited", qb.Select("id").From("a").Union(qb.Select("id").From("b").OrderBy("id", qb.Desc).Limit(1))},
		{"union_raw", qb.Select("id").From("a").Union(qb.Raw("SELECT id FROM b WHERE x = ?", 1))},
		// locks
		{"for_update", books().Where(qb.Cond{"id": 1}).ForUpdate()},
		{"for_share", books().ForShare()},
		{"for_update_skip_locked", books().ForUpdate().SkipLocked()},
		{"for_update_nowait", books().ForUpdate().NoWait()},
		{"for_share_skip_locked", books().ForShare().SkipLocked()},
		// first, count
		{"first", books().OrderBy("id", qb.Asc).Limit(1)},
		{"count_plain", books().Where(qb.Cond{"a": 1}).OrderBy("id", qb.Asc).Limit(2).CountQuery()},
		{"count_grouped", qb.Select("author_id").From("book").GroupBy("author_id").CountQuery()},
		// raw
		{"raw_ident_and_value", qb.Select(qb.Raw("?? + ?", "price", 1)).From("book")},
		{"raw_ident_list", qb.Select(qb.Raw("??", []string{"a.id", "a.name"})).From("author a")},
		{"raw_escaped_question", books().WhereRaw(`data \? 'key' AND id = ?`, 1)},
		{"raw_list_expansion", books().WhereRaw("id IN (?)", []int{1, 2, 3})},
		{"raw_nested", books().WhereRaw("price > ?", qb.Raw("? * 2", 5))},
		{"raw_subquery_arg", books().WhereRaw("author_id IN ?", sub)},
		{"squirrel_subquery", books().WhereIn("author_id", squirrel.Select("id").From("author").Where(squirrel.Eq{"name": "x"}))},
		{"squirrel_literal_question", books().Where(qb.Squirrel(squirrel.Expr("data ?? 'k' AND id = ?", 7)))},
		// insert
		{"insert_one", qb.InsertInto("book").Columns("title", "price").Values("A", 10)},
		{"insert_many", qb.InsertInto("book").Columns("title", "price").Values("A", 10).Values("B", nil)},
		{"insert_map", qb.InsertInto("book").ValuesMap(map[string]any{"title": "A", "price": 1, "author_id": 2}).ValuesMap(map[string]any{"price": 3, "author_id": 4, "title": "B"})},
		{"insert_returning", qb.InsertInto("book").Columns("title").Values("A").Returning("id", "title")},
		{"insert_default_values", qb.InsertInto("counter")},
		{"insert_raw_value", qb.InsertInto("book").Columns("title", "created").Values("A", qb.Raw("CURRENT_TIMESTAMP"))},
		{"insert_select", qb.InsertInto("archive").Columns("id", "title").FromSelect(qb.Select("id", "title").From("book").Where(qb.Cond{"price": qb.Lt(1)}))},
		{"upsert_merge", qb.InsertInto("book").Columns("isbn", "title", "price").Values("1", "A", 10).OnConflict("isbn").Merge("title", "price")},
		{"upsert_merge_all", qb.InsertInto("book").Columns("isbn", "title", "price").Values("1", "A", 10).Values("2", "B", 20).OnConflict("isbn").Merge()},
		{"upsert_ignore", qb.InsertInto("book").Columns("isbn", "title").Values("1", "A").OnConflict("isbn").Ignore()},
		{"upsert_ignore_no_target", qb.InsertInto("book").Columns("isbn", "title").Values("1", "A").Ignore()},
		{"upsert_returning", qb.InsertInto("book").Columns("isbn", "title").Values("1", "A").OnConflict("isbn").Merge("title").Returning("id")},
		// update
		{"update_set", qb.Update("book").Set("title", "B").Set("price", nil).Where(qb.Cond{"id": 1})},
		{"update_set_map", qb.Update("book").SetMap(map[string]any{"title": "B", "price": 2, "author_id": qb.Col("other_id")})},
		{"update_increment", qb.Update("book").Increment("stock", 2).Decrement("reserved", 1).WhereIn("id", 1, 2)},
		{"update_raw_value", qb.Update("book").Set("updated", qb.Raw("CURRENT_TIMESTAMP")).WhereNull("updated")},
		{"update_subquery_value", qb.Update("author").Set("books", qb.Select(qb.Count("*")).From("book").Where(qb.Cond{"book.author_id": qb.Col("author.id")}))},
		{"update_returning", qb.Update("book").Set("price", 5).Where(qb.Cond{"id": 1}).Returning("id", "price")},
		{"update_where_methods", qb.Update("book").Set("x", 1).WhereLike("title", "a%").OrWhereRaw("id = ?", 3).WhereNotIn("id")},
		// delete, truncate
		{"delete_all", qb.DeleteFrom("book")},
		{"delete_where", qb.DeleteFrom("book").Where(qb.Cond{"price": qb.Lt(1)}).WhereNotNull("title")},
		{"delete_returning", qb.DeleteFrom("book").WhereIn("id", 1, 2).Returning("id", "title")},
		{"delete_where_exists", qb.DeleteFrom("author").WhereNotExists(qb.Select(qb.Raw("1")).From("book").Where(qb.Cond{"book.author_id": qb.Col("author.id")}))},
		{"truncate", qb.Truncate("book")},
		// identifiers that need quoting
		{"ident_quotes", qb.Select(`we"ird`, "back`tick", "semi;colon").From(`ta"ble`).Where(qb.Cond{`c"ol`: 1, "x`y": 2, "a;b": 3})},
	}
}

func renderGolden(q qb.Statement, d dialect.Dialect) string {
	s, args, err := q.ToSQL(d)
	if err != nil {
		return "-- error: " + err.Error() + "\n"
	}
	var b strings.Builder
	b.WriteString(s)
	b.WriteString("\n-- args:")
	for _, a := range args {
		fmt.Fprintf(&b, " %#v", a)
	}
	b.WriteString("\n")
	return b.String()
}

// TestGolden compares the SQL of every builder method on every dialect with
// testdata/golden/<dialect>/<case>.sql; run with -update to rewrite them.
func TestGolden(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range append(goldenCases(), knexGoldenCases()...) {
		if seen[c.name] {
			t.Fatalf("duplicate case %s", c.name)
		}
		seen[c.name] = true
		for _, d := range dialects {
			t.Run(d.Name()+"/"+c.name, func(t *testing.T) {
				got := renderGolden(c.q, d)
				path := filepath.Join("testdata", "golden", d.Name(), c.name+".sql")
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from golden\n got: %s\nwant: %s", path, got, want)
				}
			})
		}
	}
	// Every golden file belongs to a case: stale files fail the test.
	for _, d := range dialects {
		files, _ := filepath.Glob(filepath.Join("testdata", "golden", d.Name(), "*.sql"))
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".sql")
			if !seen[name] {
				if *update {
					os.Remove(f)
					continue
				}
				t.Errorf("stale golden file %s", f)
			}
		}
	}
}
