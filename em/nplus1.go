package em

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"runtime"
	"strings"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// The N+1 detector: with Config.NPlusOneThreshold > 0, an EntityManager
// counts the queries it loads entities with, by shape (the SQL with its
// parameter lists collapsed). When one shape runs more than the threshold
// within one EntityManager, it logs a warning once, naming the entity, the
// relations that lead to it, the call site, and the populate path that
// would load them all at once.

// watchExec counts loads by shape on behalf of an EntityManager.
type watchExec struct {
	Executor
	m *EntityManager
}

var placeholderRuns = regexp.MustCompile(`(\?|\$\d+)(\s*,\s*(\?|\$\d+))*`)

func (w watchExec) Load(ctx context.Context, req *uow.Load) error {
	w.m.watchLoad(req)
	return w.Executor.Load(ctx, req)
}

func (m *EntityManager) watchLoad(req *uow.Load) {
	d := m.s.Driver.Dialect()
	if d == nil || len(req.Groups) == 0 {
		return
	}
	sql, _, err := req.Query.ToSQL(d)
	if err != nil {
		return
	}
	shape := placeholderRuns.ReplaceAllString(sql, "?")
	if m.shapes == nil {
		m.shapes = map[string]int{}
	}
	m.shapes[shape]++
	if m.shapes[shape] != m.s.NPlusOneThreshold+1 {
		return
	}
	e := req.Groups[0].Entity
	rels := relationsTo(m.s.Registry, e)
	attrs := []slog.Attr{
		slog.String("entity", e.Name),
		slog.Int("times", m.shapes[shape]),
		slog.String("sql", shape),
	}
	if site := callSite(); site != "" {
		attrs = append(attrs, slog.String("call_site", site))
	}
	hint := ""
	if len(rels) > 0 {
		names := make([]string, len(rels))
		for i, r := range rels {
			names[i] = r.Owner.Name + "." + r.Prop.Name
		}
		attrs = append(attrs, slog.String("relations", strings.Join(names, ", ")))
		hint = fmt.Sprintf(`; load them with the owner query instead: em.Populate(%q)`, rels[0].Prop.Name)
	}
	m.s.Logger.LogAttrs(context.Background(), slog.LevelWarn,
		fmt.Sprintf("unitorm: possible N+1: the same %s query ran %d times in one EntityManager%s", e.Name, m.shapes[shape], hint), attrs...)
}

// relationsTo lists the relations of registered entities that lead to e.
func relationsTo(reg *meta.Registry, e *meta.Entity) []*meta.Relation {
	var out []*meta.Relation
	for _, other := range reg.Entities() {
		for _, r := range other.Relations {
			if r.Target == e {
				out = append(out, r)
			}
		}
	}
	return out
}

var libraryPackages = []string{"em.", "uow.", "populate.", "sqldb.", "qb.", "meta.", "rel.", "dialect."}

// callSite is the first caller outside unitorm's library packages.
func callSite() string {
	pcs := make([]uintptr, 32)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		fn := f.Function
		lib := strings.HasPrefix(fn, "github.com/unitorm/unitorm.")
		if rest, ok := strings.CutPrefix(fn, "github.com/unitorm/unitorm/"); ok {
			for _, p := range libraryPackages {
				if strings.HasPrefix(rest, p) {
					lib = true
				}
			}
		}
		if !lib && !strings.HasPrefix(fn, "runtime.") {
			return fmt.Sprintf("%s:%d (%s)", f.File, f.Line, fn)
		}
		if !more {
			return ""
		}
	}
}
