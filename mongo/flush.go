package mongo

import (
	"context"
	"fmt"
	"time"
	"unsafe"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// write is one step's write of a flush, one round trip (on FerretDB, one
// per ferretBatch statements): an insert command or a BulkWrite.
type write struct {
	step  *uow.Step
	stmt  *uow.Statement // for error messages (uow.StatementError)
	coll  string
	docs  []bsoncore.Document    // inserts
	ops   []mongodrv.WriteModel  // BulkWrite
	ids   []any                  // the keys written, in op order (one per op when there are several ops), for reports
	probe func() (bson.D, []any) // after a count mismatch: which documents were written
	// expect is the number of documents the ops must match (updates) or
	// delete; -1 when unchecked.
	expect  int64
	deletes bool
}

// flush is a plan turned into writes, built completely before the first
// one is sent so that bad input fails with nothing written.
type flush struct {
	x        *Executor
	plan     *uow.Plan
	writes   []*write
	inserted map[*uow.Entry]bool
	arrays   map[*uow.Entry]map[*meta.Relation][]any // new owners' m:n arrays
	versions map[*uow.Entry]any
}

// Execute runs a flush plan. Every write is built first — keys the entities
// lack are generated (ObjectIDs, as hex strings for string keys) and
// reported with plan.SetGeneratedKey, values are converted and ObjectID
// strings checked — so that bad input fails before anything is sent. Then,
// in plan order, each step is one round trip (on FerretDB, one per
// ferretBatch statements): an ordered insert command per insert step (new
// owners carry their many-to-many arrays), a BulkWrite of
// $set/$unset of the changed fields per update step (versioned entities
// matched on their version, a mismatch being uow.ErrOptimisticLock), a
// BulkWrite of $pullAll/$addToSet per pivot step, deletes by key (then the
// deleted keys are pulled from many-to-many arrays that hold them).
//
// Errors are *uow.FlushError values naming the step. Outside a transaction
// a failure after some writes is a *PartialWriteError listing what the
// server kept.
func (x *Executor) Execute(ctx context.Context, plan *uow.Plan) error {
	ctx, err := x.ctx(ctx)
	if err != nil {
		return err
	}
	f := &flush{x: x, plan: plan, inserted: map[*uow.Entry]bool{}, arrays: map[*uow.Entry]map[*meta.Relation][]any{},
		versions: map[*uow.Entry]any{}}
	if err := f.build(); err != nil {
		return err
	}
	var written []Written
	for _, w := range f.writes {
		if err := ctx.Err(); err != nil {
			return f.fail(written, uow.StatementError(w.stmt, "", err))
		}
		done, err := x.run(ctx, w)
		if done != nil {
			written = append(written, *done)
		}
		if err != nil {
			return f.fail(written, err)
		}
	}
	f.applyVersions()
	return nil
}

// fail reports what the server kept when no transaction will undo it.
func (f *flush) fail(written []Written, err error) error {
	if f.x.tx != nil || len(written) == 0 {
		return err
	}
	return &PartialWriteError{Written: written, Err: err}
}

// applyVersions hands the versions written to the plan, which sets them in
// the entities when the flush is committed (and puts them back if an
// enclosing transaction rolls back).
func (f *flush) applyVersions() {
	for en, v := range f.versions {
		f.plan.SetVersion(en, v)
	}
}

func (f *flush) build() error {
	if err := f.generateKeys(); err != nil {
		return err
	}
	for _, st := range f.plan.Steps {
		if st.Kind == uow.StepInsert {
			for _, en := range st.Entries {
				f.inserted[en] = true
			}
		}
	}
	// New owners write their many-to-many arrays with their insert.
	for _, st := range f.plan.Steps {
		if st.Kind != uow.StepPivotInsert {
			continue
		}
		for _, pr := range st.Pairs {
			if !f.inserted[pr[0]] {
				continue
			}
			k, err := entryKey(pr[1])
			if err != nil {
				return err
			}
			if f.arrays[pr[0]] == nil {
				f.arrays[pr[0]] = map[*meta.Relation][]any{}
			}
			f.arrays[pr[0]][st.Relation] = append(f.arrays[pr[0]][st.Relation], k)
		}
	}
	for _, st := range f.plan.Steps {
		var err error
		switch st.Kind {
		case uow.StepInsert:
			err = f.insert(st)
		case uow.StepUpdate:
			err = f.update(st)
		case uow.StepFixup:
			err = f.fixup(st)
		case uow.StepPivotDelete, uow.StepPivotInsert:
			err = f.pivot(st)
		case uow.StepDelete:
			err = f.delete(st)
		case uow.StepRelink:
			err = f.relink(st)
		case uow.StepUnlink:
			// Unlinks break foreign-key cycles before deletes; MongoDB
			// checks no foreign keys, and the documents go anyway.
		default:
			err = fmt.Errorf("mongo: unknown flush step %v", st.Kind)
		}
		if err != nil {
			return &uow.FlushError{Step: st.String(), Err: err}
		}
	}
	return nil
}

// generateKeys gives every new entity without a key an ObjectID.
func (f *flush) generateKeys() error {
	for _, st := range f.plan.Steps {
		if st.Kind != uow.StepInsert {
			continue
		}
		dm, err := f.x.d.docMap(st.Entity)
		if err != nil {
			return &uow.FlushError{Step: st.String(), Err: err}
		}
		for _, en := range st.Entries {
			if uow.HasPK(st.Entity, en.Ptr) {
				continue
			}
			var id any
			switch dm.pk.id {
			case idHex:
				id = bson.NewObjectID().Hex()
			case idOID:
				id = bson.NewObjectID()
			default:
				return &uow.FlushError{Step: st.String(), Err: fmt.Errorf(
					"%w: a new %s has no key, and MongoDB generates only ObjectIDs (use a string or bson.ObjectID key, or set it)",
					uow.ErrInvalidKey, st.Entity.Name)}
			}
			if err := f.plan.SetGeneratedKey(en, id); err != nil {
				return &uow.FlushError{Step: st.String(), Err: err}
			}
		}
	}
	return nil
}

// entryKey returns the stored form of an entity's key.
func entryKey(en *uow.Entry) (any, error) { return storedKey(en.Entity, en.Ptr) }

// storedKey returns the stored form of the key of the e at ptr.
func storedKey(e *meta.Entity, ptr unsafe.Pointer) (any, error) {
	pk := e.PK[0]
	v, err := uow.FieldValue(pk, ptr)
	if err != nil {
		return nil, err
	}
	k, err := idValue(v, keyKind(pk))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pk, err)
	}
	return k, nil
}

