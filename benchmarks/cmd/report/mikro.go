package main

import (
	"fmt"
	"io"
	"sort"
)

// The MikroORM section compares MikroORM 7's CRUD benchmark with unitorm's
// Unit of Work group from the same run (benchmarks/mikroorm/run.sh). Its
// samples are named MikroORM/db=…/n=…/op=…/lib=… (lib=mikroorm from the
// Node script; unitorm and the hand-written baselines are BenchmarkUoW's
// lines renamed).

// Markers around the section, so that mikroorm/run.sh can replace it in a
// RESULTS.md written by run.sh.
const (
	mikroBegin = "<!-- mikroorm:begin -->"
	mikroEnd   = "<!-- mikroorm:end -->"
	mikroSVG   = "mikroorm.svg"
	mikroGoal  = 5
)

// hasMikro reports whether st holds MikroORM samples.
func hasMikro(st map[string]stats) bool {
	for name := range st {
		if top, kv := params(name); top == "MikroORM" && kv["lib"] == "mikroorm" {
			return true
		}
	}
	return false
}

// writeMikro writes the section and returns its chart (nil without data).
func writeMikro(w io.Writer, env [][2]string, st map[string]stats) *chart {
	res := map[uowKey]stats{}
	var dbs, ns []string
	for name, s := range st {
		top, kv := params(name)
		if top != "MikroORM" {
			continue
		}
		k := uowKey{kv["db"], kv["n"], kv["op"], kv["lib"]}
		res[k] = s
		dbs = addOnce(dbs, k.db)
		ns = addOnce(ns, k.n)
	}
	if !hasMikro(st) {
		return nil
	}
	order := map[string]int{"sqlite": 0, "postgres": 1, "mariadb": 2}
	sort.Slice(dbs, func(i, j int) bool { return order[dbs[i]] < order[dbs[j]] })
	sort.Strings(ns)
	phases := []string{"insert", "find", "update", "remove"}
	fmt.Fprintf(w, "%s\n## unitorm vs MikroORM 7, side by side\n\n", mikroBegin)
	fmt.Fprintf(w, "Written by `benchmarks/mikroorm/run.sh` (rerun it to refresh this section; `run.sh` carries it over\n")
	fmt.Fprintf(w, "from `results/mikroorm/`). MikroORM 7's CRUD benchmark (`benchmarks/mikroorm/bench.mjs`: n `User{id, id2,\n")
	fmt.Fprintf(w, "ready, priority, name}`, batchSize 300, each phase timed alone in a fresh EntityManager) and unitorm's\n")
	fmt.Fprintf(w, "`BenchmarkUoW` with its hand-written baselines, one after the other on the same databases in one run;\n")
	fmt.Fprintf(w, "medians over the rounds. **MikroORM ÷ unitorm** above 1 means unitorm is faster (the goal is %d×).\n\n", mikroGoal)
	if len(env) > 0 {
		fmt.Fprintf(w, "| | |\n|---|---|\n")
		for _, kv := range env {
			fmt.Fprintf(w, "| %s | %s |\n", kv[0], kv[1])
		}
		fmt.Fprintln(w)
	}
	ch := &chart{title: "MikroORM 7 time ÷ unitorm time (higher: unitorm faster)", groups: phases, target: mikroGoal}
	for _, n := range ns {
		fmt.Fprintf(w, "| database | phase | MikroORM 7 | unitorm | MikroORM ÷ unitorm | same statements | unitorm × same | fastest form | unitorm × fastest |\n")
		fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|\n")
		for _, db := range dbs {
			same, fast := uowBaselines(db)
			if len(ns) > 1 {
				ch.series = append(ch.series, db+" n="+n)
			} else {
				ch.series = append(ch.series, db)
			}
			for pi, op := range phases {
				m, mok := res[uowKey{db, n, op, "mikroorm"}]
				u, uok := res[uowKey{db, n, op, "unitorm"}]
				p, pok := res[uowKey{db, n, op, same}]
				a, aok := res[uowKey{db, n, op, fast}]
				if !aok && op == "find" {
					a, aok = p, pok
				}
				md, _, _, _ := cell(m, mok)
				ud, _, _, _ := cell(u, uok)
				pd, _, _, _ := cell(p, pok)
				ad, _, _, _ := cell(a, aok)
				fmt.Fprintf(w, "| %s | %s | %s | %s | **%s** | %s | %s | %s | %s |\n", db, op, md, ud, ratio(m, u, mok && uok),
					pd, ratio(u, p, uok && pok), ad, ratio(u, a, uok && aok))
				if len(ch.values) <= pi {
					ch.values = append(ch.values, nil)
				}
				ch.values[pi] = append(ch.values[pi], ratioValue(m, u, mok && uok))
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "![MikroORM ÷ unitorm per phase and database](%s)\n\n%s\n", mikroSVG, mikroEnd)
	return ch
}
