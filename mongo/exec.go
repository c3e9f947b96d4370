package mongo

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/unitorm/unitorm/qb"
)

// Exec runs a native statement on an entity's collection and returns the
// number of documents it inserted, matched (updates) or deleted:
//
//   - qb.InsertQuery: InsertMany of its rows (a missing ObjectID key is
//     generated); with OnConflict, one upsert per row matching the conflict
//     columns, updating the merge columns and setting the others on insert;
//   - qb.UpdateQuery: UpdateMany with $set, $unset (nil) and $inc
//     (Increment, Decrement);
//   - qb.DeleteQuery: DeleteMany.
//
// Column names are the entity's columns; RETURNING, INSERT ... SELECT and
// raw SQL values are ErrUnsupported.
func (x *Executor) Exec(ctx context.Context, s qb.Statement) (int64, error) {
	ctx, err := x.ctx(ctx)
	if err != nil {
		return 0, err
	}
	switch q := s.(type) {
	case qb.InsertQuery:
		if err := q.Err(); err != nil {
			return 0, err
		}
		return x.execInsert(ctx, q.Stmt())
	case qb.UpdateQuery:
		if err := q.Err(); err != nil {
			return 0, err
		}
		return x.execUpdate(ctx, q.Stmt())
	case qb.DeleteQuery:
		if err := q.Err(); err != nil {
			return 0, err
		}
		st := q.Stmt()
		if len(st.Returning) > 0 {
			return 0, fmt.Errorf("%w: RETURNING", ErrUnsupported)
		}
		dm, err := x.d.m.byTable(st.Table)
		if err != nil {
			return 0, err
		}
		filter, err := render(st.Where, dm)
		if err != nil {
			return 0, err
		}
		res, err := x.d.db.Collection(dm.coll).DeleteMany(ctx, filter)
		if err != nil {
			return 0, fmt.Errorf("mongo: delete from %s: %w", dm.coll, err)
		}
		return res.DeletedCount, nil
	}
	return 0, fmt.Errorf("%w: Exec of %T", ErrUnsupported, s)
}

// storedValue converts a value bound for column target t.
func storedValue(t target, v any) (any, error) {
	switch {
	case v == nil:
		return nil, nil
	case t.id != idPlain:
		if s, ok := v.(string); ok && s == "" {
			return nil, nil
		}
		return idValue(v, t.id)
	case t.doc:
		if s, ok := v.(string); ok {
			return jsonText([]byte(s))
		}
		return v, nil
	}
	switch v.(type) {
	case qb.RawExpr, qb.ColRef, qb.SelectQuery, qb.Aggregate, qb.Aliased:
		return nil, fmt.Errorf("%w: %T as a value", ErrUnsupported, v)
	}
	return plainValue(v)
}

func (x *Executor) execInsert(ctx context.Context, st qb.InsertStmt) (int64, error) {
	if st.Select != nil || len(st.Returning) > 0 {
		return 0, fmt.Errorf("%w: INSERT ... SELECT and RETURNING", ErrUnsupported)
	}
	dm, err := x.d.m.byTable(st.Table)
	if err != nil {
		return 0, err
	}
	targets := make([]target, len(st.Columns))
	for i, c := range st.Columns {
		if targets[i], err = dm.resolve(c); err != nil {
			return 0, err
		}
	}
	docs := make([]bson.D, 0, len(st.Rows))
	for _, row := range st.Rows {
		if len(row) != len(targets) {
			return 0, fmt.Errorf("mongo: insert into %s: %d values for %d columns", dm.coll, len(row), len(targets))
		}
		doc := make(bson.D, 0, len(row)+1)
		hasID := false
		for i, v := range row {
			sv, err := storedValue(targets[i], v)
			if err != nil {
				return 0, fmt.Errorf("mongo: insert into %s, column %s: %w", dm.coll, st.Columns[i], err)
			}
			if sv == nil {
				continue
			}
			hasID = hasID || targets[i].name == "_id"
			doc = append(doc, bson.E{Key: targets[i].name, Value: sv})
		}
		if !hasID && st.Conflict == nil {
			if dm.pk.id == idPlain {
				return 0, fmt.Errorf("%w: insert into %s without a key; MongoDB generates only ObjectIDs", ErrInvalidObjectID, dm.coll)
			}
			doc = append(bson.D{{Key: "_id", Value: bson.NewObjectID()}}, doc...)
		}
		docs = append(docs, doc)
	}
	if len(docs) == 0 {
		return 0, nil
	}
	coll := x.d.db.Collection(dm.coll)
	if st.Conflict == nil {
		res, err := coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(true))
		if err != nil {
			return 0, classify(err, dm.coll)
		}
		return int64(len(res.InsertedIDs)), nil
	}
	return x.upsert(ctx, coll, dm, st, docs)
}

