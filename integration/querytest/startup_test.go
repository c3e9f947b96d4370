package querytest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/cli"
	"github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/migrate"
	"github.com/unitorm/unitorm/schema"
)

// Post1 and Post2 are two versions of one table: Post2 has a column the
// database does not have until the schema is updated.
type Post1 struct {
	ID    int64 `orm:"pk"`
	Title string
}

func (Post1) TableName() string { return "post" }

type Post2 struct {
	ID    int64 `orm:"pk"`
	Title string
	Views int
}

func (Post2) TableName() string { return "post" }

// Ghost's table is created only by UpdateSchema.
type Ghost struct {
	ID int64 `orm:"pk"`
}

func openOn(t *testing.T, tg harness.Target, e *env, entities ...any) *unitorm.ORM {
	t.Helper()
	conn, err := driver.Open(tg.Driver, tg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	orm, err := unitorm.Open(context.Background(), conn, unitorm.Config{Entities: entities, OnQuery: e.onQuery})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = orm.Close() })
	return orm
}

// TestSchemaAtStart: CreateSchema with schema.IfNotExists is the start-up
// call of a service (a restart runs no DDL, where plain CreateSchema
// fails); a column the entities have and the database lacks is
// ErrSchemaBehind suggesting migration:check, until UpdateSchema(Safe).
func TestSchemaAtStart(t *testing.T) {
	for _, b := range harness.SQLBackends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			tg := harness.NewTarget(t, b)
			e := &env{b: b}
			v1 := openOn(t, tg, e, Post1{})
			if err := v1.CreateSchema(ctx, schema.IfNotExists()); err != nil {
				t.Fatal(err)
			}
			before := e.statements()
			if err := v1.CreateSchema(ctx, schema.IfNotExists()); err != nil {
				t.Fatalf("second start: %v", err)
			}
			for _, s := range e.sql[before:] {
				if strings.Contains(s, "CREATE") {
					t.Errorf("second start ran %s", s)
				}
			}
			if err := v1.CreateSchema(ctx); err == nil {
				t.Error("CreateSchema without IfNotExists on an existing schema did not fail (the test proves nothing)")
			}
			v2 := openOn(t, tg, e, Post2{}, Ghost{})
			if _, err := em.Count[Ghost](ctx, v2.Fork(), nil); !errors.Is(err, unitorm.ErrSchemaBehind) || !strings.Contains(err.Error(), "ghost") {
				t.Errorf("missing table: %v", err)
			}
			_, err := em.FindAll[Post2](ctx, v2.Fork())
			var se *unitorm.SchemaError
			if !errors.Is(err, unitorm.ErrSchemaBehind) || !errors.As(err, &se) || se.Object != "column" ||
				!strings.Contains(se.Name, "views") || !strings.Contains(err.Error(), "migration:check") {
				t.Fatalf("missing column: %v", err)
			}
			if err := v2.UpdateSchema(ctx, schema.Safe()); err != nil {
				t.Fatal(err)
			}
			if _, err := em.FindAll[Post2](ctx, v2.Fork()); err != nil {
				t.Fatalf("after UpdateSchema: %v", err)
			}
			before = e.statements()
			if err := v2.UpdateSchema(ctx, schema.Safe()); err != nil {
				t.Fatal(err)
			}
			for _, s := range e.sql[before:] {
				if strings.Contains(s, "ALTER") || strings.Contains(s, "CREATE") {
					t.Errorf("second UpdateSchema ran %s", s)
				}
			}
		})
	}
}

// TestMigrationDialect: migration files record their dialect; applying
// them to another database fails before any SQL, naming both, and the CLI
// prints an error once.
func TestMigrationDialect(t *testing.T) {
	for _, b := range harness.SQLBackends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			tg := harness.NewTarget(t, b)
			e := &env{b: b}
			orm := openOn(t, tg, e, Post1{})
			dir := t.TempDir()
			mig := migrate.New(orm.SQL(), migrate.Config{Dir: dir})
			c, err := mig.Create(ctx, orm.Registry().Entities(), migrate.CreateOptions{Initial: true})
			if err != nil {
				t.Fatal(err)
			}
			here := orm.SQL().Dialect().Name()
			up, err := os.ReadFile(c.UpPath)
			if err != nil || !strings.Contains(string(up), "-- unitorm:dialect "+here+"\n") {
				t.Fatalf("%s does not record its dialect: %s %v", c.UpPath, up, err)
			}
			// The same files marked for another database.
			other := "postgres"
			if here == "postgres" {
				other = "sqlite"
			}
			for _, p := range []string{c.UpPath, c.DownPath} {
				data, _ := os.ReadFile(p)
				data = []byte(strings.Replace(string(data), "unitorm:dialect "+here, "unitorm:dialect "+other, 1))
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := e.statements()
			_, err = migrate.New(orm.SQL(), migrate.Config{Dir: dir}).Up(ctx, "")
			if !errors.Is(err, migrate.ErrWrongDialect) || !strings.Contains(err.Error(), other) || !strings.Contains(err.Error(), here) {
				t.Fatalf("up: %v", err)
			}
			if n := e.statements() - before; n != 0 {
				t.Errorf("%d statements ran before the refusal", n)
			}
			// The CLI prints the refusal once.
			var out, errb bytes.Buffer
			code := cli.Main([]string{"migration:up", "--driver", tg.Driver, "--dsn", tg.DSN, "--migrations-dir", dir},
				cli.Config{Entities: []any{Post1{}}, Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
			all := out.String() + errb.String()
			if code != 1 || strings.Count(all, "was written for") != 1 {
				t.Errorf("cli exit %d, output:\n%s", code, all)
			}
			// A migration that fails on the server: its error printed once.
			bad := filepath.Join(dir, "99999999999999_bad.up.sql")
			if err := os.WriteFile(bad, []byte("-- unitorm:dialect "+here+"\nSELECT nope_column FROM nope_table;\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{c.UpPath, c.DownPath} {
				os.Remove(p)
			}
			out.Reset()
			errb.Reset()
			code = cli.Main([]string{"migration:up", "--driver", tg.Driver, "--dsn", tg.DSN, "--migrations-dir", dir},
				cli.Config{Entities: []any{Post1{}}, Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
			all = out.String() + errb.String()
			errLines := 0
			for _, line := range strings.Split(all, "\n") {
				if strings.Contains(strings.ToLower(line), "error") {
					errLines++
				}
			}
			if code != 1 || errLines != 1 || strings.Contains(all, "migration:check") {
				t.Errorf("failing migration: exit %d, output:\n%s", code, all)
			}
		})
	}
}
