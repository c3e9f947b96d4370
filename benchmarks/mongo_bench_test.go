package benchmarks

import (
	"context"
	"database/sql"
	"os"
	"strconv"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/integration/embedmongo"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/mongo"
)

// The MongoDB benchmarks run on BENCH_MONGO_URI when set, else on FerretDB
// embedded in the test binary (SQLite storage): absolute times then measure
// FerretDB more than either client, and the ratio unitorm / raw driver is
// the number to read.

// MongoDoc is the entity of the MongoDB benchmarks.
type MongoDoc struct {
	ID      string `orm:"pk"`
	Title   string
	Price   float64
	Pages   int
	Active  bool
	Created time.Time
}

// rawMongoDoc is the same document for the official driver alone.
type rawMongoDoc struct {
	ID      bson.ObjectID `bson:"_id,omitempty"`
	Title   string        `bson:"title"`
	Price   float64       `bson:"price"`
	Pages   int           `bson:"pages"`
	Active  bool          `bson:"active"`
	Created time.Time     `bson:"created"`
}

const mongoDocs = 10000

var mongoCreated = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// mongoBench is one Mongo database for a benchmark: the raw client's
// collection and unitorm's driver on the same database.
type mongoBench struct {
	ctx  context.Context
	coll *mongodrv.Collection
	drv  *mongo.Driver
	root *em.EntityManager
}

func newMongoBench(tb testing.TB) *mongoBench {
	tb.Helper()
	ctx := context.Background()
	uri := os.Getenv("BENCH_MONGO_URI")
	if uri == "" {
		u, stop, err := embedmongo.Start(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(stop)
		uri = u
	}
	reg := meta.NewRegistry()
	if err := reg.Register(MongoDoc{}); err != nil {
		tb.Fatal(err)
	}
	db := runID + "_mongo_" + strconv.FormatInt(time.Now().UnixNano()%1e6, 10)
	drv, err := mongo.Open(ctx, uri, db, reg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = drv.Database().Drop(ctx)
		_ = drv.Close(ctx)
	})
	root, err := em.New(em.Config{Registry: reg, Driver: mongoEMDriver{drv}})
	if err != nil {
		tb.Fatal(err)
	}
	return &mongoBench{ctx: ctx, coll: drv.Database().Collection("mongo_doc"), drv: drv, root: root}
}

// mongoEMDriver adapts *mongo.Driver to em.Driver.
type mongoEMDriver struct{ d *mongo.Driver }

func (a mongoEMDriver) Executor() em.Executor    { return a.d.Executor() }
func (a mongoEMDriver) Dialect() dialect.Dialect { return nil }
func (a mongoEMDriver) NoTransactions() bool     { return a.d.NoTransactions() }
func (a mongoEMDriver) Begin(ctx context.Context, opts *sql.TxOptions) (em.Tx, error) {
	tx, err := a.d.Begin(ctx, opts)
	if err != nil {
		return nil, err
	}
	return tx, nil
}

func (mb *mongoBench) empty(tb testing.TB) {
	tb.Helper()
	if _, err := mb.coll.DeleteMany(mb.ctx, bson.D{}); err != nil {
		tb.Fatal(err)
	}
}

// insertRaw inserts n documents with one InsertMany.
func (mb *mongoBench) insertRaw(n int) error {
	docs := make([]rawMongoDoc, n)
	for i := range docs {
		docs[i] = rawMongoDoc{Title: "title " + strconv.Itoa(i), Price: float64(i), Pages: i % 500, Active: i%2 == 0, Created: mongoCreated}
	}
	_, err := mb.coll.InsertMany(mb.ctx, docs)
	return err
}

// findRaw reads every document back into structs.
func (mb *mongoBench) findRaw() (int, error) {
	cur, err := mb.coll.Find(mb.ctx, bson.D{})
	if err != nil {
		return 0, err
	}
	var out []rawMongoDoc
	if err := cur.All(mb.ctx, &out); err != nil {
		return 0, err
	}
	return len(out), nil
}

