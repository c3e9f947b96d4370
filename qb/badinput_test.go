package qb_test

import (
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/Masterminds/squirrel"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

type point struct{ X, Y int }

// TestBadInput checks that each kind of bad input is an error of the right
// kind when rendered, on every dialect unless the case names one.
func TestBadInput(t *testing.T) {
	many := make([]int, 70000)
	tests := []struct {
		name string
		q    qb.Statement
		only dialect.Dialect // nil: every dialect
		want error
		msg  string // substring of the message
	}{
		// a map or struct as a value never becomes an operator (Knex CVE-2016-20018)
		{"map value", books().Where(qb.Cond{"a": map[string]any{"$gt": 1}}), nil, qb.ErrInvalidValue, "map"},
		{"cond as value", books().Where(qb.Cond{"a": qb.Cond{"$ne": 1}}), nil, qb.ErrInvalidValue, "condition qb.Cond used where a value is expected"},
		{"struct value", books().Where(qb.Cond{"a": point{1, 2}}), nil, qb.ErrInvalidValue, "struct"},
		{"pointer to struct", books().Where(qb.Cond{"a": &point{1, 2}}), nil, qb.ErrInvalidValue, "struct"},
		{"map in Eq", books().Where(qb.Cond{"a": qb.Eq(map[string]int{"x": 1})}), nil, qb.ErrInvalidValue, "map"},
		{"map in In list", books().WhereIn("a", 1, map[string]int{"x": 1}), nil, qb.ErrInvalidValue, "map"},
		{"struct in Gt", books().Where(qb.Cond{"a": qb.Gt(point{})}), nil, qb.ErrInvalidValue, "struct"},
		{"map in raw", books().WhereRaw("a = ?", map[string]any{"x": 1}), nil, qb.ErrInvalidValue, "map"},
		{"map insert value", qb.InsertInto("t").Columns("a").Values(map[string]any{"x": 1}), nil, qb.ErrInvalidValue, "map"},
		{"struct update value", qb.Update("t").Set("a", point{}), nil, qb.ErrInvalidValue, "struct"},
		{"func value", books().Where(qb.Cond{"a": func() {}}), nil, qb.ErrInvalidValue, "not a bindable value"},
		{"nested list in IN", books().WhereIn("a", []any{[]int{1}}), nil, qb.ErrInvalidValue, "list"},
		{"list where one value", books().Where(qb.Cond{"a": qb.Gt([]int{1, 2})}), nil, qb.ErrInvalidValue, "list"},
		{"NULL compared", books().Where(qb.Cond{"a": qb.Gt(nil)}), nil, qb.ErrInvalidValue, "NULL"},
		{"exists not bool", books().Where(qb.Cond{"a": qb.Operator{Op: qb.OpExists, Value: "yes"}}), nil, qb.ErrInvalidValue, "bool"},
		{"unknown operator key", books().Where(qb.Cond{"$where": "1=1"}), nil, qb.ErrInvalidValue, "$where"},
		{"unknown operator", books().Where(qb.Compare{Field: "a", Op: "$where", Value: 1}), nil, qb.ErrInvalidValue, "$where"},
		{"operator in a list of conditions", books().Where(qb.Cond{"$or": []any{qb.Eq(1)}}), nil, qb.ErrInvalidValue, "not a condition"},
		{"int in a list of conditions", books().Where(qb.Cond{"$and": []any{42}}), nil, qb.ErrInvalidValue, "not a condition"},
		{"nil condition", books().Where(nil), nil, qb.ErrInvalidValue, "nil"},
		{"empty field", books().Where(qb.Cond{"": 1}), nil, qb.ErrInvalidValue, "empty field"},
		{"$or not a list", books().Where(qb.Cond{"$or": qb.Cond{"a": 1}}), nil, qb.ErrInvalidValue, "list of conditions"},
		{"like pattern not a string", books().Where(qb.Cond{"a": qb.Operator{Op: qb.OpLike, Value: 3}}), nil, qb.ErrInvalidValue, "string"},
		{"column not a column", qb.Select(3).From("t"), nil, qb.ErrInvalidValue, "not a column"},
		// hostile identifiers
		{"NUL in column", books().Where(qb.Cond{"a\x00b": 1}), nil, qb.ErrInvalidIdentifier, "NUL"},
		{"NUL in table", qb.Select().From("bo\x00ok"), nil, qb.ErrInvalidIdentifier, "NUL"},
		{"control char in column", qb.Select("a\x01").From("t"), nil, qb.ErrInvalidIdentifier, "control"},
		{"NUL in alias", qb.Select().From("t", "a\x00"), nil, qb.ErrInvalidIdentifier, ""},
		{"NUL in insert column", qb.InsertInto("t").Columns("a\x00").Values(1), nil, qb.ErrInvalidIdentifier, ""},
		{"NUL in update column", qb.Update("t").Set("a\x00", 1), nil, qb.ErrInvalidIdentifier, ""},
		{"NUL in returning", qb.DeleteFrom("t").Returning("id\x00"), dialect.Postgres, qb.ErrInvalidIdentifier, ""},
		{"NUL in order", books().OrderBy("a\x00", qb.Asc), nil, qb.ErrInvalidIdentifier, ""},
		{"NUL in ?? binding", books().WhereRaw("?? = 1", "a\x00"), nil, qb.ErrInvalidIdentifier, ""},
		{"?? not a string", books().WhereRaw("?? = 1", 5), nil, qb.ErrInvalidIdentifier, "??"},
		{"empty identifier part", books().Where(qb.Cond{"a..b": 1}), nil, qb.ErrInvalidIdentifier, "empty part"},
		{"too long identifier", books().Where(qb.Cond{strings.Repeat("x", 200): 1}), nil, qb.ErrInvalidIdentifier, "longer"},
		{"table with three words", qb.Select().From("a b c"), nil, qb.ErrInvalidIdentifier, "name AS alias"},
		{"invalid truncate", qb.Truncate("a\x00"), nil, qb.ErrInvalidIdentifier, ""},
		// join conditions as text are parsed strictly
		{"join on with statement", qb.Select().From("a").Join("b", "a.id = b.id; DROP TABLE a"), nil, qb.ErrInvalidValue, "join condition"},
		{"join on with value", qb.Select().From("a").Join("b", "a.id = 1"), nil, qb.ErrInvalidValue, "join condition"},
		{"join on with OR", qb.Select().From("a").Join("b", "a.id = b.id OR 1 = 1"), nil, qb.ErrInvalidValue, "join condition"},
		{"join on with quote", qb.Select().From("a").Join("b", `a.id = b."id"`), nil, qb.ErrInvalidValue, "join condition"},
		{"join on empty", qb.Select().From("a").Join("b", ""), nil, qb.ErrInvalidValue, "join condition"},
		{"join on dangling AND", qb.Select().From("a").Join("b", "a.id = b.id AND"), nil, qb.ErrInvalidValue, "join condition"},
		{"join without on", qb.Select().From("a").Join("b", nil), nil, qb.ErrInvalidQuery, "CrossJoin"},
		// order direction
		{"bad direction", books().OrderBy("a", "asc; DROP TABLE book"), nil, qb.ErrInvalidQuery, "want asc or desc"},
		{"empty direction", books().OrderBy("a", ""), nil, qb.ErrInvalidQuery, "want asc or desc"},
		{"bad nulls", books().OrderBy("a", qb.Asc, qb.Nulls(7)), nil, qb.ErrInvalidQuery, "NULLs"},
		// raw bindings
		{"raw too few args", books().WhereRaw("a = ? AND b = ?", 1), nil, qb.ErrBindMismatch, "2 placeholders, 1 arguments"},
		{"raw too many args", books().WhereRaw("a = ?", 1, 2), nil, qb.ErrBindMismatch, "1 placeholders, 2 arguments"},
		{"raw ident without arg", qb.Select(qb.Raw("??")).From("t"), nil, qb.ErrBindMismatch, ""},
		{"raw escaped is no placeholder", books().WhereRaw(`a \? ?`), nil, qb.ErrBindMismatch, "1 placeholders, 0 arguments"},
		{"raw empty list", books().WhereRaw("a IN (?)", []int{}), nil, qb.ErrInvalidValue, "empty list"},
		{"raw in join", qb.Select().From("a").JoinRaw("JOIN b ON ?"), nil, qb.ErrBindMismatch, ""},
		{"raw in order", books().OrderByRaw("?", 1, 2), nil, qb.ErrBindMismatch, ""},
		{"squirrel dollar format", books().Where(qb.Squirrel(squirrel.Expr("a = $1", 1))), nil, qb.ErrBindMismatch, ""},
		// too many parameters
		{"too many params postgres", books().WhereIn("id", many), dialect.Postgres, qb.ErrTooManyParams, "at most 65535"},
		{"too many params sqlite", books().WhereIn("id", many[:40000]), dialect.SQLite, qb.ErrTooManyParams, "at most 32766"},
		// unsupported features
		{"insert returning mysql", qb.InsertInto("t").Columns("a").Values(1).Returning("id"), dialect.MySQL, qb.ErrUnsupported, "INSERT ... RETURNING on mysql"},
		{"update returning mariadb", qb.Update("t").Set("a", 1).Returning("id"), dialect.MariaDB, qb.ErrUnsupported, "UPDATE ... RETURNING on mariadb"},
		{"delete returning mysql", qb.DeleteFrom("t").Returning("id"), dialect.MySQL, qb.ErrUnsupported, "DELETE ... RETURNING"},
		{"contains on mysql", books().Where(qb.Cond{"tags": qb.Contains([]string{"a"})}), dialect.MySQL, qb.ErrUnsupported, "$contains"},
		{"overlap on sqlite", books().Where(qb.Cond{"tags": qb.Overlap([]string{"a"})}), dialect.SQLite, qb.ErrUnsupported, "$overlap"},
		{"full join on mariadb", qb.Select().From("a").FullJoin("b", "a.id = b.id"), dialect.MariaDB, qb.ErrUnsupported, "FULL JOIN"},
		{"glob needs a literal", books().Where(qb.Cond{"a": qb.Operator{Op: qb.OpLike, Value: qb.Col("b")}}), dialect.SQLite, qb.ErrUnsupported, "case-sensitive $like"},
		// statements that cannot be rendered
		{"skip locked without lock", books().SkipLocked(), nil, qb.ErrInvalidQuery, "ForUpdate or ForShare"},
		{"nowait without lock", books().NoWait(), nil, qb.ErrInvalidQuery, "ForUpdate or ForShare"},
		{"skip locked and nowait", books().ForUpdate().SkipLocked().NoWait(), nil, qb.ErrInvalidQuery, "together"},
		{"negative limit", books().Limit(-1), nil, qb.ErrInvalidQuery, "negative"},
		{"negative offset", books().Offset(-1), nil, qb.ErrInvalidQuery, "negative"},
		{"insert row too short", qb.InsertInto("t").Columns("a", "b").Values(1), nil, qb.ErrInvalidQuery, "1 values for 2 columns"},
		{"insert maps differ", qb.InsertInto("t").ValuesMap(map[string]any{"a": 1}).ValuesMap(map[string]any{"b": 1}), nil, qb.ErrInvalidQuery, "columns"},
		{"insert without values", qb.InsertInto("t").Columns("a"), nil, qb.ErrInvalidQuery, "without values"},
		{"update without set", qb.Update("t").Where(qb.Cond{"a": 1}), nil, qb.ErrInvalidQuery, "sets nothing"},
		{"increment by NULL", qb.Update("t").Increment("a", nil), nil, qb.ErrInvalidValue, "by nil"},
		{"on conflict alone", qb.InsertInto("t").Columns("a").Values(1).OnConflict("a"), nil, qb.ErrInvalidQuery, "Merge or Ignore"},
		{"merge without target", qb.InsertInto("t").Columns("a").Values(1).Merge("a"), dialect.Postgres, qb.ErrInvalidQuery, "OnConflict columns"},
		{"merge nothing", qb.InsertInto("t").Columns("a").Values(1).OnConflict("a").Merge(), nil, qb.ErrInvalidQuery, "no inserted column"},
		{"subquery without alias", qb.Select().FromSub(books(), ""), nil, qb.ErrInvalidQuery, "alias"},
		{"two aliases", qb.Select().From("a b", "c"), nil, qb.ErrInvalidQuery, "more than one alias"},
		{"not a subquery", qb.Select().FromSub(5, "x"), nil, qb.ErrInvalidValue, "not a subquery"},
		{"sum star", qb.Select(qb.Sum("*")).From("t"), nil, qb.ErrInvalidValue, "sum(*)"},
		{"error in subquery", books().WhereExists(qb.Select().From("a\x00")), nil, qb.ErrInvalidIdentifier, ""},
	}
	for _, tt := range tests {
		for _, d := range dialects {
			if tt.only != nil && d != tt.only {
				continue
			}
			t.Run(tt.name+"/"+d.Name(), func(t *testing.T) {
				s, args, err := tt.q.ToSQL(d)
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v, want %v (sql %q %v)", err, tt.want, s, args)
				}
				if s != "" || args != nil {
					t.Errorf("SQL returned with an error: %q %v", s, args)
				}
				if !strings.HasPrefix(err.Error(), "qb: ") {
					t.Errorf("message %q lacks the qb: prefix", err)
				}
				if !strings.Contains(err.Error(), tt.msg) {
					t.Errorf("message %q does not mention %q", err, tt.msg)
				}
			})
		}
	}
}

