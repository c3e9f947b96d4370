package mongo

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Pipeline builds an aggregation pipeline fluently, in the style of qb: it
// is a value, each method returns a new Pipeline and leaves the receiver as
// it was, and the first error is kept and reported by Build or when it runs.
//
//	p := mongo.NewPipeline().
//		Match(qb.Cond{"price": qb.Gte(10)}).
//		Group("$author_id", mongo.Sum("total", "$price"), mongo.CountAll("n")).
//		Sort(mongo.Desc("total")).
//		Limit(5)
//
// Match takes a qb condition: run against an entity's collection its keys
// are property or column names, mapped to document fields (the key to _id,
// ObjectID strings checked); Build alone takes them as field names. Values
// never become operators. The other stages take MongoDB expressions as they
// are ("$price" is a field path); Raw adds any stage.
type Pipeline struct {
	stages []pstage
	err    error
}

type pstage struct {
	match qb.Expr // a Match stage, rendered at Build
	doc   bson.D
}

// NewPipeline returns an empty pipeline.
func NewPipeline() Pipeline { return Pipeline{} }

// Err returns the first error met while building.
func (p Pipeline) Err() error { return p.err }

func (p Pipeline) add(s pstage) Pipeline {
	if p.err != nil {
		return p
	}
	p.stages = append(p.stages[:len(p.stages):len(p.stages)], s)
	return p
}

func (p Pipeline) fail(err error) Pipeline {
	if p.err == nil {
		p.err = err
	}
	return p
}

func (p Pipeline) stage(op string, v any) Pipeline {
	return p.add(pstage{doc: bson.D{{Key: op, Value: v}}})
}

// ErrPipeline is returned for a stage built with invalid arguments.
var ErrPipeline = errors.New("mongo: invalid pipeline stage")

func badStage(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrPipeline, fmt.Sprintf(format, args...))
}

// Match adds a $match stage filtering by a qb condition.
func (p Pipeline) Match(c qb.Condition) Pipeline {
	n, err := qb.Normalize(c)
	if err != nil {
		return p.fail(fmt.Errorf("mongo: $match: %w", err))
	}
	return p.add(pstage{match: n})
}

// Acc is one accumulator of a $group stage: Name is the output field.
type Acc struct {
	Name string
	Op   string // "$sum", "$avg", ...
	Expr any
}

// Sum is {name: {$sum: expr}}.
func Sum(name string, expr any) Acc { return Acc{name, "$sum", expr} }

// Avg is {name: {$avg: expr}}.
func Avg(name string, expr any) Acc { return Acc{name, "$avg", expr} }

// Min is {name: {$min: expr}}.
func Min(name string, expr any) Acc { return Acc{name, "$min", expr} }

// Max is {name: {$max: expr}}.
func Max(name string, expr any) Acc { return Acc{name, "$max", expr} }

// First is {name: {$first: expr}}.
func First(name string, expr any) Acc { return Acc{name, "$first", expr} }

// Last is {name: {$last: expr}}.
func Last(name string, expr any) Acc { return Acc{name, "$last", expr} }

// Push is {name: {$push: expr}}.
func Push(name string, expr any) Acc { return Acc{name, "$push", expr} }

// AddToSet is {name: {$addToSet: expr}}.
func AddToSet(name string, expr any) Acc { return Acc{name, "$addToSet", expr} }

// CountAll counts the documents of each group: {name: {$sum: 1}}.
func CountAll(name string) Acc { return Acc{name, "$sum", 1} }

func checkOutputField(name string) error {
	if name == "" || strings.HasPrefix(name, "$") || strings.Contains(name, ".") || name == "_id" {
		return badStage("output field %q (not empty, no $ prefix, no dots, not _id)", name)
	}
	return nil
}

// Group adds a $group stage. id is the group key: a field path ("$author_id"),
// a document of them, or nil for one group of everything.
func (p Pipeline) Group(id any, accs ...Acc) Pipeline {
	g := bson.D{{Key: "_id", Value: id}}
	for _, a := range accs {
		if err := checkOutputField(a.Name); err != nil {
			return p.fail(err)
		}
		if !strings.HasPrefix(a.Op, "$") {
			return p.fail(badStage("accumulator %q", a.Op))
		}
		g = append(g, bson.E{Key: a.Name, Value: bson.D{{Key: a.Op, Value: a.Expr}}})
	}
	return p.stage("$group", g)
}

// SortKey is one key of a $sort stage.
type SortKey struct {
	Field string
	Dir   qb.Direction
}