// goKey returns an entity's key in its Go form, for reports.
func goKey(en *uow.Entry) any {
	v, _ := uow.FieldValue(en.Entity.PK[0], en.Ptr)
	return v
}

func (f *flush) newWrite(st *uow.Step, coll string, entries []*uow.Entry, expect int64) *write {
	return &write{step: st, coll: coll, expect: expect,
		stmt: &uow.Statement{Step: st, Entries: entries, Expect: expect}}
}

func (f *flush) insert(st *uow.Step) error {
	dm, err := f.x.d.docMap(st.Entity)
	if err != nil {
		return err
	}
	w := f.newWrite(st, dm.coll, st.Entries, -1)
	// Every document is appended to one buffer, then sliced out of it.
	var buf []byte
	ends := make([]int, 0, len(st.Entries))
	for _, en := range st.Entries {
		idx, b := bsoncore.AppendDocumentStart(buf)
		var nest nester
		for i := range dm.fields {
			fl := &dm.fields[i]
			var v any
			if fl.prop.Version {
				if v, err = initialVersion(fl.prop, en); err != nil {
					return err
				}
				f.versions[en] = v
			} else if v, err = writeValue(fl, en.Ptr); err != nil {
				return err
			}
			if v == nil && fl.col.PK {
				return fmt.Errorf("%w: %s has no key", uow.ErrInvalidKey, st.Entity.Name)
			}
			var key string
			if b, key, err = nest.to(b, fl.name); err != nil {
				return err
			}
			if b, err = appendValue(b, key, v); err != nil {
				return fmt.Errorf("%s: %w", fl.prop, err)
			}
		}
		if b, err = nest.close(b); err != nil {
			return err
		}
		for _, a := range dm.arrays {
			keys := f.arrays[en][a.rel]
			if keys == nil {
				keys = []any{}
			}
			if b, err = appendValue(b, a.name, keys); err != nil {
				return err
			}
		}
		if buf, err = bsoncore.AppendDocumentEnd(b, idx); err != nil {
			return err
		}
		ends = append(ends, len(buf))
		w.ids = append(w.ids, goKey(en))
	}
	w.docs = make([]bsoncore.Document, len(ends))
	start := 0
	for i, end := range ends {
		w.docs[i] = bsoncore.Document(buf[start:end:end])
		start = end
	}
	f.writes = append(f.writes, w)
	return nil
}

