package querytest

import (
	"github.com/unitorm/unitorm/internal/uow"

	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

type SAuthor struct {
	ID   int64 `orm:"pk"`
	Name string
}

type SBook struct {
	ID     int64 `orm:"pk"`
	Price  int
	Author *SAuthor `orm:"m:1"`
}

type sbookRow struct {
	ID     int64 `db:"id"`
	Price  int   `db:"price"`
	Author int64 `db:"author_id"`
}

func seedBooks(t *testing.T, e *env, authors, books int) []sbookRow {
	t.Helper()
	ctx := context.Background()
	ins := qb.InsertInto("s_author").Columns("name")
	for i := range authors {
		ins = ins.Values(fmt.Sprintf("a%d", i))
	}
	if _, err := ins.Exec(ctx, e.orm.SQL()); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if err := qb.Select("id").From("s_author").Scan(ctx, e.orm.SQL(), &ids); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(4, 4))
	for done := 0; done < books; {
		ins := qb.InsertInto("s_book").Columns("price", "author_id")
		for i := 0; i < 1000 && done < books; i++ {
			ins = ins.Values(r.IntN(50), ids[r.IntN(len(ids))])
			done++
		}
		if _, err := ins.Exec(ctx, e.orm.SQL()); err != nil {
			t.Fatal(err)
		}
	}
	var rows []sbookRow
	if err := qb.Select("id", "price", "author_id").From("s_book").Scan(ctx, e.orm.SQL(), &rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestStreamBoundedAndComplete streams 5,000 books in batches of 300 with
// their authors populated: every book once, in order, and the identity map
// never holds more than one batch and its authors; afterwards it is empty
// again. With Retain everything stays.
func TestStreamBoundedAndComplete(t *testing.T) {
	forEachSQL(t, []any{SAuthor{}, SBook{}}, func(t *testing.T, e *env) {
		ctx := context.Background()
		rows := seedBooks(t, e, 50, 5000)
		slices.SortFunc(rows, func(a, b sbookRow) int { return cmp.Or(-cmp.Compare(a.Price, b.Price), cmp.Compare(a.ID, b.ID)) })
		m := e.fork()
		var got []int64
		maxTracked := 0
		for b, err := range em.Stream[SBook](ctx, m, nil, em.StreamOptions{BatchSize: 300}, em.OrderBy("price", qb.Desc), em.Populate("author")) {
			if err != nil {
				t.Fatal(err)
			}
			if b.Author == nil || b.Author.Name == "" {
				t.Fatalf("book %d: author not populated", b.ID)
			}
			got = append(got, b.ID)
			maxTracked = max(maxTracked, uow.OfManager(m).IdentityMap().Len())
		}
		if len(got) != len(rows) {
			t.Fatalf("%d books streamed, want %d", len(got), len(rows))
		}
		for i, r := range rows {
			if got[i] != r.ID {
				t.Fatalf("book %d is %d, want %d", i, got[i], r.ID)
			}
		}
		if maxTracked > 300+50 || maxTracked < 300 {
			t.Errorf("identity map held up to %d entities, want one batch (300) and its authors (≤ 50)", maxTracked)
		}
		if n := uow.OfManager(m).IdentityMap().Len(); n != 0 {
			t.Errorf("%d entities tracked after the stream", n)
		}
		// Retain keeps everything; Limit caps the count.
		kept := e.fork()
		n := 0
		for b, err := range em.Stream[SBook](ctx, kept, qb.Cond{"price": qb.Lt(25)}, em.StreamOptions{BatchSize: 128, Retain: true}, em.Limit(777)) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			defer func() {
				if !kept.Contains(b) {
					t.Errorf("retained stream: book %d not tracked", b.ID)
				}
			}()
		}
		if n != 777 || uow.OfManager(kept).IdentityMap().Len() < 777 {
			t.Errorf("retained stream: %d books, %d tracked", n, uow.OfManager(kept).IdentityMap().Len())
		}
	})
}

// TestStreamBreakAndChanges: breaking out of the loop stops the queries
// and forgets the batch; a batch whose entities the loop body changed
// stays tracked, and Flush writes the change.
func TestStreamBreakAndChanges(t *testing.T) {
	forEachSQL(t, []any{SAuthor{}, SBook{}}, func(t *testing.T, e *env) {
		ctx := context.Background()
		seedBooks(t, e, 5, 1000)
		m := e.fork()
		before := e.statements()
		i := 0
		for _, err := range em.Stream[SBook](ctx, m, nil, em.StreamOptions{BatchSize: 100}) {
			if err != nil {
				t.Fatal(err)
			}
			if i++; i == 10 {
				break
			}
		}
		if n := e.statements() - before; n != 1 {
			t.Errorf("%d statements for a loop left after 10 rows, want 1", n)
		}
		if n := uow.OfManager(m).IdentityMap().Len(); n != 0 {
			t.Errorf("%d entities tracked after break", n)
		}
		var changed *SBook
		for b, err := range em.Stream[SBook](ctx, m, nil, em.StreamOptions{BatchSize: 100}) {
			if err != nil {
				t.Fatal(err)
			}
			if changed == nil {
				changed = b
				b.Price = 1000
			}
		}
		if !m.IsDirty(changed) {
			t.Fatal("the changed book was forgotten")
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var price int
		if err := qb.Select("price").From("s_book").Where(qb.Cond{"id": changed.ID}).First(ctx, e.orm.SQL(), &price); err != nil || price != 1000 {
			t.Errorf("flushed price %d %v", price, err)
		}
		// Bad options fail as the first element, with nothing run.
		before = e.statements()
		for _, err := range em.Stream[SBook](ctx, m, nil, em.StreamOptions{}, em.Offset(3)) {
			if !errors.Is(err, em.ErrInvalidData) {
				t.Errorf("offset: %v", err)
			}
		}
		for _, err := range em.Stream[SBook](ctx, m, nil, em.StreamOptions{}, em.OrderBy("author.name", qb.Asc)) {
			if !errors.Is(err, em.ErrUnknownProperty) {
				t.Errorf("order by a path: %v", err)
			}
		}
		if n := e.statements() - before; n != 0 {
			t.Errorf("%d statements ran for bad options", n)
		}
	})
}
