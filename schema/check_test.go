package schema

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/dialect"
)

// TestCheckClauseQuotes: values are SQL literals with quotes doubled, and
// integers are bare.
func TestCheckClauseQuotes(t *testing.T) {
	s := styleOf(dialect.Postgres)
	got := s.checkClause(&Check{Name: "t_c_enum_00000000", Column: "c", Values: []string{"it's", "b"}})
	if want := `CONSTRAINT "t_c_enum_00000000" CHECK ("c" IN ('it''s', 'b'))`; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	got = s.checkClause(&Check{Name: "n", Column: "level", Values: []string{"1", "-2"}, Numeric: true})
	if want := `CONSTRAINT "n" CHECK ("level" IN (1, -2))`; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// TestReadCheck: the expressions each database reports for a check are
// read back into the column and the values, in order; checks not named by
// unitorm are ignored.
func TestReadCheck(t *testing.T) {
	cols := []*Column{{Name: "level2"}, {Name: "status"}, {Name: "level"}}
	cases := []struct {
		expr, col string
		vals      []string
		numeric   bool
	}{
		{`CHECK (((status)::text = ANY ((ARRAY['open'::character varying, 'it''s'::character varying])::text[])))`, "status", []string{"open", "it's"}, false},
		{`CHECK ((level = ANY (ARRAY[1, 2, -3])))`, "level", []string{"1", "2", "-3"}, true},
		{"`status` in ('open','closed')", "status", []string{"open", "closed"}, false},
		{"`level2` in (1,2)", "level2", []string{"1", "2"}, true},
		{`"status" IN ('a b', 'c')`, "status", []string{"a b", "c"}, false},
		{`"level" IN (7, 8)`, "level", []string{"7", "8"}, true},
	}
	for _, c := range cases {
		tb := &Table{Name: "t", Columns: cols}
		readCheck(tb, "t_x_enum_0123abcd", c.expr)
		if len(tb.Checks) != 1 {
			t.Fatalf("%s: %d checks", c.expr, len(tb.Checks))
		}
		ck := tb.Checks[0]
		if ck.Column != c.col || !slices.Equal(ck.Values, c.vals) || ck.Numeric != c.numeric {
			t.Errorf("%s: column %q values %q numeric %v; want %q %q %v", c.expr, ck.Column, ck.Values, ck.Numeric, c.col, c.vals, c.numeric)
		}
	}
	tb := &Table{Name: "t", Columns: cols}
	readCheck(tb, "data", "json_valid(`data`)")
	readCheck(tb, "t_status_check", `CHECK (status <> '')`)
	if len(tb.Checks) != 0 {
		t.Errorf("foreign checks kept: %v", tb.Checks)
	}
}

// TestSQLiteChecks: named checks are found in a CREATE TABLE text, with
// parentheses and quotes inside their expressions.
func TestSQLiteChecks(t *testing.T) {
	tb := &Table{Name: "t", Columns: []*Column{{Name: "status"}, {Name: "level"}}}
	sqliteChecks(tb, `CREATE TABLE "t" (
  "status" varchar(20) NOT NULL,
  "level" integer NOT NULL,
  CONSTRAINT "t_status_enum_0000abcd" CHECK ("status" IN ('a)(', 'b''c')),
  CONSTRAINT "t_level_enum_0000abce" CHECK ("level" IN (1, 2))
)`)
	if len(tb.Checks) != 2 || !slices.Equal(tb.Checks[0].Values, []string{"a)(", "b'c"}) || !slices.Equal(tb.Checks[1].Values, []string{"1", "2"}) {
		for _, c := range tb.Checks {
			t.Logf("%+v", *c)
		}
		t.Errorf("checks read: %d", len(tb.Checks))
	}
}

// FuzzCheckRoundTrip: a check rendered for any value set (SQLite's form,
// inside a CREATE TABLE) is read back with the same values in the same
// order; no input makes the readers panic.
func FuzzCheckRoundTrip(f *testing.F) {
	f.Add("open|closed", false)
	f.Add("it's|a)(b|c,d", false)
	f.Add("1|-2|30", true)
	f.Fuzz(func(t *testing.T, list string, numeric bool) {
		values := strings.Split(list, "|")
		for _, v := range values {
			if v == "" || strings.ContainsRune(v, 0) {
				return
			}
			if numeric {
				if _, err := strconv.ParseInt(v, 10, 64); err != nil || strconv.Itoa(mustAtoi(v)) != v {
					return
				}
			}
		}
		s := styleOf(dialect.SQLite)
		ck := &Check{Name: enumCheckName("t", "c", values), Column: "c", Values: values, Numeric: numeric}
		create := s.createTable(&Table{Name: "t", Columns: []*Column{{Name: "c", Type: "text"}}, Checks: []*Check{ck}}, nil, false)
		tb := &Table{Name: "t", Columns: []*Column{{Name: "c"}}}
		sqliteChecks(tb, create)
		if len(tb.Checks) != 1 || tb.Checks[0].Column != "c" || !slices.Equal(tb.Checks[0].Values, values) {
			t.Fatalf("%s\nread back %+v", create, tb.Checks)
		}
		readCheck(tb, ck.Name, list) // arbitrary text: must not panic
	})
}

func mustAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
