package mongotest

import (
	"slices"
	"testing"
	"time"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// TestConditions runs every operator the filter renderer knows against the
// server, with the SQL meaning of NULL.
func TestConditions(t *testing.T) {
	e := newEnv(t)
	m := e.fork()
	born := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, a := range []*Author{
		{Name: "Ärger 50%", Email: "a@x", Age: 10, Born: &born},
		{Name: "arger_x", Email: "b@x", Age: 20},
		{Name: "Bran", Email: "c@x", Age: 30, Active: true},
		{Name: "a.b*c", Email: "d@x", Age: 40, Born: &born},
	} {
		if err := m.Persist(a); err != nil {
			t.Fatal(err)
		}
	}
	e.flush(m)
	tests := []struct {
		name string
		cond qb.Condition
		want []string
	}{
		{"eq", qb.Cond{"age": 20}, []string{"arger_x"}},
		{"ne excludes nothing here", qb.Cond{"age": qb.Ne(20)}, []string{"Bran", "a.b*c", "Ärger 50%"}},
		{"ne keeps SQL NULL semantics", qb.Cond{"born": qb.Ne(born)}, nil},
		{"null", qb.Cond{"born": nil}, []string{"Bran", "arger_x"}},
		{"not null", qb.Cond{"born": qb.Ne(nil)}, []string{"a.b*c", "Ärger 50%"}},
		{"exists true is IS NOT NULL", qb.Cond{"born": qb.Exists(true)}, []string{"a.b*c", "Ärger 50%"}},
		{"exists false is IS NULL", qb.Cond{"born": qb.Exists(false)}, []string{"Bran", "arger_x"}},
		{"in", qb.Cond{"age": []int{10, 30, 99}}, []string{"Bran", "Ärger 50%"}},
		{"empty in", qb.Cond{"age": qb.In()}, nil},
		{"nin", qb.Cond{"age": qb.Nin(10, 30)}, []string{"a.b*c", "arger_x"}},
		{"nin excludes NULL like NOT IN", qb.Cond{"born": qb.Nin(time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC))}, []string{"a.b*c", "Ärger 50%"}},
		{"gt lte", qb.Cond{"age": qb.Ops{qb.Gt(10), qb.Lte(30)}}, []string{"Bran", "arger_x"}},
		{"gte lt", qb.Cond{"age": qb.Ops{qb.Gte(30), qb.Lt(41)}}, []string{"Bran", "a.b*c"}},
		{"like is anchored", qb.Cond{"name": qb.Like("ran")}, nil},
		{"like prefix", qb.Cond{"name": qb.Like("B%")}, []string{"Bran"}},
		{"like is case-sensitive", qb.Cond{"name": qb.Like("b%")}, nil},
		{"like underscore", qb.Cond{"name": qb.Like("B_an")}, []string{"Bran"}},
		{"like escaped metacharacters", qb.Cond{"name": qb.Like("a.b*c")}, []string{"a.b*c"}},
		{"like dot is literal", qb.Cond{"name": qb.Like("a_b_c")}, []string{"a.b*c"}},
		{"like escaped percent", qb.Cond{"name": qb.Like(`%50\%`)}, []string{"Ärger 50%"}},
		{"like escaped underscore", qb.Cond{"name": qb.Like(`%\_%`)}, []string{"arger_x"}},
		{"ilike", qb.Cond{"name": qb.ILike("bRAN")}, []string{"Bran"}},
		{"ilike folds non-ASCII", qb.Cond{"name": qb.ILike("äRGER%")}, []string{"Ärger 50%"}},
		{"re", qb.Cond{"name": qb.Re("^[AÄ]")}, []string{"Ärger 50%"}},
		{"bool", qb.Cond{"active": true}, []string{"Bran"}},
		{"or", qb.Or(qb.Cond{"age": 10}, qb.Cond{"name": "Bran"}), []string{"Bran", "Ärger 50%"}},
		{"and of the same field", qb.And(qb.Cond{"age": qb.Gt(10)}, qb.Cond{"age": qb.Lt(40)}), []string{"Bran", "arger_x"}},
		{"not", qb.Not(qb.Cond{"age": qb.Lt(30)}), []string{"Bran", "a.b*c"}},
		{"empty or", qb.Or(), nil},
		{"key in", qb.Cond{"email": qb.In("a@x", "c@x")}, []string{"Bran", "Ärger 50%"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as, err := em.Find[Author](e.ctx, e.fork(), tt.cond)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range as {
				got = append(got, a.Name)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	// Order, limit, offset, count.
	m2 := e.fork()
	page, n, err := em.FindAndCount[Author](e.ctx, m2, qb.Cond{"age": qb.Gte(20)}, em.OrderBy("age", qb.Desc), em.Limit(2), em.Offset(1))
	if err != nil || n != 3 || len(page) != 2 || page[0].Name != "Bran" || page[1].Name != "arger_x" {
		t.Fatalf("page %v, count %d, %v", page, n, err)
	}
	if _, err := em.Find[Author](e.ctx, m2, nil, em.OrderBy("born", qb.Asc, qb.NullsLast)); err == nil {
		t.Fatal("NULLS LAST ascending was accepted; MongoDB sorts nulls first")
	}
	maps, err := em.QB[Author](m2).Where(qb.Cond{"age": 30}).Maps(e.ctx)
	if err != nil || len(maps) != 1 || maps[0]["name"] != "Bran" || maps[0]["id"] == nil {
		t.Fatalf("Maps: %v, %v", maps, err)
	}
}
