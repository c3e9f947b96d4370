package mongo

import (
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/qb"
)

func TestPipelineStages(t *testing.T) {
	p := NewPipeline().
		Match(qb.Cond{"status": "A", "qty": qb.Gt(3)}).
		Group("$cust", Sum("total", "$amount"), CountAll("n")).
		Sort(Desc("total"), Asc("_id")).
		Skip(5).Limit(10).Count("c")
	stages, err := p.Build()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"$match":{"qty":{"$gt":3},"status":{"$eq":"A"}}}`,
		`{"$group":{"_id":"$cust","total":{"$sum":"$amount"},"n":{"$sum":1}}}`,
		`{"$sort":{"total":-1,"_id":1}}`,
		`{"$skip":5}`,
		`{"$limit":10}`,
		`{"$count":"c"}`,
	}
	if len(stages) != len(want) {
		t.Fatalf("%d stages", len(stages))
	}
	for i, w := range want {
		if got := ext(t, stages[i]); got != w {
			t.Errorf("stage %d = %s, want %s", i, got, w)
		}
	}
}

func TestPipelineErrors(t *testing.T) {
	tests := []struct {
		name string
		p    Pipeline
		want error
	}{
		{"map in match", NewPipeline().Match(qb.Cond{"a": map[string]any{"$ne": 1}}), qb.ErrInvalidValue},
		{"raw SQL in match", NewPipeline().Match(qb.Raw("a = 1")), ErrUnsupported},
		{"operator field in match", NewPipeline().Match(qb.Compare{Field: "$where", Op: qb.OpEq, Value: 1}), qb.ErrInvalidValue},
		{"output field with $", NewPipeline().Group(nil, Sum("$x", 1)), ErrPipeline},
		{"output field _id", NewPipeline().Group(nil, Sum("_id", 1)), ErrPipeline},
		{"accumulator without $", NewPipeline().Group(nil, Acc{Name: "x", Op: "sum", Expr: 1}), ErrPipeline},
		{"empty sort", NewPipeline().Sort(), ErrPipeline},
		{"bad direction", NewPipeline().Sort(SortKey{"a", "sideways"}), ErrPipeline},
		{"zero limit", NewPipeline().Limit(0), ErrPipeline},
		{"negative skip", NewPipeline().Skip(-1), ErrPipeline},
		{"empty project", NewPipeline().Project(nil), ErrPipeline},
		{"unwind without path", NewPipeline().Unwind("$"), ErrPipeline},
		{"lookup without from", NewPipeline().Lookup("", "a", "b", "c"), ErrPipeline},
		{"count into a path", NewPipeline().Count("a.b"), ErrPipeline},
		{"raw stage of two keys", NewPipeline().Raw(bson.D{{Key: "$a", Value: 1}, {Key: "$b", Value: 1}}), ErrPipeline},
		{"first error kept", NewPipeline().Limit(0).Skip(-1).Limit(3), ErrPipeline},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.p.Build(); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}