// initialVersion is the version a new entity is stored with: its own when
// set, else 1 (or the current time for a time version).
func initialVersion(p *meta.Property, en *uow.Entry) (any, error) {
	if !p.At.IsZero(en.Ptr) {
		v, err := uow.FieldValue(p, en.Ptr)
		if err != nil {
			return nil, err
		}
		return plainValue(v)
	}
	if p.BaseType == timeType {
		return nowMillis(), nil
	}
	return int64(1), nil
}

// nowMillis is the current time at MongoDB's precision.
func nowMillis() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// setDoc builds the $set / $unset of props for the entity at en.
func setDoc(dm *docMap, props []*meta.Property, en *uow.Entry) (set, unset bson.D, err error) {
	for _, p := range props {
		if len(p.Columns) != 1 {
			return nil, nil, fmt.Errorf("%w: %s writes %d columns", ErrUnsupported, p, len(p.Columns))
		}
		i, ok := dm.byColumn[p.Columns[0].Name]
		if !ok || i >= len(dm.fields) {
			return nil, nil, fmt.Errorf("mongo: %s has no field", p)
		}
		fl := &dm.fields[i]
		v, err := writeValue(fl, en.Ptr)
		if err != nil {
			return nil, nil, err
		}
		if v == nil {
			unset = append(unset, bson.E{Key: fl.name, Value: ""})
		} else {
			set = append(set, bson.E{Key: fl.name, Value: v})
		}
	}
	return set, unset, nil
}

func (f *flush) update(st *uow.Step) error {
	dm, err := f.x.d.docMap(st.Entity)
	if err != nil {
		return err
	}
	vp := st.Entity.Version
	w := f.newWrite(st, dm.coll, st.Entries, int64(len(st.Entries)))
	var probe bson.A
	for _, en := range st.Entries {
		id, err := entryKey(en)
		if err != nil {
			return err
		}
		set, unset, err := setDoc(dm, st.Props, en)
		if err != nil {
			return err
		}
		filter := bson.D{{Key: "_id", Value: id}}
		var inc bson.D
		if vp != nil {
			vf := &dm.fields[dm.byColumn[vp.Column]]
			cur, err := writeValue(vf, en.Ptr)
			if err != nil {
				return err
			}
			filter = append(filter, bson.E{Key: vf.name, Value: cur})
			var next any
			if vp.BaseType == timeType {
				next = nowMillis()
				set = append(set, bson.E{Key: vf.name, Value: next})
			} else {
				n, ok := vp.At.Int64(en.Ptr)
				if !ok {
					return fmt.Errorf("mongo: version %s is neither an integer nor a time", vp)
				}
				next = n + 1
				var one any = int64(1)
				if smallInt(vp.BaseType.Kind()) {
					one = int32(1) // keeps an int32 field an int32
				}
				inc = bson.D{{Key: vf.name, Value: one}}
			}
			f.versions[en] = next
			probe = append(probe, bson.D{{Key: "_id", Value: id}, {Key: vf.name, Value: next}})
		}
		upd := bson.D{}
		if len(set) > 0 {
			upd = append(upd, bson.E{Key: "$set", Value: set})
		}
		if len(unset) > 0 {
			upd = append(upd, bson.E{Key: "$unset", Value: unset})
		}
		if len(inc) > 0 {
			upd = append(upd, bson.E{Key: "$inc", Value: inc})
		}
		w.ops = append(w.ops, mongodrv.NewUpdateOneModel().SetFilter(filter).SetUpdate(upd))
		w.ids = append(w.ids, goKey(en))
	}
	if vp != nil {
		w.probe = func() (bson.D, []any) { return bson.D{{Key: "$or", Value: probe}}, nil }
	}
	f.writes = append(f.writes, w)
	return nil
}

