package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
)

// unitormForm names, per phase, the form of BenchmarkUoWForms that issues
// unitorm's statements (lib=sql); the others are compared with it.
var unitormForm = map[string]string{"insert": "returning", "update": "case300", "remove": "in"}

// writeForms writes the BenchmarkUoWForms tables: per database, size and
// phase every hand-written form's median and its ratio to unitorm's form.
func writeForms(w io.Writer, st map[string]stats, charts *[]chart) {
	type key struct{ db, n, op string }
	forms := map[key][]string{}
	var keys []key
	for name := range st {
		top, kv := params(name)
		if top != "UoWForms" {
			continue
		}
		k := key{kv["db"], kv["n"], kv["op"]}
		if _, ok := forms[k]; !ok {
			keys = append(keys, k)
		}
		forms[k] = append(forms[k], kv["lib"])
	}
	if len(keys) == 0 {
		return
	}
	dbOrder := map[string]int{"sqlite": 0, "postgres": 1, "mariadb": 2}
	opOrder := map[string]int{"insert": 0, "update": 1, "remove": 2}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.db != b.db {
			return dbOrder[a.db] < dbOrder[b.db]
		}
		if a.n != b.n {
			x, _ := strconv.Atoi(a.n)
			y, _ := strconv.Atoi(b.n)
			return x < y
		}
		return opOrder[a.op] < opOrder[b.op]
	})
	fmt.Fprintf(w, "## Hand-written forms on SQLite and MariaDB (BenchmarkUoWForms)\n\n")
	fmt.Fprintf(w, "Every form of each write phase, hand-written on database/sql in one transaction and checked like\n")
	fmt.Fprintf(w, "the UoW group; × unitorm's = median time ÷ that of the form unitorm issues (returning, case300, in);\n")
	fmt.Fprintf(w, "bold = the fastest round of this run (load on a shared machine only adds time, so the minimum is the\n")
	fmt.Fprintf(w, "steadier estimate). lib=sql-fast in the Unit of Work tables uses the forms chosen from such a run\n")
	fmt.Fprintf(w, "(uow_sql_test.go, sqlFast; re-choose when this table disagrees beyond its noise). `-text`: parameters\n")
	fmt.Fprintf(w, "interpolated by the driver (interpolateParams, one round trip instead of prepare, execute, close);\n")
	fmt.Fprintf(w, "`-stmt`: one prepared statement reused across chunks or rows; see uow_forms_test.go.\n\n")
	var ch *chart
	for i, k := range keys {
		if i == 0 || keys[i-1].db != k.db || keys[i-1].n != k.n {
			fmt.Fprintf(w, "### %s, %s users\n\n| phase | form | median | ± | fastest round | rounds | × unitorm's |\n|---|---|---|---|---|---|---|\n", k.db, count(atof(k.n)))
			*charts = append(*charts, chart{title: fmt.Sprintf("Hand-written forms, %s, %s users: time ÷ unitorm's form", k.db, count(atof(k.n)))})
			ch = &(*charts)[len(*charts)-1]
			ch.series = []string{"form"}
		}
		names := forms[k]
		sort.Strings(names)
		base, bok := st[fmt.Sprintf("UoWForms/db=%s/n=%s/op=%s/lib=%s", k.db, k.n, k.op, unitormForm[k.op])]
		best, bestNS := "", math.Inf(1)
		for _, f := range names {
			if s := st[fmt.Sprintf("UoWForms/db=%s/n=%s/op=%s/lib=%s", k.db, k.n, k.op, f)]; s.min < bestNS {
				best, bestNS = f, s.min
			}
		}
		for _, f := range names {
			s := st[fmt.Sprintf("UoWForms/db=%s/n=%s/op=%s/lib=%s", k.db, k.n, k.op, f)]
			label := f
			if f == best {
				label = "**" + f + "**"
			}
			fmt.Fprintf(w, "| %s | %s | %s | ±%.0f%% | %s | %d | %s |\n", k.op, label, duration(s.ns), s.spread(), duration(s.min), s.n, ratio(s, base, bok))
			ch.groups = append(ch.groups, k.op+" "+f)
			ch.values = append(ch.values, []float64{ratioValue(s, base, bok)})
		}
		if i == len(keys)-1 || keys[i+1].db != k.db || keys[i+1].n != k.n {
			fmt.Fprintln(w)
		}
	}
}