// TestValuesThatAreValues checks that time.Time, []byte, driver.Valuers,
// pointers and named basic types bind as single values.
func TestValuesThatAreValues(t *testing.T) {
	type status string
	n := 3
	var nilp *int
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	vals := []any{now, &now, []byte("x"), sql.NullString{String: "a", Valid: true}, &n, status("ok"), uint8(1), 1.5, true}
	for _, v := range vals {
		s, args, err := books().Where(qb.Cond{"a": v}).ToSQL(dialect.Postgres)
		if err != nil || s != `SELECT * FROM "book" WHERE "a" = $1` || len(args) != 1 {
			t.Errorf("%T: %q %v %v", v, s, args, err)
		}
	}
	s, _, err := books().Where(qb.Cond{"a": nilp}).ToSQL(dialect.Postgres)
	if err != nil || s != `SELECT * FROM "book" WHERE "a" IS NULL` {
		t.Errorf("nil pointer: %q %v", s, err)
	}
}

// TestHostileIdentifiersAreQuoted checks that quote characters cannot end an
// identifier early on any dialect.
func TestHostileIdentifiersAreQuoted(t *testing.T) {
	hostile := []string{`x"; DROP TABLE book; --`, "x`; DROP TABLE book; --", `x\"`, "x'"}
	want := map[string][]string{
		"postgres": {`"x""; DROP TABLE book; --"`, "\"x`; DROP TABLE book; --\"", `"x\"""`, `"x'"`},
		"mysql":    {"`x\"; DROP TABLE book; --`", "`x``; DROP TABLE book; --`", "`x\\\"`", "`x'`"},
	}
	want["sqlite"] = want["postgres"]
	want["mariadb"] = want["mysql"]
	for _, d := range dialects {
		for i, h := range hostile {
			s, _, err := qb.Select(qb.Col(h)).From("t").Where(qb.Cond{h: 1}).ToSQL(d)
			if err != nil {
				t.Fatalf("%s: %v", d.Name(), err)
			}
			w := want[d.Name()][i]
			exp := "SELECT " + w + " FROM " + d.QuoteIdent("t") + " WHERE " + w + " = " + string(d.AppendPlaceholder(nil, 1))
			if s != exp {
				t.Errorf("%s: got  %s\nwant %s", d.Name(), s, exp)
			}
		}
	}
}

