package populatesuite

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/testkit"
	"github.com/unitorm/unitorm/qb"
)

type Member struct {
	ID       int64  `orm:"pk" json:"id"`
	Name     string `json:"name"`
	Password string `orm:"hidden" json:"-"`
	Team     *Team  `orm:"m:1,nullable"`
}

type Team struct {
	ID      int64 `orm:"pk"`
	Name    string
	Members unitorm.Collection[*Member] `orm:"1:m,mappedBy=Team"`
}

func openTeams(t *testing.T, cfg unitorm.Config) *unitorm.ORM {
	t.Helper()
	ctx := context.Background()
	cfg.Entities = []any{Member{}, Team{}}
	orm, err := unitorm.Open(ctx, sqlite.Open(testkit.DSN(t, testkit.SQLite)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { orm.Close() })
	if err := orm.CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	m := orm.Fork()
	team := &Team{Name: "red"}
	for _, n := range []string{"ann", "bob", "cy"} {
		if err := m.Persist(&Member{Name: n, Password: "secret-" + n, Team: team}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return orm
}

func TestToJSONFollowsWhatIsLoaded(t *testing.T) {
	ctx := context.Background()
	orm := openTeams(t, unitorm.Config{})

	m := orm.Fork()
	ann, err := em.FindOneOrFail[Member](ctx, m, qb.Cond{"name": "ann"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.ToJSON(ann)
	if err != nil {
		t.Fatal(err)
	}
	// The team is an unloaded reference: its key only. No password.
	if want := `{"id":1,"name":"ann","team":1}`; string(got) != want {
		t.Fatalf("unloaded reference:\n got %s\nwant %s", got, want)
	}

	if err := m.Populate(ctx, ann, "team.members"); err != nil {
		t.Fatal(err)
	}
	got, err = m.ToJSON(ann)
	if err != nil {
		t.Fatal(err)
	}
	// The team is nested with its members; ann, met again on her own path,
	// is her key.
	want := `{"id":1,"name":"ann","team":{"id":1,"name":"red","members":[1,{"id":2,"name":"bob","team":1},{"id":3,"name":"cy","team":1}]}}`
	if string(got) != want {
		t.Fatalf("loaded graph:\n got %s\nwant %s", got, want)
	}
	if !json.Valid(got) || strings.Contains(string(got), "secret") {
		t.Fatalf("invalid JSON or hidden property leaked: %s", got)
	}

	m2 := orm.Fork()
	team, err := em.FindOneOrFail[Team](ctx, m2, qb.Cond{"name": "red"})
	if err != nil {
		t.Fatal(err)
	}
	got, err = m2.ToJSON([]*Team{team})
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"id":1,"name":"red"}]`; string(got) != want {
		t.Fatalf("unloaded collection must be left out:\n got %s\nwant %s", got, want)
	}
}

func TestNPlusOneDetector(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	orm := openTeams(t, unitorm.Config{Logger: logger, NPlusOneThreshold: 2})

	m := orm.Fork()
	members, err := em.FindAll[Member](ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	// Make three teams so three lazy loads run the same query shape.
	m2 := orm.Fork()
	for i, mb := range members {
		other := &Team{Name: strings.Repeat("t", i+1)}
		if err := m2.Persist(other); err != nil {
			t.Fatal(err)
		}
		x, _ := em.FindOne[Member](ctx, m2, mb.ID)
		x.Team = other
	}
	if err := m2.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// That loop was an N+1 of its own (FindOne by key, three times).
	if !strings.Contains(logs.String(), "the same Member query ran 3 times") {
		t.Fatalf("FindOne in a loop not reported:\n%s", logs.String())
	}
	logs.Reset()
	m = orm.Fork()
	members, err = em.FindAll[Member](ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	for _, mb := range members {
		if err := m.Load(ctx, mb.Team); err != nil { // the N+1 pattern
			t.Fatal(err)
		}
	}
	out := logs.String()
	for _, want := range []string{"possible N+1", "Team", "Member.team", `em.Populate(\"team\")`, "serialize.go"} {
		if !strings.Contains(out, want) {
			t.Fatalf("warning lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "possible N+1") != 1 {
		t.Fatalf("warned more than once:\n%s", out)
	}

	// Populate loads them in one query: no warning.
	logs.Reset()
	m = orm.Fork()
	if _, err := em.FindAll[Member](ctx, m, em.Populate("team")); err != nil {
		t.Fatal(err)
	}
	if logs.Len() != 0 {
		t.Fatalf("warning without N+1: %s", logs.String())
	}
}

func TestInitCollection(t *testing.T) {
	ctx := context.Background()
	orm := openTeams(t, unitorm.Config{})
	m := orm.Fork()
	team, err := em.FindOneOrFail[Team](ctx, m, qb.Cond{"name": "red"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Init(ctx, &team.Members); err != nil {
		t.Fatal(err)
	}
	if n, err := team.Members.Len(); err != nil || n != 3 {
		t.Fatalf("members = %d, %v", n, err)
	}
}
