package mongotest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/mongo"
	"github.com/unitorm/unitorm/qb"
)

// ferretBatch is the most statements the driver puts in one update or
// delete command on FerretDB: v1.24 stops answering an update command of
// 100 matching updates or more.
const ferretBatch = 99

// flushDeadline bounds a flush of hundreds of documents, so that a server
// that stops answering fails the test instead of holding it.
const flushDeadline = time.Minute

// isFerretDB reports whether the server is FerretDB (its buildInfo says
// ferretdbVersion).
func isFerretDB(e *env) bool {
	e.t.Helper()
	var build bson.M
	if err := e.drv.Database().RunCommand(e.ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&build); err != nil {
		e.t.Fatalf("buildInfo: %v", err)
	}
	_, ok := build["ferretdbVersion"]
	return ok
}

// flushBounded flushes m within flushDeadline.
func (e *env) flushBounded(m *em.EntityManager) error {
	ctx, cancel := context.WithTimeout(e.ctx, flushDeadline)
	defer cancel()
	return m.Flush(ctx)
}

// statements returns the statements of each command named name on coll
// after mark (the "updates" or "deletes" array).
func (e *env) statements(mark int, name, coll, field string) [][]bson.RawValue {
	e.t.Helper()
	var out [][]bson.RawValue
	for _, c := range e.mon.since(mark) {
		if c.name != name || c.coll != coll {
			continue
		}
		vals, err := c.body.Lookup(field).Array().Values()
		if err != nil {
			e.t.Fatalf("%s %s: %v", name, coll, err)
		}
		out = append(out, vals)
	}
	return out
}

// checkBatches checks that the commands carry total statements in order,
// in one command on MongoDB and in commands of at most ferretBatch on
// FerretDB.
func checkBatches(t *testing.T, what string, cmds [][]bson.RawValue, total int, ferret bool) {
	t.Helper()
	n := 0
	for _, c := range cmds {
		n += len(c)
		if ferret && len(c) > ferretBatch {
			t.Errorf("%s: a command of %d statements on FerretDB, want at most %d", what, len(c), ferretBatch)
		}
	}
	want := 1
	if ferret {
		want = (total + ferretBatch - 1) / ferretBatch
	}
	if n != total || len(cmds) != want {
		t.Errorf("%s: %d commands of %d statements in all, want %d of %d", what, len(cmds), n, want, total)
	}
}

