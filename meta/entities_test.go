package meta_test

import (
	"database/sql"
	"database/sql/driver"
	"time"

	"github.com/unitorm/unitorm/rel"
)

// The entities of DESIGN.md, verbatim apart from the package of Collection.

type Author struct {
	ID      int64 `orm:"pk"`
	Name    string
	Email   string `orm:"unique"`
	Born    *time.Time
	Books   rel.Collection[*Book] `orm:"1:m,mappedBy=Author"`
	Version int                   `orm:"version"`
	// FavouriteBook closes a cycle with Book.Author.
	FavouriteBook *Book `orm:"m:1,nullable,onDelete=setnull"`
}

type Book struct {
	ID     int64 `orm:"pk"`
	Title  string
	Author *Author              `orm:"m:1"`
	Tags   rel.Collection[*Tag] `orm:"m:n"`
}

type Tag struct {
	ID    int64                 `orm:"pk"`
	Name  string                `orm:"length=50,unique"`
	Books rel.Collection[*Book] `orm:"m:n,mappedBy=Tags"`
}

// One-to-one, owning and inverse.

type User struct {
	ID      int64    `orm:"pk"`
	Login   string   `orm:"unique=uq_login_realm"`
	Realm   string   `orm:"unique=uq_login_realm,index"`
	Profile *Profile `orm:"1:1,mappedBy=User"`
	// Friends is a self-referencing m:n.
	Friends rel.Collection[*User] `orm:"m:n"`
	// Manager and Reports are a self-referencing m:1 / 1:m.
	Manager *User                 `orm:"m:1,nullable"`
	Reports rel.Collection[*User] `orm:"1:m,mappedBy=Manager,orphanRemoval,cascade=all"`
}

type Profile struct {
	ID   string `orm:"pk,type=uuid"`
	Bio  string `orm:"type=text"`
	User *User  `orm:"1:1,inversedBy=Profile,joinColumn=owner_id"`
}

// Embedded structs.

type Timestamps struct {
	CreatedAt time.Time `orm:"default=CURRENT_TIMESTAMP"`
	UpdatedAt *time.Time
}

type base struct {
	ID int64 `orm:"pk"`
}

type Audit struct {
	By string
}

type Post struct {
	base
	Timestamps
	*Audit
	Title string
}

// Shadow's own ID hides base.ID, as in Go.
type Shadow struct {
	base
	ID string `orm:"pk"`
}

// Field types.

type UUID [16]byte

type Money struct{ cents int64 }

func (m Money) Value() (driver.Value, error) { return m.cents, nil }
func (m *Money) Scan(src any) error {
	v, _ := src.(int64)
	m.cents = v
	return nil
}

type Point struct{ X, Y float64 }

func (p Point) Value() (driver.Value, error) { return nil, nil }
func (p *Point) Scan(any) error              { return nil }

type Status string

type Kitchen struct {
	ID        UUID `orm:"pk"`
	B         bool
	I8        int8
	I16       int16
	I32       int32
	I         int
	U8        uint8
	U16       uint16
	U32       uint32
	U64       uint64
	F32       float32
	F64       float64
	S         string
	St        Status
	Raw       []byte
	At        time.Time
	Day       time.Time `orm:"type=date"`
	PtrI      *int64
	PtrS      *string `orm:"notnull"`
	NullS     sql.NullString
	NullI     sql.NullInt64
	NullT     sql.NullTime
	NullG     sql.Null[float64]
	Price     Money
	Where     Point          `orm:"type=point"`
	Meta      map[string]any `orm:"type=json"`
	List      []string       `orm:"type=jsonb,nullable"`
	Amount    float64        `orm:"precision=10,scale=2"`
	Amount2   string         `orm:"type=decimal(12,3)"`
	Code      string         `orm:"length=8,column=kcode"`
	Short     string         `orm:"type=varchar(20)"`
	Geo       string         `orm:"type=geometry(point,4326)"`
	ignored   int
	Skipped   chan int `orm:"-"`
	Seen      int      `orm:"default=0,index=ix_seen"`
	Secret    string   `orm:"hidden" json:"-"`
	ExplicitN string   `orm:"nullable"`
}

// Composite primary key.

type Membership struct {
	UserID  int64  `orm:"pk"`
	GroupID string `orm:"pk"`
	Role    string
}

type Grant struct {
	ID         int64       `orm:"pk,autoincrement=false"`
	Membership *Membership `orm:"m:1,joinColumn=m_user|m_group"`
}

// Custom table name.

type Legacy struct {
	Key string `orm:"pk"`
}

func (Legacy) TableName() string { return "tbl_legacy" }
