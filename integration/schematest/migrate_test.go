package schematest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/migrate"
	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/sqldb"
)

func inspect(t *testing.T, ctx context.Context, db *sqldb.DB) *schema.Schema {
	t.Helper()
	s, err := schema.Inspect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sameSchema fails when two inspected schemas differ (the migrations table aside).
func sameSchema(t *testing.T, db *sqldb.DB, want, got *schema.Schema) {
	t.Helper()
	diff := schema.Compare(got, want, db.Dialect(), schema.IgnoreTables(migrate.DefaultTable))
	for _, c := range diff.Changes {
		t.Errorf("schema differs: %s", c)
	}
}

func appliedVersions(t *testing.T, ctx context.Context, m *migrate.Migrator) []string {
	t.Helper()
	applied, err := m.Applied(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range applied {
		out = append(out, a.Version+"_"+a.Name)
	}
	return out
}

func TestMigrationsUpDownRestore(t *testing.T) {
	base := mustRegistry(t, Edition{})
	withNotes := mustRegistry(t, EditionNotes{})
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		m := migrate.New(db, migrate.Config{Dir: dir, NoRegistered: true, Log: t.Logf})
		empty := inspect(t, ctx, db)

		initial, err := m.Create(ctx, base.Entities(), migrate.CreateOptions{Initial: true})
		if err != nil {
			t.Fatal(err)
		}
		if initial.MarkedApplied {
			t.Error("initial migration on an empty database marked as applied")
		}
		if err := m.Check(ctx, base.Entities()); !errors.Is(err, migrate.ErrPending) {
			t.Errorf("check with a pending migration = %v, want ErrPending", err)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if err := m.Check(ctx, base.Entities()); err != nil {
			t.Fatalf("check after up: %v", err)
		}
		if _, err := m.Create(ctx, base.Entities(), migrate.CreateOptions{}); !errors.Is(err, migrate.ErrNoChanges) {
			t.Errorf("create without changes = %v, want ErrNoChanges", err)
		}
		mustExec(t, ctx, db, `INSERT INTO edition (isbn, number, year) VALUES ('9780000000001', 1, 2001)`)
		afterInitial := inspect(t, ctx, db)

		// A property is added: the generated migration adds one column.
		if err := m.Check(ctx, withNotes.Entities()); !errors.Is(err, migrate.ErrSchemaDiffers) {
			t.Errorf("check with a new property = %v, want ErrSchemaDiffers", err)
		}
		notes, err := m.Create(ctx, withNotes.Entities(), migrate.CreateOptions{Name: "Add edition notes"})
		if err != nil {
			t.Fatal(err)
		}
		if notes.Migration.Name != "add_edition_notes" || len(notes.Migration.Up) != 1 || len(notes.Migration.Down) != 1 {
			t.Errorf("notes migration = %s up %q down %q", notes.Migration.ID(), notes.Migration.Up, notes.Migration.Down)
		}
		list, err := m.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Applied == nil || list[1].Applied != nil {
			t.Errorf("list = %+v, want the initial applied and the notes pending", list)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if err := m.Check(ctx, withNotes.Entities()); err != nil {
			t.Errorf("check after the notes migration: %v", err)
		}

		// Down one: the schema is as after the initial migration, rows kept.
		if done, err := m.Down(ctx, ""); err != nil || len(done) != 1 {
			t.Fatalf("down = %v, %v", done, err)
		}
		sameSchema(t, db, afterInitial, inspect(t, ctx, db))
		if got := scalar[int64](t, ctx, db, `SELECT count(*) FROM edition`); got != 1 {
			t.Errorf("rows after down = %d, want 1", got)
		}
		// Up to the notes migration by version, then all the way down.
		if done, err := m.Up(ctx, notes.Migration.Version); err != nil || len(done) != 1 {
			t.Fatalf("up --to = %v, %v", done, err)
		}
		if done, err := m.Down(ctx, "0"); err != nil || len(done) != 2 {
			t.Fatalf("down to 0 = %v, %v", done, err)
		}
		sameSchema(t, db, empty, inspect(t, ctx, db))
		if got := appliedVersions(t, ctx, m); len(got) != 0 {
			t.Errorf("applied after down to 0 = %v", got)
		}
		if _, err := m.Up(ctx, "19990101000000"); !errors.Is(err, migrate.ErrUnknownVersion) {
			t.Errorf("up to an unknown version = %v, want ErrUnknownVersion", err)
		}
	})
}

func writeMigration(t *testing.T, dir, id, up, down string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, id+".up.sql"), []byte(up), 0o644); err != nil {
		t.Fatal(err)
	}
	if down != "" {
		if err := os.WriteFile(filepath.Join(dir, id+".down.sql"), []byte(down), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFailingMigrationLeavesTableExact(t *testing.T) {
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		writeMigration(t, dir, "001_first", "CREATE TABLE first_t (id integer NOT NULL PRIMARY KEY);\n", "DROP TABLE first_t;")
		writeMigration(t, dir, "002_second", "CREATE TABLE second_t (id integer NOT NULL PRIMARY KEY);\n-- the next statement fails\nINSERT INTO no_such_table VALUES (1);\n", "DROP TABLE second_t;")
		writeMigration(t, dir, "003_third", "CREATE TABLE third_t (id integer NOT NULL PRIMARY KEY);", "DROP TABLE third_t;")
		m := migrate.New(db, migrate.Config{Dir: dir, NoRegistered: true})

		done, err := m.Up(ctx, "")
		var me *migrate.MigrationError
		if !errors.As(err, &me) || me.Version != "002" {
			t.Fatalf("up = %v, want a MigrationError for 002", err)
		}
		if len(done) != 1 || done[0].Version != "001" {
			t.Errorf("applied before the failure = %v", done)
		}
		if got := appliedVersions(t, ctx, m); !slices.Equal(got, []string{"001_first"}) {
			t.Errorf("migrations table = %v, want [001_first]", got)
		}
		tables, err := schema.ListTables(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(tables, "third_t") {
			t.Error("the migration after the failing one ran")
		}
		if db.Dialect().Has(dialect.TransactionalDDL) && slices.Contains(tables, "second_t") {
			t.Error("the failing migration's first statement was not rolled back")
		}
		pending, err := m.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 2 || pending[0].Version != "002" {
			t.Errorf("pending = %v", pending)
		}
		// Fixed, the rest applies; a failing down leaves its record.
		if !db.Dialect().Has(dialect.TransactionalDDL) {
			mustExec(t, ctx, db, "DROP TABLE second_t")
		}
		writeMigration(t, dir, "002_second", "CREATE TABLE second_t (id integer NOT NULL PRIMARY KEY);", "DROP TABLE second_t; DROP TABLE no_such_table;")
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Down(ctx, "001"); err == nil {
			t.Fatal("down through a failing down step succeeded")
		}
		if got := appliedVersions(t, ctx, m); !slices.Equal(got, []string{"001_first", "002_second"}) {
			t.Errorf("migrations table after a failing down = %v, want [001_first 002_second]", got)
		}
	})
}

func TestGoMigrations(t *testing.T) {
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		up := func(ctx context.Context, ex schema.Execer) error {
			_, err := ex.ExecContext(ctx, "CREATE TABLE go_t (id integer NOT NULL PRIMARY KEY)")
			if err == nil {
				_, err = ex.ExecContext(ctx, "INSERT INTO go_t (id) VALUES (7)")
			}
			return err
		}
		down := func(ctx context.Context, ex schema.Execer) error {
			_, err := ex.ExecContext(ctx, "DROP TABLE go_t")
			return err
		}
		m := migrate.New(db, migrate.Config{Dir: t.TempDir(), NoRegistered: true, Migrations: []*migrate.Migration{
			{Version: "20240101000000", Name: "go_table", UpFunc: up, DownFunc: down, Source: "go"},
		}})
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if got := scalar[int64](t, ctx, db, "SELECT id FROM go_t"); got != 7 {
			t.Errorf("go_t.id = %d", got)
		}
		if _, err := m.Down(ctx, ""); err != nil {
			t.Fatal(err)
		}
		tables, err := schema.ListTables(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(tables, []string{migrate.DefaultTable}) {
			t.Errorf("tables after down = %v", tables)
		}
	})
}
