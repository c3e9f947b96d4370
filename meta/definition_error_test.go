package meta_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/rel"
)

type NoPK struct {
	Name string
}

type Unregistered struct {
	ID int64 `orm:"pk"`
}

type BadRel struct {
	ID        int64                     `orm:"pk"`
	Other     *Unregistered             `orm:"m:1"`
	Missing   rel.Collection[*BadChild] `orm:"1:m,mappedBy=Nope"`
	WrongKind rel.Collection[*BadChild] `orm:"1:m,mappedBy=Name"`
	NoMapped  rel.Collection[*BadChild] `orm:"1:m"`
	Untagged  rel.Collection[*BadChild]
	NotAPtr   BadChild                  `orm:"m:1"`
	ToManyPtr *BadChild                 `orm:"m:n"`
	InvBad    *BadChild                 `orm:"m:1,inversedBy=Name"`
	SetNull   *BadChild                 `orm:"m:1,onDelete=setnull"`
	M2MBack   rel.Collection[*BadChild] `orm:"m:n,mappedBy=Parent"`
}

type BadChild struct {
	ID     int64 `orm:"pk"`
	Name   string
	Parent *BadRel `orm:"m:1"`
}

type BadColumns struct {
	ID      int64  `orm:"pk"`
	Title   string `orm:"column=name"`
	Name    string
	Quote   string `orm:"column=na\"me"`
	Tick    string "orm:\"column=na`me\""
	Semi    string `orm:"column=a;drop"`
	Nul     string `orm:"column=a\x00b"`
	Ch      chan int
	Map     map[string]int
	Ver     string  `orm:"version"`
	Unknown string  `orm:"frobnicate"`
	BadType string  `orm:"type=text;drop"`
	BadDef  string  `orm:"default=1; drop table x"`
	PKRel   *NoPK   `orm:"m:1,pk"`
	AutoStr string  `orm:"autoincrement"`
	LenInt  int     `orm:"length=10"`
	Scale   float64 `orm:"scale=2"`
	MapKey  string  `orm:"mappedBy=X"`
	NullPK  *int64  `orm:"pk"`
	Iface   any
	Mixed   string `orm:"unique=ux"`
	Mixed2  string `orm:"index=ux"`
}

type BadTable struct {
	ID int64 `orm:"pk"`
}

func (BadTable) TableName() string { return "bad`table" }

type Dup1 struct {
	ID int64 `orm:"pk"`
}

func (Dup1) TableName() string { return "book" }

func TestDefinitionErrorListsEveryProblem(t *testing.T) {
	r := meta.NewRegistry()
	err := r.Register(NoPK{}, BadRel{}, BadChild{}, BadColumns{}, BadTable{}, Book{}, Author{}, Tag{}, Dup1{}, 42)
	var de *meta.DefinitionError
	if !errors.As(err, &de) {
		t.Fatalf("Register err = %v, want *DefinitionError", err)
	}
	msg := err.Error()
	want := []string{
		"meta: NoPK: no primary key",
		"meta: BadRel.Other: relation to unregistered type meta_test.Unregistered",
		"meta: BadRel.Missing: mappedBy=Nope: BadChild has no such property",
		"meta: BadRel.WrongKind: mappedBy=Name: BadChild.Name is a scalar, want an owning m:1 to BadRel",
		"meta: BadRel.NoMapped: 1:m needs mappedBy",
		"meta: BadRel.Untagged: a rel.Collection needs",
		"meta: BadRel.NotAPtr: m:1 needs a pointer to an entity struct, not meta_test.BadChild",
		"meta: BadRel.ToManyPtr: m:n needs a rel.Collection field",
		"meta: BadRel.InvBad: inversedBy=Name: BadChild.Name must be a relation with mappedBy=InvBad",
		"meta: BadRel.SetNull: set null on delete/update needs a nullable relation",
		"meta: BadRel.M2MBack: mappedBy=Parent: BadChild.Parent is a m:1 to BadRel, want an owning m:n to BadRel",
		`meta: BadColumns.Name: column "name" is also used by Title`,
		`meta: BadColumns.Quote: column name "na\"me" contains '"'`,
		"meta: BadColumns.Tick: column name \"na`me\" contains '`'",
		`meta: BadColumns.Semi: column name "a;drop" contains ';'`,
		`meta: BadColumns.Nul: column name "a\x00b" contains '\x00'`,
		"meta: BadColumns.Ch: unsupported field type chan int",
		"meta: BadColumns.Map: unsupported field type map[string]int (use type=json",
		"meta: BadColumns.Ver: version needs a non-nullable integer or time.Time field",
		`meta: BadColumns.Unknown: unknown tag option "frobnicate"`,
		`meta: BadColumns.BadType: type "text;drop" contains ';'`,
		`meta: BadColumns.BadDef: default "1; drop table x" contains ";"`,
		`meta: BadColumns.PKRel: tag option "pk" is not valid on a m:1 relation`,
		"meta: BadColumns.AutoStr: autoincrement applies to a primary key",
		"meta: BadColumns.LenInt: length applies to string and bytes columns",
		"meta: BadColumns.Scale: scale needs precision",
		`meta: BadColumns.MapKey: tag option "mappedBy" is not valid on a scalar field`,
		"meta: BadColumns.NullPK: a primary key cannot be nullable",
		"meta: BadColumns.Iface: unsupported field type interface {}",
		`meta: BadColumns.Mixed2: "ux" names both a unique constraint and an index`,
		"meta: BadTable: table name \"bad`table\" contains '`'",
		`meta: Dup1: table "book" is already used by entity Book`,
		"meta: int: not a struct",
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error lacks %q", w)
		}
	}
	lines := strings.Split(msg, "\n")
	if len(lines) != len(de.Problems) {
		t.Errorf("%d lines for %d problems", len(lines), len(de.Problems))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "meta: ") {
			t.Errorf("line without prefix: %q", l)
		}
	}
	if len(de.Problems) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(de.Problems), len(want), msg)
	}
	if n := len(r.Entities()); n != 0 {
		t.Errorf("%d entities registered after a failed Register", n)
	}
	if _, ok := r.EntityByName("Book"); ok {
		t.Error("valid Book registered although the call failed")
	}
	// The registry stays usable.
	if err := r.Register(Author{}, Book{}, Tag{}); err != nil {
		t.Fatalf("Register after failure: %v", err)
	}
}

