package unitorm_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportGraph checks DESIGN.md's one-way package graph: no package
// imports one that sits above it.
func TestImportGraph(t *testing.T) {
	const mod = "github.com/unitorm/unitorm/"
	forbidden := map[string][]string{
		"rel":               {"meta", "dialect", "qb", "internal/uow", "internal/populate", "sqldb", "mongo", "em"},
		"meta":              {"dialect", "qb", "internal/uow", "internal/populate", "sqldb", "mongo", "em"},
		"dialect":           {"meta", "qb", "internal/uow", "internal/populate", "sqldb", "mongo", "em"},
		"qb":                {"meta", "internal/uow", "internal/populate", "sqldb", "mongo", "em"},
		"internal/uow":      {"internal/populate", "sqldb", "mongo", "em"},
		"internal/populate": {"sqldb", "mongo", "em"},
		"sqldb":             {"internal/populate", "mongo", "em", "driver/postgres", "driver/mysql", "driver/sqlite"},
		"mongo":             {"internal/populate", "sqldb", "em"},
		"em":                {"sqldb", "mongo", "internal/sqlconn"},
		"internal/sqlconn":  {"internal/populate", "sqldb", "mongo", "em"},
		// The root package links no driver: programs import the one they use.
		"":       {"driver", "driver/postgres", "driver/mysql", "driver/sqlite", "driver/mongo", "mongo"},
		"schema": {"internal/populate", "mongo", "em", "driver/postgres", "driver/mysql", "driver/sqlite"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "./"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		deps := map[string]bool{}
		for _, d := range strings.Fields(string(out)) {
			deps[strings.TrimPrefix(d, mod)] = true
		}
		for _, b := range bad {
			if deps[b] {
				t.Errorf("%s depends on %s", pkg, b)
			}
		}
	}
}

// TestDriversLinkOnlyTheirDatabase: the root package and the shared layers
// link no database library; each driver package links its own only. A
// PostgreSQL-only program imports unitorm and driver/postgres.
func TestDriversLinkOnlyTheirDatabase(t *testing.T) {
	const (
		pgx    = "github.com/jackc/pgx/v5"
		mysql  = "github.com/go-sql-driver/mysql"
		sqlite = "modernc.org/sqlite"
		mongo  = "go.mongodb.org/mongo-driver/v2"
		sqlx   = "github.com/jmoiron/sqlx"
	)
	all := []string{pgx, mysql, sqlite, mongo}
	forbidden := map[string][]string{
		".":                  all,
		"./em":               all,
		"./sqldb":            all,
		"./internal/sqlconn": all,
		"./schema":           all,
		"./migrate":          all,
		"./qb":               append(all, sqlx),
		"./mongo":            {pgx, mysql, sqlite},
		"./driver/postgres":  {mysql, sqlite, mongo},
		"./driver/mysql":     {pgx, sqlite, mongo},
		"./driver/sqlite":    {pgx, mysql, mongo},
		"./driver/mongo":     {pgx, mysql, sqlite},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, d := range strings.Fields(string(out)) {
			for _, b := range bad {
				if d == b || strings.HasPrefix(d, b+"/") {
					t.Errorf("%s links %s", pkg, d)
				}
			}
		}
	}
}
