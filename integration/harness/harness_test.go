package harness_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/integration/embedmongo"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/sqldb"
)

func TestMain(m *testing.M) {
	harness.RegisterEmbeddedMongo(embedmongo.Start)
	harness.Main(m)
}

// createItems creates table item in db's namespace and inserts the names.
func createItems(t *testing.T, db *sqldb.DB, names ...string) {
	t.Helper()
	ctx := t.Context()
	if _, err := db.ExecContext(ctx, "CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)"); err != nil {
		t.Fatalf("create table: %v", err)
	}
	for i, n := range names {
		if _, err := qb.Exec(ctx, db, qb.Raw("INSERT INTO item (id, name) VALUES (?, ?)", i+1, n)); err != nil {
			t.Fatalf("insert %q: %v", n, err)
		}
	}
}

func itemNames(t *testing.T, db *sqldb.DB) ([]string, error) {
	t.Helper()
	var names []string
	err := qb.Scan(t.Context(), db, qb.Raw("SELECT name FROM item ORDER BY id"), &names)
	return names, err
}

func TestForEachSQLRoundTrip(t *testing.T) {
	ran := map[string]bool{}
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ran[t.Name()] = true
		t.Parallel()
		createItems(t, db, "alpha", "beta", "gamma")
		if _, err := qb.Exec(t.Context(), db, qb.Raw("UPDATE item SET name = ? WHERE id = ?", "BETA", 2)); err != nil {
			t.Fatal(err)
		}
		names, err := itemNames(t, db)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprint(names), "[alpha BETA gamma]"; got != want {
			t.Errorf("rows = %s, want %s", got, want)
		}
	})
	// SQLite is always there; a backend without a server skips before fn.
	if !ran[t.Name()+"/sqlite"] || len(ran) > 4 {
		t.Errorf("callback ran for %v", ran)
	}
}

func TestNamespacesAreIsolated(t *testing.T) {
	for _, b := range harness.SQLBackends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			db1 := harness.DB(t, b)
			db2 := harness.DB(t, b)
			createItems(t, db1, "one")
			if names, err := itemNames(t, db2); err == nil {
				t.Fatalf("second namespace sees the first one's table: %v", names)
			}
			createItems(t, db2, "two", "three")
			for _, c := range []struct {
				db   *sqldb.DB
				want string
			}{{db1, "[one]"}, {db2, "[two three]"}} {
				names, err := itemNames(t, c.db)
				if err != nil {
					t.Fatal(err)
				}
				if got := fmt.Sprint(names); got != c.want {
					t.Errorf("rows = %s, want %s", got, c.want)
				}
			}
		})
	}
}

func TestNamespaceDroppedAfterTest(t *testing.T) {
	for _, b := range harness.SQLBackends() {
		t.Run(string(b), func(t *testing.T) {
			var tg harness.Target
			t.Run("inner", func(t *testing.T) {
				tg = harness.NewTarget(t, b)
				if tg.Backend != b || tg.Driver != string(b) || tg.Namespace == "" || tg.DSN == "" {
					t.Fatalf("target = %+v", tg)
				}
				db, err := driver.OpenDB(t.Context(), tg.Driver, tg.DSN)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				createItems(t, db, "x")
				if ok, err := harness.NamespaceExists(t.Context(), tg); err != nil || !ok {
					t.Fatalf("namespace %s exists = %v, %v during the test", tg.Namespace, ok, err)
				}
			})
			if tg.Namespace == "" {
				t.Skip("inner test did not get a target")
			}
			ok, err := harness.NamespaceExists(context.Background(), tg)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				t.Errorf("namespace %s still exists after the test", tg.Namespace)
			}
		})
	}
}

func TestSourcesReported(t *testing.T) {
	for _, b := range harness.Backends() {
		c, err := harness.ChoiceFor(b)
		t.Logf("%-8s %-8s %s (err %v)", b, c.Source, c.Reason, err)
		if c.Backend != b {
			t.Errorf("ChoiceFor(%s).Backend = %s", b, c.Backend)
		}
	}
	if c, _ := harness.ChoiceFor(harness.SQLite); c.Source != harness.SourceEmbedded {
		t.Errorf("sqlite source = %s, want embedded", c.Source)
	}
}

func TestMongoDatabase(t *testing.T) {
	a := harness.MongoDB(t)
	b := harness.MongoDB(t)
	if a.URI == "" || a.Database == "" || a.Database == b.Database {
		t.Fatalf("targets %+v and %+v are not two fresh databases", a, b)
	}
	if !strings.Contains(a.DSN, "/"+a.Database) {
		t.Errorf("DSN %q does not name database %s", a.DSN, a.Database)
	}
}