// fixup sets foreign keys a SQL flush inserts as NULL to break a cycle.
// Keys are generated before the first insert here, so inserts already wrote
// them: only entries not inserted by this plan (none, today) need a write.
func (f *flush) fixup(st *uow.Step) error {
	var rest []*uow.Entry
	for _, en := range st.Entries {
		if !f.inserted[en] {
			rest = append(rest, en)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	dm, err := f.x.d.docMap(st.Entity)
	if err != nil {
		return err
	}
	w := f.newWrite(st, dm.coll, rest, int64(len(rest)))
	for _, en := range rest {
		id, err := entryKey(en)
		if err != nil {
			return err
		}
		set, unset, err := setDoc(dm, st.Props, en)
		if err != nil {
			return err
		}
		upd := bson.D{}
		if len(set) > 0 {
			upd = append(upd, bson.E{Key: "$set", Value: set})
		}
		if len(unset) > 0 {
			upd = append(upd, bson.E{Key: "$unset", Value: unset})
		}
		w.ops = append(w.ops, mongodrv.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: id}}).SetUpdate(upd))
		w.ids = append(w.ids, goKey(en))
	}
	f.writes = append(f.writes, w)
	return nil
}

// pivot turns pivot-row changes into array updates of the owners: a clear
// is $set of an empty array, removals $pullAll, additions $addToSet. Owners
// inserted by this plan wrote their arrays with their insert.
func (f *flush) pivot(st *uow.Step) error {
	r := st.Relation
	dm, err := f.x.d.docMap(r.Owner)
	if err != nil {
		return err
	}
	var arr *array
	for i := range dm.arrays {
		if dm.arrays[i].rel == r {
			arr = &dm.arrays[i]
		}
	}
	if arr == nil {
		return fmt.Errorf("mongo: %s is not stored as an array", r.Prop)
	}
	type group struct {
		owner *uow.Entry
		keys  bson.A
	}
	var (
		order   []*uow.Entry
		byOwner = map[*uow.Entry]*group{}
		owners  []*uow.Entry
	)
	w := f.newWrite(st, dm.coll, nil, -1)
	for _, t := range st.ClearTargets {
		// An inverse collection replaced while unloaded: the target leaves
		// every owner's array but those of its new content (which new owners
		// wrote with their insert, and the rest get with $addToSet).
		k, err := entryKey(t)
		if err != nil {
			return err
		}
		filter := bson.D{{Key: arr.name, Value: k}}
		if keep, err := inverseItemKeys(r, t); err != nil {
			return err
		} else if len(keep) > 0 {
			filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$nin", Value: keep}}})
		}
		w.ops = append(w.ops, mongodrv.NewUpdateManyModel().SetFilter(filter).
			SetUpdate(bson.D{{Key: "$pull", Value: bson.D{{Key: arr.name, Value: k}}}}))
		w.ids = append(w.ids, goKey(t))
	}
	for _, o := range st.ClearOwners {
		if f.inserted[o] {
			continue
		}
		id, err := entryKey(o)
		if err != nil {
			return err
		}
		w.ops = append(w.ops, mongodrv.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: id}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: arr.name, Value: bson.A{}}}}}))
		w.ids = append(w.ids, goKey(o))
		owners = append(owners, o)
	}
	for _, pr := range st.Pairs {
		if f.inserted[pr[0]] {
			continue
		}
		k, err := entryKey(pr[1])
		if err != nil {
			return err
		}
		g := byOwner[pr[0]]
		if g == nil {
			g = &group{owner: pr[0]}
			byOwner[pr[0]] = g
			order = append(order, pr[0])
		}
		g.keys = append(g.keys, k)
	}
	for _, o := range order {
		g := byOwner[o]
		id, err := entryKey(o)
		if err != nil {
			return err
		}
		var upd bson.D
		if st.Kind == uow.StepPivotInsert {
			upd = bson.D{{Key: "$addToSet", Value: bson.D{{Key: arr.name, Value: bson.D{{Key: "$each", Value: g.keys}}}}}}
		} else {
			upd = bson.D{{Key: "$pullAll", Value: bson.D{{Key: arr.name, Value: g.keys}}}}
		}
		w.ops = append(w.ops, mongodrv.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: id}}).SetUpdate(upd))
		w.ids = append(w.ids, goKey(o))
		owners = append(owners, o)
	}
	if len(w.ops) == 0 {
		return nil
	}
	w.stmt.Entries = owners
	f.writes = append(f.writes, w)
	return nil
}

