package cli

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"

	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/schema/gen"
)

func init() {
	register(&command{
		name: "generate-entities", summary: "write Go entity structs from the live schema",
		help: "Reads the live schema and writes Go structs with orm tags: relations from foreign keys, m:n collections from\n" +
			"pivot tables, an Entities() list. --dump prints the code; --save writes <path>/entities.go.",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			dump := fs.Bool("dump", false, "print the generated code")
			save := fs.Bool("save", false, "write the generated code to --path")
			path := fs.String("path", "entities", "folder to write entities.go into")
			pkg := fs.String("package", "", "package name (default: the folder's name)")
			return func(ctx context.Context, r *run) error {
				if !*dump && !*save {
					return usagef("give --dump to print the code, --save to write it, or both")
				}
				db, err := r.open(ctx)
				if err != nil {
					return err
				}
				defer db.Close()
				s, err := schema.Inspect(ctx, db)
				if err != nil {
					return err
				}
				mt := r.migrator(nil).Table()
				s.Tables = slices.DeleteFunc(s.Tables, func(t *schema.Table) bool { return t.Name == mt })
				name := *pkg
				if name == "" {
					name = gen.SanitizePackage(filepath.Base(*path))
				}
				src, err := gen.Generate(s, gen.Options{Package: name, Dialect: db.Dialect()})
				if err != nil {
					return err
				}
				if *dump {
					r.printf("%s", src)
				}
				if *save {
					if err := os.MkdirAll(*path, 0o755); err != nil {
						return err
					}
					file := filepath.Join(*path, "entities.go")
					if err := os.WriteFile(file, src, 0o644); err != nil {
						return err
					}
					r.logf("generate-entities: wrote %d entities to %s", len(s.Tables), file)
				}
				return nil
			}
		},
	})
}
