package meta_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/meta"
)

type Shape struct {
	ID   int64  `orm:"pk"`
	Kind string `orm:"discriminator"`
	Name string `orm:"index"`
}

type Circle struct {
	Shape  `orm:"discriminator=circle"`
	Radius float64
}

type Square struct {
	Shape `orm:"discriminator=square"`
	Side  *float64
	Label string `orm:"unique"`
}

type Cube struct {
	Square `orm:"discriminator=cube"`
	Depth  float64
}

func TestInheritanceMetadata(t *testing.T) {
	r := meta.NewRegistry()
	if err := r.Register(Cube{}, Shape{}, Circle{}, Square{}); err != nil {
		t.Fatal(err)
	}
	get := func(v any) *meta.Entity {
		e, err := r.EntityOf(v)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	shape, circle, square, cube := get(Shape{}), get(Circle{}), get(Square{}), get(Cube{})
	if circle.Table != "shape" || cube.Table != "shape" || cube.Root != shape || cube.Parent != square || circle.Parent != shape {
		t.Fatalf("links: %s %s %v %v", circle.Table, cube.Table, cube.Root, cube.Parent)
	}
	if !shape.Abstract() || circle.Abstract() || !cube.IsA(shape) || circle.IsA(square) {
		t.Errorf("abstract/IsA wrong")
	}
	if got := strings.Join(square.DiscriminatorValues(), ","); got != "square,cube" {
		t.Errorf("square values = %s", got)
	}
	if c, ok := shape.ForDiscriminator("cube"); !ok || c != cube {
		t.Errorf("ForDiscriminator(cube) = %v", c)
	}
	if _, ok := circle.ForDiscriminator("cube"); ok {
		t.Errorf("a cube is a circle")
	}
	var names []string
	for _, c := range shape.TableColumns {
		names = append(names, c.Name)
		if c.Name != "id" && c.Name != "kind" && c.Name != "name" && !c.Nullable {
			t.Errorf("subtype-only column %s is not nullable in the table", c.Name)
		}
	}
	if got := strings.Join(names, ","); got != "id,kind,name,side,label,depth,radius" && got != "id,kind,name,radius,side,label,depth" {
		t.Errorf("table columns = %s", got)
	}
	if c, _ := circle.Column("radius"); c.Nullable {
		t.Errorf("the subtype's own column keeps its definition")
	}
}

type BadBase struct { // no discriminator
	ID int64 `orm:"pk"`
}

type BadSubNoDisc struct {
	BadBase `orm:"discriminator=x"`
}

type Base2 struct {
	ID   int64  `orm:"pk"`
	Kind string `orm:"discriminator=base"`
}

type DupA struct {
	Base2 `orm:"discriminator=a"`
}

type DupB struct {
	Base2 `orm:"discriminator=a"`
}

type DupBase struct {
	Base2 `orm:"discriminator=base"`
}

type NotNullSub struct {
	Base2 `orm:"discriminator=nn"`
	Must  string `orm:"notnull"`
}

type PtrSub struct {
	*Base2 `orm:"discriminator=p"`
}

type LateSub struct {
	Name  string
	Base2 `orm:"discriminator=late"`
}

type IntDisc struct {
	ID   int64 `orm:"pk"`
	Kind int   `orm:"discriminator"`
}

type OtherRoot struct {
	ID int64 `orm:"pk"`
}

type ClashA struct {
	Base2 `orm:"discriminator=ca"`
	Size  int64
}

type ClashB struct {
	Base2 `orm:"discriminator=cb"`
	Size  string
}

func TestInheritanceDefinitionErrors(t *testing.T) {
	r := meta.NewRegistry()
	err := r.Register(BadBase{}, BadSubNoDisc{}, Base2{}, DupA{}, DupB{}, DupBase{}, NotNullSub{}, PtrSub{}, LateSub{}, IntDisc{}, ClashA{}, ClashB{})
	var de *meta.DefinitionError
	if !errors.As(err, &de) {
		t.Fatalf("Register = %v, want *DefinitionError", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"meta: BadSubNoDisc.BadBase: embeds BadBase as its single-table base, but BadBase declares no discriminator",
		`meta: DupB.Base2: discriminator value "a" is used by both DupA and DupB`,
		`meta: DupBase.Base2: discriminator value "base" is used by both Base2 and DupBase`,
		`meta: NotNullSub.Must: column "must" is only NotNullSub's, so rows of other types hold NULL there: it cannot be notnull`,
		"meta: PtrSub.Base2: a single-table subtype must embed its base by value",
		"meta: LateSub.Base2: the base struct of a single-table subtype must be its first field",
		"meta: IntDisc.Kind: a discriminator must be a plain string field",
		`meta: ClashB.Size: column "size" of the shared table "base2" is also defined differently by ClashA`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in\n%s", want, msg)
		}
	}
	if len(r.Entities()) != 0 {
		t.Errorf("something was registered")
	}
	// Subtypes of a root registered earlier must come in the same call.
	r2 := meta.NewRegistry()
	if err := r2.Register(OtherRoot{}, Base2{}); err != nil {
		t.Fatal(err)
	}
	if err := r2.Register(DupA{}); err == nil || !strings.Contains(err.Error(), "register single-table subtypes in the same call as their base Base2") {
		t.Errorf("late subtype: %v", err)
	}
}
