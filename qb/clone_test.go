package qb_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

func mustSQL(t *testing.T, q qb.Statement) string {
	t.Helper()
	s, _, err := q.ToSQL(dialect.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCloneSemantics derives two queries from one base with every kind of
// list-valued method and checks that neither leaks into the other or the base.
func TestCloneSemantics(t *testing.T) {
	base := qb.Select("a", "b", "c").From("t").
		With("w1", qb.Select().From("x")).
		Join("j1", "j1.id = t.id").
		Where(qb.Cond{"a": 1}).Where(qb.Cond{"b": 2}).
		GroupBy("a").Having(qb.Count("*").Gt(0)).
		OrderBy("a", qb.Asc).
		Union(qb.Select("a", "b", "c").From("u1"))
	before := mustSQL(t, base)

	q1 := base.Columns("x1").With("w2", qb.Select().From("y1")).Join("j2", "j2.id = t.id").
		Where(qb.Cond{"c": 3}).GroupBy("g1").Having(qb.Count("*").Lt(9)).OrderBy("o1", qb.Desc).
		Union(qb.Select("a", "b", "c").From("u2")).Limit(1).ForUpdate()
	q2 := base.Columns("x2").With("w3", qb.Select().From("y2")).Join("j3", "j3.id = t.id").
		OrWhere(qb.Cond{"d": 4}).GroupBy("g2").OrderBy("o2", qb.Asc).
		UnionAll(qb.Select("a", "b", "c").From("u3")).Offset(2).Distinct()

	if got := mustSQL(t, base); got != before {
		t.Errorf("base changed:\n%s\n%s", before, got)
	}
	want1 := `WITH "w1" AS (SELECT * FROM "x"), "w2" AS (SELECT * FROM "y1") SELECT "a", "b", "c", "x1" FROM "t" INNER JOIN "j1" ON "j1"."id" = "t"."id" INNER JOIN "j2" ON "j2"."id" = "t"."id" WHERE "a" = ? AND "b" = ? AND "c" = ? GROUP BY "a", "g1" HAVING count(*) > ? AND count(*) < ? UNION SELECT "a", "b", "c" FROM "u1" UNION SELECT "a", "b", "c" FROM "u2" ORDER BY "a" ASC, "o1" DESC LIMIT 1`
	want2 := `WITH "w1" AS (SELECT * FROM "x"), "w3" AS (SELECT * FROM "y2") SELECT DISTINCT "a", "b", "c", "x2" FROM "t" INNER JOIN "j1" ON "j1"."id" = "t"."id" INNER JOIN "j3" ON "j3"."id" = "t"."id" WHERE ("a" = ? AND "b" = ?) OR "d" = ? GROUP BY "a", "g2" HAVING count(*) > ? UNION SELECT "a", "b", "c" FROM "u1" UNION ALL SELECT "a", "b", "c" FROM "u3" ORDER BY "a" ASC, "o2" ASC LIMIT 9223372036854775807 OFFSET 2`
	if got := mustSQL(t, q1); got != want1 {
		t.Errorf("q1:\n got %s\nwant %s", got, want1)
	}
	if got := mustSQL(t, q2); got != want2 {
		t.Errorf("q2:\n got %s\nwant %s", got, want2)
	}

	// An error in one derived query does not reach its sibling or the base.
	bad := base.Where(qb.Cond{"x": map[string]int{}})
	if _, _, err := bad.ToSQL(dialect.SQLite); err == nil {
		t.Error("bad query rendered")
	}
	if got := mustSQL(t, base); got != before {
		t.Error("base changed by a failing derivation")
	}
}

func TestCloneSemanticsWrites(t *testing.T) {
	ins := qb.InsertInto("t").Columns("a").Values(1).Values(2).Returning("id")
	i1, i2 := ins.Values(3).Returning("x"), ins.Values(4).OnConflict("a").Ignore()
	checks := []struct {
		q    qb.Statement
		want string
	}{
		{ins, `INSERT INTO "t" ("a") VALUES (?), (?) RETURNING "id"`},
		{i1, `INSERT INTO "t" ("a") VALUES (?), (?), (?) RETURNING "id", "x"`},
		{i2, `INSERT INTO "t" ("a") VALUES (?), (?), (?) ON CONFLICT ("a") DO NOTHING RETURNING "id"`},
	}
	up := qb.Update("t").Set("a", 1).Set("b", 2).Where(qb.Cond{"id": 1})
	u1, u2 := up.Set("c", 3).WhereNull("d"), up.Increment("e", 1).Returning("id")
	del := qb.DeleteFrom("t").Where(qb.Cond{"a": 1})
	d1, d2 := del.Where(qb.Cond{"b": 2}), del.OrWhere(qb.Cond{"c": 3}).Returning("id")
	checks = append(checks, []struct {
		q    qb.Statement
		want string
	}{
		{up, `UPDATE "t" SET "a" = ?, "b" = ? WHERE "id" = ?`},
		{u1, `UPDATE "t" SET "a" = ?, "b" = ?, "c" = ? WHERE "id" = ? AND "d" IS NULL`},
		{u2, `UPDATE "t" SET "a" = ?, "b" = ?, "e" = "e" + ? WHERE "id" = ? RETURNING "id"`},
		{del, `DELETE FROM "t" WHERE "a" = ?`},
		{d1, `DELETE FROM "t" WHERE "a" = ? AND "b" = ?`},
		{d2, `DELETE FROM "t" WHERE "a" = ? OR "c" = ? RETURNING "id"`},
	}...)
	for _, c := range checks {
		if got := mustSQL(t, c.q); got != c.want {
			t.Errorf("\n got %s\nwant %s", got, c.want)
		}
	}
	// The caller's slices are copied.
	cols := []string{"a", "b"}
	q := qb.InsertInto("t").Columns(cols...).Values(1, 2)
	cols[0] = "evil"
	if got := mustSQL(t, q); got != `INSERT INTO "t" ("a", "b") VALUES (?, ?)` {
		t.Errorf("caller's slice leaked: %s", got)
	}
}

// TestInListIsCopied: a query built over an In list, a WhereIn or an
// Eq/Ne of a slice keeps the values it was built with: changing the
// caller's slice afterwards, or the arguments one render returned, changes
// no later render.
func TestInListIsCopied(t *testing.T) {
	for name, build := range map[string]func(ids []any) qb.SelectQuery{
		"In":   func(ids []any) qb.SelectQuery { return qb.Select("*").From("t").Where(qb.Cond{"id": qb.In(ids...)}) },
		"Cond": func(ids []any) qb.SelectQuery { return qb.Select("*").From("t").Where(qb.Cond{"id": ids}) },
		"Nin":  func(ids []any) qb.SelectQuery { return qb.Select("*").From("t").Where(qb.Cond{"id": qb.Nin(ids...)}) },
		"after": func(ids []any) qb.SelectQuery {
			return qb.Select("*").From("t").Where(qb.Cond{"x": 5, "id": qb.In(ids...)})
		},
	} {
		t.Run(name, func(t *testing.T) {
			ids := []any{int64(1), int64(2), int64(3)}
			q := build(ids)
			for _, d := range []dialect.Dialect{dialect.Postgres, dialect.SQLite} {
				sql1, args1, err := q.ToSQL(d)
				if err != nil {
					t.Fatal(err)
				}
				want := fmt.Sprint(args1)
				ids[0] = int64(99)
				for i := range args1 {
					args1[i] = "changed"
				}
				sql2, args2, err := q.ToSQL(d)
				if err != nil {
					t.Fatal(err)
				}
				if sql2 != sql1 || fmt.Sprint(args2) != want || strings.Contains(want, "99") {
					t.Errorf("%s: first render %s %s; after changing the list and the arguments %s %v", d.Name(), sql1, want, sql2, args2)
				}
				ids[0] = int64(1)
			}
		})
	}
}
