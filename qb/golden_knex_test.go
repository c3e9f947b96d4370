package qb_test

import "github.com/unitorm/unitorm/qb"

// knexGoldenCases are the Knex forms added for issue 16: set operators,
// DISTINCT ON, tuple IN, named bindings, the Or… where helpers,
// WhereNotGroup, several ORDER BY columns, Knex-style join conditions,
// joins on subqueries by kind, and literals in select lists.
func knexGoldenCases() []goldenCase {
	ab := func(t string) qb.SelectQuery { return qb.Select("id").From(t) }
	counts := qb.Select("author_id", qb.Count("*").As("n")).From("book").GroupBy("author_id")
	return []goldenCase{
		{"set_intersect", ab("a").Intersect(ab("b")).OrderBy("id", qb.Asc)},
		{"set_intersect_all", ab("a").IntersectAll(ab("b"))},
		{"set_intersect_chain", ab("a").Intersect(ab("b"), ab("c"))},
		{"set_except", ab("a").Except(ab("b")).Limit(2)},
		{"set_except_all", ab("a").ExceptAll(ab("b"))},
		{"set_union_then_except", ab("a").Union(ab("b")).Except(ab("c"))},
		{"set_union_then_intersect", ab("a").Union(ab("b")).Intersect(ab("c"))},
		{"set_except_member_limited", ab("a").Except(ab("b").OrderBy("id", qb.Desc).Limit(1))},
		{"distinct_on", qb.Select("author_id", "title").From("book").DistinctOn("author_id").OrderBy("author_id", qb.Asc).OrderBy("price", qb.Desc)},
		{"distinct_on_count", qb.Select("author_id").From("book").DistinctOn("author_id").CountQuery()},
		{"distinct_on_empty", qb.Select().From("book").DistinctOn()},
		{"tuple_in", books().WhereInTuples([]string{"author_id", "id"}, [][]any{{1, 2}, {3, 4}})},
		{"tuple_not_in", books().WhereNotInTuples([]string{"a", "b"}, [][]any{{1, "x"}})},
		{"tuple_in_empty", books().WhereInTuples([]string{"a", "b"}, nil).OrWhereInTuples([]string{"a"}, [][]any{{nil}})},
		{"tuple_in_bad_row", books().WhereInTuples([]string{"a", "b"}, [][]any{{1}})},
		{"tuple_in_sub", books().Where(qb.InTuplesSub([]string{"author_id", "id"}, qb.Select("author_id", qb.Max("id")).From("book").GroupBy("author_id")))},
		{"tuple_in_update", qb.Update("book").Set("price", 1).WhereInTuples([]string{"a", "b"}, [][]any{{1, 2}})},
		{"tuple_in_delete", qb.DeleteFrom("book").WhereInTuples([]string{"a", "b"}, [][]any{{1, 2}, {3, 4}})},
		{"named_bindings", qb.RawNamed("SELECT :col: FROM :tbl: WHERE id = :id OR author_id = :id", map[string]any{"col": "title", "tbl": "book", "id": 7})},
		{"named_ident_list", qb.RawNamed("SELECT :cols: FROM book", map[string]any{"cols": []string{"id", "title"}})},
		{"named_casts_and_escapes", qb.RawNamed(`SELECT :n::int, '12:30', \:lit, ? AS q, :t:::text`, map[string]any{"n": "5", "t": "title"})},
		{"named_in_where", books().Where(qb.RawNamed("price > :min AND title <> :t", map[string]any{"min": 3, "t": "x"}))},
		{"named_missing", qb.RawNamed("SELECT :a", map[string]any{"b": 1})},
		{"or_where_helpers", books().Where(qb.Cond{"a": 1}).OrWhereIn("b", 1, 2).OrWhereNotIn("c", 3).OrWhereNull("d").OrWhereNotNull("e")},
		{"or_where_between_like", books().Where(qb.Cond{"a": 1}).OrWhereBetween("p", 1, 2).OrWhereNotBetween("q", 3, 4).OrWhereLike("t", "A%").OrWhereILike("u", "b%")},
		{"or_where_exists", qb.Select().From("author", "a").Where(qb.Cond{"a.id": 1}).OrWhereExists(qb.Select(qb.Raw("1")).From("book", "b").Where(qb.Cond{"b.author_id": qb.Col("a.id")})).OrWhereNotExists(qb.Raw("SELECT 1"))},
		{"or_where_in_empty", books().Where(qb.Cond{"a": 1}).OrWhereIn("b")},
		{"where_not_group", books().Where(qb.Cond{"a": 1}).WhereNotGroup(func(w qb.W) qb.W {
			return w.Where(qb.Cond{"b": 2}).OrWhere(qb.Cond{"c": 3})
		})},
		{"or_where_not_group", books().Where(qb.Cond{"a": 1}).OrWhereNotGroup(func(w qb.W) qb.W {
			return w.Where(qb.Cond{"b": 2}).Where(qb.Cond{"c": 3})
		})},
		{"update_or_where_in", qb.Update("book").Set("x", 1).Where(qb.Cond{"a": 1}).OrWhereIn("id", 1, 2).WhereNotGroup(func(w qb.W) qb.W { return w.WhereNull("y") })},
		{"delete_or_where_null", qb.DeleteFrom("book").WhereNull("a").OrWhereNull("b")},
		{"order_by_columns", books().OrderByColumns("title", "price desc", "id ASC")},
		{"order_by_columns_bad", books().OrderByColumns("title sideways")},
		{"join_on_builder", qb.Select().From("user u").LeftJoin("account a", qb.On("a.user_id", "=", "u.id").
			OrOn("a.owner_id", "=", "u.id").AndOnVal("a.active", "=", true).OnIn("a.kind", 1, 2))},
		{"join_on_values", qb.Select().From("user u").Join("account a", qb.OnVal("a.kind", "<>", "x").AndOn("a.user_id", "=", "u.id").
			OnNull("a.deleted").OrOnNull("a.kept").OnNotIn("a.id", 9).OnBetween("a.n", 1, 5).OrOnIn("a.id", 1))},
		{"join_on_bad_operator", qb.Select().From("user u").Join("account a", qb.On("a.id", "LIKE", "u.id"))},
		{"inner_join_sub", qb.Select().From("author a").InnerJoinSub(counts, "c", "c.author_id = a.id")},
		{"left_join_sub", qb.Select().From("author a").LeftJoinSub(counts, "c", qb.On("c.author_id", "=", "a.id").OnVal("c.n", ">", 1))},
		{"select_literals", qb.Select("id", qb.As(qb.Lit(1), "one"), qb.As(qb.Lit("book"), "kind"), qb.As(qb.Lit(true), "t"),
			qb.As(qb.Lit(1.5), "f"), qb.As(qb.Lit(nil), "nothing")).From("book")},
		{"select_literal_bad", qb.Select(qb.Lit([]int{1, 2})).From("book")},
	}
}
