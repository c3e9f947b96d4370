package schema_test

import (
	"testing"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/schema"
)

// A changed model: Tag gains a column and an index, Publisher's country
// changes type and default, Category goes away, and a new table appears.
type TagV2 struct {
	ID    int32   `orm:"pk"`
	Name  string  `orm:"length=80,unique"`
	Color *string `orm:"length=7,index"`
}

func (TagV2) TableName() string { return "tag" }

type PublisherV2 struct {
	ID      int64  `orm:"pk"`
	Name    string `orm:"length=100,unique"`
	Country string `orm:"length=3,default='NLD'"`
}

func (PublisherV2) TableName() string { return "publisher" }

type Series struct {
	ID        int64 `orm:"pk"`
	Title     string
	Publisher *PublisherV2 `orm:"m:1,onDelete=cascade"`
}

func TestGoldenCompare(t *testing.T) {
	old := testRegistry(t)
	next := meta.NewRegistry()
	if err := next.Register(TagV2{}, PublisherV2{}, Series{}); err != nil {
		t.Fatal(err)
	}
	var oldTables []*meta.Entity
	for _, e := range old.Entities() {
		if e.Table == "tag" || e.Table == "publisher" || e.Table == "category" {
			oldTables = append(oldTables, e)
		}
	}
	for _, d := range dialects {
		t.Run(d.Name(), func(t *testing.T) {
			current, err := schema.Build(oldTables, d)
			if err != nil {
				t.Fatal(err)
			}
			target, err := schema.Build(next.Entities(), d)
			if err != nil {
				t.Fatal(err)
			}
			diff := schema.Compare(current, target, d)
			checkGolden(t, "diff_"+d.Name(), diff.SQL())
			safe := schema.Compare(current, target, d, schema.Safe())
			for _, c := range safe.Changes {
				if c.Kind == schema.DropTable || c.Kind == schema.DropColumn {
					t.Errorf("safe mode drops: %s", c)
				}
			}
			if again := schema.Compare(target, target, d); !again.Empty() {
				t.Errorf("a schema differs from itself: %v", again.Changes)
			}
			ignored := schema.Compare(current, target, d, schema.IgnoreTables("category"))
			for _, c := range ignored.Changes {
				if c.Table == "category" {
					t.Errorf("ignored table changed: %s", c)
				}
			}
		})
	}
}
