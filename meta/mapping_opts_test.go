package meta_test

import (
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm/meta"
)

type SoftDoc struct {
	ID        int64               `orm:"pk"`
	Status    string              `orm:"enum=draft|published,required,length=10"`
	Level     int                 `orm:"enum=1|2|3"`
	DeletedAt sql.Null[time.Time] `orm:"softDelete"`
}

type BadMappingOpts struct {
	ID       int64      `orm:"pk"`
	NotTime  *string    `orm:"softDelete"`
	NotNull  time.Time  `orm:"softDelete"`
	First    *time.Time `orm:"softDelete"`
	Second   *time.Time `orm:"softDelete"`
	EmptyVal string     `orm:"enum=a||b"`
	Twice    string     `orm:"enum=a|a"`
	IntEnum  int        `orm:"enum=1|x"`
	FloatE   float64    `orm:"enum=1|2"`
	TooLong  string     `orm:"enum=short|muchlonger,length=5"`
	Valued   string     `orm:"required=yes"`
}

// TestMappingOptions: softDelete, required and enum are read into the
// metadata, and every misuse is reported at registration, naming the field.
func TestMappingOptions(t *testing.T) {
	reg := meta.NewRegistry()
	if err := reg.Register(SoftDoc{}); err != nil {
		t.Fatal(err)
	}
	e, _ := reg.EntityByName("SoftDoc")
	if e.SoftDelete == nil || e.SoftDelete.Field != "DeletedAt" || !e.SoftDelete.SoftDelete {
		t.Errorf("SoftDelete = %v", e.SoftDelete)
	}
	st, _ := e.Prop("status")
	if !st.Required || !slices.Equal(st.Enum, []string{"draft", "published"}) {
		t.Errorf("status: required %v, enum %v", st.Required, st.Enum)
	}
	lv, _ := e.Prop("level")
	if !slices.Equal(lv.Enum, []string{"1", "2", "3"}) {
		t.Errorf("level enum %v", lv.Enum)
	}

	err := meta.NewRegistry().Register(BadMappingOpts{})
	if err == nil {
		t.Fatal("bad mapping options registered")
	}
	msg := err.Error()
	for _, want := range []string{
		"BadMappingOpts.NotTime: softDelete needs a nullable time field",
		"BadMappingOpts.NotNull: softDelete needs a nullable time field",
		"BadMappingOpts.Second: only one softDelete property per entity (First is one)",
		"BadMappingOpts.EmptyVal: enum value list \"a||b\" has an empty value",
		"BadMappingOpts.Twice: enum value \"a\" listed twice",
		"BadMappingOpts.IntEnum: enum value \"x\" of an integer field is not an integer",
		"BadMappingOpts.FloatE: enum applies to string and integer fields",
		"BadMappingOpts.TooLong: enum value \"muchlonger\" is longer than length=5",
		"BadMappingOpts.Valued: tag option \"required\" takes no value",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing problem %q in:\n%s", want, msg)
		}
	}
}

type EmbGeo struct {
	Lat float64
}

type EmbAddr struct {
	City string `orm:"column=town"`
	Geo  EmbGeo `orm:"embedded,prefix=g_"`
}

type EmbOwner struct {
	ID   int64    `orm:"pk"`
	City string   // the entity's own city: no clash with Home.City
	Home EmbAddr  `orm:"embedded"`
	Work *EmbAddr `orm:"embedded,prefix="`
}

type BadEmbedded struct {
	ID    int64     `orm:"pk"`
	Str   string    `orm:"embedded"`
	Rel   BadEmbRel `orm:"embedded"`
	Extra EmbGeo    `orm:"embedded,unique"`
}

type BadEmbRel struct {
	Owner *EmbOwner
	Key   int64 `orm:"pk"`
}

// TestEmbeddedMetadata: embeddables are flattened into path-named
// properties with prefixed columns (nested prefixes concatenate, an empty
// prefix drops it), a pointer embeddable makes its columns nullable, and
// misuse is reported at registration.
func TestEmbeddedMetadata(t *testing.T) {
	reg := meta.NewRegistry()
	if err := reg.Register(EmbOwner{}); err != nil {
		t.Fatal(err)
	}
	e, _ := reg.EntityByName("EmbOwner")
	want := map[string]struct {
		col      string
		nullable bool
	}{
		"city": {"city", false}, "home.city": {"home_town", false}, "home.geo.lat": {"home_g_lat", false},
		"work.city": {"town", true}, "work.geo.lat": {"g_lat", true},
	}
	for name, w := range want {
		p, ok := e.Prop(name)
		if !ok {
			t.Errorf("no property %s", name)
			continue
		}
		if p.Column != w.col || p.Nullable != w.nullable {
			t.Errorf("%s: column %s nullable %v; want %s %v", name, p.Column, p.Nullable, w.col, w.nullable)
		}
	}
	if len(e.Embeddeds) != 4 || e.Embeddeds[0].Path != "home" || e.Embeddeds[1].Path != "home.geo" || !e.Embeddeds[2].Nullable {
		t.Errorf("embeddeds: %+v", e.Embeddeds)
	}
	err := meta.NewRegistry().Register(BadEmbedded{})
	if err == nil {
		t.Fatal("bad embeddables registered")
	}
	for _, want := range []string{
		"BadEmbedded.Str: embedded needs a struct or a pointer to a struct",
		"relations inside an embeddable are not supported",
		"a primary key or version field cannot be inside an embeddable",
		`BadEmbedded.Extra: tag option "unique" is not valid on an embedded field`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

type BadFormula struct {
	ID     int64 `orm:"pk"`
	Inject int   `orm:"formula=1; drop table x"`
	Param  int   `orm:"formula=? + 1"`
	Req    int   `orm:"formula=1+1,required"`
	Good   int   `orm:"formula={alias}.id * 2"`
}

// TestFormulaMetadata: a formula is a column of the entity's loads, never
// of its table; bad formulas and write-side options are refused.
func TestFormulaMetadata(t *testing.T) {
	err := meta.NewRegistry().Register(BadFormula{})
	if err == nil {
		t.Fatal("bad formulas registered")
	}
	for _, want := range []string{"BadFormula.Inject: formula", "BadFormula.Param: formula", "BadFormula.Req: a formula is read-only"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "BadFormula.Good") {
		t.Errorf("a good formula refused: %v", err)
	}
}
