package schematest

import (
	"bytes"
	"context"
	"go/format"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/schema/gen"
)

// roundTripMain registers the generated entities and compares the schema
// they build with the live one it was generated from.
const roundTripMain = `package main

import (
	"context"
	"fmt"
	"os"

	"github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/schema"
)

func main() {
	ctx := context.Background()
	db, err := driver.OpenDB(ctx, os.Args[1], os.Args[2])
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	defer db.Close()
	reg := meta.NewRegistry()
	if err := reg.Register(Entities()...); err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	diff, err := schema.CompareDB(ctx, db, reg.Entities())
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	for _, c := range diff.Changes {
		fmt.Println("change:", c)
	}
	if !diff.Empty() {
		os.Exit(1)
	}
	fmt.Println("same schema")
}
`

func TestGenerateEntitiesRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program per backend")
	}
	reg := mustRegistry(t, Edition{})
	for _, b := range harness.SQLBackends() {
		t.Run(string(b), func(t *testing.T) {
			tg := harness.NewTarget(t, b)
			ctx := context.Background()
			db, err := driver.OpenDB(ctx, tg.Driver, tg.DSN)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := schema.Create(ctx, db, reg.Entities()); err != nil {
				t.Fatal(err)
			}
			live := inspect(t, ctx, db)
			src, err := gen.Generate(live, gen.Options{Package: "main", Dialect: db.Dialect()})
			if err != nil {
				t.Fatal(err)
			}
			if formatted, err := format.Source(src); err != nil || !bytes.Equal(formatted, src) {
				t.Errorf("generated code is not gofmt-clean (%v)", err)
			}
			for _, want := range []string{"Books rel.Collection[*Book] `orm:\"1:m,mappedBy=Author\"`",
				"Tags rel.Collection[*Tag] `orm:\"m:n\"`", "Parent *Category `orm:\"m:1,nullable\"`"} {
				if !strings.Contains(strings.Join(strings.Fields(string(src)), " "), want) {
					t.Errorf("generated code lacks %s", want)
				}
			}
			// A package inside this module (testdata is left out of ./...).
			dir, err := os.MkdirTemp("testdata", "roundtrip_")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			if err := os.WriteFile(filepath.Join(dir, "entities.go"), src, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(roundTripMain), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := osexec.Command("go", "run", "./"+filepath.ToSlash(dir), tg.Driver, tg.DSN).CombinedOutput()
			if err != nil {
				t.Errorf("round trip: %v\n%s\ngenerated:\n%s", err, out, src)
			} else if !strings.Contains(string(out), "same schema") {
				t.Errorf("round trip printed %s", out)
			}
		})
	}
}
