package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestScenarioStatements runs the quickstart on SQLite and checks every
// statement of each phase, exactly and in order.
func TestScenarioStatements(t *testing.T) {
	ctx := context.Background()
	dsn := "file:" + filepath.Join(t.TempDir(), "app.db")
	var out strings.Builder
	phases, err := scenario(ctx, dsn, func(s string) { out.WriteString(s + "\n") })
	if err != nil {
		t.Fatalf("scenario: %v\n%s", err, out.String())
	}
	const (
		selAuthor = `SELECT "e0"."id", "e0"."name", "e0"."email", "e0"."born", "e0"."version" FROM "author" AS "e0"`
		selBook   = `SELECT "e0"."id", "e0"."title", "e0"."price", "e0"."author_id", "e0"."publisher_id" FROM "book" AS "e0"`
		insBook   = `INSERT INTO "book" ("title", "price", "author_id", "publisher_id") VALUES `
	)
	want := map[string][]string{
		"persist three books; author and publisher cascade": {
			`BEGIN`,
			`INSERT INTO "author" ("name", "email", "born", "version") VALUES (?, ?, ?, ?) RETURNING "id"`,
			`INSERT INTO "publisher" ("name") VALUES (?) RETURNING "id"`,
			insBook + `(?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?) RETURNING "id"`,
			`COMMIT`,
		},
		"load the author with books in a new EntityManager": {
			selAuthor + ` WHERE "e0"."email" = ? LIMIT 1`,
			selBook + ` WHERE "e0"."author_id" IN (?) ORDER BY "e0"."id" ASC`,
		},
		"FindOne by primary key of a managed entity: no query": nil,
		"change a title and the email, add a book, flush": {
			`BEGIN`,
			insBook + `(?, ?, ?, ?) RETURNING "id"`,
			`UPDATE "author" SET "email" = ?, "version" = "version" + ? WHERE "id" = ? AND "version" = ?`,
			`UPDATE "book" SET "title" = ? WHERE "id" = ?`,
			`COMMIT`,
		},
		"flush with no changes: nothing runs": nil,
		"query builder without entities": {
			`SELECT "b"."title", "a"."name" FROM "book" AS "b" LEFT JOIN "author" AS "a" ON "a"."id" = "b"."author_id" WHERE "b"."title" GLOB ? ORDER BY "b"."title" DESC LIMIT 5`,
		},
	}
	for phase, stmts := range want {
		if got := phases[phase]; strings.Join(got, "\n") != strings.Join(stmts, "\n") {
			t.Errorf("phase %q:\n got  %q\n want %q", phase, got, stmts)
		}
	}
	if len(phases["create schema"]) == 0 {
		t.Error("no statements for the schema")
	}
	for phase := range phases {
		if _, ok := want[phase]; !ok && phase != "create schema" {
			t.Errorf("unexpected phase %q: %q", phase, phases[phase])
		}
	}
	for _, line := range []string{"-> author id 1, version 1", "-> Jon Snow has 3 books", "-> same instance: true",
		"-> author version 2", "-> My Life on the Wall, Part 2 by Jon Snow"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("output lacks %q", line)
		}
	}
}
