package em_test

import (
	"context"
	"fmt"
	"log"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
)

// Article keeps its tags and scores as arrays: native arrays on PostgreSQL,
// JSON on MySQL/MariaDB, text on SQLite, BSON arrays on MongoDB.
type Article struct {
	ID     int64 `orm:"pk"`
	Title  string
	Tags   []string `orm:"type=array"`
	Scores []int64  `orm:"type=array"`
}

// Arrays: a slice tagged type=array round-trips as one column, and a change
// of one element is a change of that column only.
func Example_arrays() {
	ctx := context.Background()
	var sqls []string
	orm, err := unitorm.Open(ctx, sqlite.Open("file::memory:"), unitorm.Config{Entities: []any{Article{}},
		OnQuery: func(ev unitorm.QueryEvent) { sqls = append(sqls, ev.SQL) }})
	if err != nil {
		log.Fatal(err)
	}
	defer orm.Close()
	if err := orm.CreateSchema(ctx); err != nil {
		log.Fatal(err)
	}
	m := orm.Fork()
	a := &Article{Title: "Arrays", Tags: []string{"go", "orm"}, Scores: []int64{3, 5}}
	if err := m.Persist(a); err != nil {
		log.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		log.Fatal(err)
	}

	r := orm.Fork()
	back, err := em.FindOneOrFail[Article](ctx, r, a.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(back.Tags, back.Scores)
	back.Tags[1] = "sql" // in place: still a change
	sqls = nil
	if err := r.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(sqls[0])
	// Output:
	// [go orm] [3 5]
	// UPDATE "article" SET "tags" = ? WHERE "id" = ?
}
