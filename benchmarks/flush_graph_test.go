package benchmarks

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The Unit of Work issue's target: a flush of 10,000 new entities — 1,000
// authors × 10 books — against a hand-written batched insert with pgx in one
// transaction (authors with RETURNING id, then the books with those ids).

// FgAuthor writes FgBooks.
type FgAuthor struct {
	ID   int64  `orm:"pk"`
	Name string `orm:"column=name"`
}

// FgBook has an author.
type FgBook struct {
	ID     int64     `orm:"pk"`
	Title  string    `orm:"column=title"`
	Author *FgAuthor `orm:"m:1"`
}

const fgAuthors, fgBooksPer = 1000, 10

var fgOnce sync.Once

func BenchmarkFlushGraph(b *testing.B) {
	ctx := context.Background()
	orm := openUnitorm(b, FgAuthor{}, FgBook{})
	var err error
	fgOnce.Do(func() { err = orm.CreateSchema(ctx) })
	if err != nil {
		b.Fatal(err)
	}
	conn := pgConn(b)
	truncate := func() {
		if _, err := conn.Exec(ctx, "TRUNCATE fg_book, fg_author RESTART IDENTITY"); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("lib=unitorm", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			b.StopTimer()
			truncate()
			b.StartTimer()
			m := orm.Fork()
			for a := range fgAuthors {
				au := &FgAuthor{Name: "author" + strconv.Itoa(a)}
				for k := range fgBooksPer {
					if err := m.Persist(&FgBook{Title: "book" + strconv.Itoa(a*fgBooksPer+k), Author: au}); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := m.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lib=pgx", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			b.StopTimer()
			truncate()
			b.StartTimer()
			if err := pgxFlushGraph(ctx, conn); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.StopTimer()
	var n int64
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM fg_book b JOIN fg_author a ON a.id = b.author_id").Scan(&n); err != nil || n != fgAuthors*fgBooksPer {
		b.Fatalf("%d joined books (%v)", n, err)
	}
}

// pgxFlushGraph is the hand-written baseline: one transaction, one
// multi-row INSERT of the authors returning their ids, one of the books.
func pgxFlushGraph(ctx context.Context, conn *pgx.Conn) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var sb strings.Builder
	args := make([]any, 0, fgAuthors)
	sb.WriteString("INSERT INTO fg_author (name) VALUES ")
	for a := range fgAuthors {
		if a > 0 {
			sb.WriteString(", ")
		}
		args = append(args, "author"+strconv.Itoa(a))
		sb.WriteString("($" + strconv.Itoa(len(args)) + ")")
	}
	sb.WriteString(" RETURNING id")
	rows, err := tx.Query(ctx, sb.String(), args...)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, fgAuthors)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	sb.Reset()
	args = make([]any, 0, 2*fgAuthors*fgBooksPer)
	sb.WriteString("INSERT INTO fg_book (title, author_id) VALUES ")
	for a := range fgAuthors {
		for k := range fgBooksPer {
			if len(args) > 0 {
				sb.WriteString(", ")
			}
			args = append(args, "book"+strconv.Itoa(a*fgBooksPer+k), ids[a])
			sb.WriteString("($" + strconv.Itoa(len(args)-1) + ", $" + strconv.Itoa(len(args)) + ")")
		}
	}
	sb.WriteString(" RETURNING id")
	rows, err = tx.Query(ctx, sb.String(), args...)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
