package querytest

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	mongoconn "github.com/unitorm/unitorm/driver/mongo"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/mongo"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/qb"
)

// MongoDB keeps an owning m:n relation as an array of keys in the owner's
// documents: conditions on those keys run there; the others need a join and
// are refused with em.ErrUnsupportedCondition before any command.

type MPost struct {
	ID     string `orm:"pk"`
	Title  string
	Topics unitorm.Collection[*MTopic] `orm:"m:n"`
}

type MTopic struct {
	ID    string `orm:"pk"`
	Name  string
	Posts unitorm.Collection[*MPost] `orm:"m:n,mappedBy=Topics"`
}

// mongoEnv is an EntityManager on the test's MongoDB database whose
// client counts the commands it sends.
type mongoEnv struct {
	root *em.EntityManager
	n    atomic.Int64
}

func (e *mongoEnv) fork() *em.EntityManager { return e.root.Fork() }
func (e *mongoEnv) statements() int         { return int(e.n.Load()) }

func openMongo(t *testing.T, entities ...any) *mongoEnv {
	t.Helper()
	target := harness.MongoDB(t)
	reg := meta.NewRegistry()
	if err := reg.Register(entities...); err != nil {
		t.Fatal(err)
	}
	e := &mongoEnv{}
	started := func(_ context.Context, ev *event.CommandStartedEvent) {
		switch ev.CommandName {
		case "find", "aggregate", "count", "insert", "update", "delete":
			e.n.Add(1)
		}
	}
	drv, err := mongo.Open(context.Background(), target.URI, target.Database, reg,
		options.Client().SetMonitor(&event.CommandMonitor{Started: started}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = drv.Close(context.Background()) })
	if e.root, err = em.New(em.Config{Registry: reg, Driver: mongoconn.EMDriver(drv)}); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestToManyConditionsMongo(t *testing.T) {
	e := openMongo(t, MPost{}, MTopic{})
	ctx := context.Background()
	m := e.fork()
	topics := []*MTopic{{Name: "go"}, {Name: "db"}, {Name: "web"}}
	posts := []*MPost{
		{Title: "p0", Topics: unitorm.NewCollection(topics[0])},
		{Title: "p1", Topics: unitorm.NewCollection(topics[0], topics[1])},
		{Title: "p2", Topics: unitorm.NewCollection(topics[2])},
		{Title: "p3", Topics: unitorm.NewCollection[*MTopic]()},
	}
	for _, p := range posts {
		if err := m.Persist(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	titles := func(cond qb.Condition) []string {
		t.Helper()
		got, err := em.Find[MPost](ctx, e.fork(), cond, em.OrderBy("title", qb.Asc), em.Limit(10))
		if err != nil {
			t.Fatalf("%v: %v", cond, err)
		}
		var out []string
		for _, p := range got {
			out = append(out, p.Title)
		}
		return out
	}
	cases := []struct {
		cond qb.Condition
		want []string
	}{
		{qb.Cond{"topics": topics[0].ID}, []string{"p0", "p1"}},
		{qb.Cond{"topics": qb.In(topics[1].ID, topics[2].ID)}, []string{"p1", "p2"}},
		{qb.Cond{"topics": qb.Nin(topics[0].ID)}, []string{"p2", "p3"}},
		{qb.Cond{"topics.id": topics[2].ID}, []string{"p2"}},
		{qb.Some("topics", qb.Cond{"id": qb.In(topics[0].ID)}), []string{"p0", "p1"}},
		{qb.None("topics", qb.Cond{"id": topics[0].ID}), []string{"p2", "p3"}},
	}
	for _, c := range cases {
		before := e.statements()
		if got := titles(c.cond); !slices.Equal(got, c.want) {
			t.Errorf("%v: %v, want %v", c.cond, got, c.want)
		}
		if e.statements() == before {
			t.Fatalf("%v: no command recorded (the refusal checks below would prove nothing)", c.cond)
		}
	}
	refused := []qb.Condition{
		qb.Cond{"topics.name": "go"},
		qb.Every("topics", qb.Cond{"id": topics[0].ID}),
		qb.Some("topics", nil),
	}
	for _, c := range refused {
		before := e.statements()
		_, err := em.Find[MPost](ctx, e.fork(), c)
		var pe *em.PropertyError
		if !errors.Is(err, em.ErrUnsupportedCondition) || !errors.As(err, &pe) || pe.Entity != "MPost" || pe.Property != "topics" {
			t.Errorf("%v: err %v, want ErrUnsupportedCondition on MPost.topics", c, err)
		}
		if n := e.statements() - before; n != 0 {
			t.Errorf("%v: %d commands ran", c, n)
		}
	}
	// The inverse side holds no array: refused too.
	if _, err := em.Find[MTopic](ctx, e.fork(), qb.Cond{"posts": posts[0].ID}); !errors.Is(err, em.ErrUnsupportedCondition) {
		t.Errorf("inverse side: %v", err)
	}
}
