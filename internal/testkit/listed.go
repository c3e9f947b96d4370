package testkit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// CheckListed fails t unless tests lists exactly the Test functions declared
// in the non-test Go files of dir, the suite's own directory.
func CheckListed(t *testing.T, dir string, tests []testing.InternalTest) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") {
				declared[fn.Name.Name] = true
			}
		}
	}
	listed := map[string]bool{}
	for _, tt := range tests {
		listed[tt.Name] = true
		if !declared[tt.Name] {
			t.Errorf("%s is listed but not declared in %s", tt.Name, dir)
		}
	}
	for name := range declared {
		if !listed[name] {
			t.Errorf("%s is declared in %s but not listed: run bash internal/testkit/gensuite.sh", name, dir)
		}
	}
}