// TestFlushOfHundredsOfDocuments inserts, updates and removes n authors
// (versioned: one update or delete statement each) in one flush each, n
// around FerretDB's limit of 99 statements per command and past it, and
// checks every document with a fresh EntityManager. On FerretDB v1.24 an
// update command of 100 matching updates or more never answers: the
// driver splits it. Seeded.
func TestFlushOfHundredsOfDocuments(t *testing.T) {
	for _, n := range []int{99, 100, 200} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			e := newEnv(t)
			ferret := isFerretDB(e)
			rng := rand.New(rand.NewPCG(uint64(n), 0xba7c4))
			type stored struct {
				name   string
				age    int
				active bool
			}
			want := map[string]stored{}
			// Every author changes the same fields, so that the updates
			// are one step.
			draw := func(a *Author) {
				a.Age += 1 + rng.IntN(100)
				a.Active = !a.Active
				a.Name = fmt.Sprintf("%s/%d", a.Email, rng.Uint32())
			}

			m := e.fork()
			for i := range n {
				a := &Author{Email: fmt.Sprintf("a%03d@x", i)}
				draw(a)
				if err := m.Persist(a); err != nil {
					t.Fatal(err)
				}
			}
			mark := e.mon.mark()
			if err := e.flushBounded(m); err != nil {
				t.Fatalf("inserting %d authors: %v", n, err)
			}
			checkBatches(t, "inserts", e.statements(mark, "insert", "author", "documents"), n, ferret)

			m = e.fork()
			as, err := em.Find[Author](e.ctx, m, nil, em.OrderBy("email", qb.Asc))
			if err != nil || len(as) != n {
				t.Fatalf("Find: %d authors, %v; want %d", len(as), err, n)
			}
			for _, a := range as {
				draw(a)
				want[a.ID] = stored{a.Name, a.Age, a.Active}
			}
			mark = e.mon.mark()
			if err := e.flushBounded(m); err != nil {
				t.Fatalf("updating %d authors: %v", n, err)
			}
			cmds := e.statements(mark, "update", "author", "updates")
			checkBatches(t, "updates", cmds, n, ferret)
			// The statements keep the entities' order.
			var order []string
			for _, c := range cmds {
				for _, st := range c {
					order = append(order, st.Document().Lookup("q", "_id").ObjectID().Hex())
				}
			}
			for i, a := range as {
				if i < len(order) && order[i] != a.ID {
					t.Fatalf("update statement %d is for %s, want %s", i, order[i], a.ID)
				}
			}
			for _, a := range as {
				if a.Version != 2 {
					t.Fatalf("%s: version %d after the update, want 2", a.Email, a.Version)
				}
			}

			fresh, err := em.Find[Author](e.ctx, e.fork(), nil)
			if err != nil || len(fresh) != n {
				t.Fatalf("Find after the update: %d authors, %v; want %d", len(fresh), err, n)
			}
			for _, a := range fresh {
				w, ok := want[a.ID]
				if got := (stored{a.Name, a.Age, a.Active}); !ok || got != w || a.Version != 2 {
					t.Errorf("%s: stored %+v version %d, want %+v version 2", a.ID, got, a.Version, w)
				}
			}

			for _, a := range as {
				if err := m.Remove(a); err != nil {
					t.Fatal(err)
				}
			}
			mark = e.mon.mark()
			if err := e.flushBounded(m); err != nil {
				t.Fatalf("removing %d authors: %v", n, err)
			}
			checkBatches(t, "deletes", e.statements(mark, "delete", "author", "deletes"), n, ferret)
			if left, err := em.Count[Author](e.ctx, e.fork(), nil); err != nil || left != 0 {
				t.Fatalf("%d authors left after removing all, %v", left, err)
			}
		})
	}
}

