package emsuite

import (
	"context"
	"strings"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
)

// The model: Author ↔ Book is a foreign-key cycle (Author.FavouriteBook is
// nullable, Book.Author is not); Book.Tags is m:n with Tag.Books as its
// inverse side; Cart.Items cascades remove and removes orphans; Account is
// versioned; Item is for bulk inserts; Gadget and Rogue have hooks; Parcel
// has a pointer column that must not be NULL.

type Author struct {
	ID            int64  `orm:"pk"`
	Name          string `orm:"length=100"`
	Email         string `orm:"unique"`
	Age           int
	Active        bool
	Nickname      *string
	Born          *time.Time
	FavouriteBook *Book                     `orm:"m:1,nullable"`
	Books         unitorm.Collection[*Book] `orm:"1:m,mappedBy=Author"`
	Version       int                       `orm:"version"`
}

type Publisher struct {
	ID   int64 `orm:"pk"`
	Name string
}

type Book struct {
	ID        int64 `orm:"pk"`
	Title     string
	Price     float64
	Author    *Author                  `orm:"m:1"`
	Publisher *Publisher               `orm:"m:1,nullable"`
	Tags      unitorm.Collection[*Tag] `orm:"m:n"`
}

type Tag struct {
	ID    int64 `orm:"pk"`
	Name  string
	Books unitorm.Collection[*Book] `orm:"m:n,mappedBy=Tags"`
}

type Cart struct {
	ID    int64 `orm:"pk"`
	Name  string
	Items unitorm.Collection[*CartItem] `orm:"1:m,mappedBy=Cart,cascade=all,orphanRemoval"`
}

type CartItem struct {
	ID   int64 `orm:"pk"`
	Sku  string
	Cart *Cart `orm:"m:1"`
}

type Account struct {
	ID      int64 `orm:"pk"`
	Owner   string
	Balance int
	Version int `orm:"version"`
}

type Note struct {
	ID   int64 `orm:"pk"`
	Text string
}

type Item struct {
	ID    int64 `orm:"pk"`
	Seq   int
	Label string
	Batch int
}

// Gadget's hooks fill Slug on create and count updates; before, when set,
// runs at the end of BeforeCreate (tests use it to cancel or fail a flush).
type Gadget struct {
	ID      int64 `orm:"pk"`
	Name    string
	Slug    string
	Updates int

	before func(ctx context.Context) error
}

func (g *Gadget) BeforeCreate(ctx context.Context) error {
	g.Slug = strings.ToLower(strings.ReplaceAll(g.Name, " ", "-"))
	if g.before != nil {
		return g.before(ctx)
	}
	return nil
}

func (g *Gadget) BeforeUpdate(context.Context) error {
	g.Updates++
	return nil
}

// Rogue flushes from its own hook, through the EntityManager found in the
// flush's context.
type Rogue struct {
	ID   int64 `orm:"pk"`
	Name string
}

func (r *Rogue) BeforeCreate(ctx context.Context) error {
	if m, ok := em.FromContext(ctx); ok {
		return m.Flush(ctx)
	}
	return nil
}

// Parcel.Weight is a pointer column tagged notnull.
type Parcel struct {
	ID     int64 `orm:"pk"`
	Label  string
	Weight *int `orm:"notnull"`
}

// Country has a string primary key set by the application.
type Country struct {
	Code string `orm:"pk,length=2"`
	Name string
}

// Membership has a composite primary key.
type Membership struct {
	UserID  int64 `orm:"pk,autoincrement=false"`
	GroupID int64 `orm:"pk,autoincrement=false"`
	Role    string
}

func ptr[T any](v T) *T { return &v }
