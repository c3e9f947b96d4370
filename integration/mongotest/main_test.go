package mongotest

import (
	"context"
	mongoconn "github.com/unitorm/unitorm/driver/mongo"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/integration/embedmongo"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/mongo"
)

func TestMain(m *testing.M) {
	harness.RegisterEmbeddedMongo(embedmongo.Start)
	harness.Main(m)
}

// command is one command the client sent.
type command struct {
	name string
	coll string
	body bson.Raw
}

// monitor records the data commands (not handshakes or session ends) the
// client sends.
type monitor struct {
	mu   sync.Mutex
	cmds []command
}

var dataCommands = map[string]bool{"find": true, "getMore": true, "insert": true, "update": true,
	"delete": true, "aggregate": true, "count": true, "createIndexes": true}

func (m *monitor) started(_ context.Context, ev *event.CommandStartedEvent) {
	if !dataCommands[ev.CommandName] {
		return
	}
	coll, _ := ev.Command.Lookup(ev.CommandName).StringValueOK()
	m.mu.Lock()
	m.cmds = append(m.cmds, command{name: ev.CommandName, coll: coll, body: append(bson.Raw(nil), ev.Command...)})
	m.mu.Unlock()
}

func (m *monitor) mark() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cmds)
}

func (m *monitor) since(mark int) []command {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]command(nil), m.cmds[mark:]...)
}

// names lists "name coll" of the commands after mark.
func (m *monitor) names(mark int) []string {
	var out []string
	for _, c := range m.since(mark) {
		out = append(out, c.name+" "+c.coll)
	}
	return out
}

// env is one test's database: a driver, the root EntityManager and the
// command monitor.
type env struct {
	t    *testing.T
	ctx  context.Context
	drv  *mongo.Driver
	root *em.EntityManager
	mon  *monitor
	reg  *meta.Registry
}

func newEnv(t *testing.T, entities ...any) *env {
	t.Helper()
	target := harness.MongoDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	reg := meta.NewRegistry()
	if len(entities) == 0 {
		entities = allEntities
	}
	if err := reg.Register(entities...); err != nil {
		t.Fatal(err)
	}
	mon := &monitor{}
	drv, err := mongo.Open(ctx, target.URI, target.Database, reg,
		options.Client().SetMonitor(&event.CommandMonitor{Started: mon.started}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = drv.Close(context.Background()) })
	root, err := em.New(em.Config{Registry: reg, Driver: mongoconn.EMDriver(drv)})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: ctx, drv: drv, root: root, mon: mon, reg: reg}
}

func (e *env) fork() *em.EntityManager { return e.root.Fork() }

// flush flushes m and fails the test on error.
func (e *env) flush(m *em.EntityManager) {
	e.t.Helper()
	if err := m.Flush(e.ctx); err != nil {
		e.t.Fatalf("flush: %v", err)
	}
}

// raw returns the stored document of collection coll with _id id.
func (e *env) raw(coll string, id any) bson.Raw {
	e.t.Helper()
	doc, err := e.drv.Database().Collection(coll).FindOne(e.ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if err != nil {
		e.t.Fatalf("raw %s %v: %v", coll, id, err)
	}
	return doc
}

func oid(t *testing.T, hex string) bson.ObjectID {
	t.Helper()
	id, err := bson.ObjectIDFromHex(hex)
	if err != nil {
		t.Fatalf("%q: %v", hex, err)
	}
	return id
}

func count(names []string, prefix string) int {
	n := 0
	for _, s := range names {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}
