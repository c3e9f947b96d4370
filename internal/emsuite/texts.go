package emsuite

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/testkit"
	"github.com/unitorm/unitorm/qb"
)

// Memo has string fields of text columns, which loads copy into chunks
// shared by the load's strings, beside string fields that are read
// otherwise (a pointer, a named type).
type Memo struct {
	ID    int64 `orm:"pk"`
	Seq   int
	Title string   `orm:"length=300"`
	Body  string   `orm:"type=text"`
	Extra string   `orm:"type=text"`
	Note  *string  `orm:"type=text"`
	Kind  memoKind `orm:"length=20"`
	// Label's length is in an explicit SQL type, which validation does not
	// read: the database checks it (SQLite does not).
	Label string `orm:"type=character varying(40)"`
	// Plain has the default length of a string column, which a flush
	// checks on every SQL database.
	Plain string
}

type memoKind string

// memoText is what a Memo's text fields hold.
type memoText struct {
	title, body, extra string
	note               *string
	kind               memoKind
}

func textsOf(m *Memo) memoText {
	return memoText{m.Title, m.Body, m.Extra, m.Note, m.Kind}
}

func (a memoText) String() string {
	note := "nil"
	if a.note != nil {
		note = fmt.Sprintf("%q", *a.note)
	}
	return fmt.Sprintf("title %q, body %q, extra %q, note %s, kind %q", a.title, a.body, a.extra, note, a.kind)
}

func (a memoText) equal(b memoText) bool {
	if (a.note == nil) != (b.note == nil) || a.note != nil && *a.note != *b.note {
		return false
	}
	return a.title == b.title && a.body == b.body && a.extra == b.extra && a.kind == b.kind
}

// drawText is a random text of n runes: ASCII, two- and three-byte runes.
func drawText(rng *rand.Rand, n int) string {
	const alphabet = "abcdefghij KLMNOP0123456789-éüß漢字テスト"
	runes := []rune(alphabet)
	var b strings.Builder
	for range n {
		b.WriteRune(runes[rng.IntN(len(runes))])
	}
	return b.String()
}

// drawLength is a text length: often empty or short, sometimes around the
// size loads allocate alone (1 KiB) and above.
func drawLength(rng *rand.Rand, most int) int {
	switch rng.IntN(6) {
	case 0:
		return 0
	case 1:
		return min(most, 300+rng.IntN(900))
	default:
		return rng.IntN(min(most, 40))
	}
}

func drawMemo(rng *rand.Rand, m *Memo) {
	m.Title = drawText(rng, drawLength(rng, 300))
	m.Body = drawText(rng, drawLength(rng, 1500))
	m.Extra = drawText(rng, drawLength(rng, 1500))
	m.Note = nil
	if rng.IntN(2) == 0 {
		n := drawText(rng, drawLength(rng, 500))
		m.Note = &n
	}
	m.Kind = memoKind(drawText(rng, rng.IntN(20)))
}

