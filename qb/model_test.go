package qb_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/qb"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   qb.Condition
		want qb.Expr
	}{
		{"plain value", qb.Cond{"a": 1}, qb.Compare{Field: "a", Op: qb.OpEq, Value: 1}},
		{"nil is null", qb.Cond{"a": nil}, qb.Compare{Field: "a", Op: qb.OpEq}},
		{"slice is in", qb.Cond{"a": []int{1, 2}}, qb.Compare{Field: "a", Op: qb.OpIn, Value: []any{1, 2}}},
		{"ne slice is nin", qb.Cond{"a": qb.Ne([]string{"x"})}, qb.Compare{Field: "a", Op: qb.OpNin, Value: []any{"x"}}},
		{"in scalar", qb.Cond{"a": qb.In(5)}, qb.Compare{Field: "a", Op: qb.OpIn, Value: []any{5}}},
		{"in empty", qb.Cond{"a": qb.In()}, qb.Compare{Field: "a", Op: qb.OpIn, Value: []any{}}},
		{"bytes are a value", qb.Cond{"a": []byte("x")}, qb.Compare{Field: "a", Op: qb.OpEq, Value: []byte("x")}},
		{"col ref", qb.Cond{"a": qb.Col("b")}, qb.Compare{Field: "a", Op: qb.OpEq, Value: qb.Col("b")}},
		{"sorted and", qb.Cond{"b": 2, "a": 1}, qb.Logical{Op: qb.OpAnd, Items: []qb.Expr{
			qb.Compare{Field: "a", Op: qb.OpEq, Value: 1}, qb.Compare{Field: "b", Op: qb.OpEq, Value: 2}}}},
		{"flattened", qb.And(qb.Cond{"a": 1}, qb.And(qb.Cond{"b": 2}, qb.Cond{"c": 3})), qb.Logical{Op: qb.OpAnd, Items: []qb.Expr{
			qb.Compare{Field: "a", Op: qb.OpEq, Value: 1}, qb.Compare{Field: "b", Op: qb.OpEq, Value: 2}, qb.Compare{Field: "c", Op: qb.OpEq, Value: 3}}}},
		{"or and not keys", qb.Cond{"$or": []qb.Cond{{"a": 1}, {"b": 2}}, "$not": qb.Cond{"c": 3}}, qb.Logical{Op: qb.OpAnd, Items: []qb.Expr{
			qb.NotExpr{Expr: qb.Compare{Field: "c", Op: qb.OpEq, Value: 3}},
			qb.Logical{Op: qb.OpOr, Items: []qb.Expr{qb.Compare{Field: "a", Op: qb.OpEq, Value: 1}, qb.Compare{Field: "b", Op: qb.OpEq, Value: 2}}}}}},
		{"pointer node", &qb.Compare{Field: "a", Op: qb.OpGt, Value: 1}, qb.Compare{Field: "a", Op: qb.OpGt, Value: 1}},
		{"map[string]any in a list", qb.Or(qb.Cond{"$and": []any{map[string]any{"a": qb.Like("x%")}}}), qb.Compare{Field: "a", Op: qb.OpLike, Value: "x%"}},
		{"empty cond", qb.Cond{}, qb.Logical{Op: qb.OpAnd, Items: []qb.Expr{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := qb.Normalize(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
			again, err := qb.Normalize(got)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("not idempotent: %#v %v", again, err)
			}
		})
	}
}

func TestMapFields(t *testing.T) {
	e, err := qb.Normalize(qb.Or(
		qb.Cond{"author.name": "x", "title": qb.In(qb.Col("alt.title"), "y")},
		qb.Not(qb.Cond{"price": qb.Gt(qb.Col("author.min"))}),
		qb.Count("author.id").Gt(1),
		qb.Raw("author.name = ?", 1),
	))
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	got, err := qb.MapFields(e, func(f string) (string, error) {
		seen = append(seen, f)
		return "t_" + strings.ReplaceAll(f, ".", "_"), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := qb.Logical{Op: qb.OpOr, Items: []qb.Expr{
		qb.Logical{Op: qb.OpAnd, Items: []qb.Expr{
			qb.Compare{Field: "t_author_name", Op: qb.OpEq, Value: "x"},
			qb.Compare{Field: "t_title", Op: qb.OpIn, Value: []any{qb.Col("t_alt_title"), "y"}},
		}},
		qb.NotExpr{Expr: qb.Compare{Field: "t_price", Op: qb.OpGt, Value: qb.Col("t_author_min")}},
		qb.AggCompare{Agg: qb.Aggregate{Func: qb.AggCount, Column: "t_author_id"}, Op: qb.OpGt, Value: 1},
		qb.Raw("author.name = ?", 1),
	}}
	if !reflect.DeepEqual(got, qb.Expr(want)) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	if len(seen) != 6 {
		t.Errorf("fn saw %v", seen)
	}
	// The input tree is not modified.
	if c := e.(qb.Logical).Items[0].(qb.Logical).Items[0].(qb.Compare); c.Field != "author.name" {
		t.Errorf("input modified: %v", c)
	}
	boom := errors.New("unknown property")
	if _, err := qb.MapFields(e, func(string) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Errorf("error not returned: %v", err)
	}
}
