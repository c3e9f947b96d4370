package qb_test

import (
	"context"
	"fmt"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/qb"
)

func Example() {
	q := qb.Select("b.title", "a.name").From("book", "b").
		LeftJoin("author a", "a.id = b.author_id").
		WhereIn("b.id", 1, 2, 3).
		Where(qb.Cond{"a.name": qb.Like("J%")}).
		OrderBy("b.title", qb.Desc, qb.NullsLast).
		Limit(5)
	sql, args, err := q.ToSQL(dialect.Postgres)
	fmt.Println(sql)
	fmt.Println(args, err)
	// Output:
	// SELECT "b"."title", "a"."name" FROM "book" AS "b" LEFT JOIN "author" AS "a" ON "a"."id" = "b"."author_id" WHERE "b"."id" IN ($1, $2, $3) AND "a"."name" LIKE $4 ESCAPE '\' ORDER BY "b"."title" DESC NULLS LAST LIMIT 5
	// [1 2 3 J%] <nil>
}

func ExampleCond() {
	filter := qb.Cond{
		"title":     qb.Like("A%"),
		"price":     qb.Ops{qb.Gte(10), qb.Lt(20)},
		"author_id": []int{1, 2},
		"deleted":   nil,
		"$or":       []qb.Cond{{"stock": qb.Gt(0)}, {"preorder": true}},
	}
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MariaDB, dialect.SQLite} {
		sql, args, _ := qb.Select("id").From("book").Where(filter).ToSQL(d)
		fmt.Println(sql, args)
	}
	// A map given as a value is an error, never an operator.
	_, _, err := qb.Select().From("book").Where(qb.Cond{"id": map[string]any{"$ne": 0}}).ToSQL(dialect.Postgres)
	fmt.Println(err)
	// Output:
	// SELECT "id" FROM "book" WHERE ("stock" > $1 OR "preorder" = $2) AND "author_id" IN ($3, $4) AND "deleted" IS NULL AND "price" >= $5 AND "price" < $6 AND "title" LIKE $7 ESCAPE '\' [0 true 1 2 10 20 A%]
	// SELECT `id` FROM `book` WHERE (`stock` > ? OR `preorder` = ?) AND `author_id` IN (?, ?) AND `deleted` IS NULL AND `price` >= ? AND `price` < ? AND `title` LIKE ? COLLATE utf8mb4_bin ESCAPE '\\' [0 true 1 2 10 20 A%]
	// SELECT "id" FROM "book" WHERE ("stock" > ? OR "preorder" = ?) AND "author_id" IN (?, ?) AND "deleted" IS NULL AND "price" >= ? AND "price" < ? AND "title" GLOB ? [0 true 1 2 10 20 A*]
	// qb: invalid value: a map (map[string]interface {}) is not a value; use Cond for conditions (field "id" $eq)
}

func ExampleInsertQuery_OnConflict() {
	q := qb.InsertInto("book").Columns("isbn", "title", "price").
		Values("978-0", "Dune", 10).
		OnConflict("isbn").Merge("title", "price")
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL} {
		sql, _, _ := q.ToSQL(d)
		fmt.Println(sql)
	}
	sql, _, _ := q.Ignore().ToSQL(dialect.MySQL)
	fmt.Println(sql)
	sql, _, _ = q.Ignore().ToSQL(dialect.Postgres)
	fmt.Println(sql)
	// Output:
	// INSERT INTO "book" ("isbn", "title", "price") VALUES ($1, $2, $3) ON CONFLICT ("isbn") DO UPDATE SET "title" = EXCLUDED."title", "price" = EXCLUDED."price"
	// INSERT INTO `book` (`isbn`, `title`, `price`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `title` = VALUES(`title`), `price` = VALUES(`price`)
	// INSERT IGNORE INTO `book` (`isbn`, `title`, `price`) VALUES (?, ?, ?)
	// INSERT INTO "book" ("isbn", "title", "price") VALUES ($1, $2, $3) ON CONFLICT ("isbn") DO NOTHING
}

func ExampleRaw() {
	q := qb.Select("id", qb.As(qb.Raw("?? * ?", "price", 1.2), "gross")).From("book").
		WhereRaw("?? IN (?) AND data \\? 'tag'", "id", []int{4, 5})
	sql, args, _ := q.ToSQL(dialect.Postgres)
	fmt.Println(sql, args)

	_, _, err := qb.Select().From("book").WhereRaw("a = ? AND b = ?", 1).ToSQL(dialect.Postgres)
	fmt.Println(err)
	// Output:
	// SELECT "id", "price" * $1 AS "gross" FROM "book" WHERE "id" IN ($2, $3) AND data ? 'tag' [1.2 4 5]
	// qb: placeholder/argument mismatch: 2 placeholders, 1 arguments in "a = ? AND b = ?"
}

func ExampleSelectQuery_WhereGroup() {
	q := qb.Select().From("book").
		Where(qb.Cond{"author_id": 7}).
		WhereGroup(func(w qb.W) qb.W {
			return w.WhereNull("price").OrWhere(qb.Cond{"price": qb.Lt(5)})
		})
	sql, args, _ := q.ToSQL(dialect.SQLite)
	fmt.Println(sql, args)
	// Output:
	// SELECT * FROM "book" WHERE "author_id" = ? AND ("price" IS NULL OR "price" < ?) [7 5]
}

func ExampleSelectQuery_OrderBy() {
	q := qb.Select().From("book").OrderBy("price", qb.Desc, qb.NullsLast)
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MariaDB} {
		sql, _, _ := q.ToSQL(d)
		fmt.Println(sql)
	}
	_, _, err := qb.Select().From("book").OrderBy("price", "desc; DROP TABLE book").ToSQL(dialect.Postgres)
	fmt.Println(err)
	// Output:
	// SELECT * FROM "book" ORDER BY "price" DESC NULLS LAST
	// SELECT * FROM `book` ORDER BY (`price` IS NULL) ASC, `price` DESC
	// qb: invalid query: order direction "desc; DROP TABLE book": want asc or desc
}

func ExampleSelectQuery_Scan() {
	ctx := context.Background()
	db, err := sqlite.OpenDB(ctx, "file::memory:")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE TABLE book (id integer PRIMARY KEY, title text, price real)"); err != nil {
		fmt.Println(err)
		return
	}
	ins := qb.InsertInto("book").Columns("title", "price").
		Values("Ärger", 12.5).Values("ärgerlich", 8).Values("Apfel", nil)
	if _, err := ins.Exec(ctx, db); err != nil {
		fmt.Println(err)
		return
	}
	type row struct {
		Title string   `db:"title"`
		Price *float64 `db:"price"`
	}
	var rows []row
	err = qb.Select("title", "price").From("book").
		Where(qb.Cond{"title": qb.ILike("är%")}).
		OrderBy("price", qb.Asc).
		Scan(ctx, db, &rows)
	for _, r := range rows {
		fmt.Println(r.Title, *r.Price)
	}
	n, _ := qb.Select().From("book").Where(qb.Cond{"title": qb.Like("Ä%")}).Count(ctx, db)
	fmt.Println(n, err)
	// Output:
	// ärgerlich 8
	// Ärger 12.5
	// 1 <nil>
}