// TestLoadedTextsRoundTrip: every string a load reads is the row's own,
// byte for byte, whatever its length (empty, short, past the chunk loads
// copy texts into, longer than what they copy at all), through finds with
// and without a limit, one-row finds and after an update. Seeded; a failure
// names the seed and the row.
func TestLoadedTextsRoundTrip(t *testing.T) {
	forEachBackendWith(t, func(c *unitorm.Config) { c.Entities = []any{Memo{}} }, func(t *testing.T, e *env) {
		ctx := context.Background()
		for _, seed := range []uint64{1, 2} {
			rng := rand.New(rand.NewPCG(seed, 0x7e47))
			w := e.fork()
			want := map[int64]memoText{}
			memos := make([]*Memo, 400)
			for i := range memos {
				memos[i] = &Memo{Seq: int(seed)*1000 + i}
				drawMemo(rng, memos[i])
				if err := w.Persist(memos[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(ctx); err != nil {
				t.Fatalf("seed %d: insert: %v", seed, err)
			}
			for _, m := range memos {
				want[m.ID] = textsOf(m)
			}
			mine := qb.And(qb.Cond{"seq": qb.Gte(int(seed) * 1000)}, qb.Cond{"seq": qb.Lt(int(seed)*1000 + 1000)})
			check := func(what string, got []*Memo, n int) {
				t.Helper()
				if len(got) != n {
					t.Fatalf("seed %d, %s: %d memos, want %d", seed, what, len(got), n)
				}
				for _, m := range got {
					w, ok := want[m.ID]
					if !ok {
						t.Fatalf("seed %d, %s: memo %d was not written", seed, what, m.ID)
					}
					if g := textsOf(m); !g.equal(w) {
						t.Fatalf("seed %d, %s: memo %d holds\n%v\nwant\n%v", seed, what, m.ID, g, w)
					}
				}
			}

			all, err := em.Find[Memo](ctx, e.fork(), mine, em.OrderBy("seq", qb.Asc))
			if err != nil {
				t.Fatal(err)
			}
			check("find", all, len(memos))
			for _, limit := range []int{1, 7, 150, 1000} {
				got, err := em.Find[Memo](ctx, e.fork(), mine, em.OrderBy("seq", qb.Desc), em.Limit(limit))
				if err != nil {
					t.Fatal(err)
				}
				check(fmt.Sprintf("find, limit %d", limit), got, min(limit, len(memos)))
			}
			for range 5 {
				id := memos[rng.IntN(len(memos))].ID
				one, err := em.FindOne[Memo](ctx, e.fork(), qb.Cond{"id": id})
				if err != nil || one == nil {
					t.Fatalf("seed %d: find one %d: %v", seed, id, err)
				}
				check("find one", []*Memo{one}, 1)
			}

			// Updates of texts read through the shared chunks: the changed
			// rows are written, the others stay as they are.
			m := e.fork()
			loaded, err := em.Find[Memo](ctx, m, mine)
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range loaded {
				if i%3 == 0 {
					drawMemo(rng, l)
					want[l.ID] = textsOf(l)
				}
			}
			if err := m.Flush(ctx); err != nil {
				t.Fatalf("seed %d: update: %v", seed, err)
			}
			again, err := em.Find[Memo](ctx, e.fork(), mine, em.Limit(len(memos)))
			if err != nil {
				t.Fatal(err)
			}
			check("after the update", again, len(memos))
		}
	})
}

// TestTooLongTextsAreRefused: a text longer than its column (one of an
// explicit SQL type, which validation leaves to the database) is refused
// by every write form (one row, a multi-row statement, PostgreSQL's
// arrays, bulk updates), and the flush writes nothing: never stored cut
// short. On SQLite, which does not limit lengths, the whole text is
// stored. A text longer than the default length of a string column is a
// ValidationError naming the property on every database, SQLite included.
func TestTooLongTextsAreRefused(t *testing.T) {
	forEachBackendWith(t, func(c *unitorm.Config) { c.Entities = []any{Memo{}} }, func(t *testing.T, e *env) {
		ctx := context.Background()
		long := strings.Repeat("é", 41) // the label's column holds 40
		limited := e.b != testkit.SQLite
		for _, n := range []int{1, 3, 150} {
			base := n * 10000
			// Inserts: one row of n too long.
			w := e.fork()
			memos := make([]*Memo, n)
			for i := range memos {
				memos[i] = &Memo{Seq: base + i, Label: "ok"}
				if err := w.Persist(memos[i]); err != nil {
					t.Fatal(err)
				}
			}
			memos[n/2].Label = long
			err := w.Flush(ctx)
			mine := qb.And(qb.Cond{"seq": qb.Gte(base)}, qb.Cond{"seq": qb.Lt(base + n)})
			stored, ferr := em.Find[Memo](ctx, e.fork(), mine)
			if ferr != nil {
				t.Fatal(ferr)
			}
			if limited {
				if err == nil || len(stored) != 0 {
					t.Fatalf("insert of %d with a label of 41 runes: err %v, %d rows stored", n, err, len(stored))
				}
				memos[n/2].Label = "ok"
				w = e.fork()
				for _, m := range memos {
					m.ID = 0
					if err := w.Persist(m); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Flush(ctx); err != nil {
					t.Fatal(err)
				}
			} else if err != nil || len(stored) != n {
				t.Fatalf("insert of %d on SQLite: err %v, %d rows stored", n, err, len(stored))
			}
			// Updates: every row changed, one too long.
			m := e.fork()
			loaded, err := em.Find[Memo](ctx, m, mine, em.OrderBy("seq", qb.Asc))
			if err != nil || len(loaded) != n {
				t.Fatalf("load %d: %d, %v", n, len(loaded), err)
			}
			for i, l := range loaded {
				l.Label = fmt.Sprint("changed ", i)
			}
			loaded[n/2].Label = long
			err = m.Flush(ctx)
			after, ferr := em.Find[Memo](ctx, e.fork(), mine, em.OrderBy("seq", qb.Asc))
			if ferr != nil {
				t.Fatal(ferr)
			}
			for i, a := range after {
				switch {
				case limited && (err == nil || a.Label != "ok"):
					t.Fatalf("update of %d with a label of 41 runes: err %v, row %d holds %q", n, err, i, a.Label)
				case !limited && (err != nil || a.Label != loaded[i].Label):
					t.Fatalf("update of %d on SQLite: err %v, row %d holds %q", n, err, i, a.Label)
				}
			}
		}
		// The default length, on every database: refused before anything
		// is sent, naming the entity and the property.
		countBefore := e.count(t, "memo")
		for _, n := range []int{1, 150} {
			w := e.fork()
			for i := range n {
				m := &Memo{Seq: 900000 + n*1000 + i, Plain: "ok"}
				if i == n/2 {
					m.Plain = strings.Repeat("漢", dialect.DefaultStringLength+1)
				}
				if err := w.Persist(m); err != nil {
					t.Fatal(err)
				}
			}
			err := w.Flush(ctx)
			var verr *em.ValidationError
			if !errors.As(err, &verr) || len(verr.Violations) != 1 || verr.Violations[0].Entity != "Memo" ||
				verr.Violations[0].Property != "plain" || verr.Violations[0].Rule != "length" {
				t.Fatalf("%d rows, one plain string of %d runes: %v", n, dialect.DefaultStringLength+1, err)
			}
			if got := e.count(t, "memo"); got != countBefore {
				t.Fatalf("a refused flush stored rows: %d, want %d", got, countBefore)
			}
		}
		// The longest text the default length holds is stored whole.
		full := &Memo{Seq: 990000, Plain: strings.Repeat("漢", dialect.DefaultStringLength)}
		w := e.fork()
		if err := w.Persist(full); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(ctx); err != nil {
			t.Fatalf("a plain string of %d runes: %v", dialect.DefaultStringLength, err)
		}
		back, err := em.FindOne[Memo](ctx, e.fork(), qb.Cond{"id": full.ID})
		if err != nil || back == nil || back.Plain != full.Plain {
			t.Fatalf("a plain string of %d runes came back as %v, %v", dialect.DefaultStringLength, back, err)
		}
	})
}
