package schematest

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/sqldb"
)

func mustRegistry(t *testing.T, edition any) *meta.Registry {
	t.Helper()
	reg, err := RegistryWith(edition)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// noChanges fails when the live schema differs from the entities.
func noChanges(t *testing.T, ctx context.Context, db *sqldb.DB, reg *meta.Registry, opts ...schema.Option) {
	t.Helper()
	diff, err := schema.CompareDB(ctx, db, reg.Entities(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range diff.Changes {
		t.Errorf("unexpected change: %s", c)
	}
}

func TestCreateThenUpdateIsEmpty(t *testing.T) {
	reg := mustRegistry(t, Edition{})
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		if err := schema.Create(ctx, db, reg.Entities()); err != nil {
			t.Fatal(err)
		}
		noChanges(t, ctx, db, reg)
		stmts, err := schema.UpdateSQL(ctx, db, reg.Entities())
		if err != nil {
			t.Fatal(err)
		}
		if len(stmts) != 0 {
			t.Errorf("update after create emits %q", stmts)
		}
	})
}

func TestUpdateFromEmptyThenTwice(t *testing.T) {
	reg := mustRegistry(t, Edition{})
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		if err := schema.Update(ctx, db, reg.Entities()); err != nil {
			t.Fatal(err)
		}
		tables, err := schema.ListTables(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(tables, ",") != strings.Join(modelTables, ",") {
			t.Errorf("tables = %v", tables)
		}
		stmts, err := schema.UpdateSQL(ctx, db, reg.Entities())
		if err != nil {
			t.Fatal(err)
		}
		if len(stmts) != 0 {
			t.Errorf("second update emits %q", stmts)
		}
	})
}

func countPrefix(stmts []string, sub string) int {
	n := 0
	for _, s := range stmts {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

func TestUpdateAddProperty(t *testing.T) {
	reg := mustRegistry(t, Edition{})
	withNotes := mustRegistry(t, EditionNotes{})
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		if err := schema.Create(ctx, db, reg.Entities()); err != nil {
			t.Fatal(err)
		}
		mustExec(t, ctx, db, `INSERT INTO edition (isbn, number, year) VALUES ('9780000000001', 1, 2001)`)
		stmts, err := schema.UpdateSQL(ctx, db, withNotes.Entities())
		if err != nil {
			t.Fatal(err)
		}
		if len(stmts) != 1 || !strings.HasPrefix(stmts[0], "ALTER TABLE") || countPrefix(stmts, " ADD COLUMN ") != 1 {
			t.Fatalf("adding a property emits %q, want exactly one ALTER TABLE ... ADD COLUMN", stmts)
		}
		if err := schema.Exec(ctx, db, stmts); err != nil {
			t.Fatal(err)
		}
		noChanges(t, ctx, db, withNotes)
		if got := scalar[int64](t, ctx, db, `SELECT count(*) FROM edition WHERE notes IS NULL`); got != 1 {
			t.Errorf("rows after adding a column = %d, want 1", got)
		}
		// Back to the model without the property: safe mode keeps the column,
		// the default mode drops it.
		stmts, err = schema.UpdateSQL(ctx, db, reg.Entities(), schema.Safe())
		if err != nil {
			t.Fatal(err)
		}
		if len(stmts) != 0 {
			t.Errorf("safe update without the property emits %q, want nothing", stmts)
		}
		if err := schema.Update(ctx, db, reg.Entities()); err != nil {
			t.Fatal(err)
		}
		noChanges(t, ctx, db, reg)
		if got := scalar[int64](t, ctx, db, `SELECT count(*) FROM edition`); got != 1 {
			t.Errorf("rows after dropping a column = %d, want 1", got)
		}
	})
}

