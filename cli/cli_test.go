package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestResolvePrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "u.json")
	if err := os.WriteFile(file, []byte(`{"driver":"mysql","dsn":"file-dsn","migrationsDir":"file-dir"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{EnvConfig: file, EnvDSN: "env-dsn"}
	cf := &commonFlags{migTable: "flag-table"}
	s, err := cf.resolve(Config{Driver: "sqlite", MigrationsTable: "cfg-table", MigrationsDir: "cfg-dir"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := settings{Driver: "mysql", DSN: "env-dsn", MigrationsDir: "file-dir", MigrationsTable: "flag-table", configFile: file}
	if s != want {
		t.Errorf("resolve = %+v, want %+v", s, want)
	}
	// A named config file that does not exist is an error; the default one may be missing.
	if _, err := (&commonFlags{config: filepath.Join(dir, "none.json")}).resolve(Config{}, func(string) string { return "" }); err == nil {
		t.Error("missing named config file accepted")
	}
	if err := os.WriteFile(file, []byte(`{"drivr":"x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := cf.resolve(Config{}, func(k string) string { return env[k] }); err == nil {
		t.Error("unknown config key accepted")
	}
}

func TestMaskDSN(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:secret@h:5432/db": "postgres://u:****@h:5432/db",
		"root:pw@tcp(127.0.0.1:3306)/t": "root:****@tcp(127.0.0.1:3306)/t",
		"root@tcp(127.0.0.1:3306)/t":    "root@tcp(127.0.0.1:3306)/t",
		"host=h password=pw dbname=d":   "host=h password=**** dbname=d",
		"file:app.db":                   "file:app.db",
	} {
		if got := maskDSN(in); got != want {
			t.Errorf("maskDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	run := fs.Bool("run", false, "")
	to := fs.String("to", "", "")
	pos, err := parseInterspersed(fs, []string{"a.sql", "--run", "b.sql", "--to", "5", "--", "--c"})
	if err != nil {
		t.Fatal(err)
	}
	if !*run || *to != "5" || !slices.Equal(pos, []string{"a.sql", "b.sql", "--c"}) {
		t.Errorf("run=%v to=%q pos=%q", *run, *to, pos)
	}
}

func TestMainUsage(t *testing.T) {
	var out, errb bytes.Buffer
	cfg := Config{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	if code := Main(nil, cfg); code != ExitUsage || !strings.Contains(errb.String(), "verbs:") {
		t.Errorf("no args: exit %d, stderr %q", code, errb.String())
	}
	out.Reset()
	if code := Main([]string{"help", "migration:up"}, cfg); code != ExitOK || !strings.Contains(out.String(), "-to") {
		t.Errorf("help migration:up: exit %d, %q", code, out.String())
	}
	if code := Main([]string{"schema:update", "--dump"}, cfg); code != ExitUsage {
		t.Errorf("schema:update without entities: exit %d", code)
	}
	if code := Main([]string{"migration:list"}, cfg); code != ExitUsage || !strings.Contains(errb.String(), "no driver") {
		t.Errorf("migration:list without driver: exit %d, %q", code, errb.String())
	}
}