// Asc sorts by field ascending.
func Asc(field string) SortKey { return SortKey{field, qb.Asc} }

// Desc sorts by field descending.
func Desc(field string) SortKey { return SortKey{field, qb.Desc} }

// Sort adds a $sort stage.
func (p Pipeline) Sort(keys ...SortKey) Pipeline {
	if len(keys) == 0 {
		return p.fail(badStage("$sort without keys"))
	}
	d := make(bson.D, 0, len(keys))
	for _, k := range keys {
		if k.Field == "" || strings.HasPrefix(k.Field, "$") {
			return p.fail(badStage("sort field %q", k.Field))
		}
		dir := 1
		switch {
		case strings.EqualFold(string(k.Dir), string(qb.Desc)):
			dir = -1
		case k.Dir != "" && !strings.EqualFold(string(k.Dir), string(qb.Asc)):
			return p.fail(badStage("sort direction %q", k.Dir))
		}
		d = append(d, bson.E{Key: k.Field, Value: dir})
	}
	return p.stage("$sort", d)
}

// Project adds a $project stage: {field: 1} keeps, {field: 0} drops,
// {field: expr} computes.
func (p Pipeline) Project(fields bson.D) Pipeline {
	if len(fields) == 0 {
		return p.fail(badStage("$project without fields"))
	}
	return p.stage("$project", fields)
}

// AddFields adds an $addFields stage.
func (p Pipeline) AddFields(fields bson.D) Pipeline {
	if len(fields) == 0 {
		return p.fail(badStage("$addFields without fields"))
	}
	for _, f := range fields {
		if f.Key == "" || strings.HasPrefix(f.Key, "$") {
			return p.fail(badStage("$addFields field %q", f.Key))
		}
	}
	return p.stage("$addFields", fields)
}

// Limit adds a $limit stage (n > 0).
func (p Pipeline) Limit(n int64) Pipeline {
	if n <= 0 {
		return p.fail(badStage("$limit %d", n))
	}
	return p.stage("$limit", n)
}

// Skip adds a $skip stage (n >= 0).
func (p Pipeline) Skip(n int64) Pipeline {
	if n < 0 {
		return p.fail(badStage("$skip %d", n))
	}
	return p.stage("$skip", n)
}

// Unwind adds an $unwind stage for the array at path ("tags" or "$tags");
// with preserveEmpty, documents whose array is empty or missing stay.
func (p Pipeline) Unwind(path string, preserveEmpty ...bool) Pipeline {
	path = strings.TrimPrefix(path, "$")
	if path == "" {
		return p.fail(badStage("$unwind without a path"))
	}
	if len(preserveEmpty) > 0 && preserveEmpty[0] {
		return p.stage("$unwind", bson.D{{Key: "path", Value: "$" + path}, {Key: "preserveNullAndEmptyArrays", Value: true}})
	}
	return p.stage("$unwind", "$"+path)
}

// Lookup adds a $lookup stage: the documents of from whose foreignField
// equals localField, as an array in as. Servers without $lookup (FerretDB)
// fail when it runs.
func (p Pipeline) Lookup(from, localField, foreignField, as string) Pipeline {
	if from == "" || localField == "" || foreignField == "" {
		return p.fail(badStage("$lookup needs from, localField and foreignField"))
	}
	if err := checkOutputField(as); err != nil {
		return p.fail(err)
	}
	return p.stage("$lookup", bson.D{{Key: "from", Value: from}, {Key: "localField", Value: localField},
		{Key: "foreignField", Value: foreignField}, {Key: "as", Value: as}})
}

// Count adds a $count stage writing the number of documents to field.
func (p Pipeline) Count(field string) Pipeline {
	if err := checkOutputField(field); err != nil {
		return p.fail(err)
	}
	return p.stage("$count", field)
}

// Raw adds a stage as given, e.g. bson.D{{"$sample", bson.D{{"size", 3}}}}.
func (p Pipeline) Raw(stage bson.D) Pipeline {
	if len(stage) != 1 || !strings.HasPrefix(stage[0].Key, "$") {
		return p.fail(badStage("a raw stage is one operator key, got %d keys", len(stage)))
	}
	return p.add(pstage{doc: stage})
}

// Build returns the stages, with Match conditions on field names as given.
func (p Pipeline) Build() (mongodrv.Pipeline, error) { return p.build(rawFields{}) }