func TestUpdateAlterColumns(t *testing.T) {
	reg := mustRegistry(t, Edition{})
	changed := mustRegistry(t, EditionChanged{})
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		if err := schema.Create(ctx, db, reg.Entities()); err != nil {
			t.Fatal(err)
		}
		mustExec(t, ctx, db, `INSERT INTO edition (isbn, number, year) VALUES ('9780000000001', 1, 2001)`)
		diff, err := schema.CompareDB(ctx, db, changed.Entities())
		if err != nil {
			t.Fatal(err)
		}
		if diff.Empty() {
			t.Fatal("no changes found")
		}
		for _, c := range diff.Changes {
			t.Logf("change: %s", c)
		}
		if err := schema.Exec(ctx, db, diff.SQL()); err != nil {
			t.Fatal(err)
		}
		noChanges(t, ctx, db, changed)
		if got := scalar[int64](t, ctx, db, `SELECT year FROM edition`); got != 2001 {
			t.Errorf("year after altering the column = %d, want 2001", got)
		}
		mustExec(t, ctx, db, `INSERT INTO edition (isbn, number) VALUES ('9780000000002', 1)`)
		if got := scalar[int64](t, ctx, db, `SELECT year FROM edition WHERE isbn = '9780000000002'`); got != 2000 {
			t.Errorf("year default = %d, want 2000", got)
		}
		// And back.
		mustExec(t, ctx, db, `DELETE FROM edition WHERE isbn = '9780000000002'`)
		if err := schema.Update(ctx, db, reg.Entities()); err != nil {
			t.Fatal(err)
		}
		noChanges(t, ctx, db, reg)
	})
}

// TestUpdateWidensFloat32Columns: a float32 column was FLOAT on MySQL and
// MariaDB before it became DOUBLE (a FLOAT is sent by the text protocol
// with 6 significant digits). A database created then gets one change from
// the diff, MODIFY … double, which keeps every stored value exactly (a
// DOUBLE holds every FLOAT), and then no more.
func TestUpdateWidensFloat32Columns(t *testing.T) {
	reg := mustRegistry(t, Edition{})
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		if err := schema.Create(ctx, db, reg.Entities()); err != nil {
			t.Fatal(err)
		}
		if db.Dialect() != dialect.MySQL && db.Dialect() != dialect.MariaDB {
			// float32 columns were real here already: a fresh schema
			// has nothing to migrate.
			diff, err := schema.CompareDB(ctx, db, reg.Entities())
			if err != nil {
				t.Fatal(err)
			}
			if len(diff.Changes) != 0 {
				t.Fatalf("a schema just created differs from its entities: %v", diff.Changes)
			}
			return
		}
		mustExec(t, ctx, db, "ALTER TABLE author MODIFY rating float") // the old mapping
		values := []float32{3.1415927, math.MaxFloat32, math.SmallestNonzeroFloat32, -0.1, 16777217}
		for i, v := range values {
			mustExec(t, ctx, db, "INSERT INTO author (name, email, active, rating, version) VALUES (?, ?, 1, ?, 1)",
				"a", fmt.Sprint("a", i, "@x"), v)
		}
		diff, err := schema.CompareDB(ctx, db, reg.Entities())
		if err != nil {
			t.Fatal(err)
		}
		if len(diff.Changes) != 1 || !strings.Contains(diff.Changes[0].String(), "rating") {
			t.Fatalf("changes %v, want the one of author.rating", diff.Changes)
		}
		stmts := diff.SQL()
		if len(stmts) != 1 || !strings.Contains(stmts[0], "MODIFY `rating` double") {
			t.Fatalf("statements %q, want one MODIFY `rating` double", stmts)
		}
		if err := schema.Exec(ctx, db, stmts); err != nil {
			t.Fatal(err)
		}
		noChanges(t, ctx, db, reg)
		for i, v := range values {
			got := scalar[float64](t, ctx, db, "SELECT rating FROM author WHERE email = ?", fmt.Sprint("a", i, "@x"))
			if math.Float64bits(got) != math.Float64bits(float64(v)) {
				t.Errorf("rating %v reads back as %v after the migration", v, got)
			}
		}
	})
}
