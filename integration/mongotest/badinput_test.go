package mongotest

import (
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/mongo"
	"github.com/unitorm/unitorm/qb"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func TestBadInput(t *testing.T) {
	e := newEnv(t)
	seed(t, e, 1, 1, 1)
	tests := []struct {
		name string
		run  func(m *em.EntityManager) error
		want error
	}{
		{"map as a condition value (operator injection)", func(m *em.EntityManager) error {
			_, err := em.Find[Author](e.ctx, m, qb.Cond{"name": map[string]any{"$ne": ""}})
			return err
		}, qb.ErrInvalidValue},
		{"bson.M as a condition value", func(m *em.EntityManager) error {
			_, err := em.Find[Author](e.ctx, m, qb.Cond{"name": bson.M{"$gt": ""}})
			return err
		}, qb.ErrInvalidValue},
		{"operator as a field name", func(m *em.EntityManager) error {
			_, err := em.Find[Author](e.ctx, m, qb.Cond{"$where": "1"})
			return err
		}, qb.ErrInvalidValue},
		{"invalid ObjectID hex in FindOne", func(m *em.EntityManager) error {
			_, err := em.FindOne[Author](e.ctx, m, "not-an-object-id")
			return err
		}, mongo.ErrInvalidObjectID},
		{"invalid ObjectID hex in a condition on a reference", func(m *em.EntityManager) error {
			_, err := em.Find[Book](e.ctx, m, qb.Cond{"author": qb.In("6b06ff81b2b38cffdfb51f19", "zzz")})
			return err
		}, mongo.ErrInvalidObjectID},
		{"zero ObjectID as a key", func(m *em.EntityManager) error {
			_, err := em.FindOne[Author](e.ctx, m, qb.Cond{"id": qb.In("000000000000000000000000")})
			return err
		}, mongo.ErrInvalidObjectID},
		{"unknown property", func(m *em.EntityManager) error {
			_, err := em.Find[Author](e.ctx, m, qb.Cond{"nope": 1})
			return err
		}, em.ErrUnknownProperty},
		{"raw SQL condition", func(m *em.EntityManager) error {
			_, err := em.Find[Author](e.ctx, m, qb.Raw("name = ?", "x"))
			return err
		}, mongo.ErrUnsupported},
		{"row lock", func(m *em.EntityManager) error {
			_, err := em.QB[Author](m).ForUpdate().All(e.ctx)
			return err
		}, em.ErrNoTransaction},
		{"invalid ObjectID hex as a new key", func(m *em.EntityManager) error {
			a := &Author{ID: "xyz", Name: "bad", Email: "bad@x"}
			if err := m.Persist(a); err != nil {
				return err
			}
			err := m.Flush(e.ctx)
			if a.ID != "xyz" || !m.IsDirty(a) {
				t.Errorf("after the failure %+v", a)
			}
			return err
		}, mongo.ErrInvalidObjectID},
		{"invalid key of a referenced entity", func(m *em.EntityManager) error {
			ok := &Author{Name: "fine", Email: "fine@x"}
			b := &Book{Title: "t", Author: &Author{ID: "bad", Name: "x", Email: "x@x"}}
			if err := m.Persist(ok, b); err != nil {
				return err
			}
			err := m.Flush(e.ctx)
			if ok.ID != "" || b.ID != "" {
				t.Errorf("keys were generated and kept: %q %q", ok.ID, b.ID)
			}
			return err
		}, mongo.ErrInvalidObjectID},
		{"integer key without a value", func(m *em.EntityManager) error {
			if err := m.Persist(&Counter{Shop: "s"}); err != nil {
				return err
			}
			return m.Flush(e.ctx)
		}, uow.ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := e.fork()
			mark := e.mon.mark()
			err := tt.run(m)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if got := e.mon.names(mark); len(got) != 0 {
				t.Fatalf("bad input sent %v", got)
			}
		})
	}
}

func TestObjectIDKeys(t *testing.T) {
	e := newEnv(t)
	m := e.fork()
	ref := bson.NewObjectID()
	n := &Note{Text: "first", Ref: &ref}
	zero := &Note{Text: "zero key"}
	if err := m.Persist(n, zero); err != nil {
		t.Fatal(err)
	}
	e.flush(m)
	if n.ID.IsZero() || zero.ID.IsZero() || n.ID == zero.ID {
		t.Fatalf("generated keys %v %v", n.ID, zero.ID)
	}
	if c, _ := e.drv.Database().Collection("note").CountDocuments(e.ctx, bson.D{{Key: "_id", Value: bson.ObjectID{}}}); c != 0 {
		t.Fatal("a zero ObjectID was stored as _id")
	}
	doc := e.raw("note", n.ID)
	if got, ok := doc.Lookup("ref").ObjectIDOK(); !ok || got != ref {
		t.Fatalf("ref stored as %v", doc.Lookup("ref"))
	}
	// Found by another field, the key decodes into the bson.ObjectID field.
	m2 := e.fork()
	notes, err := em.Find[Note](e.ctx, m2, qb.Cond{"text": "first"})
	if err != nil || len(notes) != 1 || notes[0].ID != n.ID || notes[0].Ref == nil || *notes[0].Ref != ref {
		t.Fatalf("Find: %+v, %v", notes, err)
	}
	notes[0].Text = "changed"
	notes[0].Ref = nil
	e.flush(m2)
	doc = e.raw("note", n.ID)
	if doc.Lookup("text").StringValue() != "changed" {
		t.Fatalf("stored %v", doc)
	}
	if _, err := doc.LookupErr("ref"); err == nil {
		t.Fatalf("ref not unset: %v", doc)
	}
	if err := m2.Remove(notes[0]); err != nil {
		t.Fatal(err)
	}
	e.flush(m2)
	if c, _ := e.drv.Database().Collection("note").CountDocuments(e.ctx, bson.D{}); c != 1 {
		t.Fatalf("%d notes after a delete, want 1", c)
	}
	// An application-set integer key.
	c := &Counter{ID: 7, Shop: "s", Day: "mon", Count: 0}
	if err := m2.Persist(c); err != nil {
		t.Fatal(err)
	}
	e.flush(m2)
	if got := e.raw("counter", int64(7)); got.Lookup("count").AsInt64() != 0 || got.Lookup("shop").StringValue() != "s" {
		t.Fatalf("counter stored as %v", got)
	}
	m3 := e.fork()
	c3, err := em.FindOneOrFail[Counter](e.ctx, m3, int64(7))
	if err != nil || c3.Day != "mon" {
		t.Fatalf("FindOne(7): %+v, %v", c3, err)
	}
}