func (f *flush) delete(st *uow.Step) error {
	dm, err := f.x.d.docMap(st.Entity)
	if err != nil {
		return err
	}
	vp := st.Entity.Version
	expect := int64(-1)
	if vp != nil {
		expect = int64(len(st.Entries))
	}
	w := f.newWrite(st, dm.coll, st.Entries, expect)
	w.deletes = true
	keys := make(bson.A, 0, len(st.Entries))
	for _, en := range st.Entries {
		id, err := entryKey(en)
		if err != nil {
			return err
		}
		keys = append(keys, id)
		w.ids = append(w.ids, goKey(en))
		if vp != nil {
			vf := &dm.fields[dm.byColumn[vp.Column]]
			cur, err := writeValue(vf, en.Ptr)
			if err != nil {
				return err
			}
			w.ops = append(w.ops, mongodrv.NewDeleteOneModel().SetFilter(bson.D{{Key: "_id", Value: id}, {Key: vf.name, Value: cur}}))
		}
	}
	if vp == nil {
		w.ops = []mongodrv.WriteModel{mongodrv.NewDeleteManyModel().SetFilter(bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}})}
	} else {
		// The ones still there were not deleted.
		w.probe = func() (bson.D, []any) { return bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}}, keys }
	}
	f.writes = append(f.writes, w)
	// Deleted keys leave the many-to-many arrays that hold them, as pivot
	// rows go with their rows in SQL (ON DELETE CASCADE).
	for _, owner := range f.x.d.m.reg.Entities() {
		for _, r := range owner.Relations {
			if r.Kind != meta.ManyToMany || !r.Owning || r.Target != st.Entity {
				continue
			}
			odm, err := f.x.d.docMap(owner)
			if err != nil {
				return err
			}
			name := ArrayField(r, f.x.d.m.reg.Naming())
			pw := f.newWrite(st, odm.coll, nil, -1)
			pw.ops = []mongodrv.WriteModel{mongodrv.NewUpdateManyModel().
				SetFilter(bson.D{{Key: name, Value: bson.D{{Key: "$in", Value: keys}}}}).
				SetUpdate(bson.D{{Key: "$pullAll", Value: bson.D{{Key: name, Value: keys}}}})}
			pw.ids = nil
			f.writes = append(f.writes, pw)
		}
	}
	// References to deleted documents go too, as a foreign key's ON DELETE
	// would take them in SQL: the field is unset (a relation declared
	// onDelete=cascade deletes the referencing documents instead, one
	// level deep), so no document points at one that is gone.
	for _, owner := range f.x.d.m.reg.Entities() {
		for _, r := range owner.Relations {
			if !r.Owning || r.Kind.IsToMany() || r.Target != st.Entity || len(r.Prop.Columns) != 1 {
				continue
			}
			odm, err := f.x.d.docMap(owner)
			if err != nil {
				return err
			}
			i, ok := odm.byColumn[r.Prop.Columns[0].Name]
			if !ok || i >= len(odm.fields) {
				continue
			}
			field := odm.fields[i].name
			filter := bson.D{{Key: field, Value: bson.D{{Key: "$in", Value: keys}}}}
			rw := f.newWrite(st, odm.coll, nil, -1)
			if r.OnDelete == meta.ActionCascade {
				rw.deletes = true
				rw.ops = []mongodrv.WriteModel{mongodrv.NewDeleteManyModel().SetFilter(filter)}
			} else {
				rw.ops = []mongodrv.WriteModel{mongodrv.NewUpdateManyModel().SetFilter(filter).
					SetUpdate(bson.D{{Key: "$unset", Value: bson.D{{Key: field, Value: ""}}}})}
			}
			f.writes = append(f.writes, rw)
		}
	}
	return nil
}

