package mappingtest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/mongo"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/rel"
	"github.com/unitorm/unitorm/schema"
)

// Order holds lines; Line.Total is a formula over its own columns.
type Order[K Key] struct {
	ID    K `orm:"pk"`
	Ref   string
	Lines rel.Collection[*Line[K]] `orm:"1:m,mappedBy=Order"`
}

func (Order[K]) TableName() string { return "m_order" }

type Line[K Key] struct {
	ID    K `orm:"pk"`
	Price int
	Qty   int
	Total int       `orm:"formula={alias}.price * {alias}.qty"`
	Order *Order[K] `orm:"m:1"`
}

func (Line[K]) TableName() string { return "m_line" }

func orderModel[K Key]() []any { return []any{Order[K]{}, Line[K]{}} }

// TestFormulaProperties: a formula is computed by every select (root
// queries, populate in both strategies), usable in conditions and order,
// never written (no column in the table or the INSERT, no change when set);
// MongoDB refuses it with ErrUnsupported.
func TestFormulaProperties(t *testing.T) {
	forEach(t, orderModel[int64](), orderModel[string](), nil, nil,
		func(t *testing.T, e *env) { checkFormula(t, e) },
		func(t *testing.T, e *env) {
			m := e.fork()
			if err := m.Persist(&Line[string]{Price: 1, Qty: 1}); err != nil {
				t.Fatal(err)
			}
			if err := m.Flush(context.Background()); !errors.Is(err, mongo.ErrUnsupported) || !strings.Contains(err.Error(), "formula") {
				t.Errorf("flush of a formula entity on MongoDB = %v, want ErrUnsupported naming the formula", err)
			}
		})
}

func checkFormula(t *testing.T, e *env) {
	ctx := context.Background()
	m := e.fork()
	o := &Order[int64]{Ref: "o1"}
	lines := []*Line[int64]{{Price: 3, Qty: 2, Order: o}, {Price: 10, Qty: 5, Order: o}, {Price: 7, Qty: 1, Order: o}}
	for _, l := range lines {
		if err := m.Persist(l); err != nil {
			t.Fatal(err)
		}
	}
	mark := e.rec.mark()
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range e.rec.since(mark) {
		if strings.HasPrefix(s.sql, "INSERT") && strings.Contains(s.sql, "total") {
			t.Errorf("insert writes the formula: %s", s.sql)
		}
	}
	if raw := e.rawRow(t, "m_line", lines[0].ID); raw["total"] != nil {
		t.Errorf("the table has a total column: %v", raw)
	}
	diff, err := schema.CompareDB(ctx, e.orm.DB(), e.orm.Registry().Entities())
	if err != nil || !diff.Empty() {
		t.Errorf("schema differs: %v, %v", diff, err)
	}

	totals := func(ls []*Line[int64]) []int {
		var out []int
		for _, l := range ls {
			out = append(out, l.Total)
		}
		return out
	}
	rm := e.fork()
	got, err := em.Find[Line[int64]](ctx, rm, qb.Cond{"total": qb.Gte(6)}, em.OrderBy("total", qb.Desc))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(totals(got), []int{50, 7, 6}) {
		t.Errorf("total >= 6 by total desc = %v", totals(got))
	}
	in, err := em.Find[Line[int64]](ctx, e.fork(), qb.Cond{"total": []any{6, 50}}, em.OrderBy("total", qb.Asc))
	if err != nil || !slices.Equal(totals(in), []int{6, 50}) {
		t.Errorf("total in (6, 50) = %v, %v", totals(in), err)
	}
	if _, err := em.Find[Line[int64]](ctx, e.fork(), nil, em.OrderBy("total", "desc; drop table m_line")); err == nil {
		t.Errorf("a bad direction on a formula was accepted")
	}

	// Read-only: setting it is no change; changing a column it reads
	// writes that column only, and a refresh recomputes it.
	l := got[0]
	l.Total = 1
	if rm.IsDirty(l) {
		t.Errorf("a formula set by hand is a change")
	}
	l.Qty = 6
	mark = e.rec.mark()
	if err := rm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if u := e.updates(mark); len(u) != 1 || !slices.Equal(u[0], []string{"qty"}) {
		t.Errorf("update wrote %v, want only qty", u)
	}
	if err := rm.Refresh(ctx, l); err != nil {
		t.Fatal(err)
	}
	if l.Total != 60 {
		t.Errorf("total after refresh = %d, want 60", l.Total)
	}

	// Populate, both strategies.
	for _, s := range []em.Strategy{em.SelectIn, em.Joined} {
		ord, err := em.FindOneOrFail[Order[int64]](ctx, e.fork(), o.ID, em.Populate("lines"), em.WithStrategy(s))
		if err != nil {
			t.Fatal(err)
		}
		items, err := ord.Lines.Items()
		if err != nil {
			t.Fatal(err)
		}
		var ts []int
		for _, it := range items {
			ts = append(ts, it.Total)
		}
		slices.Sort(ts)
		if !slices.Equal(ts, []int{6, 7, 60}) {
			t.Errorf("strategy %v: populated totals %v", s, ts)
		}
	}
}
