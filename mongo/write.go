package mongo

import (
	"context"
	"errors"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/unitorm/unitorm/internal/uow"
)

var ordered = options.BulkWrite().SetOrdered(true)

// ferretBatch is the most statements (write models, documents) the driver
// puts in one write command to FerretDB. MongoDB takes 100,000 per command
// (the official driver splits BulkWrites there), but FerretDB 1.24 (sqlite
// handler) fails at 100:
//
//   - it keeps the query of each statement of an update command open until
//     the command ends, each on a connection of the database's pool of 100,
//     and needs one more to write: an update command of 100 or more
//     statements that match never answers. 99 leave it the connection to
//     write with; update commands running at the same time on one database
//     share the pool, though, and several of them can still exhaust it
//     together (three concurrent flushes of 99 updates each do);
//   - its ordered insert writes a command's documents in batches of 100
//     and, after a failing document, goes on with the next batch: a
//     command of more than 100 documents can write some after the one
//     that failed.
//
// So on FerretDB the statements of a step go in ordered commands of at
// most ferretBatch each. A variable so that tests can lower it.
var ferretBatch = 99

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
	res, applied, err := x.bulkWrite(ctx, coll, w.ops)
	if err != nil {
		return x.partial(done, w, applied, err), uow.StatementError(w.stmt, "", classify(err, w.coll))
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

// bulkWrite runs models as one ordered BulkWrite, or on FerretDB as
// ordered BulkWrites of at most ferretBatch models each, one after the
// other, stopping at the first error. It returns the counts of the
// BulkWrites summed, and how many models the BulkWrites that succeeded
// held. The indexes of a BulkWriteException count from the first model,
// as if one BulkWrite had run.
func (x *Executor) bulkWrite(ctx context.Context, coll *mongodrv.Collection, models []mongodrv.WriteModel) (*mongodrv.BulkWriteResult, int, error) {
	if !x.d.ferret || len(models) <= ferretBatch {
		res, err := coll.BulkWrite(ctx, models, ordered)
		return res, 0, err
	}
	sum := &mongodrv.BulkWriteResult{Acknowledged: true}
	for start := 0; start < len(models); start += ferretBatch {
		end := min(start+ferretBatch, len(models))
		res, err := coll.BulkWrite(ctx, models[start:end], ordered)
		if err != nil {
			return sum, start, shiftIndexes(err, start)
		}
		addResult(sum, res, start)
	}
	return sum, len(models), nil
}

// addResult adds the counts of res, a BulkWrite of the models from
// offset on, to sum.
func addResult(sum, res *mongodrv.BulkWriteResult, offset int) {
	sum.InsertedCount += res.InsertedCount
	sum.MatchedCount += res.MatchedCount
	sum.ModifiedCount += res.ModifiedCount
	sum.DeletedCount += res.DeletedCount
	sum.UpsertedCount += res.UpsertedCount
	sum.Acknowledged = sum.Acknowledged && res.Acknowledged
	for i, id := range res.UpsertedIDs {
		if sum.UpsertedIDs == nil {
			sum.UpsertedIDs = map[int64]any{}
		}
		sum.UpsertedIDs[i+int64(offset)] = id
	}
}

// shiftIndexes returns err, the error of a BulkWrite of the models from
// offset on, with the indexes of its write errors counted from the first
// model. Other errors are returned as they are.
func shiftIndexes(err error, offset int) error {
	var bwe mongodrv.BulkWriteException
	if offset == 0 || !errors.As(err, &bwe) {
		return err
	}
	bwe.WriteErrors = slices.Clone(bwe.WriteErrors)
	for i := range bwe.WriteErrors {
		bwe.WriteErrors[i].Index += offset
	}
	return bwe
}

// partial says what an ordered write applied before its first error: the
// ops before the failing index. Other errors (network, timeouts) leave it
// unknown past the ops of the BulkWrites that succeeded before (applied).
// w.ids holds one key per op wherever w has more than one op.
func (x *Executor) partial(done *Written, w *write, applied int, err error) *Written {
	var bwe mongodrv.BulkWriteException
	if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 && bwe.WriteConcernError == nil {
		first := bwe.WriteErrors[0]
		i := first.Index
		if x.d.ferret && isUpdate(first.Request) {
			// FerretDB reports the failure of any statement of an update
			// command at the command's first one, having applied those
			// before it.
			return known(done, w.ids, i, true)
		}
		if i == 0 {
			return nil
		}
		return known(done, w.ids, i, false)
	}
	return known(done, w.ids, applied, true)
}

// known sets done to the first n keys of ids, and unknown; with n past
// ids (one key for several ops), to none and unknown.
func known(done *Written, ids []any, n int, unknown bool) *Written {
	if ids == nil || n > len(ids) {
		done.Unknown = true
		return done
	}
	if n > 0 {
		done.IDs = ids[:n]
	}
	done.Unknown = unknown
	return done
}

// isUpdate reports whether m is sent in an update command.
func isUpdate(m mongodrv.WriteModel) bool {
	switch m.(type) {
	case *mongodrv.UpdateOneModel, *mongodrv.UpdateManyModel, *mongodrv.ReplaceOneModel:
		return true
	}
	return false
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
