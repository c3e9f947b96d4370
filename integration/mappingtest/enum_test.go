package mappingtest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/migrate"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/schema/gen"
	"github.com/unitorm/unitorm/sqldb"
)

// Issue has a string enum, an integer enum and a nullable one.
type Issue struct {
	ID     int64   `orm:"pk"`
	Status string  `orm:"enum=open|closed,length=20"`
	Level  int     `orm:"enum=1|2|3"`
	Kind   *string `orm:"enum=bug|idea,length=10"`
}

// IssueV2 widens Status's value set.
type IssueV2 struct {
	ID     int64   `orm:"pk"`
	Status string  `orm:"enum=open|closed|wont fix,length=20"`
	Level  int     `orm:"enum=1|2|3"`
	Kind   *string `orm:"enum=bug|idea,length=10"`
}

func (IssueV2) TableName() string { return "issue" }

// TestEnumCheckConstraints: enum properties are CHECK constraints on every
// SQL database: the database refuses other values (NULL passes for a
// nullable one); the schema read back equals the entities; a changed value
// set is one drop and one add (a rebuild on SQLite), in a migration that
// goes up and down; the entity generator writes the enum tags back.
func TestEnumCheckConstraints(t *testing.T) {
	v1, v2 := registry(t, Issue{}), registry(t, IssueV2{})
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		x := db.Executor()
		m := migrate.New(db, migrate.Config{Dir: t.TempDir(), NoRegistered: true, Log: t.Logf})
		if _, err := m.Create(ctx, v1.Entities(), migrate.CreateOptions{Initial: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		same := func(reg any) {
			t.Helper()
			ents := v1.Entities()
			if reg == v2 {
				ents = v2.Entities()
			}
			diff, err := schema.CompareDB(ctx, db, ents, schema.IgnoreTables(migrate.DefaultTable))
			if err != nil || !diff.Empty() {
				t.Errorf("schema differs from the entities: %v, %v", diff.Changes, err)
			}
		}
		same(v1)
		insert := func(status string, level int, kind any) error {
			_, err := x.Exec(ctx, qb.InsertInto("issue").Columns("status", "level", "kind").Values(status, level, kind))
			return err
		}
		if err := insert("open", 2, nil); err != nil {
			t.Fatalf("valid row refused: %v", err)
		}
		if err := insert("open", 3, "idea"); err != nil {
			t.Fatalf("valid row refused: %v", err)
		}
		for _, bad := range []struct {
			status string
			level  int
			kind   any
		}{{"opened", 1, nil}, {"open", 4, nil}, {"open", 1, "rant"}, {"wont fix", 1, nil}} {
			err := insert(bad.status, bad.level, bad.kind)
			var ce *uow.ConstraintError
			if err == nil {
				t.Errorf("the database took %v", bad)
			} else if !errors.As(err, &ce) {
				t.Errorf("refused %v with %v, want a *uow.ConstraintError", bad, err)
			}
		}

		// Widening the set: a drop and an add (SQLite: a rebuild).
		diff, err := schema.CompareDB(ctx, db, v2.Entities(), schema.IgnoreTables(migrate.DefaultTable))
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, c := range diff.Changes {
			kinds = append(kinds, c.Kind.String())
		}
		if got := strings.Join(kinds, ","); got != "drop check,add check" && got != "rebuild table" {
			t.Errorf("changes = %v", diff.Changes)
		}
		wide, err := m.Create(ctx, v2.Entities(), migrate.CreateOptions{Name: "wider status"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(wide.Migration.Up, "\n"), "'wont fix'") {
			t.Errorf("up = %q", wide.Migration.Up)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		same(v2)
		if err := insert("wont fix", 1, nil); err != nil {
			t.Errorf("the widened set refuses a new value: %v", err)
		}
		if n, err := x.Count(ctx, qb.Select().From("issue")); err != nil || n != 3 {
			t.Errorf("rows after the migration = %d, %v", n, err)
		}

		// The generator writes enums back where a tag can hold them.
		live, err := schema.Inspect(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		src, err := gen.Generate(live, gen.Options{Package: "x", Dialect: db.Dialect()})
		if err != nil {
			t.Fatal(err)
		}
		code := string(src)
		for _, want := range []string{"enum=open|closed|wont fix", "enum=1|2|3", "enum=bug|idea"} {
			if !strings.Contains(code, want) {
				t.Errorf("generated code lacks %s:\n%s", want, code)
			}
		}

		// Down: back to the first set (rows outside it removed first).
		if _, err := x.Exec(ctx, qb.DeleteFrom("issue").Where(qb.Cond{"status": "wont fix"})); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Down(ctx, ""); err != nil {
			t.Fatal(err)
		}
		same(v1)
	})
}
