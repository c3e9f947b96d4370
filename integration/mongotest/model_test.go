package mongotest

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/rel"
)

type Author struct {
	ID      string `orm:"pk"`
	Name    string
	Email   string `orm:"unique"`
	Age     int
	Active  bool
	Born    *time.Time
	Books   rel.Collection[*Book] `orm:"1:m,mappedBy=Author"`
	Version int                   `orm:"version"`
}

type Book struct {
	ID     string `orm:"pk"`
	Title  string
	Price  float64
	Author *Author              `orm:"m:1"`
	Tags   rel.Collection[*Tag] `orm:"m:n"`
	Meta   BookMeta             `orm:"type=json"`
}

// BookMeta is stored as an embedded document.
type BookMeta struct {
	Pages int      `bson:"pages"`
	Lang  string   `bson:"lang"`
	Notes []string `bson:"notes"`
}

type Tag struct {
	ID    string                `orm:"pk"`
	Name  string                `orm:"unique"`
	Books rel.Collection[*Book] `orm:"m:n,mappedBy=Tags"`
}

// Note has a bson.ObjectID key.
type Note struct {
	ID   bson.ObjectID `orm:"pk"`
	Text string
	Ref  *bson.ObjectID
}

// Counter has an integer key set by the application and a compound index.
type Counter struct {
	ID    int64  `orm:"pk,autoincrement=false"`
	Shop  string `orm:"index=counter_shop_day"`
	Day   string `orm:"index=counter_shop_day"`
	Count int
}

var allEntities = []any{Author{}, Book{}, Tag{}, Note{}, Counter{}}
