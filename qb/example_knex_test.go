package qb_test

import (
	"fmt"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

func ExampleRawNamed() {
	q := qb.RawNamed("SELECT :col: FROM book WHERE author_id = :a AND price::int > :min",
		map[string]any{"col": "title", "a": 7, "min": 10})
	sql, args, _ := q.ToSQL(dialect.Postgres)
	fmt.Println(sql)
	fmt.Println(args)
	// Output:
	// SELECT "title" FROM book WHERE author_id = $1 AND price::int > $2
	// [7 10]
}

func ExampleSelectQuery_Intersect() {
	q := qb.Select("author_id").From("book").Where(qb.Cond{"price": qb.Gt(10)}).
		Intersect(qb.Select("id").From("author").Where(qb.Cond{"active": true}))
	sql, _, _ := q.ToSQL(dialect.SQLite)
	fmt.Println(sql)
	_, _, err := qb.Select("id").From("a").IntersectAll(qb.Select("id").From("b")).ToSQL(dialect.SQLite)
	fmt.Println(err)
	// Output:
	// SELECT "author_id" FROM "book" WHERE "price" > ? INTERSECT SELECT "id" FROM "author" WHERE "active" = ?
	// qb: unsupported by dialect: INTERSECT ALL on sqlite
}

func ExampleOn() {
	q := qb.Select("u.id").From("user u").LeftJoin("account a",
		qb.On("a.user_id", "=", "u.id").OrOn("a.owner_id", "=", "u.id").AndOnVal("a.active", "=", true)).
		WhereInTuples([]string{"u.org", "u.team"}, [][]any{{1, 2}, {3, 4}})
	sql, args, _ := q.ToSQL(dialect.MySQL)
	fmt.Println(sql)
	fmt.Println(args)
	// Output:
	// SELECT `u`.`id` FROM `user` AS `u` LEFT JOIN `account` AS `a` ON (`a`.`user_id` = `u`.`id` OR `a`.`owner_id` = `u`.`id`) AND `a`.`active` = ? WHERE (`u`.`org`, `u`.`team`) IN ((?, ?), (?, ?))
	// [true 1 2 3 4]
}