type PivotClash struct {
	ID   int64                `orm:"pk"`
	Tags rel.Collection[*Tag] `orm:"m:n,pivot=book_tags"`
}

type SelfPivot struct {
	ID    int64                      `orm:"pk"`
	Peers rel.Collection[*SelfPivot] `orm:"m:n,pivotJoinColumn=x,pivotInverseJoinColumn=x"`
}

type TwoVersions struct {
	ID int64 `orm:"pk"`
	V1 int   `orm:"version"`
	V2 int   `orm:"version"`
}

type Ambiguous struct {
	base
	Other
}

type Other struct {
	ID int64 `orm:"pk"`
}

type LeakyUser struct {
	ID       int64  `orm:"pk"`
	Password string `orm:"hidden"`
}

type LeakyNamed struct {
	ID       int64  `orm:"pk"`
	Password string `orm:"hidden" json:"-,"` // a key named "-": still written
}

type DoubleInverse struct {
	ID    int64                    `orm:"pk"`
	Kids  rel.Collection[*DIChild] `orm:"1:m,mappedBy=Owner"`
	Kids2 rel.Collection[*DIChild] `orm:"1:m,mappedBy=Owner"`
}

type DIChild struct {
	ID    int64          `orm:"pk"`
	Owner *DoubleInverse `orm:"m:1"`
}

func TestMoreDefinitionErrors(t *testing.T) {
	tests := []struct {
		name     string
		entities []any
		want     string
	}{
		{"pivot table clash", []any{Author{}, Book{}, Tag{}, PivotClash{}}, `meta: PivotClash.Tags: pivot table "book_tags" is already used by pivot of Book.Tags`},
		{"pivot columns clash", []any{SelfPivot{}}, `meta: SelfPivot.Peers: pivot column "x" appears twice`},
		{"two versions", []any{TwoVersions{}}, "meta: TwoVersions.V2: only one version property per entity"},
		{"ambiguous embedded field", []any{Ambiguous{}}, "meta: Ambiguous.ID: field is ambiguous"},
		{"two inverse sides", []any{DoubleInverse{}, DIChild{}}, "meta: DoubleInverse.Kids2: mappedBy=Owner: DIChild.Owner is already mapped by DoubleInverse.Kids"},
		{"hidden without json:\"-\"", []any{LeakyUser{}}, `meta: LeakyUser.Password: a hidden property needs json:"-"`},
		{"hidden with json name", []any{LeakyNamed{}}, `meta: LeakyNamed.Password: a hidden property needs json:"-"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := meta.NewRegistry().Register(tt.entities...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSeparateRegistrationOfRelatedEntities(t *testing.T) {
	// A target registered first, then an entity pointing at it: fine.
	r := meta.NewRegistry()
	if err := r.Register(Unregistered{}); err != nil {
		t.Fatal(err)
	}
	type Pointer struct {
		ID     int64         `orm:"pk"`
		Target *Unregistered `orm:"m:1"`
	}
	if err := r.Register(Pointer{}); err != nil {
		t.Fatal(err)
	}
	e, _ := r.EntityByName("Pointer")
	if p, _ := e.Prop("Target"); p.Relation.Target.Name != "Unregistered" {
		t.Fatalf("target = %v", p.Relation.Target)
	}
}
