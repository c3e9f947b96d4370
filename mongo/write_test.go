package mongo

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/unitorm/unitorm/internal/uow"
)

// bulkErr is a BulkWriteException of one write error at index, of model m.
func bulkErr(index int, m mongodrv.WriteModel) mongodrv.BulkWriteException {
	return mongodrv.BulkWriteException{WriteErrors: []mongodrv.BulkWriteError{
		{WriteError: mongodrv.WriteError{Index: index, Code: 11000, Message: "E11000 duplicate key error"}, Request: m},
	}}
}

func TestShiftIndexes(t *testing.T) {
	up := mongodrv.NewUpdateOneModel()
	orig := mongodrv.BulkWriteException{WriteErrors: []mongodrv.BulkWriteError{
		{WriteError: mongodrv.WriteError{Index: 0, Code: 11000}, Request: up},
		{WriteError: mongodrv.WriteError{Index: 3, Code: 2}},
	}, Labels: []string{"x"}}
	got := shiftIndexes(orig, 99)
	var bwe mongodrv.BulkWriteException
	if !errors.As(got, &bwe) {
		t.Fatalf("shifted: %T %v, want a BulkWriteException", got, got)
	}
	if len(bwe.WriteErrors) != 2 || bwe.WriteErrors[0].Index != 99 || bwe.WriteErrors[1].Index != 102 ||
		bwe.WriteErrors[0].Request != up || bwe.WriteErrors[0].Code != 11000 || !slices.Equal(bwe.Labels, orig.Labels) {
		t.Fatalf("shifted by 99: %+v", bwe)
	}
	if orig.WriteErrors[0].Index != 0 || orig.WriteErrors[1].Index != 3 {
		t.Fatalf("the original changed: %+v", orig)
	}
	if !mongodrv.IsDuplicateKeyError(got) {
		t.Fatalf("a shifted duplicate is no longer one: %v", got)
	}
	plain := errors.New("connection reset")
	if got := shiftIndexes(plain, 99); got != plain {
		t.Fatalf("a plain error became %v", got)
	}
	if got := shiftIndexes(orig, 0); got.(mongodrv.BulkWriteException).WriteErrors[1].Index != 3 {
		t.Fatalf("shifted by 0: %v", got)
	}
}

func TestAddResult(t *testing.T) {
	sum := &mongodrv.BulkWriteResult{Acknowledged: true}
	addResult(sum, &mongodrv.BulkWriteResult{MatchedCount: 99, ModifiedCount: 98, Acknowledged: true}, 0)
	addResult(sum, &mongodrv.BulkWriteResult{MatchedCount: 1, DeletedCount: 2, InsertedCount: 3, UpsertedCount: 1,
		UpsertedIDs: map[int64]any{4: "k"}, Acknowledged: true}, 99)
	want := mongodrv.BulkWriteResult{MatchedCount: 100, ModifiedCount: 98, DeletedCount: 2, InsertedCount: 3,
		UpsertedCount: 1, Acknowledged: true}
	if sum.MatchedCount != want.MatchedCount || sum.ModifiedCount != want.ModifiedCount || sum.DeletedCount != want.DeletedCount ||
		sum.InsertedCount != want.InsertedCount || sum.UpsertedCount != want.UpsertedCount || !sum.Acknowledged {
		t.Fatalf("sum %+v, want %+v", sum, want)
	}
	if len(sum.UpsertedIDs) != 1 || sum.UpsertedIDs[103] != "k" {
		t.Fatalf("upserted ids %v, want {103: k}", sum.UpsertedIDs)
	}
	addResult(sum, &mongodrv.BulkWriteResult{}, 198)
	if sum.Acknowledged {
		t.Fatal("an unacknowledged batch left the sum acknowledged")
	}
}

// TestPartial checks what a failed write reports as applied, with the
// indexes of later batches already shifted by bulkWrite.
func TestPartial(t *testing.T) {
	ids := make([]any, 250)
	for i := range ids {
		ids[i] = fmt.Sprintf("k%03d", i)
	}
	up, del := mongodrv.NewUpdateOneModel(), mongodrv.NewDeleteOneModel()
	wce := bulkErr(120, up)
	wce.WriteConcernError = &mongodrv.WriteConcernError{Code: 64}
	for _, tc := range []struct {
		name    string
		ferret  bool
		ids     []any
		applied int
		err     error
		nothing bool // nil: nothing written
		n       int  // the first n ids
		unknown bool
	}{
		{name: "first op", ids: ids, err: bulkErr(0, up), nothing: true},
		{name: "first batch", ids: ids, err: bulkErr(42, up), n: 42},
		{name: "second batch", ids: ids, applied: 99, err: bulkErr(150, up), n: 150},
		{name: "no keys", err: bulkErr(150, up), unknown: true},
		{name: "index past the keys", ids: ids[:1], err: bulkErr(3, up), unknown: true},
		{name: "network", ids: ids, applied: 198, err: errors.New("reset"), n: 198, unknown: true},
		{name: "network first batch", ids: ids, err: errors.New("reset"), unknown: true},
		{name: "write concern", ids: ids, applied: 99, err: wce, n: 99, unknown: true},
		// FerretDB reports every failure of an update command at its
		// first statement.
		{name: "FerretDB update first op", ferret: true, ids: ids, err: bulkErr(0, up), unknown: true},
		{name: "FerretDB update second batch", ferret: true, ids: ids, applied: 99, err: bulkErr(99, up), n: 99, unknown: true},
		{name: "FerretDB delete", ferret: true, ids: ids, applied: 99, err: bulkErr(150, del), n: 150},
		{name: "FerretDB delete first op", ferret: true, ids: ids, err: bulkErr(0, del), nothing: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := &Executor{d: &Driver{ferret: tc.ferret}}
			w := &write{step: &uow.Step{Kind: uow.StepUpdate}, coll: "author", ids: tc.ids}
			got := x.partial(&Written{Step: "update", Collection: "author"}, w, tc.applied, tc.err)
			if tc.nothing {
				if got != nil {
					t.Fatalf("written %v, want nothing", got)
				}
				return
			}
			if got == nil {
				t.Fatal("written nothing")
			}
			if !slices.Equal(got.IDs, ids[:tc.n]) || got.Unknown != tc.unknown {
				t.Fatalf("written %v (unknown %v), want the first %d keys, unknown %v", got, got.Unknown, tc.n, tc.unknown)
			}
		})
	}
}
