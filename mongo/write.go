package mongo

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/unitorm/unitorm/internal/uow"
)

var ordered = options.BulkWrite().SetOrdered(true)

// run sends one write. It returns what the server applied (nil when
// nothing) and the failure as a *uow.FlushError.
func (x *Executor) run(ctx context.Context, w *write) (*Written, error) {
	coll := x.d.db.Collection(w.coll)
	done := &Written{Step: w.step.String(), Collection: w.coll}
	if w.docs != nil {
		n, err := x.insertDocs(ctx, w.coll, w.docs)
		if err == nil {
			done.IDs = w.ids
			return done, nil
		}
		var we *WriteError
		done.Unknown = !errors.As(err, &we)
		done.IDs = w.ids[:n]
		if n == 0 && !done.Unknown {
			done = nil
		}
		return done, uow.StatementError(w.stmt, "", classify(err, w.coll))
	}
	res, err := coll.BulkWrite(ctx, w.ops, ordered)
	if err != nil {
		return x.partial(done, w, err), uow.StatementError(w.stmt, "", classify(err, w.coll))
	}
	n := res.MatchedCount
	if w.deletes {
		n = res.DeletedCount
	}
	if w.expect >= 0 && n != w.expect {
		mismatch := uow.StatementError(w.stmt, "", uow.AffectedMismatch(w.stmt, n))
		if n == 0 {
			return nil, mismatch
		}
		done.IDs = x.probe(ctx, coll, w)
		done.Unknown = done.IDs == nil
		return done, mismatch
	}
	done.IDs = w.ids
	if w.ids == nil && res.ModifiedCount == 0 && res.DeletedCount == 0 {
		return nil, nil
	}
	return done, nil
}

// partial says what an ordered write applied before its first error: the
// ops before the failing index. Other errors (network, timeouts) leave it
// unknown.
func (x *Executor) partial(done *Written, w *write, err error) *Written {
	var bwe mongodrv.BulkWriteException
	if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 && bwe.WriteConcernError == nil {
		i := bwe.WriteErrors[0].Index
		if i == 0 {
			return nil
		}
		if w.ids == nil || i > len(w.ids) {
			done.Unknown = true
			return done
		}
		done.IDs = w.ids[:i]
		return done
	}
	done.Unknown = true
	return done
}

// probe finds which entities of a write whose count did not match were
// written: for updates the documents now at their new version, for deletes
// the keys no longer found. nil when it cannot tell.
func (x *Executor) probe(ctx context.Context, coll *mongodrv.Collection, w *write) []any {
	if w.probe == nil {
		return nil
	}
	filter, all := w.probe()
	cur, err := coll.Find(ctx, filter, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil
	}
	defer cur.Close(context.WithoutCancel(ctx))
	found := map[any]bool{}
	for cur.Next(ctx) {
		found[cur.Current.Lookup("_id").String()] = true
	}
	if cur.Err() != nil {
		return nil
	}
	var out []any
	for i, id := range w.ids {
		key := idString(w, i, all)
		if w.deletes != found[key] {
			out = append(out, id)
		}
	}
	return out
}

// idString renders the i-th key of w as RawValue.String renders the stored
// _id, to match probe results.
func idString(w *write, i int, all []any) string {
	var v any
	if all != nil {
		v = all[i]
	} else {
		up := w.ops[i].(*mongodrv.UpdateOneModel)
		v = up.Filter.(bson.D)[0].Value
	}
	t, b, err := bson.MarshalValue(v)
	if err != nil {
		return ""
	}
	return bson.RawValue{Type: t, Value: b}.String()
}
