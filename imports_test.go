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
		"rel":      {"meta", "dialect", "qb", "uow", "populate", "sqldb", "mongo", "em"},
		"meta":     {"dialect", "qb", "uow", "populate", "sqldb", "mongo", "em"},
		"dialect":  {"meta", "qb", "uow", "populate", "sqldb", "mongo", "em"},
		"qb":       {"meta", "uow", "populate", "sqldb", "mongo", "em"},
		"uow":      {"populate", "sqldb", "mongo", "em"},
		"populate": {"sqldb", "mongo", "em"},
		"sqldb":    {"populate", "mongo", "em"},
		"mongo":    {"populate", "sqldb", "em"},
		"em":       {"sqldb", "mongo"},
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