// insertORM persists n entities and flushes (one InsertMany).
func (mb *mongoBench) insertORM(n int) error {
	m := mb.root.Fork()
	for i := range n {
		d := &MongoDoc{Title: "title " + strconv.Itoa(i), Price: float64(i), Pages: i % 500, Active: i%2 == 0, Created: mongoCreated}
		if err := m.Persist(d); err != nil {
			return err
		}
	}
	return m.Flush(mb.ctx)
}

// findORM finds every entity into a fresh EntityManager.
func (mb *mongoBench) findORM() (int, error) {
	docs, err := em.FindAll[MongoDoc](mb.ctx, mb.root.Fork())
	return len(docs), err
}

// BenchmarkMongo inserts 10,000 documents and finds them back, with the
// official driver alone (InsertMany of structs, Find + cursor.All) and with
// unitorm (Persist + Flush, FindAll into a fresh EntityManager): each phase
// alone, and both in one operation (the target: unitorm within
// 1.2× the driver).
func BenchmarkMongo(b *testing.B) {
	mb := newMongoBench(b)
	b.Run("insert/raw", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			mb.empty(b)
			b.StartTimer()
			if err := mb.insertRaw(mongoDocs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("insert/unitorm", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			mb.empty(b)
			b.StartTimer()
			if err := mb.insertORM(mongoDocs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("insert+find/raw", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			mb.empty(b)
			b.StartTimer()
			if err := mb.insertRaw(mongoDocs); err != nil {
				b.Fatal(err)
			}
			if n, err := mb.findRaw(); err != nil || n != mongoDocs {
				b.Fatalf("found %d, %v", n, err)
			}
		}
	})
	b.Run("insert+find/unitorm", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			mb.empty(b)
			b.StartTimer()
			if err := mb.insertORM(mongoDocs); err != nil {
				b.Fatal(err)
			}
			if n, err := mb.findORM(); err != nil || n != mongoDocs {
				b.Fatalf("found %d, %v", n, err)
			}
		}
	})
	mb.empty(b)
	if err := mb.insertRaw(mongoDocs); err != nil {
		b.Fatal(err)
	}
	b.Run("find/raw", func(b *testing.B) {
		for b.Loop() {
			if n, err := mb.findRaw(); err != nil || n != mongoDocs {
				b.Fatalf("found %d, %v", n, err)
			}
		}
	})
	b.Run("find/unitorm", func(b *testing.B) {
		for b.Loop() {
			if n, err := mb.findORM(); err != nil || n != mongoDocs {
				b.Fatalf("found %d, %v", n, err)
			}
		}
	})
}

// TestMongoBenchAgree runs both sides of BenchmarkMongo once on a few
// documents and checks they store and read the same data, so that a
// benchmark that stopped doing the work fails the tests.
func TestMongoBenchAgree(t *testing.T) {
	mb := newMongoBench(t)
	const n = 50
	if err := mb.insertRaw(n); err != nil {
		t.Fatal(err)
	}
	if err := mb.insertORM(n); err != nil {
		t.Fatal(err)
	}
	if got, err := mb.findRaw(); err != nil || got != 2*n {
		t.Fatalf("raw find: %d, %v", got, err)
	}
	docs, err := em.FindAll[MongoDoc](mb.ctx, mb.root.Fork())
	if err != nil || len(docs) != 2*n {
		t.Fatalf("unitorm find: %d, %v", len(docs), err)
	}
	var raw []rawMongoDoc
	cur, err := mb.coll.Find(mb.ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil || cur.All(mb.ctx, &raw) != nil {
		t.Fatal(err)
	}
	byID := map[string]rawMongoDoc{}
	for _, r := range raw {
		byID[r.ID.Hex()] = r
	}
	for _, d := range docs {
		r, ok := byID[d.ID]
		if !ok || r.Title != d.Title || r.Price != d.Price || r.Pages != d.Pages || r.Active != d.Active || !r.Created.Equal(d.Created) {
			t.Fatalf("unitorm read %+v, the driver %+v", d, r)
		}
	}
}
