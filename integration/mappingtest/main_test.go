package mappingtest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver"
	mongoconn "github.com/unitorm/unitorm/driver/mongo"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/integration/embedmongo"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/mongo"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/types"
)

func TestMain(m *testing.M) {
	harness.RegisterEmbeddedMongo(embedmongo.Start)
	harness.Main(m)
}

// stmt is one statement a backend ran: SQL text, or a Mongo command name
// with the collection and the fields its updates set or unset.
type stmt struct {
	sql    string   // SQL backends
	cmd    string   // Mongo: find, insert, update, delete, ...
	coll   string   // Mongo collection
	fields []string // Mongo update: fields of $set / $unset
}

type recorder struct {
	mu    sync.Mutex
	stmts []stmt
}

func (r *recorder) add(s stmt) {
	r.mu.Lock()
	r.stmts = append(r.stmts, s)
	r.mu.Unlock()
}

func (r *recorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.stmts)
}

func (r *recorder) since(n int) []stmt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]stmt(nil), r.stmts[n:]...)
}

var mongoData = map[string]bool{"find": true, "getMore": true, "insert": true, "update": true,
	"delete": true, "aggregate": true, "count": true}

func (r *recorder) mongoStarted(_ context.Context, ev *event.CommandStartedEvent) {
	if !mongoData[ev.CommandName] {
		return
	}
	s := stmt{cmd: ev.CommandName}
	s.coll, _ = ev.Command.Lookup(ev.CommandName).StringValueOK()
	if ev.CommandName == "update" {
		if ups, ok := ev.Command.Lookup("updates").ArrayOK(); ok {
			vals, _ := ups.Values()
			for _, v := range vals {
				u, _ := v.Document().Lookup("u").DocumentOK()
				for _, op := range []string{"$set", "$unset"} {
					d, ok := u.Lookup(op).DocumentOK()
					if !ok {
						continue
					}
					els, _ := d.Elements()
					for _, el := range els {
						s.fields = append(s.fields, el.Key())
					}
				}
			}
		}
	}
	r.add(s)
}

// env is one backend's root EntityManager over a fresh namespace.
type env struct {
	b    harness.Backend
	root *em.EntityManager
	orm  *unitorm.ORM  // SQL backends
	mdrv *mongo.Driver // MongoDB
	rec  *recorder
}

func (e *env) fork() *em.EntityManager { return e.root.Fork() }
func (e *env) mongo() bool             { return e.b == harness.Mongo }

// updates returns what the UPDATE statements (update commands) after mark
// set, as column lists.
func (e *env) updates(mark int) [][]string {
	var out [][]string
	for _, s := range e.rec.since(mark) {
		switch {
		case s.cmd == "update":
			out = append(out, s.fields)
		case strings.HasPrefix(s.sql, "UPDATE "):
			out = append(out, setColumns(s.sql))
		}
	}
	return out
}

// setColumns lists the columns an UPDATE statement assigns.
func setColumns(sql string) []string {
	_, rest, _ := strings.Cut(sql, " SET ")
	rest, _, _ = strings.Cut(rest, " WHERE ")
	var cols []string
	for _, a := range strings.Split(rest, ", ") {
		name, _, _ := strings.Cut(a, " = ")
		cols = append(cols, strings.Trim(strings.TrimSpace(name), "\"`"))
	}
	return cols
}

// forEach runs a parallel subtest per backend: sql with the int64-keyed
// model on each SQL database, mongo with the string-keyed (ObjectID) model
// on MongoDB. Each gets a fresh namespace with the model's schema.
func forEach(t *testing.T, modelS, modelM []any, cfgS, cfgM func(*em.Config), sql, mongo func(t *testing.T, e *env)) {
	for _, b := range harness.Backends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			if b == harness.Mongo {
				mongo(t, openMongo(t, modelM, cfgM))
				return
			}
			sql(t, openSQL(t, b, modelS, cfgS))
		})
	}
}

func openSQL(t *testing.T, b harness.Backend, entities []any, configure func(*em.Config)) *env {
	t.Helper()
	tg := harness.NewTarget(t, b)
	conn, err := driver.Open(tg.Driver, tg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	var ec em.Config
	if configure != nil {
		configure(&ec)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	orm, err := unitorm.Open(ctx, conn, unitorm.Config{Entities: entities, Filters: ec.Filters, Types: testTypes,
		OnQuery: func(ev unitorm.QueryEvent) { rec.add(stmt{sql: ev.SQL}) }})
	if err != nil {
		t.Fatalf("open %s: %v", b, err)
	}
	t.Cleanup(func() { _ = orm.Close() })
	if err := orm.CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	return &env{b: b, root: orm.EM(), orm: orm, rec: rec}
}

func openMongo(t *testing.T, entities []any, configure func(*em.Config)) *env {
	t.Helper()
	tg := harness.MongoDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opts := types.Builtin()
	for t, ct := range testTypes {
		opts = append(opts, meta.WithType(t, ct))
	}
	reg := meta.NewRegistry(opts...)
	if err := reg.Register(entities...); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	drv, err := mongo.Open(ctx, tg.URI, tg.Database, reg,
		options.Client().SetMonitor(&event.CommandMonitor{Started: rec.mongoStarted}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = drv.Close(context.Background()) })
	cfg := em.Config{Registry: reg, Driver: mongoconn.EMDriver(drv)}
	if configure != nil {
		configure(&cfg)
	}
	root, err := em.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{b: harness.Mongo, root: root, mdrv: drv, rec: rec}
}

// rawRow reads one row (document) of table by primary key with plain SQL or
// the raw Mongo driver, as column name → value.
func (e *env) rawRow(t *testing.T, table string, id any) map[string]any {
	t.Helper()
	ctx := context.Background()
	if e.mongo() {
		oid, err := bson.ObjectIDFromHex(id.(string))
		if err != nil {
			t.Fatal(err)
		}
		var doc bson.M
		if err := e.mdrv.Database().Collection(table).FindOne(ctx, bson.D{{Key: "_id", Value: oid}}).Decode(&doc); err != nil {
			t.Fatalf("raw %s %v: %v", table, id, err)
		}
		return doc
	}
	rows, err := e.orm.SQL().QueryMaps(ctx, qb.Select().From(table).Where(qb.Cond{"id": id}))
	if err != nil {
		t.Fatalf("raw %s %v: %v", table, id, err)
	}
	if len(rows) != 1 {
		t.Fatalf("raw %s %v: %d rows", table, id, len(rows))
	}
	return rows[0]
}
