package migrate

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"one without semicolon", "SELECT 1", []string{"SELECT 1"}},
		{"two", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n", []string{"CREATE TABLE a (id int)", "CREATE TABLE b (id int)"}},
		{"semicolon in string", "INSERT INTO a VALUES ('x;y');SELECT 2", []string{"INSERT INTO a VALUES ('x;y')", "SELECT 2"}},
		{"doubled quote", "SELECT 'it''s;'; SELECT 3", []string{"SELECT 'it''s;'", "SELECT 3"}},
		{"backslash quote", `SELECT 'a\';b'; SELECT 4`, []string{`SELECT 'a\';b'`, "SELECT 4"}},
		{"quoted identifiers", "SELECT \"a;b\", `c;d` FROM t; SELECT 5", []string{"SELECT \"a;b\", `c;d` FROM t", "SELECT 5"}},
		{"line comment", "-- first; not a statement\nSELECT 1; -- trailing;\n", []string{"-- first; not a statement\nSELECT 1"}},
		{"block comment", "/* a; b */ SELECT 1; /* only comment; */", []string{"/* a; b */ SELECT 1"}},
		{"dollar quote", "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT 6",
			[]string{"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", "SELECT 6"}},
		{"tagged dollar quote", "DO $body$ BEGIN PERFORM 1; END $body$; SELECT 7",
			[]string{"DO $body$ BEGIN PERFORM 1; END $body$", "SELECT 7"}},
		{"parameter is not a quote", "SELECT $1; SELECT $2", []string{"SELECT $1", "SELECT $2"}},
		{"empty statements", ";;\n;SELECT 8;;", []string{"SELECT 8"}},
		{"unterminated string", "SELECT 'abc; SELECT 9", []string{"SELECT 'abc; SELECT 9"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SplitStatements(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("SplitStatements(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzSplitStatements(f *testing.F) {
	for _, s := range []string{"SELECT 1; SELECT 2", "'a;b'; \"c\"", "$$;$$;", "-- x\n;/* ; */", "$a$ $a$; `;`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := SplitStatements(in)
		total := 0
		for _, s := range got {
			if s == "" || s != strings.TrimSpace(s) {
				t.Fatalf("statement %q is empty or not trimmed", s)
			}
			if !strings.Contains(in, s) {
				t.Fatalf("statement %q is not part of the input", s)
			}
			total += len(s)
		}
		if total > len(in) {
			t.Fatalf("statements longer than the input")
		}
	})
}
