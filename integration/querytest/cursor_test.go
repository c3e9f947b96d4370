package querytest

import (
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

// Entry is the row of the cursor tests: Score ties a lot, Name ties and
// is NULL in about a fifth of the rows.
type Entry struct {
	ID    int64 `orm:"pk"`
	Score int
	Name  *string
}

type entryRow struct {
	ID    int64   `db:"id"`
	Score int     `db:"score"`
	Name  *string `db:"name"`
}

// seedEntries inserts n random entries and returns them as stored.
func seedEntries(t *testing.T, e *env, n int, seed uint64) []entryRow {
	t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 3))
	for done := 0; done < n; {
		ins := qb.InsertInto("entry").Columns("score", "name")
		for i := 0; i < 1000 && done < n; i++ {
			var name any
			if r.IntN(5) > 0 {
				name = fmt.Sprintf("n%02d", r.IntN(30))
			}
			ins = ins.Values(r.IntN(20), name)
			done++
		}
		if _, err := ins.Exec(ctx, e.orm.SQL()); err != nil {
			t.Fatal(err)
		}
	}
	var rows []entryRow
	if err := qb.Select("id", "score", "name").From("entry").Scan(ctx, e.orm.SQL(), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != n {
		t.Fatalf("%d rows stored, want %d", len(rows), n)
	}
	return rows
}

// cmpName orders names with NULL as the largest value, or the smallest
// when nullsFirst.
func cmpName(a, b *string, nullsFirst bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		if nullsFirst {
			return -1
		}
		return 1
	case b == nil:
		if nullsFirst {
			return 1
		}
		return -1
	}
	return cmp.Compare(*a, *b)
}

type cursorOrder struct {
	name string
	opts []em.FindOption
	cmp  func(a, b entryRow) int
}

var cursorOrders = []cursorOrder{
	{"score asc, name desc", []em.FindOption{em.OrderBy("score", qb.Asc), em.OrderBy("name", qb.Desc)},
		func(a, b entryRow) int {
			// name DESC: NULL is the largest value, so it comes first.
			return cmp.Or(cmp.Compare(a.Score, b.Score), -cmpName(a.Name, b.Name, false), cmp.Compare(a.ID, b.ID))
		}},
	{"name asc nulls first", []em.FindOption{em.OrderBy("name", qb.Asc, qb.NullsFirst)},
		func(a, b entryRow) int { return cmp.Or(cmpName(a.Name, b.Name, true), cmp.Compare(a.ID, b.ID)) }},
	{"name asc, score desc", []em.FindOption{em.OrderBy("name", qb.Asc), em.OrderBy("score", qb.Desc)},
		func(a, b entryRow) int {
			return cmp.Or(cmpName(a.Name, b.Name, false), -cmp.Compare(a.Score, b.Score), cmp.Compare(a.ID, b.ID))
		}},
	{"name desc nulls last, id desc", []em.FindOption{em.OrderBy("name", qb.Desc, qb.NullsLast), em.OrderBy("id", qb.Desc)},
		func(a, b entryRow) int { return cmp.Or(-cmpName(a.Name, b.Name, true), -cmp.Compare(a.ID, b.ID)) }},
}

// TestCursorVisitsEveryRowOnce pages a 10,000-row table with ties and
// NULLs in the order columns, forwards with First/After and backwards with
// Last/Before, in several orders: every row exactly once, in the model's
// order, with HasNextPage/HasPrevPage right on every page.
func TestCursorVisitsEveryRowOnce(t *testing.T) {
	forEachSQL(t, []any{Entry{}}, func(t *testing.T, e *env) {
		ctx := context.Background()
		rows := seedEntries(t, e, 10000, 16)
		for oi, o := range cursorOrders {
			want := slices.Clone(rows)
			var where qb.Condition
			if oi == 2 {
				where = qb.Cond{"score": qb.Lt(15)}
				want = slices.DeleteFunc(want, func(r entryRow) bool { return r.Score >= 15 })
			}
			slices.SortFunc(want, o.cmp)
			wantIDs := make([]int64, len(want))
			for i, r := range want {
				wantIDs[i] = r.ID
			}
			size := 97 + oi*150
			// Forwards.
			var got []int64
			after := ""
			for pageNo := 0; ; pageNo++ {
				m := e.fork()
				page, err := em.FindByCursor[Entry](ctx, m, where, em.Cursor{First: size, After: after, Total: pageNo == 0}, o.opts...)
				if err != nil {
					t.Fatalf("%s: forward page %d: %v", o.name, pageNo, err)
				}
				if pageNo == 0 && page.TotalCount != int64(len(want)) {
					t.Errorf("%s: total %d, want %d", o.name, page.TotalCount, len(want))
				}
				if page.HasPrevPage != (pageNo > 0) {
					t.Fatalf("%s: forward page %d: HasPrevPage %v", o.name, pageNo, page.HasPrevPage)
				}
				for _, x := range page.Items {
					got = append(got, x.ID)
				}
				if page.HasNextPage != (len(got) < len(want)) {
					t.Fatalf("%s: forward page %d: HasNextPage %v after %d of %d", o.name, pageNo, page.HasNextPage, len(got), len(want))
				}
				if !page.HasNextPage {
					break
				}
				after = page.EndCursor
			}
			if !slices.Equal(got, wantIDs) {
				t.Fatalf("%s: forward pages differ from the model (%d rows, want %d; first difference at %d)", o.name, len(got), len(wantIDs), firstDiff(got, wantIDs))
			}
			// Backwards.
			var back []int64
			before := ""
			for pageNo := 0; ; pageNo++ {
				page, err := em.FindByCursor[Entry](ctx, e.fork(), where, em.Cursor{Last: size, Before: before}, o.opts...)
				if err != nil {
					t.Fatalf("%s: backward page %d: %v", o.name, pageNo, err)
				}
				if page.HasNextPage != (pageNo > 0) {
					t.Fatalf("%s: backward page %d: HasNextPage %v", o.name, pageNo, page.HasNextPage)
				}
				ids := make([]int64, len(page.Items))
				for i, x := range page.Items {
					ids[i] = x.ID
				}
				back = append(ids, back...)
				if page.HasPrevPage != (len(back) < len(want)) {
					t.Fatalf("%s: backward page %d: HasPrevPage %v after %d of %d", o.name, pageNo, page.HasPrevPage, len(back), len(want))
				}
				if !page.HasPrevPage {
					break
				}
				before = page.StartCursor
			}
			if !slices.Equal(back, wantIDs) {
				t.Fatalf("%s: backward pages differ from the model (%d rows, want %d; first difference at %d)", o.name, len(back), len(wantIDs), firstDiff(back, wantIDs))
			}
		}
	})
}

