package uow

import (
	"errors"
	"fmt"
	"strings"

	"github.com/unitorm/unitorm/meta"
)

// ErrCycle is returned when new entities reference each other through
// relations that are all NOT NULL, so no insert order can satisfy them.
var ErrCycle = errors.New("unitorm: cannot order inserts: cycle of NOT NULL relations")

// CommitOrder sorts entity types so that every type comes after the types
// its owning to-one relations point at (parents first). When relations form
// a cycle, nullable relations inside it are dropped from the ordering (their
// foreign keys are then inserted as NULL and set by an update after); a cycle
// with no nullable relation is ErrCycle. Ties keep the given order.
func CommitOrder(types []*meta.Entity) ([]*meta.Entity, error) {
	in := map[*meta.Entity]bool{}
	for _, t := range types {
		in[t] = true
	}
	// deps[t] are the types t must come after; nullable[t][d] whether every
	// relation from t to d is nullable.
	deps := map[*meta.Entity][]*meta.Entity{}
	nullable := map[*meta.Entity]map[*meta.Entity]bool{}
	for _, t := range types {
		nullable[t] = map[*meta.Entity]bool{}
		for _, r := range t.Relations {
			if !r.Owning || r.Prop.Kind.IsToMany() || r.Target == t || !in[r.Target] {
				continue
			}
			if _, seen := nullable[t][r.Target]; !seen {
				deps[t] = append(deps[t], r.Target)
				nullable[t][r.Target] = r.Nullable
			} else if !r.Nullable {
				nullable[t][r.Target] = false
			}
		}
	}
	var (
		out  []*meta.Entity
		done = map[*meta.Entity]bool{}
	)
	for len(out) < len(types) {
		progressed := false
		for _, t := range types {
			if done[t] {
				continue
			}
			ready := true
			for _, d := range deps[t] {
				if !done[d] {
					ready = false
					break
				}
			}
			if ready {
				done[t] = true
				out = append(out, t)
				progressed = true
			}
		}
		if progressed {
			continue
		}
		// Stuck on a cycle: drop one nullable edge between waiting types.
		if !dropNullableEdge(types, done, deps, nullable) {
			var names []string
			for _, t := range types {
				if !done[t] {
					names = append(names, t.Name)
				}
			}
			return nil, fmt.Errorf("%w among %s", ErrCycle, strings.Join(names, ", "))
		}
	}
	return out, nil
}

func dropNullableEdge(types []*meta.Entity, done map[*meta.Entity]bool,
	deps map[*meta.Entity][]*meta.Entity, nullable map[*meta.Entity]map[*meta.Entity]bool) bool {
	for _, t := range types {
		if done[t] {
			continue
		}
		for i, d := range deps[t] {
			if !done[d] && nullable[t][d] {
				deps[t] = append(deps[t][:i:i], deps[t][i+1:]...)
				return true
			}
		}
	}
	return false
}