// inverseItemKeys returns the stored keys of the items of target's inverse
// collection of the owning many-to-many relation r.
func inverseItemKeys(r *meta.Relation, target *uow.Entry) (bson.A, error) {
	c := r.InversedBy.At.Collection(target.Ptr)
	if c == nil {
		return nil, nil
	}
	var keys bson.A
	for _, it := range c.AnyItems() {
		k, err := objectKey(r.Owner, it)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// objectKey returns the stored key of the entity obj (a *T of e).
func objectKey(e *meta.Entity, obj any) (any, error) {
	ptr, err := uow.PtrOf(e, obj)
	if err != nil {
		return nil, err
	}
	return storedKey(e, ptr)
}

// relink writes the foreign keys of one-to-many items no loaded item
// carries (uow.Relink): $set for added references, $unset for removed ones
// still pointing at the owner, and for a collection replaced while unloaded
// $unset (deleteMany, with orphan removal) of every other stored item.
func (f *flush) relink(st *uow.Step) error {
	r := st.Relation
	dm, err := f.x.d.docMap(r.Target)
	if err != nil {
		return err
	}
	i, ok := dm.byColumn[r.MappedBy.Columns[0].Name]
	if !ok || i >= len(dm.fields) {
		return fmt.Errorf("mongo: %s has no field", r.MappedBy)
	}
	field := dm.fields[i].name
	keysOf := func(ens []*uow.Entry) (bson.A, error) {
		out := make(bson.A, 0, len(ens))
		for _, en := range ens {
			k, err := entryKey(en)
			if err != nil {
				return nil, err
			}
			out = append(out, k)
		}
		return out, nil
	}
	w := f.newWrite(st, dm.coll, nil, -1)
	unset := bson.D{{Key: "$unset", Value: bson.D{{Key: field, Value: ""}}}}
	for _, rl := range st.Relinks {
		owner, err := entryKey(rl.Owner)
		if err != nil {
			return err
		}
		if len(rl.Set) > 0 {
			ks, err := keysOf(rl.Set)
			if err != nil {
				return err
			}
			w.ops = append(w.ops, mongodrv.NewUpdateManyModel().
				SetFilter(bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ks}}}}).
				SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: owner}}}}))
		}
		if len(rl.Unset) > 0 {
			ks, err := keysOf(rl.Unset)
			if err != nil {
				return err
			}
			w.ops = append(w.ops, mongodrv.NewUpdateManyModel().
				SetFilter(bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ks}}}, {Key: field, Value: owner}}).
				SetUpdate(unset))
		}
		if !rl.Clear {
			continue
		}
		filter := bson.D{{Key: field, Value: owner}}
		if len(rl.Keep) > 0 {
			ks, err := keysOf(rl.Keep)
			if err != nil {
				return err
			}
			filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$nin", Value: ks}}})
		}
		if r.OrphanRemoval {
			w.ops = append(w.ops, mongodrv.NewDeleteManyModel().SetFilter(filter))
		} else {
			w.ops = append(w.ops, mongodrv.NewUpdateManyModel().SetFilter(filter).SetUpdate(unset))
		}
	}
	if len(w.ops) > 0 {
		f.writes = append(f.writes, w)
	}
	return nil
}
