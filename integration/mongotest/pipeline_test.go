package mongotest

import (
	"errors"
	"reflect"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/mongo"
	"github.com/unitorm/unitorm/qb"
)

func TestPipeline(t *testing.T) {
	e := newEnv(t)
	authors, _ := seed(t, e, 3, 3, 1) // prices 10, 20, 30 per author
	type total struct {
		Author bson.ObjectID `bson:"_id"`
		Total  float64       `bson:"total"`
	}
	var got []total
	// FerretDB v1.24 feeds only the first accumulator of a $group (and has
	// only $sum and $count): one accumulator per group here.
	p := mongo.NewPipeline().
		Match(qb.Cond{"price": qb.Gte(20), "author": qb.In(authors[0].ID, authors[2].ID)}).
		Group("$author_id", mongo.Sum("total", "$price")).
		Sort(mongo.Desc("total"), mongo.Asc("_id"))
	if err := e.drv.Aggregate(e.ctx, Book{}, p, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Total != 50 || got[1].Total != 50 {
		t.Fatalf("totals %+v", got)
	}
	ids := map[bson.ObjectID]bool{got[0].Author: true, got[1].Author: true}
	if !ids[oid(t, authors[0].ID)] || !ids[oid(t, authors[2].ID)] {
		t.Fatalf("grouped by %v, want authors 0 and 2", ids)
	}
	var counts []struct {
		N int `bson:"n"`
	}
	if err := e.drv.Aggregate(e.ctx, Book{}, mongo.NewPipeline().Group(nil, mongo.CountAll("n")), &counts); err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts[0].N != 9 {
		t.Fatalf("CountAll %+v, want 9", counts)
	}

	var n []struct {
		Count int `bson:"count"`
	}
	if err := e.drv.Aggregate(e.ctx, "book", mongo.NewPipeline().Match(qb.Cond{"price": qb.Lt(30)}).Count("count"), &n); err != nil {
		t.Fatal(err)
	}
	if len(n) != 1 || n[0].Count != 6 {
		t.Fatalf("count %+v, want 6", n)
	}

	// Results as entities join the identity map.
	m := e.fork()
	top, err := mongo.AggregateEntities[Book](e.ctx, e.drv.Executor(), m,
		mongo.NewPipeline().Match(qb.Cond{"price": 30}).Sort(mongo.Asc("title")).Limit(2))
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 2 || top[0].Title != "A0-B2" || top[1].Title != "A1-B2" || !m.IsLoaded(top[0]) {
		t.Fatalf("top %+v", top)
	}
	again, err := mongo.AggregateEntities[Book](e.ctx, e.drv.Executor(), m,
		mongo.NewPipeline().Match(qb.Cond{"title": "A0-B2"}))
	if err != nil || len(again) != 1 || again[0] != top[0] {
		t.Fatalf("the same document hydrated as another instance: %v, %v", again, err)
	}
	if top[0].Author == nil || top[0].Author.ID != authors[0].ID {
		t.Fatalf("author reference %+v", top[0].Author)
	}

	// Unwind (FerretDB's $unwind keeps only _id and the array's field).
	var perTag []struct {
		Tag bson.ObjectID `bson:"_id"`
		N   int           `bson:"n"`
	}
	if err := e.drv.Aggregate(e.ctx, Book{}, mongo.NewPipeline().Match(qb.Cond{"title": qb.Like("A1-%")}).
		Unwind("tags").Group("$tags", mongo.CountAll("n")), &perTag); err != nil {
		t.Fatal(err)
	}
	if len(perTag) != 1 || perTag[0].N != 3 || perTag[0].Tag.IsZero() {
		t.Fatalf("books per tag %+v, want one tag with 3", perTag)
	}
	// Add fields, project, sort, skip, limit.
	var words []bson.M
	p2 := mongo.NewPipeline().Match(qb.Cond{"title": qb.Like("A1-%")}).
		AddFields(bson.D{{Key: "kind", Value: "book"}}).
		Project(bson.D{{Key: "_id", Value: 0}, {Key: "title", Value: 1}, {Key: "kind", Value: 1}}).
		Sort(mongo.Asc("title")).Skip(1).Limit(1)
	if err := e.drv.Aggregate(e.ctx, Book{}, p2, &words); err != nil {
		t.Fatal(err)
	}
	if len(words) != 1 || words[0]["title"] != "A1-B1" || words[0]["kind"] != "book" || len(words[0]) != 2 {
		t.Fatalf("projected %v", words)
	}

	// A bad stage is reported when the pipeline runs, before anything is sent.
	mark := e.mon.mark()
	err = e.drv.Aggregate(e.ctx, Book{}, mongo.NewPipeline().Limit(0).Match(qb.Cond{"title": "x"}), &words)
	if !errors.Is(err, mongo.ErrPipeline) {
		t.Fatalf("Limit(0): %v", err)
	}
	err = e.drv.Aggregate(e.ctx, Book{}, mongo.NewPipeline().Match(qb.Cond{"title": map[string]any{"$ne": ""}}), &words)
	if !errors.Is(err, qb.ErrInvalidValue) {
		t.Fatalf("a map in $match: %v, want qb.ErrInvalidValue", err)
	}
	if got := e.mon.names(mark); len(got) != 0 {
		t.Fatalf("bad pipelines sent %v", got)
	}
}

func TestPipelineBuild(t *testing.T) {
	p := mongo.NewPipeline().Lookup("author", "author_id", "_id", "author").Unwind("$author", true).Raw(bson.D{{Key: "$sample", Value: bson.D{{Key: "size", Value: 3}}}})
	got, err := p.Build()
	if err != nil {
		t.Fatal(err)
	}
	want := []bson.D{
		{{Key: "$lookup", Value: bson.D{{Key: "from", Value: "author"}, {Key: "localField", Value: "author_id"}, {Key: "foreignField", Value: "_id"}, {Key: "as", Value: "author"}}}},
		{{Key: "$unwind", Value: bson.D{{Key: "path", Value: "$author"}, {Key: "preserveNullAndEmptyArrays", Value: true}}}},
		{{Key: "$sample", Value: bson.D{{Key: "size", Value: 3}}}},
	}
	if len(got) != len(want) {
		t.Fatalf("%d stages", len(got))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("stage %d = %v, want %v", i, got[i], want[i])
		}
	}
	base := mongo.NewPipeline().Limit(1)
	a, b := base.Skip(1), base.Skip(2)
	sa, _ := a.Build()
	sb, _ := b.Build()
	if !reflect.DeepEqual(sa[1], bson.D{{Key: "$skip", Value: int64(1)}}) || !reflect.DeepEqual(sb[1], bson.D{{Key: "$skip", Value: int64(2)}}) {
		t.Fatalf("derived pipelines share stages: %v %v", sa, sb)
	}
}
