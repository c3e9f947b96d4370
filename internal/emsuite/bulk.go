package emsuite

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

// TestFlushOverParameterLimit flushes 70,000 new rows of three columns
// (210,000 bound parameters, over the 65,535 that PostgreSQL and MySQL
// accept in one statement): every row lands, and every entity gets the key
// of its own row (checked by reading key → Seq back).
func TestFlushOverParameterLimit(t *testing.T) {
	const n = 70_000
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		items := make([]*Item, n)
		for i := range items {
			items[i] = &Item{Seq: i, Label: fmt.Sprint("item ", i), Batch: i % 7}
			if err := m.Persist(items[i]); err != nil {
				t.Fatal(err)
			}
		}
		mark := e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		stmts := e.rec.since(mark)
		params := 3 * n
		if e.orm.Dialect().Has(dialect.ArrayParams) {
			// One array per column, the keys drawn in the same statement:
			// one statement whatever the row count, atomic on its own.
			if len(stmts) != 1 || !strings.Contains(stmts[0], "unnest(") {
				t.Errorf("%d statements, want one INSERT from arrays: %.300q", len(stmts), stmts)
			}
		} else {
			if max := e.orm.Dialect().MaxParams(); len(stmts) < 2+(params+max-1)/max {
				t.Errorf("%d statements for %d parameters under a limit of %d", len(stmts), params, max)
			}
			if first, last := shape(stmts[0]), shape(stmts[len(stmts)-1]); first != "BEGIN" || last != "COMMIT" {
				t.Errorf("flush ran %s … %s, want one transaction", first, last)
			}
		}
		var rows []struct {
			ID  int64 `db:"id"`
			Seq int   `db:"seq"`
		}
		if err := qb.Select("id", "seq").From("item").Scan(ctx, e.orm.SQL(), &rows); err != nil {
			t.Fatal(err)
		}
		if len(rows) != n {
			t.Fatalf("%d rows in the table, want %d", len(rows), n)
		}
		seqOf := make(map[int64]int, n)
		for _, r := range rows {
			seqOf[r.ID] = r.Seq
		}
		wrong := 0
		for _, it := range items {
			if seq, ok := seqOf[it.ID]; !ok || seq != it.Seq {
				if wrong++; wrong <= 5 {
					t.Errorf("item Seq %d got key %d, whose row has Seq %d (found %v)", it.Seq, it.ID, seq, ok)
				}
			}
		}
		if wrong > 0 {
			t.Errorf("%d of %d items have the key of another row", wrong, n)
		}
	})
}
