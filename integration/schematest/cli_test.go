package schematest

import (
	"bytes"
	"context"
	"errors"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/schema"
)

// binaries builds cmd/unitorm (no entities) and testdata/cliapp (the
// model) into the test's temporary folder.
func binaries(t *testing.T) (stock, app string) {
	t.Helper()
	dir := t.TempDir()
	for pkg, name := range map[string]string{"github.com/unitorm/unitorm/cmd/unitorm": "unitorm", "./testdata/cliapp": "cliapp"} {
		out, err := osexec.Command("go", "build", "-o", filepath.Join(dir, name), pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("build %s: %v\n%s", pkg, err, out)
		}
	}
	return filepath.Join(dir, "unitorm"), filepath.Join(dir, "cliapp")
}

type result struct {
	code           int
	stdout, stderr string
}

// cli runs a binary with args in dir, with env added to a clean
// environment (no UNITORM_* of the test process).
func cli(t *testing.T, bin, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := osexec.Command(bin, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "UNITORM_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *osexec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return r
}

func expect(t *testing.T, r result, code int, what string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r.code, code, r.stdout, r.stderr)
	}
}

func TestCLIHelpAndUsage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	stock, _ := binaries(t)
	dir := t.TempDir()
	r := cli(t, stock, dir, nil, "help")
	expect(t, r, 0, "help")
	verbs := regexp.MustCompile(`(?m)^  ([a-z:-]+) `).FindAllStringSubmatch(r.stdout, -1)
	want := []string{"database:create", "database:import", "debug", "generate-entities", "migration:check", "migration:create",
		"migration:down", "migration:list", "migration:pending", "migration:up", "schema:create", "schema:drop", "schema:fresh", "schema:update",
		"seeder:run"}
	var got []string
	for _, v := range verbs {
		got = append(got, v[1])
	}
	if !slices.Equal(got, want) {
		t.Errorf("verbs = %v, want %v", got, want)
	}
	for _, v := range want {
		r := cli(t, stock, dir, nil, v, "--help")
		expect(t, r, 0, v+" --help")
		if !strings.Contains(r.stdout, "usage: unitorm "+v) || !strings.Contains(r.stdout, "-dsn") {
			t.Errorf("%s --help prints %q", v, r.stdout)
		}
	}
	expect(t, cli(t, stock, dir, nil), 2, "no verb")
	expect(t, cli(t, stock, dir, nil, "schema:explode"), 2, "unknown verb")
	expect(t, cli(t, stock, dir, nil, "migration:up", "--bogus"), 2, "unknown flag")
	expect(t, cli(t, stock, dir, nil, "migration:up"), 2, "no driver")
	r = cli(t, stock, dir, []string{"UNITORM_DRIVER=sqlite", "UNITORM_DSN=" + filepath.Join(dir, "x.db")}, "schema:create", "--run")
	expect(t, r, 2, "schema verb without entities")
	if !strings.Contains(r.stderr, "cli.Main") {
		t.Errorf("no entities message does not explain the pattern: %s", r.stderr)
	}
	// A config file supplies settings; flags beat env, env beats the file.
	if err := os.WriteFile(filepath.Join(dir, "unitorm.json"), []byte(`{"driver": "sqlite", "dsn": "file.db", "migrationsTable": "from_file"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r = cli(t, stock, dir, []string{"UNITORM_MIGRATIONS_TABLE=from_env"}, "debug", "--dsn", filepath.Join(dir, "flag.db"))
	expect(t, r, 0, "debug")
	for _, w := range []string{"config file:      unitorm.json", "flag.db", "migrations table: from_env", "connection:       ok"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("debug output lacks %q:\n%s", w, r.stdout)
		}
	}
	expect(t, cli(t, stock, dir, nil, "debug", "--config", "missing.json"), 2, "missing config file")
	expect(t, cli(t, stock, dir, nil, "debug", "--driver", "postgres", "--dsn", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"), 1, "debug without a server")
}

func TestCLISchemaAndMigrations(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	stock, app := binaries(t)
	for _, b := range []harness.Backend{harness.SQLite, harness.Postgres, harness.MariaDB} {
		t.Run(string(b), func(t *testing.T) {
			tg := harness.NewTarget(t, b)
			dir := t.TempDir()
			env := []string{"UNITORM_DRIVER=" + tg.Driver, "UNITORM_DSN=" + tg.DSN}
			notes := append(slices.Clone(env), "UNITORM_TEST_EDITION=notes")
			ctx := context.Background()
			db, err := driver.OpenDB(ctx, tg.Driver, tg.DSN)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()

			r := cli(t, app, dir, env, "schema:create", "--dump")
			expect(t, r, 0, "schema:create --dump")
			if strings.Count(r.stdout, "CREATE TABLE") != len(modelTables) {
				t.Errorf("schema:create --dump:\n%s", r.stdout)
			}
			expect(t, cli(t, app, dir, env, "schema:create", "--run"), 0, "schema:create --run")
			tables, err := schema.ListTables(ctx, db)
			if err != nil || !slices.Equal(tables, modelTables) {
				t.Fatalf("tables after schema:create = %v, %v", tables, err)
			}
			r = cli(t, app, dir, env, "schema:update", "--dump")
			expect(t, r, 0, "schema:update --dump")
			if r.stdout != "" {
				t.Errorf("schema:update after create prints:\n%s", r.stdout)
			}
			expect(t, cli(t, app, dir, env, "migration:check"), 0, "migration:check when up to date")

			// One more property.
			expect(t, cli(t, app, dir, notes, "migration:check"), 1, "migration:check with a new property")
			r = cli(t, app, dir, notes, "schema:update", "--dump")
			expect(t, r, 0, "schema:update --dump with a new property")
			if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "ALTER TABLE") || !strings.Contains(lines[0], " ADD COLUMN ") {
				t.Errorf("schema:update with a new property prints:\n%s", r.stdout)
			}
			r = cli(t, app, dir, notes, "migration:create", "--name", "edition notes")
			expect(t, r, 0, "migration:create")
			if !strings.Contains(r.stdout, "_edition_notes.up.sql") {
				t.Errorf("migration:create prints %q", r.stdout)
			}
			r = cli(t, stock, dir, env, "migration:pending")
			expect(t, r, 0, "migration:pending")
			if strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, "edition_notes") {
				t.Errorf("migration:pending prints %q", r.stdout)
			}
			expect(t, cli(t, stock, dir, env, "migration:up"), 0, "migration:up")
			r = cli(t, stock, dir, env, "migration:list")
			expect(t, r, 0, "migration:list")
			if !strings.Contains(r.stdout, "edition_notes\tapplied") {
				t.Errorf("migration:list prints %q", r.stdout)
			}
			expect(t, cli(t, app, dir, notes, "migration:check"), 0, "migration:check after up")
			expect(t, cli(t, stock, dir, env, "migration:down"), 0, "migration:down")
			expect(t, cli(t, app, dir, env, "migration:check"), 1, "migration:check with the migration pending again")
			r = cli(t, app, dir, env, "schema:update", "--dump")
			if r.code != 0 || r.stdout != "" {
				t.Errorf("schema:update after down: exit %d, prints %q", r.code, r.stdout)
			}

			// Entities from the live schema.
			r = cli(t, stock, dir, env, "generate-entities", "--dump", "--package", "models")
			expect(t, r, 0, "generate-entities")
			for _, w := range []string{"package models", "type Book struct", "rel.Collection[*Tag]"} {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("generate-entities lacks %q", w)
				}
			}
			if strings.Contains(r.stdout, "UnitormMigration") {
				t.Error("generate-entities maps the migrations table")
			}

			// Import, drop, fresh.
			sqlFile := filepath.Join(dir, "seed.sql")
			seed := "-- seed\nINSERT INTO tag (name) VALUES ('a;b');\nINSERT INTO tag (name) VALUES ('c');\n"
			if err := os.WriteFile(sqlFile, []byte(seed), 0o644); err != nil {
				t.Fatal(err)
			}
			expect(t, cli(t, stock, dir, env, "database:import", sqlFile), 0, "database:import")
			if n := scalar[int64](t, ctx, db, "SELECT count(*) FROM tag"); n != 2 {
				t.Errorf("tags after import = %d", n)
			}
			bad := filepath.Join(dir, "bad.sql")
			if err := os.WriteFile(bad, []byte("INSERT INTO no_such_table VALUES (1);"), 0o644); err != nil {
				t.Fatal(err)
			}
			expect(t, cli(t, stock, dir, env, "database:import", bad), 1, "database:import of a failing file")
			expect(t, cli(t, app, dir, env, "schema:fresh", "--run"), 0, "schema:fresh")
			if n := scalar[int64](t, ctx, db, "SELECT count(*) FROM tag"); n != 0 {
				t.Errorf("tags after schema:fresh = %d", n)
			}
			expect(t, cli(t, app, dir, env, "schema:drop", "--run", "--drop-migrations-table"), 0, "schema:drop")
			if tables, _ := schema.ListTables(ctx, db); len(tables) != 0 {
				t.Errorf("tables after schema:drop = %v", tables)
			}
		})
	}
}

func TestCLIDatabaseCreate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	stock, _ := binaries(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "new.db")
	expect(t, cli(t, stock, dir, nil, "database:create", "--driver", "sqlite", "--dsn", path), 0, "database:create sqlite")
	if _, err := os.Stat(path); err != nil {
		t.Errorf("sqlite file: %v", err)
	}
	if dsn := os.Getenv(harness.EnvMariaDBDSN); dsn != "" {
		admin, err := driver.OpenDB(context.Background(), "mariadb", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		name := "ut_cli_create_db"
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name)
		defer admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name)
		target := strings.Replace(dsn, "/test", "/"+name, 1)
		expect(t, cli(t, stock, dir, nil, "database:create", "--driver", "mariadb", "--dsn", target), 0, "database:create mariadb")
		expect(t, cli(t, stock, dir, nil, "database:create", "--driver", "mariadb", "--dsn", target), 0, "database:create mariadb again")
		if n := scalar[int64](t, context.Background(), admin, "SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name); n != 1 {
			t.Errorf("database %s not created", name)
		}
	}
	if dsn := os.Getenv(harness.EnvPostgresDSN); dsn != "" {
		admin, err := driver.OpenDB(context.Background(), "postgres", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		name := "ut_cli_create_db"
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name)
		defer admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name)
		target := strings.Replace(dsn, "/test", "/"+name, 1)
		expect(t, cli(t, stock, dir, nil, "database:create", "--driver", "postgres", "--dsn", target), 0, "database:create postgres")
		if n := scalar[int64](t, context.Background(), admin, "SELECT count(*) FROM pg_database WHERE datname = ?", name); n != 1 {
			t.Errorf("database %s not created", name)
		}
	}
}
