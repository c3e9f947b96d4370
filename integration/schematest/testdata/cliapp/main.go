// Command cliapp is the pattern users follow: a program that registers its
// entities and hands over to cli.Main. UNITORM_TEST_EDITION=notes swaps
// Edition for EditionNotes (one more column), to test migrations.
package main

import (
	"os"

	"github.com/unitorm/unitorm/cli"
	"github.com/unitorm/unitorm/integration/schematest"
)

func main() {
	var edition any = schematest.Edition{}
	if os.Getenv("UNITORM_TEST_EDITION") == "notes" {
		edition = schematest.EditionNotes{}
	}
	os.Exit(cli.Main(os.Args[1:], cli.Config{Entities: []any{
		schematest.Publisher{}, schematest.Author{}, schematest.Book{}, schematest.Tag{}, schematest.Category{}, edition,
	}}))
}
