package schema_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/schema"
)

var update = flag.Bool("update", false, "rewrite the golden SQL files in testdata")

var dialects = []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.MariaDB, dialect.SQLite}

func checkGolden(t *testing.T, name string, stmts []string) {
	t.Helper()
	got := strings.Join(stmts, ";\n\n") + ";\n"
	path := filepath.Join("testdata", name+".sql")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./schema -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; got:\n%s", path, got)
	}
}

func TestGoldenCreateDrop(t *testing.T) {
	reg := testRegistry(t)
	for _, d := range dialects {
		t.Run(d.Name(), func(t *testing.T) {
			create, err := schema.CreateSQL(reg.Entities(), d)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "create_"+d.Name(), create)
			drop, err := schema.DropSQL(reg.Entities(), d)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "drop_"+d.Name(), drop)
			createIf, err := schema.CreateSQL(reg.Entities(), d, schema.IfNotExists())
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "create_if_not_exists_"+d.Name(), createIf)
			dropIf, err := schema.DropSQL(reg.Entities(), d, schema.IfExists())
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "drop_if_exists_"+d.Name(), dropIf)
		})
	}
}
