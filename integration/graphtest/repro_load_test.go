package graphtest

import (
	"context"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// reproLoadScenarios are the reproductions around loads, unloaded
// references, removals and Refresh (see reproScenarios).
func reproLoadScenarios[K Key]() []scenario {
	ctx := context.Background()
	return []scenario{
		// Seed 30 (sqlite, ops 95–102): a reference taken out of a 1:m
		// collection that is not loaded, then loaded: the removal is lost.
		{"a reference removed from a 1:m collection then loaded keeps the removal", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			u := &User[K]{Name: "u"}
			p := &Post[K]{Title: "p", Author: u}
			persist(t, m, p)
			flush(t, m)

			m = be.orm.Fork()
			uu := findOne[User[K]](t, m, u.ID)
			ref, err := em.Reference[Post[K]](m, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			uu.Posts.Remove(ref)
			loaded := findOne[Post[K]](t, m, p.ID, "author")
			if loaded.Author != nil {
				t.Errorf("the post, removed from user.Posts then loaded, points at the user again")
			}
			flush(t, m)
			if got := findOne[Post[K]](t, be.orm.Fork(), p.ID, "author"); got.Author != nil {
				t.Errorf("stored post.author is the user: the removal from user.Posts was lost")
			}
		}},
		// Seed 20 (sqlite, ops 256–263): an unloaded reference added to a
		// 1:m collection, then loaded: the Add is lost.
		{"a reference added to a 1:m collection then loaded keeps the change", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			parent, child := &Category[K]{Name: "parent"}, &Category[K]{Name: "child"}
			persist(t, m, parent, child)
			flush(t, m)

			m = be.orm.Fork()
			par := findOne[Category[K]](t, m, parent.ID)
			ref, err := em.Reference[Category[K]](m, child.ID)
			if err != nil {
				t.Fatal(err)
			}
			par.Children.Add(ref)
			findOne[Category[K]](t, m, child.ID) // loads ref in place
			if ref.Parent != par {
				t.Errorf("after loading the child: child.Parent = %v, want the parent (the Add)", ref.Parent)
			}
			flush(t, m)
			if got := findOne[Category[K]](t, be.orm.Fork(), child.ID, "parent"); got.Parent == nil || got.Parent.ID != parent.ID {
				t.Errorf("stored child.parent is %v: the Add on the reference's collection was lost", got.Parent)
			}
		}},
		// Seed 6 (sqlite, op 96), seeds 1 and 3 (mongo): the other side of
		// an m:n change recorded on an unloaded reference is never cleared.
		{"m:n change through an unloaded reference leaves no pending diff", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			tag := &Tag[K]{Name: "t"}
			p := &Post[K]{Title: "p"}
			p.Tags.Add(tag)
			persist(t, m, p)
			flush(t, m)

			m = be.orm.Fork()
			tg := findOne[Tag[K]](t, m, tag.ID)
			ref, err := em.Reference[Post[K]](m, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			tg.Posts.Remove(ref)
			persist(t, m, tg)
			flush(t, m)
			notDirty(t, "tag.Posts", &tg.Posts)
			notDirty(t, "reference post.Tags", &ref.Tags)
			got := findOne[Post[K]](t, be.orm.Fork(), p.ID, "tags")
			holdsExactly(t, "stored post.Tags", &got.Tags)
		}},
		// Seed 4 (sqlite, op 89): a reference added to a 1:m collection.
		{"adding an unloaded reference to a 1:m collection writes its pointer", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			u := &User[K]{Name: "u"}
			p := &Post[K]{Title: "p"}
			persist(t, m, u, p)
			flush(t, m)

			m = be.orm.Fork()
			uu := findOne[User[K]](t, m, u.ID, "posts")
			ref, err := em.Reference[Post[K]](m, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			uu.Posts.Add(ref)
			persist(t, m, uu)
			flush(t, m)
			holdsExactly(t, "user.Posts", &uu.Posts, ref)
			got := findOne[Post[K]](t, be.orm.Fork(), p.ID, "author")
			if got.Author == nil || got.Author.ID != u.ID {
				t.Errorf("stored post.author is %v after user.Posts.Add(reference), want the user", got.Author)
			}
		}},
		// Seeds 1 and 18 (sqlite): an inverse 1:1 pointer set by a load
		// from the stored row while the owner moved in memory.
		{"inverse 1:1 loaded while the owner moved in memory", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			u1, u2 := &User[K]{Name: "u1"}, &User[K]{Name: "u2"}
			pr := &Profile[K]{Bio: "b", User: u1}
			persist(t, m, pr, u2)
			flush(t, m)

			m = be.orm.Fork()
			prof := findOne[Profile[K]](t, m, pr.ID)
			b := findOne[User[K]](t, m, u2.ID)
			prof.User = b
			persist(t, m, prof)
			a := findOne[User[K]](t, m, u1.ID, "profile")
			flush(t, m)
			if a.Profile != nil {
				t.Errorf("after the flush u1.Profile is still the profile that moved to u2")
			}
			if b.Profile != prof {
				t.Errorf("after the flush u2.Profile = %v, want the profile", b.Profile)
			}
		}},
		// Seeds 2 and 9 (sqlite): Set() after Add on an m:n collection that
		// is not loaded.
		{"m:n Set after Add takes the owner out of the other side", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			p, tag := &Post[K]{Title: "p"}, &Tag[K]{Name: "t"}
			persist(t, m, p, tag)
			flush(t, m)

			m = be.orm.Fork()
			pp := findOne[Post[K]](t, m, p.ID)
			tg := findOne[Tag[K]](t, m, tag.ID, "posts")
			pp.Tags.Add(tg)
			pp.Tags.Set()
			holdsExactly(t, "tag.Posts after post.Tags.Add(tag); post.Tags.Set()", &tg.Posts)
			flush(t, m)
			holdsExactly(t, "tag.Posts after the flush", &tg.Posts)
			got := findOne[Post[K]](t, be.orm.Fork(), p.ID, "tags")
			holdsExactly(t, "stored post.Tags", &got.Tags)
		}},
		// Seed 3 (sqlite, op 93): Set on a not-loaded inverse m:n collection.
		{"set on a not-loaded inverse m:n collection replaces the stored rows", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			tag := &Tag[K]{Name: "t"}
			p1, p2, p3 := &Post[K]{Title: "p1"}, &Post[K]{Title: "p2"}, &Post[K]{Title: "p3"}
			p1.Tags.Add(tag)
			p2.Tags.Add(tag)
			persist(t, m, p1, p2, p3)
			flush(t, m)

			m = be.orm.Fork()
			tg := findOne[Tag[K]](t, m, tag.ID)
			q3 := findOne[Post[K]](t, m, p3.ID)
			tg.Posts.Set(q3)
			persist(t, m, tg)
			flush(t, m)
			got := findOne[Tag[K]](t, be.orm.Fork(), tag.ID, "posts")
			if xs := items(t, "stored tag.Posts", &got.Posts); len(xs) != 1 || xs[0].ID != p3.ID {
				var keys []K
				for _, x := range xs {
					keys = append(keys, x.ID)
				}
				t.Errorf("stored tag.Posts = %v after tag.Posts.Set(p3), want only p3 %v", keys, p3.ID)
			}
		}},
		// Seeds 8, 14, 15 (sqlite), 2 (mongo): a flush with nothing to
		// write keeps the diff of a change that needed no statement.
		{"a collection change that writes nothing leaves no pending diff", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			cat := &Category[K]{Name: "c"}
			p := &Post[K]{Title: "p", Category: cat}
			persist(t, m, p)
			flush(t, m)

			m = be.orm.Fork()
			pp := findOne[Post[K]](t, m, p.ID, "category")
			pp.Category.Posts.Add(pp) // already its post: nothing to write
			flush(t, m)
			notDirty(t, "category.Posts after adding the post it already had", &pp.Category.Posts)
		}},
		// Seed 12 (sqlite, ops 125–146, a unique violation on g_profile):
		// a new entity removed before the flush is inserted anyway, through
		// the other side the ORM linked it to at Persist.
		{"a new entity removed before the flush is not inserted", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			p := &Post[K]{Title: "p"}
			persist(t, m, p)
			flush(t, m)

			m = be.orm.Fork()
			pp := findOne[Post[K]](t, m, p.ID, "comments")
			c := &Comment[K]{Body: "c", Post: pp}
			persist(t, m, c)
			if err := m.Remove(c); err != nil {
				t.Fatal(err)
			}
			flush(t, m)
			holdsExactly(t, "post.Comments after Persist(c); Remove(c); Flush", &pp.Comments)
			if n, err := em.Count[Comment[K]](ctx, be.orm.Fork(), qb.Cond{"post": p.ID}); err != nil || n != 0 {
				t.Errorf("%d comments stored (%v) after persisting and removing a new one, want 0", n, err)
			}
		}},
		{"a new 1:1 owner removed before the flush is not inserted", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			u := &User[K]{Name: "u"}
			pr := &Profile[K]{Bio: "b", User: u}
			persist(t, m, pr)
			if err := m.Remove(pr); err != nil {
				t.Fatal(err)
			}
			flush(t, m)
			if u.Profile != nil {
				t.Errorf("user.Profile still points at the removed new profile")
			}
			if n, err := em.Count[Profile[K]](ctx, be.orm.Fork(), qb.Cond{"user": u.ID}); err != nil || n != 0 {
				t.Errorf("%d profiles stored (%v) after persisting and removing a new one, want 0", n, err)
			}
		}},
		// Seeds 1, 3, 4 (mongo): removing rows that point at each other.
		{"removing a row and the row it points at in one flush", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			u := &User[K]{Name: "u"}
			p := &Post[K]{Title: "p", Author: u}
			top := &Category[K]{Name: "self"}
			top.Parent = top
			persist(t, m, p, top)
			flush(t, m)

			m = be.orm.Fork()
			pp := findOne[Post[K]](t, m, p.ID, "author")
			cc := findOne[Category[K]](t, m, top.ID)
			if err := m.Remove(pp, pp.Author, cc); err != nil {
				t.Fatal(err)
			}
			flush(t, m)
			if n, _ := em.Count[User[K]](ctx, be.orm.Fork(), qb.Cond{"id": u.ID}); n != 0 {
				t.Error("the user is still stored")
			}
		}},
		// Seeds 4 and 5 (mongo): Refresh of an entity with a pending m:n
		// change.
		{"refresh with a pending m:n change keeps memory and database equal", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			t1, t2 := &Tag[K]{Name: "t1"}, &Tag[K]{Name: "t2"}
			p := &Post[K]{Title: "p"}
			p.Tags.Add(t1)
			persist(t, m, p, t2)
			flush(t, m)

			m = be.orm.Fork()
			pp := findOne[Post[K]](t, m, p.ID, "tags")
			tg2 := findOne[Tag[K]](t, m, t2.ID, "posts")
			pp.Tags.Add(tg2)
			if err := m.Refresh(ctx, pp); err != nil {
				t.Fatal(err)
			}
			flush(t, m)
			mem := len(items(t, "post.Tags", &pp.Tags))
			got := findOne[Post[K]](t, be.orm.Fork(), p.ID, "tags")
			if db := len(items(t, "stored post.Tags", &got.Tags)); mem != db {
				t.Errorf("after Add, Refresh and Flush: post.Tags holds %d tags in memory, %d stored", mem, db)
			}
		}},
		// Seed 2 (mongo, op 96): a collection loaded after an item left it
		// (Persisted, not flushed) holds it; the next Persist of the item
		// does not take it out (the flush does).
		{"persist takes an item out of a collection loaded after it left", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			p1, p2 := &Post[K]{Title: "p1"}, &Post[K]{Title: "p2"}
			c := &Comment[K]{Body: "c", Post: p1}
			persist(t, m, c, p2)
			flush(t, m)

			for _, to := range []string{"another post", "nil"} {
				m = be.orm.Fork()
				cm := findOne[Comment[K]](t, m, c.ID)
				cm.Post = nil
				if to != "nil" {
					cm.Post = findOne[Post[K]](t, m, p2.ID)
				}
				persist(t, m, cm)
				a := findOne[Post[K]](t, m, p1.ID, "comments")
				persist(t, m, cm)
				holdsExactly(t, "p1.Comments (loaded after c.Post = "+to+"; Persist(c)) after Persist(c)", &a.Comments)
			}
		}},
	}
}
