// Command streammem measures the memory of em.Stream: it fills a SQLite
// table with -rows books (50 authors), streams them in batches with their
// authors populated, and prints the Go heap in use (after a GC) and the
// process RSS every tenth of the way. -retain keeps every entity in the
// identity map instead, for contrast.
//
//	go run ./benchmarks/cmd/streammem -rows 1000000
package main

import (
	"github.com/unitorm/unitorm/internal/uow"

	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

type Author struct {
	ID   int64 `orm:"pk"`
	Name string
}

type Book struct {
	ID     int64 `orm:"pk"`
	Title  string
	Price  int     `orm:"index"`
	Author *Author `orm:"m:1"`
}

func main() {
	rows := flag.Int("rows", 1000000, "books to stream")
	batch := flag.Int("batch", 1000, "batch size")
	retain := flag.Bool("retain", false, "keep the entities (StreamOptions.Retain)")
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "streammem")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	orm, err := unitorm.Open(ctx, sqlite.Open("file:"+filepath.Join(dir, "s.db")), unitorm.Config{Entities: []any{Author{}, Book{}}})
	if err != nil {
		log.Fatal(err)
	}
	defer orm.Close()
	if err := orm.CreateSchema(ctx); err != nil {
		log.Fatal(err)
	}
	ins := qb.InsertInto("author").Columns("name")
	for i := range 50 {
		ins = ins.Values(fmt.Sprintf("author %d", i))
	}
	if _, err := ins.Exec(ctx, orm.SQL()); err != nil {
		log.Fatal(err)
	}
	// Fill with one INSERT … SELECT over a recursive counter.
	fill := qb.RawNamed(`INSERT INTO book (title, price, author_id)
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :rows)
		SELECT 'book ' || i, i % 97, 1 + i % 50 FROM n`, map[string]any{"rows": *rows})
	if _, err := qb.Exec(ctx, orm.SQL(), fill); err != nil {
		log.Fatal(err)
	}
	m := orm.Fork()
	step := max(*rows/10, 1)
	fmt.Printf("rows=%d batch=%d retain=%v\n%10s %14s %10s %10s\n", *rows, *batch, *retain, "rows", "heap in use", "RSS", "tracked")
	report := func(n int) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("%10d %11.1f MB %7.1f MB %10d\n", n, float64(ms.HeapInuse)/(1<<20), rssMB(), uow.OfManager(m).IdentityMap().Len())
	}
	report(0)
	n := 0
	for b, err := range em.Stream[Book](ctx, m, nil, em.StreamOptions{BatchSize: *batch, Retain: *retain},
		em.OrderBy("price", qb.Asc), em.Populate("author")) {
		if err != nil {
			log.Fatal(err)
		}
		if b.Author == nil || b.Author.Name == "" {
			log.Fatalf("book %d without its author", b.ID)
		}
		if n++; n%step == 0 {
			report(n)
		}
	}
	if n != *rows {
		log.Fatalf("streamed %d rows, want %d", n, *rows)
	}
}

// rssMB is the resident set size from /proc/self/status (0 elsewhere).
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}