func firstDiff(a, b []int64) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestCursorWindowAndRefusals: After and Before together bound a window;
// a changed cursor, one from another order, and bad arguments are refused
// before any query runs.
func TestCursorWindowAndRefusals(t *testing.T) {
	forEachSQL(t, []any{Entry{}}, func(t *testing.T, e *env) {
		ctx := context.Background()
		seedEntries(t, e, 300, 7)
		byScore := []em.FindOption{em.OrderBy("score", qb.Desc)}
		all, err := em.FindByCursor[Entry](ctx, e.fork(), nil, em.Cursor{First: 300}, byScore...)
		if err != nil || len(all.Items) != 300 || all.HasNextPage || all.HasPrevPage {
			t.Fatalf("whole table: %d items, next %v prev %v, %v", len(all.Items), all.HasNextPage, all.HasPrevPage, err)
		}
		// The window strictly between items 10 and 50.
		win, err := em.FindByCursor[Entry](ctx, e.fork(), nil, em.Cursor{First: 100, After: all.CursorAt(10), Before: all.CursorAt(50)}, byScore...)
		if err != nil {
			t.Fatal(err)
		}
		if len(win.Items) != 39 || win.Items[0].ID != all.Items[11].ID || win.Items[38].ID != all.Items[49].ID || !win.HasNextPage || !win.HasPrevPage {
			t.Fatalf("window: %d items, next %v prev %v", len(win.Items), win.HasNextPage, win.HasPrevPage)
		}
		last3, err := em.FindByCursor[Entry](ctx, e.fork(), nil, em.Cursor{Last: 3, Before: all.CursorAt(50)}, byScore...)
		if err != nil || len(last3.Items) != 3 || last3.Items[2].ID != all.Items[49].ID || !last3.HasPrevPage || !last3.HasNextPage {
			t.Fatalf("last 3 before item 50: %v", err)
		}
		empty, err := em.FindByCursor[Entry](ctx, e.fork(), nil, em.Cursor{First: 5, After: all.EndCursor}, byScore...)
		if err != nil || len(empty.Items) != 0 || empty.HasNextPage || !empty.HasPrevPage || empty.StartCursor != "" {
			t.Fatalf("after the end: %+v %v", empty, err)
		}
		c := all.CursorAt(3)
		tampered := []byte(c)
		tampered[len(tampered)/2] ^= 1
		if tampered[len(tampered)/2] == '-' || tampered[len(tampered)/2] == '_' {
			tampered[len(tampered)/2] = 'A'
		}
		bad := []struct {
			name string
			c    em.Cursor
			opts []em.FindOption
			want error
		}{
			{"tampered", em.Cursor{First: 5, After: string(tampered)}, byScore, em.ErrInvalidCursor},
			{"truncated", em.Cursor{First: 5, After: c[:len(c)-3]}, byScore, em.ErrInvalidCursor},
			{"other order", em.Cursor{First: 5, After: c}, []em.FindOption{em.OrderBy("score", qb.Asc)}, em.ErrInvalidCursor},
			{"not base64", em.Cursor{First: 5, Before: "%%%"}, byScore, em.ErrInvalidCursor},
			{"first and last", em.Cursor{First: 5, Last: 5}, byScore, em.ErrInvalidData},
			{"neither", em.Cursor{}, byScore, em.ErrInvalidData},
			{"limit", em.Cursor{First: 5}, append([]em.FindOption{em.Limit(3)}, byScore...), em.ErrInvalidData},
			{"order by unknown", em.Cursor{First: 5}, []em.FindOption{em.OrderBy("nope", qb.Asc)}, em.ErrUnknownProperty},
		}
		for _, b := range bad {
			before := e.statements()
			_, err := em.FindByCursor[Entry](ctx, e.fork(), nil, b.c, b.opts...)
			if !errors.Is(err, b.want) {
				t.Errorf("%s: %v, want %v", b.name, err, b.want)
			}
			if n := e.statements() - before; n != 0 {
				t.Errorf("%s: %d statements ran", b.name, n)
			}
		}
	})
}
