package uow_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

type Doc struct {
	ID      int64 `orm:"pk"`
	Title   string
	Score   float64
	Draft   bool
	Note    *string
	Version int `orm:"version"`
}

type Stamp struct {
	ID int64 `orm:"pk"`
	At time.Time
	N  int
}

func newDocUoW(t *testing.T) *uow.UnitOfWork {
	t.Helper()
	reg := meta.NewRegistry()
	if err := reg.Register(Doc{}, Stamp{}, Author{}, Book{}); err != nil {
		t.Fatal(err)
	}
	return uow.New(reg)
}

// render renders the pending changes' plan for d (dry): one line per
// statement, its step first, then its arguments.
func render(t *testing.T, u *uow.UnitOfWork, d dialect.Dialect) (lines []string, args [][]any, stmts []*uow.Statement) {
	t.Helper()
	ch, err := u.ComputeChanges()
	if err != nil {
		t.Fatal(err)
	}
	p, err := u.Plan(ch)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range p.Steps {
		ss, err := p.Statements(step, d, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range ss {
			sql, a, err := st.Query.ToSQL(d)
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, step.Kind.String()+": "+sql)
			args = append(args, a)
			stmts = append(stmts, st)
		}
	}
	return lines, args, stmts
}

// TestJSONTableGolden: updates and versioned deletes of several rows on
// MySQL and MariaDB join JSON_TABLE over one JSON parameter; the document
// carries each row's key, changed values and version exactly.
func TestJSONTableGolden(t *testing.T) {
	saved := uow.JSONMinRows
	defer func() { uow.JSONMinRows = saved }()
	uow.JSONMinRows = uow.JSONThresholds{Update: 2, VersionedUpdate: 2, Delete: 1 << 30, VersionedDelete: 2}
	note := "a \"quoted\" ü 😀\n"
	for _, d := range []dialect.Dialect{dialect.MySQL, dialect.MariaDB} {
		t.Run(d.Name(), func(t *testing.T) {
			u := newDocUoW(t)
			docs := []*Doc{{ID: 1, Title: "a", Version: 3}, {ID: 9007199254740993, Title: "b", Version: 7}}
			for _, x := range docs {
				load(t, u, x)
			}
			docs[0].Title, docs[0].Score, docs[0].Draft, docs[0].Note = "x", 0.1, true, &note
			docs[1].Title, docs[1].Score, docs[1].Draft, docs[1].Note = "y", -1e300, true, new(string)
			lines, args, stmts := render(t, u, d)
			want := []string{"update: UPDATE `doc` AS `unitorm_t` JOIN JSON_TABLE(?, '$[*]' COLUMNS (`k` BIGINT PATH '$[0]', `ov` BIGINT PATH '$[1]', " +
				"`v0` LONGTEXT PATH '$[2]', `v1` DOUBLE PATH '$[3]', `v2` BIGINT PATH '$[4]', `v3` LONGTEXT PATH '$[5]')) AS `unitorm_v` " +
				"ON `unitorm_t`.`id` = `unitorm_v`.`k` AND `unitorm_t`.`version` = `unitorm_v`.`ov` " +
				"SET `unitorm_t`.`title` = `unitorm_v`.`v0`, `unitorm_t`.`score` = `unitorm_v`.`v1`, `unitorm_t`.`draft` = `unitorm_v`.`v2`, " +
				"`unitorm_t`.`note` = `unitorm_v`.`v3`, `unitorm_t`.`version` = `unitorm_v`.`ov` + 1"}
			if !slices.Equal(lines, want) {
				t.Fatalf("got  %q\nwant %q", lines, want)
			}
			var rows [][]any
			dec := json.NewDecoder(strings.NewReader(args[0][0].(string)))
			dec.UseNumber()
			if err := dec.Decode(&rows); err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(rows)
			if wantDoc := `[["1","3","x","0.1","1",` + mustJSON(note) + `],["9007199254740993","7","y","-1e+300","1",""]]`; strings.ReplaceAll(string(got), `"`, "") != strings.ReplaceAll(wantDoc, `"`, "") {
				t.Errorf("document %s, want %s", got, wantDoc)
			}
			if stmts[0].Expect != 2 || len(stmts[0].Entries) != 2 {
				t.Errorf("expect %d rows of %d entries, want 2", stmts[0].Expect, len(stmts[0].Entries))
			}

			u = newDocUoW(t)
			for _, x := range []*Doc{{ID: 1, Version: 3}, {ID: 2, Version: 4}} {
				load(t, u, x)
				if err := u.Remove(x); err != nil {
					t.Fatal(err)
				}
			}
			lines, args, stmts = render(t, u, d)
			want = []string{"delete: DELETE `unitorm_t` FROM `doc` AS `unitorm_t` JOIN JSON_TABLE(?, '$[*]' COLUMNS (`k` BIGINT PATH '$[0]', `ov` BIGINT PATH '$[1]')) AS `unitorm_v` " +
				"ON `unitorm_t`.`id` = `unitorm_v`.`k` AND `unitorm_t`.`version` = `unitorm_v`.`ov`"}
			if !slices.Equal(lines, want) || args[0][0] != "[[1,3],[2,4]]" || stmts[0].Expect != 2 {
				t.Errorf("got  %q %v (expect %d)\nwant %q [[1,3],[2,4]]", lines, args, stmts[0].Expect, want)
			}
		})
	}
}