// manyAuthors stores n authors a000@x, ... and a holder of the email
// taken@x, and returns the n loaded in a fresh EntityManager, in email
// order.
func manyAuthors(t *testing.T, e *env, n int) (*em.EntityManager, []*Author) {
	t.Helper()
	if err := e.drv.EnsureIndexes(e.ctx); err != nil {
		t.Fatal(err)
	}
	m := e.fork()
	for i := range n {
		if err := m.Persist(&Author{Name: "old", Email: fmt.Sprintf("a%03d@x", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Persist(&Author{Name: "holder", Email: "taken@x"}); err != nil {
		t.Fatal(err)
	}
	if err := e.flushBounded(m); err != nil {
		t.Fatal(err)
	}
	m = e.fork()
	as, err := em.Find[Author](e.ctx, m, qb.Cond{"name": "old"}, em.OrderBy("email", qb.Asc))
	if err != nil || len(as) != n {
		t.Fatalf("Find: %d authors, %v; want %d", len(as), err, n)
	}
	return m, as
}

// storedField reads field of every document of coll in one query: the
// value as fmt prints it, by the document's _id in hex.
func storedField(e *env, coll, field string) map[string]string {
	e.t.Helper()
	cur, err := e.drv.Database().Collection(coll).Find(e.ctx, bson.D{},
		options.Find().SetProjection(bson.D{{Key: field, Value: 1}}))
	if err != nil {
		e.t.Fatal(err)
	}
	var docs []bson.M
	if err := cur.All(e.ctx, &docs); err != nil {
		e.t.Fatal(err)
	}
	out := make(map[string]string, len(docs))
	for _, d := range docs {
		out[d["_id"].(bson.ObjectID).Hex()] = fmt.Sprint(d[field])
	}
	return out
}

// checkStoredNames checks that the authors before cut are stored renamed
// and the others not.
func checkStoredNames(t *testing.T, e *env, as []*Author, cut int, renamed string) {
	t.Helper()
	names := storedField(e, "author", "name")
	for i, a := range as {
		got := names[a.ID]
		if want := "old"; i < cut && got != renamed || i >= cut && got != want {
			t.Fatalf("author %d of %d (%s) is stored as %q; the first %d should be renamed", i, len(as), a.Email, got, cut)
		}
	}
}

// TestFlushFailsInLaterBatch updates 200 authors in one flush where the
// one at bad (past FerretDB's first command of 99) takes an email another
// author holds. Without a transaction the server keeps the updates before
// the failing one, and the error lists what the driver knows of them: on
// MongoDB, a unique violation after exactly those, in their order;
// FerretDB reports a duplicate on update as an internal error of the
// command, which leaves the commands that succeeded (the first 99) known
// and the rest unknown. Every entity is left as it was before the flush.
func TestFlushFailsInLaterBatch(t *testing.T) {
	const n, bad = 200, 150
	e := newEnv(t)
	ferret := isFerretDB(e)
	m, as := manyAuthors(t, e, n)
	for i, a := range as {
		a.Name = "renamed"
		a.Email = fmt.Sprintf("new%03d@x", i)
	}
	as[bad].Email = "taken@x"
	mark := e.mon.mark()
	err := e.flushBounded(m)
	if err == nil {
		t.Fatal("a flush taking a unique email succeeded")
	}
	if !ferret {
		var ce *uow.ConstraintError
		if !errors.As(err, &ce) || ce.Table != "author" || !uow.IsUniqueViolation(err) {
			t.Fatalf("flush: %v, want a unique violation on author", err)
		}
	}
	cmds := e.statements(mark, "update", "author", "updates")
	if ferret && len(cmds) != bad/ferretBatch+1 {
		t.Errorf("sent %d update commands; the one failing in command %d should end the step", len(cmds), bad/ferretBatch+1)
	}
	if !e.drv.NoTransactions() {
		checkStoredNames(t, e, as, 0, "renamed")
	} else {
		wantIDs, unknown := as[:bad], false
		if ferret {
			wantIDs, unknown = as[:bad/ferretBatch*ferretBatch], true
		}
		checkWritten(t, err, "author", wantIDs, unknown)
		checkStoredNames(t, e, as, bad, "renamed")
	}
	for _, a := range as {
		if a.Version != 1 || !m.IsDirty(a) {
			t.Fatalf("%s after the failure: version %d, dirty %v; want 1 and dirty", a.ID, a.Version, m.IsDirty(a))
		}
	}
}

// checkWritten checks that err is a *mongo.PartialWriteError listing the
// authors want, in their order, as written to coll by one step, and
// whether more may have been.
func checkWritten(t *testing.T, err error, coll string, want []*Author, unknown bool) {
	t.Helper()
	var pw *mongo.PartialWriteError
	if !errors.As(err, &pw) {
		t.Fatalf("flush without a transaction failed with %v, want a *mongo.PartialWriteError", err)
	}
	if len(pw.Written) != 1 || pw.Written[0].Collection != coll || pw.Written[0].Unknown != unknown {
		t.Fatalf("written = %v, want one step on %s, unknown %v", pw.Written, coll, unknown)
	}
	var ids []any
	for _, a := range want {
		ids = append(ids, a.ID)
	}
	if got := pw.Written[0].IDs; !slices.Equal(got, ids) {
		t.Fatalf("written %d: %v, want the %d before the failing one: %v", len(got), pw.Written[0], len(ids), ids[:min(3, len(ids))])
	}
}

// TestFlushInsertFailsLate inserts 250 authors in one flush where the one
// at bad (in FerretDB's second command) takes an email another author
// holds: a unique violation, and without a transaction the error lists
// exactly the authors inserted before it, which the server keeps and no
// other. (In one command, FerretDB would go on past the failure with its
// next hundred documents.)
func TestFlushInsertFailsLate(t *testing.T) {
	const n, bad = 250, 150
	e := newEnv(t)
	manyAuthors(t, e, 0) // the indexes, and the holder of taken@x
	m := e.fork()
	as := make([]*Author, n)
	for i := range as {
		as[i] = &Author{Name: "new", Email: fmt.Sprintf("a%03d@x", i)}
		if err := m.Persist(as[i]); err != nil {
			t.Fatal(err)
		}
	}
	as[bad].Email = "taken@x"
	mark := e.mon.mark()
	err := e.flushBounded(m)
	var ce *uow.ConstraintError
	if !errors.As(err, &ce) || ce.Table != "author" || !uow.IsUniqueViolation(err) {
		t.Fatalf("flush: %v, want a unique violation on author", err)
	}
	if cmds := e.statements(mark, "insert", "author", "documents"); isFerretDB(e) && len(cmds) != bad/ferretBatch+1 {
		t.Errorf("sent %d insert commands; the one failing in command %d should end the step", len(cmds), bad/ferretBatch+1)
	}
	stored, cerr := em.Find[Author](e.ctx, e.fork(), qb.Cond{"name": "new"}, em.OrderBy("email", qb.Asc))
	if cerr != nil {
		t.Fatal(cerr)
	}
	if !e.drv.NoTransactions() {
		if len(stored) != 0 {
			t.Fatalf("%d authors stored after a failed flush in a transaction", len(stored))
		}
		return
	}
	var pw *mongo.PartialWriteError
	if !errors.As(err, &pw) || len(pw.Written) != 1 || pw.Written[0].Unknown || len(pw.Written[0].IDs) != bad {
		t.Fatalf("written %v, want the %d authors before the failing one", err, bad)
	}
	if len(stored) != bad {
		t.Fatalf("%d authors stored, want the %d before the failing one", len(stored), bad)
	}
	for i, a := range stored {
		if id := pw.Written[0].IDs[i]; id != any(a.ID) || a.Email != fmt.Sprintf("a%03d@x", i) {
			t.Fatalf("reported written %d: %v; stored %s %s", i, id, a.ID, a.Email)
		}
	}
	for _, a := range as {
		if a.ID != "" || a.Version != 0 {
			t.Fatalf("%s after the failure: key %q version %d, want none", a.Email, a.ID, a.Version)
		}
	}
}

// Sheet has a JSON array that FerretDB cannot store when it nests arrays.
type Sheet struct {
	ID    string `orm:"pk"`
	Seq   int
	Cells []any `orm:"type=json"`
}

// TestFlushWriteErrorOnFerretDB updates 200 sheets in one flush where the
// one at bad (in FerretDB's second command) gets a nested array, which
// FerretDB refuses with a write error. FerretDB reports such an error at
// the first statement of its command, having applied the ones before the
// failing one: the error lists the sheets of the first command as written,
// and says that more may be. MongoDB stores nested arrays: there the flush
// succeeds.
func TestFlushWriteErrorOnFerretDB(t *testing.T) {
	const n, bad = 200, 150
	e := newEnv(t, Sheet{})
	ferret := isFerretDB(e)
	m := e.fork()
	for i := range n {
		if err := m.Persist(&Sheet{Seq: i, Cells: []any{1}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.flushBounded(m); err != nil {
		t.Fatal(err)
	}
	m = e.fork()
	ss, err := em.Find[Sheet](e.ctx, m, nil, em.OrderBy("seq", qb.Asc))
	if err != nil || len(ss) != n {
		t.Fatalf("Find: %d sheets, %v; want %d", len(ss), err, n)
	}
	for _, s := range ss {
		s.Cells = []any{2}
	}
	ss[bad].Cells = []any{[]any{3}}
	err = e.flushBounded(m)
	if !ferret {
		if err != nil {
			t.Fatalf("flush: %v", err)
		}
		if got := storedField(e, "sheet", "cells")[ss[bad].ID]; got != "[[3]]" {
			t.Fatalf("nested array stored as %s", got)
		}
		return
	}
	if err == nil {
		t.Fatal("FerretDB stored a nested array")
	}
	var pw *mongo.PartialWriteError
	if !errors.As(err, &pw) || len(pw.Written) != 1 || !pw.Written[0].Unknown {
		t.Fatalf("flush: %v, want a *mongo.PartialWriteError saying more may be written", err)
	}
	got := pw.Written[0].IDs
	if len(got) != ferretBatch {
		t.Fatalf("written %v, want the %d sheets of the first command", pw.Written[0], ferretBatch)
	}
	for i, id := range got {
		if id != any(ss[i].ID) {
			t.Fatalf("written %d is %v, want %s", i, id, ss[i].ID)
		}
	}
	cells := storedField(e, "sheet", "cells")
	for i, s := range ss {
		want := "[2]"
		if i >= bad {
			want = "[1]"
		}
		if got := cells[s.ID]; got != want {
			t.Fatalf("sheet %d stored as %s, want %s", i, got, want)
		}
	}
}

// TestFlushStaleInLaterBatch updates 200 versioned authors in one flush
// while someone else has changed the one at stale (in FerretDB's last
// command). The flush fails with ErrOptimisticLock; without a transaction
// the error lists every other author as written (the updates of all
// commands count), and the stale one keeps the other writer's change.
func TestFlushStaleInLaterBatch(t *testing.T) {
	const n, stale = 200, 199
	e := newEnv(t)
	m, as := manyAuthors(t, e, n)
	for _, a := range as {
		a.Name = "renamed"
	}
	// Someone else has updated it twice: after a single update, its
	// version would be the one this flush writes, and the driver's probe
	// could not tell their write from its own.
	coll := e.drv.Database().Collection("author")
	if _, err := coll.UpdateOne(e.ctx, bson.D{{Key: "_id", Value: oid(t, as[stale].ID)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "theirs"}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 2}}}}); err != nil {
		t.Fatal(err)
	}
	err := e.flushBounded(m)
	if !errors.Is(err, uow.ErrOptimisticLock) {
		t.Fatalf("flush: %v, want ErrOptimisticLock", err)
	}
	want := map[string]string{}
	for i, a := range as {
		want[a.ID] = "renamed"
		if i == stale {
			want[a.ID] = "theirs"
		}
	}
	if !e.drv.NoTransactions() {
		for id := range want {
			want[id] = "old"
		}
		want[as[stale].ID] = "theirs"
	} else {
		var pw *mongo.PartialWriteError
		if !errors.As(err, &pw) {
			t.Fatalf("flush without a transaction failed with %v, want a *mongo.PartialWriteError", err)
		}
		if len(pw.Written) != 1 || pw.Written[0].Unknown || len(pw.Written[0].IDs) != n-1 {
			t.Fatalf("written = %v, want the %d authors but the stale one", pw.Written, n-1)
		}
		if slices.Contains(pw.Written[0].IDs, any(as[stale].ID)) {
			t.Fatalf("the stale author %s is reported written", as[stale].ID)
		}
	}
	names := storedField(e, "author", "name")
	for _, a := range as {
		if got := names[a.ID]; got != want[a.ID] {
			t.Fatalf("%s stored as %q, want %q", a.Email, got, want[a.ID])
		}
		if a.Version != 1 {
			t.Fatalf("%s: version %d after the failure, want 1", a.Email, a.Version)
		}
	}
}

// TestNativeUpsertOfHundreds upserts 150 counters with one native insert
// ... on conflict: first all new, then all existing (their counts merged).
// Upserts are update statements: on FerretDB they go in commands of 99.
func TestNativeUpsertOfHundreds(t *testing.T) {
	const n = 150
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(e.ctx, flushDeadline)
	defer cancel()
	for round, count := range []int{1, 2} {
		q := qb.InsertInto("counter").Columns("id", "shop", "day", "count")
		for i := range n {
			q = q.Values(int64(i), "s", fmt.Sprintf("d%03d", i), count*1000+i)
		}
		q = q.OnConflict("id").Merge("count")
		got, err := e.drv.Executor().Exec(ctx, q)
		if err != nil || got != n {
			t.Fatalf("round %d: upsert of %d counters: %d, %v", round, n, got, err)
		}
		cur, err := e.drv.Database().Collection("counter").Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			t.Fatal(err)
		}
		var docs []struct {
			ID    int64 `bson:"_id"`
			Day   string
			Count int
		}
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		if len(docs) != n {
			t.Fatalf("round %d: %d counters stored, want %d", round, len(docs), n)
		}
		for i, d := range docs {
			if d.ID != int64(i) || d.Day != fmt.Sprintf("d%03d", i) || d.Count != count*1000+i {
				t.Fatalf("round %d: counter %d stored as %+v", round, i, d)
			}
		}
	}
}
