package schema

// plan is the order in which tables are created: parents before the tables
// whose foreign keys refer to them. Foreign keys that would close a cycle
// are deferred: added once every table exists.
type plan struct {
	tables   []*Table
	deferred map[*ForeignKey]bool
}

// createPlan orders tables parents first, keeping the given order where
// foreign keys do not decide. Self-references need no deferral. When only
// tables in cycles remain, the first of them (in the given order) is created
// with its foreign keys to tables not yet created deferred.
func createPlan(tables []*Table) plan {
	p := plan{deferred: map[*ForeignKey]bool{}}
	in := map[string]bool{}
	for _, t := range tables {
		in[t.Name] = true
	}
	done := map[string]bool{}
	waiting := func(t *Table, fk *ForeignKey) bool {
		return fk.RefTable != t.Name && in[fk.RefTable] && !done[fk.RefTable] && !p.deferred[fk]
	}
	ready := func(t *Table) bool {
		for _, fk := range t.ForeignKeys {
			if waiting(t, fk) {
				return false
			}
		}
		return true
	}
	for len(p.tables) < len(tables) {
		progressed := false
		for _, t := range tables {
			if !done[t.Name] && ready(t) {
				done[t.Name] = true
				p.tables = append(p.tables, t)
				progressed = true
			}
		}
		if progressed {
			continue
		}
		// Stuck: break a cycle at the first table that lies on one.
		pick := -1
		for i, t := range tables {
			if !done[t.Name] && onCycle(t, tables, done, in) {
				pick = i
				break
			}
		}
		if pick < 0 { // cannot happen: a stuck set always holds a cycle
			for i, t := range tables {
				if !done[t.Name] {
					pick = i
					break
				}
			}
		}
		t := tables[pick]
		for _, fk := range t.ForeignKeys {
			if waiting(t, fk) {
				p.deferred[fk] = true
			}
		}
	}
	return p
}

// onCycle reports whether start can reach itself through foreign keys
// between tables not yet created.
func onCycle(start *Table, tables []*Table, done, in map[string]bool) bool {
	byName := map[string]*Table{}
	for _, t := range tables {
		byName[t.Name] = t
	}
	seen := map[string]bool{}
	var walk func(t *Table) bool
	walk = func(t *Table) bool {
		for _, fk := range t.ForeignKeys {
			if fk.RefTable == t.Name || !in[fk.RefTable] || done[fk.RefTable] {
				continue
			}
			if fk.RefTable == start.Name {
				return true
			}
			if !seen[fk.RefTable] {
				seen[fk.RefTable] = true
				if walk(byName[fk.RefTable]) {
					return true
				}
			}
		}
		return false
	}
	return walk(start)
}