// TestJSONEachGolden: on SQLite a delete of several rows reads its keys,
// and for versioned rows the versions, from one JSON parameter with
// json_each; int64 keys at the ends of their range and beyond a float64's
// precision travel exactly; below the threshold the IN list stays.
func TestJSONEachGolden(t *testing.T) {
	saved := uow.JSONEachMinRows
	defer func() { uow.JSONEachMinRows = saved }()
	uow.JSONEachMinRows.All(2)
	u := newDocUoW(t)
	for _, x := range []*Doc{{ID: -9223372036854775808, Version: 3}, {ID: 9007199254740993, Version: 4}} {
		load(t, u, x)
		if err := u.Remove(x); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range []*Stamp{{ID: 9223372036854775807}, {ID: 5}} {
		load(t, u, x)
		if err := u.Remove(x); err != nil {
			t.Fatal(err)
		}
	}
	lines, args, stmts := render(t, u, dialect.SQLite)
	want := []string{
		`delete: DELETE FROM "doc" WHERE ("id", "version") IN (SELECT json_extract("value", '$[0]'), json_extract("value", '$[1]') FROM json_each(?))`,
		`delete: DELETE FROM "stamp" WHERE "id" IN (SELECT "value" FROM json_each(?))`,
	}
	slices.Sort(lines)
	if !slices.Equal(lines, want) {
		t.Fatalf("got  %q\nwant %q", lines, want)
	}
	docs := map[string]bool{}
	for i, a := range args {
		docs[a[0].(string)] = true
		if d := stmts[i].Entries[0].Entity.Name; d == "Doc" && stmts[i].Expect != 2 || d == "Stamp" && stmts[i].Expect != -1 {
			t.Errorf("%s: expect %d rows", d, stmts[i].Expect)
		}
	}
	for _, doc := range []string{"[[-9223372036854775808,3],[9007199254740993,4]]", "[9223372036854775807,5]"} {
		if !docs[doc] {
			t.Errorf("no statement binds %s: %v", doc, args)
		}
	}
	// Below the threshold, the IN list.
	uow.JSONEachMinRows.All(3)
	lines, _, _ = render(t, u, dialect.SQLite)
	for _, l := range lines {
		if strings.Contains(l, "json_each") {
			t.Errorf("%s: 2 rows under a threshold of 3", l)
		}
	}
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestJSONTableRefuses: steps the JSON_TABLE forms cannot carry exactly
// keep the CASE / IN forms; other dialects never use them.
func TestJSONTableRefuses(t *testing.T) {
	saved := uow.JSONMinRows
	defer func() { uow.JSONMinRows = saved }()
	uow.JSONMinRows.All(1)
	cases := []struct {
		name  string
		d     dialect.Dialect
		setup func(t *testing.T, u *uow.UnitOfWork)
	}{
		{"a time column", dialect.MariaDB, func(t *testing.T, u *uow.UnitOfWork) {
			for _, x := range []*Stamp{{ID: 1}, {ID: 2}} {
				load(t, u, x)
				x.At = time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
			}
		}},
		{"invalid UTF-8", dialect.MySQL, func(t *testing.T, u *uow.UnitOfWork) {
			for _, x := range []*Doc{{ID: 1}, {ID: 2}} {
				load(t, u, x)
				x.Title = "\xff"
			}
		}},
		{"negative zero", dialect.MySQL, func(t *testing.T, u *uow.UnitOfWork) {
			for _, x := range []*Doc{{ID: 1, Score: 1}, {ID: 2, Score: 1}} {
				load(t, u, x)
				x.Score = -1 / inf()
			}
		}},
		{"SQLite", dialect.SQLite, func(t *testing.T, u *uow.UnitOfWork) {
			for _, x := range []*Doc{{ID: 1}, {ID: 2}} {
				load(t, u, x)
				x.Title = "t"
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := newDocUoW(t)
			tc.setup(t, u)
			lines, _, _ := render(t, u, tc.d)
			for _, l := range lines {
				if strings.Contains(l, "JSON_TABLE") {
					t.Errorf("%s uses JSON_TABLE", l)
				}
			}
			if len(lines) == 0 {
				t.Error("no statements")
			}
		})
	}
}

func inf() float64 {
	var zero float64
	return 1 / zero
}

// TestPreparedChunks: on dialects with PreparedChunks an insert of at
// least two chunks runs in chunks of PreparedChunkRows marked for reuse and
// a remainder that is not; PostgreSQL keeps one statement.
func TestPreparedChunks(t *testing.T) {
	saved := uow.PreparedChunkRows
	defer func() { uow.PreparedChunkRows = saved }()
	uow.PreparedChunkRows = 3
	for _, tc := range []struct {
		d    dialect.Dialect
		want []int
	}{{dialect.SQLite, []int{3, 3, 1}}, {dialect.MariaDB, []int{3, 3, 1}}, {dialect.MySQL, []int{3, 3, 1}}, {dialect.Postgres, []int{7}}} {
		t.Run(tc.d.Name(), func(t *testing.T) {
			u := newUoW(t)
			a := &Author{ID: 1}
			load(t, u, a)
			for i := range 7 {
				if err := u.Persist(&Book{Title: "t" + strings.Repeat("x", i), Author: a}); err != nil {
					t.Fatal(err)
				}
			}
			lines, args, stmts := render(t, u, tc.d)
			var got []int
			for i, st := range stmts {
				got = append(got, len(st.Entries))
				if st.Reuse != (len(st.Entries) == 3) {
					t.Errorf("statement %d (%d rows): Reuse = %v", i, len(st.Entries), st.Reuse)
				}
				// Each chunk binds its own rows' values, in row order,
				// whether its text was rendered or reused.
				var titles, want []string
				for _, v := range args[i] {
					if s, ok := v.(string); ok {
						titles = append(titles, s)
					}
				}
				for _, en := range st.Entries {
					want = append(want, en.Obj().(*Book).Title)
				}
				if !slices.Equal(titles, want) {
					t.Errorf("statement %d binds titles %q, its rows are %q", i, titles, want)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("rows per statement %v, want %v: %q", got, tc.want, lines)
			}
			if len(lines) > 1 && lines[0] != lines[1] {
				t.Errorf("full chunks differ: %q", lines[:2])
			}
		})
	}
}
