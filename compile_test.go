package unitorm_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBareValueIsNoCondition: a bare value where a condition belongs is a
// compile error, not a run-time one. Each snippet is compiled as a package
// of this module (through an overlay, so nothing is written to the tree).
func TestBareValueIsNoCondition(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	snippets := map[string]string{
		"int to Find":         `_, _ = em.Find[T](ctx, m, 42)`,
		"string to Where":     `_ = qb.Select("a").From("t").Where("a = 1")`,
		"operator to Where":   `_ = qb.Select("a").From("t").Where(qb.Eq(1))`,
		"int to Count":        `_, _ = em.Count[T](ctx, m, 7)`,
		"map to NativeDelete": `_, _ = em.NativeDelete[T](ctx, m, map[string]any{"a": 1})`,
	}
	for name, body := range snippets {
		t.Run(name, func(t *testing.T) {
			src := `package compilecheck

import (
	"context"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

type T struct{ ID int64 ` + "`orm:\"pk\"`" + ` }

func f(ctx context.Context, m *em.EntityManager) {
	` + body + `
}
`
			dir := t.TempDir()
			file := filepath.Join(dir, "check.go")
			if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(root, "internal", "compilecheck", "check.go")
			overlay, _ := json.Marshal(map[string]any{"Replace": map[string]string{target: file}})
			ov := filepath.Join(dir, "overlay.json")
			if err := os.WriteFile(ov, overlay, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("go", "build", "-overlay", ov, "./internal/compilecheck").CombinedOutput()
			if err == nil {
				t.Fatalf("compiled:\n%s", body)
			}
			if !strings.Contains(string(out), "check.go") || !strings.Contains(string(out), "cannot use") {
				t.Fatalf("failed for another reason:\n%s", out)
			}
		})
	}
}
