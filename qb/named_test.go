package qb_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

// FuzzRawNamed: any text with named bindings either renders, binding one
// argument per placeholder, or fails with ErrBindMismatch or
// ErrInvalidIdentifier; it never panics, and text without a colon comes
// out unchanged.
func FuzzRawNamed(f *testing.F) {
	for _, s := range []string{"SELECT :a", ":t:.:c: = :a::int", `\:a ? :b:`, "'12:30' :::a", "x::a:b:::c", ":", "a:b", ":_9:"} {
		f.Add(s)
	}
	args := map[string]any{"a": 1, "b": "x", "c": "col", "t": "tbl", "_9": "id"}
	f.Fuzz(func(t *testing.T, s string) {
		r := qb.RawNamed(s, args)
		sql, out, err := r.ToSQL(dialect.Postgres)
		if err != nil {
			if !errors.Is(err, qb.ErrBindMismatch) && !errors.Is(err, qb.ErrInvalidIdentifier) && !errors.Is(err, qb.ErrInvalidValue) {
				t.Fatalf("%q: unexpected error %v", s, err)
			}
			return
		}
		if n := strings.Count(sql, "$"); n < len(out) {
			t.Fatalf("%q rendered %q with %d args", s, sql, len(out))
		}
		if !strings.ContainsAny(s, ":?\\") && sql != s {
			t.Fatalf("%q changed to %q", s, sql)
		}
	})
}

func TestRawNamedRules(t *testing.T) {
	cases := []struct{ in, want string }{
		{"a = :a AND b = :a", `a = $1 AND b = $2`},
		{":c: = 1", `"col" = 1`},
		{":a::int", `$1::int`},
		{":c:::text", `"col"::text`},
		{`\:a`, `:a`},
		{"'12:30'", `'12:30'`},
		{"x:a", `x:a`},
		{"? :a", `? $1`},
	}
	args := map[string]any{"a": 1, "c": "col"}
	for _, c := range cases {
		got, _, err := qb.RawNamed(c.in, args).ToSQL(dialect.Postgres)
		if err != nil || got != c.want {
			t.Errorf("%q: %q %v, want %q", c.in, got, err, c.want)
		}
	}
	if _, _, err := qb.RawNamed(":nope", args).ToSQL(dialect.SQLite); !errors.Is(err, qb.ErrBindMismatch) || !strings.Contains(err.Error(), ":nope") {
		t.Errorf("missing name: %v", err)
	}
	if _, _, err := qb.Select().From("book").Where(qb.RawNamed(":a: = 1", map[string]any{"a": 3})).ToSQL(dialect.MySQL); !errors.Is(err, qb.ErrInvalidIdentifier) {
		t.Errorf("identifier that is a number: %v", err)
	}
}