func (p Pipeline) build(r resolver) (mongodrv.Pipeline, error) {
	if p.err != nil {
		return nil, p.err
	}
	out := make(mongodrv.Pipeline, 0, len(p.stages))
	for _, s := range p.stages {
		if s.doc != nil {
			out = append(out, s.doc)
			continue
		}
		f, err := render(s.match, r)
		if err != nil {
			return nil, fmt.Errorf("mongo: $match: %w", err)
		}
		out = append(out, bson.D{{Key: "$match", Value: f}})
	}
	return out, nil
}

// Aggregate runs p on the collection of entity (an entity value, pointer
// or reflect.Type; Match keys are then its property or column names) or on
// the collection named by a string, and decodes the results into out, a
// pointer to a slice of structs (bson tags) or of bson.M / bson.D.
func (x *Executor) Aggregate(ctx context.Context, entity any, p Pipeline, out any) error {
	ctx, err := x.ctx(ctx)
	if err != nil {
		return err
	}
	coll, r, err := x.aggregateTarget(entity)
	if err != nil {
		return err
	}
	stages, err := p.build(r)
	if err != nil {
		return err
	}
	cur, err := x.d.db.Collection(coll).Aggregate(ctx, stages)
	if err != nil {
		return fmt.Errorf("mongo: aggregate %s: %w", coll, err)
	}
	if err := cur.All(ctx, out); err != nil {
		return fmt.Errorf("mongo: aggregate %s: %w", coll, err)
	}
	return nil
}

// Aggregate runs p outside any transaction (see Executor.Aggregate).
func (d *Driver) Aggregate(ctx context.Context, entity any, p Pipeline, out any) error {
	return d.exec.Aggregate(ctx, entity, p, out)
}

func (x *Executor) aggregateTarget(entity any) (string, resolver, error) {
	if name, ok := entity.(string); ok {
		if name == "" || strings.HasPrefix(name, "$") {
			return "", nil, fmt.Errorf("mongo: invalid collection name %q", name)
		}
		return name, rawFields{}, nil
	}
	var (
		e   *meta.Entity
		err error
	)
	if t, ok := entity.(reflect.Type); ok {
		var found bool
		if e, found = x.d.m.reg.Entity(t); !found {
			err = fmt.Errorf("%w: %s", uow.ErrNotEntity, t)
		}
	} else {
		e, err = x.d.m.reg.EntityOf(entity)
	}
	if err != nil {
		return "", nil, err
	}
	dm, err := x.d.docMap(e)
	if err != nil {
		return "", nil, err
	}
	return dm.coll, dm, nil
}

// Manager is the EntityManager (*em.EntityManager) whose Identity Map
// receives what AggregateEntities reads.
type Manager interface {
	Registry() *meta.Registry
}

// AggregateEntities runs p on T's collection and hydrates each result
// document (which must be a whole T document, e.g. after $match, $sort and
// $limit) into m's Identity Map, returning the managed instances in result
// order: an instance already tracked is reused. x is d.Executor() or a Tx.
func AggregateEntities[T any](ctx context.Context, x *Executor, m Manager, p Pipeline) ([]*T, error) {
	u := uow.OfManager(m)
	if u == nil {
		return nil, fmt.Errorf("mongo: AggregateEntities: %T is not an *em.EntityManager", m)
	}
	ctx, err := x.ctx(ctx)
	if err != nil {
		return nil, err
	}
	e, ok := x.d.m.reg.Entity(reflect.TypeFor[T]())
	if !ok {
		return nil, fmt.Errorf("%w: %s", uow.ErrNotEntity, reflect.TypeFor[T]())
	}
	dm, err := x.d.docMap(e)
	if err != nil {
		return nil, err
	}
	stages, err := p.build(dm)
	if err != nil {
		return nil, err
	}
	g := uow.GroupOf(e)
	dec, err := newDecoder(dm, g)
	if err != nil {
		return nil, err
	}
	cur, err := x.d.db.Collection(dm.coll).Aggregate(ctx, stages)
	if err != nil {
		return nil, fmt.Errorf("mongo: aggregate %s: %w", dm.coll, err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	var out []*T
	for cur.Next(ctx) {
		l, err := dec.decode(cur.Current)
		if err != nil {
			return nil, err
		}
		en, err := u.Hydrate(&g, l, false)
		if err != nil {
			return nil, err
		}
		out = append(out, (*T)(en.Ptr))
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("mongo: aggregate %s: %w", dm.coll, err)
	}
	return out, nil
}