// TestFirstErrorKept checks that the first error is the one reported and
// that later calls on a failed builder do not panic.
func TestFirstErrorKept(t *testing.T) {
	q := books().Where(qb.Cond{"a": map[string]any{}}).OrderBy("x", "sideways").From("other").Limit(-1).Where(qb.Cond{"b": 1})
	_, _, err := q.ToSQL(dialect.SQLite)
	if !errors.Is(err, qb.ErrInvalidValue) || !strings.Contains(err.Error(), "map") {
		t.Fatalf("err = %v, want the map error first", err)
	}
	if q.Err() == nil {
		t.Error("Err() is nil")
	}
	u := qb.Update("t").Set("a", point{}).Set("b", 1).WhereRaw("?")
	if _, _, err := u.ToSQL(dialect.SQLite); !errors.Is(err, qb.ErrInvalidValue) {
		t.Errorf("update: %v", err)
	}
}

// TestCollectionExprNeedsEntities: qb.Some/None/Every name entity
// properties; rendered by qb alone they are qb.ErrInvalidValue, not SQL.
func TestCollectionExprNeedsEntities(t *testing.T) {
	for _, c := range []qb.Condition{qb.Some("tags", qb.Cond{"name": "go"}), qb.None("tags", nil), qb.Every("tags", qb.Cond{"x": 1}),
		qb.Some("", nil), qb.CollectionExpr{Op: "$most", Path: "tags"}, qb.Some("tags", qb.Cond{"name": map[string]any{"$gt": 1}})} {
		_, _, err := qb.Select("id").From("book").Where(c).ToSQL(dialect.SQLite)
		if !errors.Is(err, qb.ErrInvalidValue) {
			t.Errorf("%v: err %v, want qb.ErrInvalidValue", c, err)
		}
	}
}