// upsert writes each document matching the conflict columns: merge columns
// are $set, the others $setOnInsert; Ignore only inserts.
func (x *Executor) upsert(ctx context.Context, coll *mongodrv.Collection, dm *docMap, st qb.InsertStmt, docs []bson.D) (int64, error) {
	oc := st.Conflict
	conflict := map[string]bool{}
	for _, c := range oc.Columns {
		t, err := dm.resolve(c)
		if err != nil {
			return 0, err
		}
		conflict[t.name] = true
	}
	if len(conflict) == 0 {
		conflict["_id"] = true
	}
	merge := map[string]bool{}
	for _, c := range oc.Merge {
		t, err := dm.resolve(c)
		if err != nil {
			return 0, err
		}
		merge[t.name] = true
	}
	models := make([]mongodrv.WriteModel, 0, len(docs))
	for _, doc := range docs {
		var filter, set, onInsert bson.D
		for _, el := range doc {
			switch {
			case conflict[el.Key]:
				filter = append(filter, el)
				onInsert = append(onInsert, el)
			case !oc.Ignore && (merge[el.Key] || oc.MergeAll) && el.Key != "_id":
				set = append(set, el)
			default:
				onInsert = append(onInsert, el)
			}
		}
		if len(filter) != len(conflict) {
			return 0, fmt.Errorf("mongo: upsert into %s: a row lacks a conflict column", dm.coll)
		}
		if !slices.ContainsFunc(onInsert, func(e bson.E) bool { return e.Key == "_id" }) {
			if dm.pk.id == idPlain {
				return 0, fmt.Errorf("%w: upsert into %s without a key; MongoDB generates only ObjectIDs", ErrInvalidObjectID, dm.coll)
			}
			onInsert = append(onInsert, bson.E{Key: "_id", Value: bson.NewObjectID()})
		}
		upd := bson.D{{Key: "$setOnInsert", Value: onInsert}}
		if len(set) > 0 {
			upd = append(upd, bson.E{Key: "$set", Value: set})
		}
		models = append(models, mongodrv.NewUpdateOneModel().SetFilter(filter).SetUpdate(upd).SetUpsert(true))
	}
	res, _, err := x.bulkWrite(ctx, coll, models)
	if err != nil {
		return 0, classify(err, dm.coll)
	}
	return res.UpsertedCount + res.ModifiedCount, nil
}

func (x *Executor) execUpdate(ctx context.Context, st qb.UpdateStmt) (int64, error) {
	if len(st.Returning) > 0 {
		return 0, fmt.Errorf("%w: RETURNING", ErrUnsupported)
	}
	dm, err := x.d.m.byTable(st.Table)
	if err != nil {
		return 0, err
	}
	var set, unset, inc bson.D
	for _, a := range st.Set {
		t, err := dm.resolve(a.Column)
		if err != nil {
			return 0, err
		}
		if t.name == "_id" {
			return 0, fmt.Errorf("%w: updating the key of %s", ErrUnsupported, dm.e.Name)
		}
		v, err := storedValue(t, a.Value)
		if err != nil {
			return 0, fmt.Errorf("mongo: update %s set %s: %w", dm.coll, a.Column, err)
		}
		switch a.Op {
		case qb.AssignSet:
			if v == nil {
				unset = append(unset, bson.E{Key: t.name, Value: ""})
			} else {
				set = append(set, bson.E{Key: t.name, Value: v})
			}
		case qb.AssignInc, qb.AssignDec:
			if a.Op == qb.AssignDec {
				if v, err = negate(v); err != nil {
					return 0, err
				}
			}
			inc = append(inc, bson.E{Key: t.name, Value: v})
		default:
			return 0, fmt.Errorf("%w: assignment kind %d", ErrUnsupported, int(a.Op))
		}
	}
	upd := bson.D{}
	for _, part := range []struct {
		op string
		d  bson.D
	}{{"$set", set}, {"$unset", unset}, {"$inc", inc}} {
		if len(part.d) > 0 {
			upd = append(upd, bson.E{Key: part.op, Value: part.d})
		}
	}
	if len(upd) == 0 {
		return 0, fmt.Errorf("mongo: update %s sets nothing", dm.coll)
	}
	filter, err := render(st.Where, dm)
	if err != nil {
		return 0, err
	}
	res, err := x.d.db.Collection(dm.coll).UpdateMany(ctx, filter, upd)
	if err != nil {
		return 0, classify(err, dm.coll)
	}
	return res.MatchedCount, nil
}

func negate(v any) (any, error) {
	switch n := v.(type) {
	case int64:
		return -n, nil
	case float64:
		return -n, nil
	}
	return nil, fmt.Errorf("%w: decrement by %T", ErrInvalidValue, v)
}
