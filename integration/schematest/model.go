package schematest

import (
	"time"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/rel"
)

// The shared model: 1:m, m:n, a self-reference, the Author.FavouriteBook ↔
// Book.Author cycle, a composite key, and unique, index, default, decimal,
// json, time, uuid and nullable columns.

// Publisher has a unique name and a defaulted country.
type Publisher struct {
	ID      int64  `orm:"pk"`
	Name    string `orm:"length=100,unique"`
	Country string `orm:"length=2,default='NL'"`
}

// Author is in a foreign-key cycle with Book.
type Author struct {
	ID            int64  `orm:"pk"`
	Name          string `orm:"index"`
	Email         string `orm:"unique"`
	Born          *time.Time
	Active        bool                  `orm:"default=true"`
	Rating        float32               `orm:"nullable"`
	Avatar        []byte                `orm:"nullable"`
	FavouriteBook *Book                 `orm:"m:1,nullable,onDelete=setnull"`
	Books         rel.Collection[*Book] `orm:"1:m,mappedBy=Author"`
	Version       int                   `orm:"version,default=1"`
}

// Book has a composite unique key (title, author) and tags.
type Book struct {
	ID        int64                `orm:"pk"`
	Title     string               `orm:"unique=book_title_author_unique"`
	Code      string               `orm:"type=uuid"`
	Price     float64              `orm:"type=decimal(10,2),default=0"`
	Meta      map[string]any       `orm:"type=json,nullable"`
	Published *time.Time           `orm:"type=date"`
	Created   time.Time            ``
	Author    *Author              `orm:"m:1,unique=book_title_author_unique,onDelete=cascade"`
	Publisher *Publisher           `orm:"m:1,nullable,onDelete=setnull,onUpdate=cascade"`
	Tags      rel.Collection[*Tag] `orm:"m:n"`
}

// Tag is the other side of Book.Tags.
type Tag struct {
	ID    int32                 `orm:"pk"`
	Name  string                `orm:"length=50,unique"`
	Books rel.Collection[*Book] `orm:"m:n,mappedBy=Tags"`
}

// Category refers to itself.
type Category struct {
	ID       int64                     `orm:"pk"`
	Name     string                    `orm:"type=text"`
	Parent   *Category                 `orm:"m:1,nullable"`
	Children rel.Collection[*Category] `orm:"1:m,mappedBy=Parent"`
}

// Edition has a composite primary key.
type Edition struct {
	Isbn   string `orm:"pk,length=13"`
	Number int32  `orm:"pk,autoincrement=false"`
	Year   int16
}

// Entities returns the model's entity values, for meta.Registry.Register.
func Entities() []any {
	return []any{Publisher{}, Author{}, Book{}, Tag{}, Category{}, Edition{}}
}

// Registry returns a new registry holding the model.
func Registry() (*meta.Registry, error) {
	reg := meta.NewRegistry()
	if err := reg.Register(Entities()...); err != nil {
		return nil, err
	}
	return reg, nil
}

// EditionNotes is Edition with one more property, a nullable column.
type EditionNotes struct {
	Isbn   string `orm:"pk,length=13"`
	Number int32  `orm:"pk,autoincrement=false"`
	Year   int16
	Notes  *string `orm:"length=200"`
}

// TableName maps EditionNotes onto Edition's table.
func (EditionNotes) TableName() string { return "edition" }

// EditionChanged is Edition with a column changed (year becomes a nullable
// integer with a default), a column dropped (number stays: it is in the key)
// and a NOT NULL column with a default added.
type EditionChanged struct {
	Isbn   string `orm:"pk,length=13"`
	Number int32  `orm:"pk,autoincrement=false"`
	Year   *int32 `orm:"default=2000"`
	Pages  int32  `orm:"default=0,index"`
}

// TableName maps EditionChanged onto Edition's table.
func (EditionChanged) TableName() string { return "edition" }

// RegistryWith returns a registry holding the model with Edition replaced
// by edition (EditionNotes{} or EditionChanged{}).
func RegistryWith(edition any) (*meta.Registry, error) {
	reg := meta.NewRegistry()
	if err := reg.Register(Publisher{}, Author{}, Book{}, Tag{}, Category{}, edition); err != nil {
		return nil, err
	}
	return reg, nil
}
