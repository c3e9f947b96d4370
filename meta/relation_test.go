package meta_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/rel"
)

func TestRelations(t *testing.T) {
	r := mustRegister(t, Author{}, Book{}, Tag{}, User{}, Profile{})
	ent := func(v any) *meta.Entity { return mustEntity(t, r, v) }
	author, book, tag, user, profile := ent(Author{}), ent(Book{}), ent(Tag{}), ent(User{}), ent(Profile{})
	prop := func(e *meta.Entity, name string) *meta.Property { return mustProp(t, e, name) }

	type want struct {
		kind       meta.Kind
		target     *meta.Entity
		owning     bool
		mappedBy   *meta.Property
		inversedBy *meta.Property
		join       []string
		ref        []string
		inverse    []string
		pivot      string
		nullable   bool
		cascade    meta.Cascade
		orphan     bool
		onDelete   meta.Action
	}
	tests := []struct {
		name string
		p    *meta.Property
		want want
	}{
		{"m:1 Book.Author", prop(book, "Author"), want{
			kind: meta.ManyToOne, target: author, owning: true, inversedBy: prop(author, "Books"),
			join: []string{"author_id"}, ref: []string{"id"}, cascade: meta.CascadePersist}},
		{"1:m Author.Books", prop(author, "Books"), want{
			kind: meta.OneToMany, target: book, mappedBy: prop(book, "Author"),
			join: []string{"author_id"}, ref: []string{"id"}, cascade: meta.CascadePersist}},
		{"m:1 cycle Author.FavouriteBook", prop(author, "FavouriteBook"), want{
			kind: meta.ManyToOne, target: book, owning: true, join: []string{"favourite_book_id"},
			ref: []string{"id"}, nullable: true, cascade: meta.CascadePersist, onDelete: meta.ActionSetNull}},
		{"m:n owning Book.Tags", prop(book, "Tags"), want{
			kind: meta.ManyToMany, target: tag, owning: true, inversedBy: prop(tag, "Books"),
			join: []string{"book_id"}, ref: []string{"id"}, inverse: []string{"tag_id"}, pivot: "book_tags",
			cascade: meta.CascadePersist}},
		{"m:n inverse Tag.Books", prop(tag, "Books"), want{
			kind: meta.ManyToMany, target: book, mappedBy: prop(book, "Tags"),
			join: []string{"tag_id"}, ref: []string{"id"}, inverse: []string{"book_id"}, pivot: "book_tags",
			cascade: meta.CascadePersist}},
		{"1:1 owning Profile.User", prop(profile, "User"), want{
			kind: meta.OneToOne, target: user, owning: true, inversedBy: prop(user, "Profile"),
			join: []string{"owner_id"}, ref: []string{"id"}, cascade: meta.CascadePersist}},
		{"1:1 inverse User.Profile", prop(user, "Profile"), want{
			kind: meta.OneToOne, target: profile, mappedBy: prop(profile, "User"),
			join: []string{"owner_id"}, ref: []string{"id"}, cascade: meta.CascadePersist}},
		{"m:n self-ref User.Friends", prop(user, "Friends"), want{
			kind: meta.ManyToMany, target: user, owning: true,
			join: []string{"user_1_id"}, ref: []string{"id"}, inverse: []string{"user_2_id"}, pivot: "user_friends",
			cascade: meta.CascadePersist}},
		{"m:1 self-ref User.Manager", prop(user, "Manager"), want{
			kind: meta.ManyToOne, target: user, owning: true, inversedBy: prop(user, "Reports"),
			join: []string{"manager_id"}, ref: []string{"id"}, nullable: true, cascade: meta.CascadePersist}},
		{"1:m self-ref User.Reports", prop(user, "Reports"), want{
			kind: meta.OneToMany, target: user, mappedBy: prop(user, "Manager"),
			join: []string{"manager_id"}, ref: []string{"id"}, cascade: meta.CascadeAll, orphan: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rl := tt.p.Relation
			if rl == nil || rl.Prop != tt.p || rl.Owner != tt.p.Entity {
				t.Fatalf("relation not linked to its property: %+v", rl)
			}
			pivot := ""
			if rl.Pivot != nil {
				pivot = rl.Pivot.Table
			}
			got := want{rl.Kind, rl.Target, rl.Owning, rl.MappedBy, rl.InversedBy, rl.JoinColumns,
				rl.ReferencedColumns, rl.InverseJoinColumns, pivot, rl.Nullable, rl.Cascade, rl.OrphanRemoval, rl.OnDelete}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
			if tt.p.Kind != rl.Kind {
				t.Errorf("property kind %v != relation kind %v", tt.p.Kind, rl.Kind)
			}
		})
	}

	// Both sides of m:n share one pivot described from the owning side.
	own, inv := prop(book, "Tags").Relation.Pivot, prop(tag, "Books").Relation.Pivot
	if own != inv || own.Owner != book || own.Target != tag {
		t.Errorf("pivot not shared / wrong sides: %+v %+v", own, inv)
	}
	cols := own.Columns()
	if len(cols) != 2 || cols[0].Ref != book.PK[0] || cols[1].Ref != tag.PK[0] || !cols[0].PK || cols[0].Type != meta.TypeInt64 {
		t.Errorf("pivot columns = %+v", cols)
	}
	// The FK column of a to-one relation is typed like the target's key.
	if c, _ := profile.Column("owner_id"); c.Type != meta.TypeInt64 || c.AutoIncrement || c.PK || c.Ref != user.PK[0] {
		t.Errorf("owner_id = %+v", c)
	}
	if c, _ := book.Column("author_id"); c.Nullable {
		t.Error("m:1 without nullable is nullable")
	}
	if p := prop(user, "Friends"); p.Column != "" || len(p.Columns) != 0 || p.BaseType != reflect.TypeFor[*User]() {
		t.Errorf("collection property Column=%q Columns=%v BaseType=%v", p.Column, p.Columns, p.BaseType)
	}
	var relNames []string
	for _, rl := range user.Relations {
		relNames = append(relNames, rl.Prop.Field)
	}
	if !slices.Equal(relNames, []string{"Profile", "Friends", "Manager", "Reports"}) {
		t.Errorf("User.Relations = %v", relNames)
	}
}

type Node struct {
	ID       int64                 `orm:"pk"`
	Parent   *Node                 `orm:"nullable"` // implied m:1
	Children rel.Collection[*Node] `orm:"1:m,mappedBy=parent"`
	Links    rel.Collection[*Node] `orm:"m:n,pivot=node_link,pivotJoinColumn=from_id,pivotInverseJoinColumn=to_id"`
}

func TestImpliedManyToOneAndCustomPivot(t *testing.T) {
	r := mustRegister(t, &Node{})
	n := mustEntity(t, r, Node{})
	p := mustProp(t, n, "Parent")
	if p.Kind != meta.ManyToOne || p.Column != "parent_id" || !p.Nullable {
		t.Errorf("Parent kind=%v column=%q nullable=%v", p.Kind, p.Column, p.Nullable)
	}
	if mustProp(t, n, "Children").Relation.MappedBy != p {
		t.Error("mappedBy by property name not resolved")
	}
	pv := mustProp(t, n, "Links").Relation.Pivot
	if pv.Table != "node_link" || pv.JoinColumns[0].Name != "from_id" || pv.InverseJoinColumns[0].Name != "to_id" {
		t.Errorf("pivot = %s %v %v", pv.Table, pv.JoinColumns[0], pv.InverseJoinColumns[0])
	}
}
