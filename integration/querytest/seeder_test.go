package querytest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/cli"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/seeder"
)

// databaseSeeder makes 3 writers with 4 novels each; every novel gets a new
// label through a data override and its writer through Each.
type databaseSeeder struct{}

func (databaseSeeder) Run(ctx context.Context, m *em.EntityManager) error {
	writers := seeder.NewFactory(func(i int) *Writer { return &Writer{Name: fmt.Sprintf("writer %d", i)} })
	novels := seeder.NewFactory(func(i int) *Novel { return &Novel{Title: fmt.Sprintf("novel %d", i), Price: i} }).
		With(map[string]any{"labels": []any{map[string]any{"name": "seeded", "rank": 1}}})
	ws, err := writers.Make(m, 3)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if _, err := novels.Each(func(n *Novel, _ int) { n.Writer = w }).Make(m, 4); err != nil {
			return err
		}
	}
	return nil
}

func tableCount(t *testing.T, e *env, table string) int64 {
	t.Helper()
	n, err := qb.Select().From(table).Count(context.Background(), e.orm.SQL())
	if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// TestSeedersAndFactories: seeder.Run flushes what a seeder made; factory
// sequences never repeat; a data override that does not fit names its path
// and persists nothing.
func TestSeedersAndFactories(t *testing.T) {
	forEachSQL(t, manyEntities, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := seeder.Run(ctx, e.fork(), databaseSeeder{}); err != nil {
			t.Fatal(err)
		}
		if w, n, l := tableCount(t, e, "writer"), tableCount(t, e, "novel"), tableCount(t, e, "novel_labels"); w != 3 || n != 12 || l != 12 {
			t.Fatalf("seeded %d writers, %d novels, %d label links; want 3, 12, 12", w, n, l)
		}
		var titles []string
		if err := qb.Select("title").From("novel").Scan(ctx, e.orm.SQL(), &titles); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, ti := range titles {
			if seen[ti] {
				t.Errorf("title %q twice: the sequence repeated", ti)
			}
			seen[ti] = true
		}
		// Overrides: typed and data, per call.
		m := e.fork()
		f := seeder.NewFactory(func(i int) *Writer { return &Writer{Name: fmt.Sprintf("w%d", i)} })
		w, err := f.CreateOne(ctx, m, map[string]any{"name": "over", "house": map[string]any{"name": "h"}})
		if err != nil || w.Name != "over" || w.House == nil || w.House.ID == 0 {
			t.Fatalf("override: %+v %v", w, err)
		}
		// A bad override: path named, nothing persisted.
		m = e.fork()
		bad := seeder.NewFactory(func(i int) *Novel { return &Novel{Title: "x"} }).
			With(map[string]any{"labels": []any{map[string]any{"rank": "high"}}})
		_, err = bad.Make(m, 3)
		var pe *em.PropertyError
		if !errors.As(err, &pe) || pe.Property != "labels[0].rank" || !errors.Is(err, em.ErrInvalidData) {
			t.Fatalf("bad override: %v", err)
		}
		before := e.statements()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if n := e.statements() - before; n != 0 {
			t.Errorf("the flush after a bad override ran %d statements", n)
		}
		// A failing seeder: its error names it.
		err = seeder.Run(ctx, e.fork(), seeder.Func(func(context.Context, *em.EntityManager) error { return errors.New("boom") }))
		if err == nil || !strings.Contains(err.Error(), "boom") {
			t.Errorf("failing seeder: %v", err)
		}
	})
}

// TestSeederCLI: seeder:run and schema:fresh --run --seed from the CLI.
func TestSeederCLI(t *testing.T) {
	for _, b := range harness.SQLBackends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			tg := harness.NewTarget(t, b)
			e := &env{b: b}
			e.orm = openOn(t, tg, e, manyEntities...)
			cfg := func(out *bytes.Buffer) cli.Config {
				return cli.Config{Entities: manyEntities, Stdout: out, Stderr: out, Getenv: func(string) string { return "" },
					Seeders: map[string]seeder.Seeder{"DatabaseSeeder": databaseSeeder{},
						"Extra": seeder.Func(func(ctx context.Context, m *em.EntityManager) error {
							return m.Persist(&House{Name: "extra"})
						})}}
			}
			conn := []string{"--driver", tg.Driver, "--dsn", tg.DSN}
			var out bytes.Buffer
			if code := cli.Main(append([]string{"schema:fresh", "--run", "--seed"}, conn...), cfg(&out)); code != 0 {
				t.Fatalf("schema:fresh --seed: exit %d\n%s", code, out.String())
			}
			if w, n := tableCount(t, e, "writer"), tableCount(t, e, "novel"); w != 3 || n != 12 {
				t.Fatalf("after schema:fresh --seed: %d writers, %d novels", w, n)
			}
			out.Reset()
			if code := cli.Main(append([]string{"seeder:run", "--seeder", "Extra,DatabaseSeeder"}, conn...), cfg(&out)); code != 0 {
				t.Fatalf("seeder:run: exit %d\n%s", code, out.String())
			}
			if w, h := tableCount(t, e, "writer"), tableCount(t, e, "house"); w != 6 || h != 1 {
				t.Fatalf("after seeder:run: %d writers, %d houses", w, h)
			}
			out.Reset()
			if code := cli.Main(append([]string{"schema:fresh", "--run", "--seed", "--seeder", "Extra"}, conn...), cfg(&out)); code != 0 {
				t.Fatalf("schema:fresh --seeder Extra: exit %d\n%s", code, out.String())
			}
			if w, h := tableCount(t, e, "writer"), tableCount(t, e, "house"); w != 0 || h != 1 {
				t.Fatalf("after a fresh schema seeded by Extra: %d writers, %d houses", w, h)
			}
			// Bad usage runs nothing.
			before := tableCount(t, e, "house")
			for _, args := range [][]string{
				{"seeder:run", "--seeder", "Nope"},
				{"schema:fresh", "--dump", "--seed"},
				{"schema:fresh", "--run", "--seeder", "Extra"},
			} {
				out.Reset()
				if code := cli.Main(append(args, conn...), cfg(&out)); code != cli.ExitUsage {
					t.Errorf("%v: exit %d, want %d\n%s", args, code, cli.ExitUsage, out.String())
				}
			}
			if tableCount(t, e, "house") != before {
				t.Error("a refused command changed the data")
			}
		})
	}
}
