package gen_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/rel"
	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/schema/gen"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

type Author struct {
	ID            int64                 `orm:"pk"`
	Name          string                `orm:"index"`
	Email         string                `orm:"unique"`
	Born          *time.Time            ``
	FavouriteBook *Book                 `orm:"m:1,nullable,onDelete=setnull"`
	Books         rel.Collection[*Book] `orm:"1:m,mappedBy=Author"`
}

type Book struct {
	ID     int64                `orm:"pk"`
	Title  string               `orm:"unique=book_title_author_unique"`
	Price  float64              `orm:"type=decimal(10,2),default=0"`
	Meta   []byte               `orm:"type=json,nullable"`
	Author *Author              `orm:"m:1,unique=book_title_author_unique,onDelete=cascade"`
	Tags   rel.Collection[*Tag] `orm:"m:n"`
}

type Tag struct {
	ID   int32  `orm:"pk"`
	Name string `orm:"length=50,unique"`
}

type Profile struct {
	UserID int64   `orm:"pk,autoincrement=false"`
	Author *Author `orm:"1:1"`
}

func TestGenerateGolden(t *testing.T) {
	reg := meta.NewRegistry()
	if err := reg.Register(Author{}, Book{}, Tag{}, Profile{}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
		t.Run(d.Name(), func(t *testing.T) {
			s, err := schema.Build(reg.Entities(), d)
			if err != nil {
				t.Fatal(err)
			}
			src, err := gen.Generate(s, gen.Options{Package: "models", Dialect: d})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", d.Name()+".go.txt")
			if *update {
				if err := os.WriteFile(path, src, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(want) != string(src) {
				t.Errorf("%s differs; got:\n%s", path, src)
			}
		})
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{"book_tag": "BookTag", "author_id": "AuthorID", "url": "URL", "2fa": "X2fa", "isbn": "Isbn"} {
		if got := gen.GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"Book": "Books", "Category": "Categories", "Box": "Boxes", "Day": "Days"} {
		if got := gen.Plural(in); got != want {
			t.Errorf("Plural(%q) = %q, want %q", in, got, want)
		}
	}
}

type Listing struct {
	ID     int64       `orm:"pk"`
	Tags   []string    `orm:"type=array"`
	Scores *[]int64    `orm:"type=array"`
	Seen   []time.Time `orm:"type=array"`
	Flags  []bool      `orm:"type=array"`
	Ws     []float64   `orm:"type=array"`
}

// TestGenerateArrays: PostgreSQL array columns of the types type=array
// writes come back as slices tagged type=array.
func TestGenerateArrays(t *testing.T) {
	reg := meta.NewRegistry()
	if err := reg.Register(Listing{}); err != nil {
		t.Fatal(err)
	}
	s, err := schema.Build(reg.Entities(), dialect.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	src, err := gen.Generate(s, gen.Options{Package: "models", Dialect: dialect.Postgres})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Tags   []string    `orm:\"type=array\"`", "Scores *[]int64    `orm:\"type=array\"`",
		"Seen   []time.Time `orm:\"type=array\"`", "Flags  []bool      `orm:\"type=array\"`", "Ws     []float64   `orm:\"type=array\"`",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("missing %s in\n%s", want, src)
		}
	}
}
