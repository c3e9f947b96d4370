package mongotest

import (
	"errors"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/internal/uow"
)

// hostileEmails look like the fixed text of a duplicate-key message
// ("... index: <name> dup key: { email: \"<value>\" }").
var hostileEmails = []string{
	`x" } index: fake_index dup key: { email: "y`,
	`index: evil dup key: {`,
	`" index: evil collation: { locale: "en" } dup key: { "`,
	`E11000 duplicate key error collection: test.author index: evil dup key: { email: "x" }`,
	"x' for key 'author_email_fake",
	"a'' for key ''b",
	"tick`s CONSTRAINT `evil`",
	"line1\nindex: nl_evil dup key: {\n",
	"ünïcødé 😀 index: emoji_evil ",
	strings.Repeat("index: long_evil dup key: ", 40),
}

// TestDuplicateIndexIgnoresHostileValues: a duplicate of a value that
// imitates the server's message reports what a duplicate of a clean value
// reports, and writes nothing. FerretDB names no index (its message is
// "E11000 duplicate key error collection: <db>.<coll>"); MongoDB names
// author_email_unique.
func TestDuplicateIndexIgnoresHostileValues(t *testing.T) {
	e := newEnv(t)
	if err := e.drv.EnsureIndexes(e.ctx); err != nil {
		t.Fatal(err)
	}
	insert := func(email string) error {
		m := e.fork()
		if err := m.Persist(&Author{Name: "n", Email: email}); err != nil {
			t.Fatal(err)
		}
		return m.Flush(e.ctx)
	}
	asConstraint := func(err error) *uow.ConstraintError {
		t.Helper()
		var ce *uow.ConstraintError
		if !errors.As(err, &ce) {
			t.Fatalf("flush error %v (%T), want a *uow.ConstraintError", err, err)
		}
		return ce
	}
	count := func() int64 {
		t.Helper()
		n, err := e.drv.Database().Collection("author").CountDocuments(e.ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := insert("clean@x"); err != nil {
		t.Fatal(err)
	}
	ref := asConstraint(insert("clean@x"))
	if ref.Kind != uow.UniqueConstraint || ref.Table != "author" ||
		(ref.Constraint != "" && ref.Constraint != "author_email_unique") {
		t.Fatalf("clean duplicate: %v %q on %q\n%v", ref.Kind, ref.Constraint, ref.Table, ref)
	}
	t.Logf("a clean duplicate reports constraint %q: %v", ref.Constraint, ref)
	rows := count()
	for _, v := range hostileEmails {
		if err := insert(v); err != nil {
			t.Fatalf("insert %q: %v", v, err)
		}
		rows++
		m := e.fork()
		// The duplicate first: the ordered insert stops there, so nothing
		// is written even without a transaction.
		dup, fresh := &Author{Name: "dup", Email: v}, &Author{Name: "fresh", Email: "fresh " + v}
		if err := m.Persist(dup, fresh); err != nil {
			t.Fatal(err)
		}
		ce := asConstraint(m.Flush(e.ctx))
		if ce.Kind != ref.Kind || ce.Constraint != ref.Constraint || ce.Table != ref.Table {
			t.Errorf("duplicate of %q: %v %q on %q; a clean duplicate gives %v %q on %q\n%v",
				v, ce.Kind, ce.Constraint, ce.Table, ref.Kind, ref.Constraint, ref.Table, ce)
		}
		if n := count(); n != rows {
			t.Errorf("duplicate of %q: %d documents after the failed flush, want %d", v, n, rows)
		}
		if dup.ID != "" || fresh.ID != "" {
			t.Errorf("duplicate of %q: keys %q %q kept after the failure", v, dup.ID, fresh.ID)
		}
	}
}
