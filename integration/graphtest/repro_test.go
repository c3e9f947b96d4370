package graphtest

import (
	"github.com/unitorm/unitorm/internal/uow"

	"context"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// The minimal reproductions of what TestGraph found, one scenario each. The
// comment of each names the seed and operations that found it.

// notDirty fails the test when the collection has a pending diff.
func notDirty(t *testing.T, what string, c interface{ IsDirty() bool }) {
	t.Helper()
	if c.IsDirty() {
		t.Errorf("%s has a pending diff after a successful flush", what)
	}
}

// storedPostOf returns the key of the stored post of comment c (zero when none).
func storedPostOf[K Key](t *testing.T, be *backend, c K) K {
	t.Helper()
	got := findOne[Comment[K]](t, be.orm.Fork(), c, "post")
	var zero K
	if got.Post == nil {
		return zero
	}
	return got.Post.ID
}

func reproScenarios[K Key]() []scenario {
	ctx := context.Background()
	var zero K
	return append([]scenario{
		// Seed 1 (sqlite, op 293): Category.posts.Set() on a collection
		// that was not loaded.
		{"set on a not-loaded 1:m collection unlinks the stored items", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			cat := &Category[K]{Name: "c"}
			p := &Post[K]{Title: "p", Category: cat}
			persist(t, m, p)
			flush(t, m)

			m = be.orm.Fork()
			c := findOne[Category[K]](t, m, cat.ID)
			c.Posts.Set()
			persist(t, m, c)
			flush(t, m)
			holdsExactly(t, "category.Posts after Set()", &c.Posts)
			notDirty(t, "category.Posts", &c.Posts)
			if got := findOne[Post[K]](t, be.orm.Fork(), p.ID, "category"); got.Category != nil {
				t.Errorf("stored post.category is still the category after category.Posts.Set()")
			}
		}},
		// Seed 10 (sqlite, op 558): the same on an unloaded reference,
		// keeping one of its items.
		{"set on a 1:m collection of an unloaded reference replaces the stored items", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			u := &User[K]{Name: "u"}
			p1, p2 := &Post[K]{Title: "p1", Author: u}, &Post[K]{Title: "p2", Author: u}
			persist(t, m, p1, p2)
			flush(t, m)

			m = be.orm.Fork()
			ref, err := em.Reference[User[K]](m, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			ref.Posts.Set(findOne[Post[K]](t, m, p1.ID))
			persist(t, m, ref)
			// p2 is loaded after the Set: its stored row still names u.
			q2 := findOne[Post[K]](t, m, p2.ID, "author")
			flush(t, m)
			stored := findOne[Post[K]](t, be.orm.Fork(), p2.ID, "author")
			if (q2.Author == nil) != (stored.Author == nil) {
				t.Errorf("after the flush p2 (loaded after u.Posts.Set(p1)) points at u: %v in memory, %v stored", q2.Author != nil, stored.Author != nil)
			}
			got := findOne[User[K]](t, be.orm.Fork(), u.ID, "posts")
			if xs := items(t, "stored user.Posts", &got.Posts); len(xs) != 1 || xs[0].ID != p1.ID {
				var keys []K
				for _, x := range xs {
					keys = append(keys, x.ID)
				}
				t.Errorf("stored user.Posts = %v after reference.Posts.Set(p1), want only p1 %v", keys, p1.ID)
			}
		}},
		// Seed 3 (sqlite, ops 149–174): the same with the item loaded: it
		// points at the owner, so Set must unlink it at once.
		{"set on a not-loaded 1:m collection unlinks the loaded items", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			cat := &Category[K]{Name: "c"}
			p := &Post[K]{Title: "p", Category: cat}
			persist(t, m, p)
			flush(t, m)

			m = be.orm.Fork()
			pp := findOne[Post[K]](t, m, p.ID, "category")
			c := pp.Category
			c.Posts.Set()
			if pp.Category != nil {
				t.Errorf("after category.Posts.Set() (not loaded): the loaded post still points at the category")
			}
			flush(t, m)
			got := findOne[Post[K]](t, be.orm.Fork(), p.ID, "category")
			if (got.Category == nil) != (pp.Category == nil) {
				t.Errorf("after the flush: post.category is %v in memory, %v stored", pp.Category != nil, got.Category != nil)
			}
			holdsExactly(t, "category.Posts", &c.Posts)
		}},
		// Seed 3 (sqlite, ops 4–21), seed 1 (op 348): an item whose owning
		// pointer a collection Add or Remove set is not moved by a later
		// pointer change and Persist.
		{"item added through a collection then moved by its pointer leaves the first owner", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			p1, p2 := &Post[K]{Title: "p1"}, &Post[K]{Title: "p2"}
			c := &Comment[K]{Body: "c"}
			persist(t, m, p1, p2, c)
			flush(t, m)

			m = be.orm.Fork()
			a := findOne[Post[K]](t, m, p1.ID, "comments")
			b := findOne[Post[K]](t, m, p2.ID, "comments")
			cm := findOne[Comment[K]](t, m, c.ID)
			a.Comments.Add(cm) // cm.Post = a at once
			cm.Post = b
			persist(t, m, cm)
			holdsExactly(t, "p1.Comments after p1.Comments.Add(c); c.Post = p2; Persist(c)", &a.Comments)
			holdsExactly(t, "p2.Comments", &b.Comments, cm)
			flush(t, m)
			holdsExactly(t, "p1.Comments after the flush", &a.Comments)
			if got := storedPostOf(t, be, c.ID); got != p2.ID {
				t.Errorf("stored comment.post = %v, want p2 %v", got, p2.ID)
			}
		}},
		{"item removed through a collection then pointed back joins it again", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			p := &Post[K]{Title: "p"}
			c := &Comment[K]{Body: "c", Post: p}
			persist(t, m, c)
			flush(t, m)

			m = be.orm.Fork()
			pp := findOne[Post[K]](t, m, p.ID, "comments")
			cm := items(t, "post.Comments", &pp.Comments)[0]
			pp.Comments.Remove(cm) // cm.Post = nil at once
			cm.Post = pp
			persist(t, m, cm)
			holdsExactly(t, "post.Comments after Remove(c); c.Post = post; Persist(c)", &pp.Comments, cm)
			flush(t, m)
			holdsExactly(t, "post.Comments after the flush", &pp.Comments, cm)
			notDirty(t, "post.Comments", &pp.Comments)
		}},
		// Seeds 3, 4, 6 (sqlite): Refresh of an item a collection Remove
		// had unlinked.
		{"refresh of an item removed through a collection puts it back", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			p := &Post[K]{Title: "p"}
			c := &Comment[K]{Body: "c", Post: p}
			persist(t, m, c)
			flush(t, m)

			m = be.orm.Fork()
			pp := findOne[Post[K]](t, m, p.ID, "comments")
			cm := items(t, "post.Comments", &pp.Comments)[0]
			pp.Comments.Remove(cm)
			if err := m.Refresh(ctx, cm); err != nil {
				t.Fatal(err)
			}
			if cm.Post != pp {
				t.Fatalf("after Refresh(c): c.Post = %v, want the stored post", cm.Post)
			}
			holdsExactly(t, "post.Comments after Refresh(c) reloaded c.Post = post", &pp.Comments, cm)
			flush(t, m)
			holdsExactly(t, "post.Comments after the flush (the stored comment is the post's)", &pp.Comments, cm)
			if got := storedPostOf(t, be, c.ID); got != p.ID {
				t.Errorf("stored comment.post = %v, want the post", got)
			}
		}},
		// Seed 1 (sqlite, op 731): Remove of an unloaded reference from a
		// collection that is not loaded.
		{"removing an unloaded reference from a not-loaded 1:m collection", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			p := &Post[K]{Title: "p"}
			c := &Comment[K]{Body: "c", Post: p}
			persist(t, m, c)
			flush(t, m)

			m = be.orm.Fork()
			pp := findOne[Post[K]](t, m, p.ID)
			ref, err := em.Reference[Comment[K]](m, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			pp.Comments.Remove(ref)
			persist(t, m, pp)
			flush(t, m)
			notDirty(t, "post.Comments", &pp.Comments)
			if got := storedPostOf(t, be, c.ID); got != zero {
				t.Errorf("stored comment.post = %v after post.Comments.Remove(reference), want nil", got)
			}
		}},
		// Seed 2 (sqlite, ops 353–431, a foreign-key violation at the
		// flush after): the owner of a collection an unloaded reference was
		// added to is deleted; the reference keeps pointing at it, and the
		// deleted row comes back as a reference.
		{"deleting the owner a reference was added to leaves no pointer at it", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			cat := &Category[K]{Name: "c"}
			p := &Post[K]{Title: "p"}
			persist(t, m, p, cat)
			flush(t, m)

			m = be.orm.Fork()
			c := findOne[Category[K]](t, m, cat.ID)
			ref, err := em.Reference[Post[K]](m, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			c.Posts.Add(ref) // ref.Category = c at once
			if err := m.Remove(c); err != nil {
				t.Fatal(err)
			}
			flush(t, m)
			if ref.Category != nil {
				t.Errorf("the reference still points at the deleted category")
			}
			tag := &Tag[K]{Name: "t"}
			tag.Posts.Add(ref)
			persist(t, m, tag) // cascades to ref, and from ref?
			flush(t, m)
			if en, ok := uow.OfManager(m).EntryOf(c); ok {
				t.Errorf("the deleted category is tracked again (%v)", en.State)
			}
			got := findOne[Post[K]](t, be.orm.Fork(), p.ID, "category")
			if got.Category != nil {
				t.Errorf("stored post.category = %v, want nil", got.Category.ID)
			}
		}},
		// Seed 15 (sqlite, ops 465–497): where a collection Add left an
		// item is remembered after the item moved by its pointer and two
		// flushes; adding it again to the first owner then takes it out.
		{"adding again an item that moved away since a collection Add", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			p1, p2 := &Post[K]{Title: "p1"}, &Post[K]{Title: "p2"}
			c := &Comment[K]{Body: "c"}
			persist(t, m, p1, p2, c)
			flush(t, m)

			m = be.orm.Fork()
			a := findOne[Post[K]](t, m, p1.ID)
			b := findOne[Post[K]](t, m, p2.ID)
			cm := findOne[Comment[K]](t, m, c.ID)
			a.Comments.Add(cm)
			flush(t, m)
			cm.Post = b
			persist(t, m, cm)
			flush(t, m)
			if err := m.Init(ctx, &a.Comments); err != nil {
				t.Fatal(err)
			}
			a.Comments.Add(cm)
			holdsExactly(t, "p1.Comments after Add(c)", &a.Comments, cm)
			flush(t, m)
			holdsExactly(t, "p1.Comments after the flush", &a.Comments, cm)
			if got := storedPostOf(t, be, c.ID); got != p1.ID {
				t.Errorf("stored comment.post = %v, want p1 %v", got, p1.ID)
			}
		}},
		// Seed 14 (sqlite, ops 422–465): the new owner's collection was not
		// loaded at Persist; loaded later (with the item, by its pointer), it
		// keeps the item when the item moves on.
		{"an owner's collection loaded after the item joined it by pointer loses it when it moves on", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			u1, u2, u3 := &User[K]{Name: "u1"}, &User[K]{Name: "u2"}, &User[K]{Name: "u3"}
			p := &Post[K]{Title: "p", Author: u1}
			persist(t, m, p, u2, u3)
			flush(t, m)

			m = be.orm.Fork()
			pp := findOne[Post[K]](t, m, p.ID)
			a2 := findOne[User[K]](t, m, u2.ID)
			pp.Author = a2
			persist(t, m, pp)
			if err := m.Populate(ctx, a2, "posts"); err != nil {
				t.Fatal(err)
			}
			holdsExactly(t, "u2.Posts loaded after post.Author = u2; Persist", &a2.Posts, pp)
			a3 := findOne[User[K]](t, m, u3.ID, "posts")
			pp.Author = a3
			persist(t, m, pp)
			holdsExactly(t, "u2.Posts after post.Author = u3; Persist", &a2.Posts)
			flush(t, m)
			holdsExactly(t, "u2.Posts after the flush", &a2.Posts)
			holdsExactly(t, "u3.Posts after the flush", &a3.Posts, pp)
		}},
		// Seed 4 (postgres, ops 595–602): the owner's collection, loaded
		// while the item pointed elsewhere (not persisted), does not get
		// the item back when the pointer returns to the stored value.
		{"an item pointed back at the owner whose collection was loaded meanwhile joins it", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			u := &User[K]{Name: "u"}
			p := &Post[K]{Title: "p", Author: u}
			persist(t, m, p)
			flush(t, m)

			m = be.orm.Fork()
			pp := findOne[Post[K]](t, m, p.ID)
			pp.Author = nil
			uu := findOne[User[K]](t, m, u.ID, "posts")
			holdsExactly(t, "user.Posts loaded while post.Author = nil", &uu.Posts)
			pp.Author = uu
			persist(t, m, pp)
			holdsExactly(t, "user.Posts after post.Author = user; Persist", &uu.Posts, pp)
			flush(t, m)
			holdsExactly(t, "user.Posts after the flush", &uu.Posts, pp)
		}},
		// Seed 17 (sqlite, ops 297–310): moving an item to an owner whose
		// collection is not loaded, then back.
		{"an item moved to an owner with a not-loaded collection and back rejoins the first", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			p1, p2 := &Post[K]{Title: "p1"}, &Post[K]{Title: "p2"}
			c := &Comment[K]{Body: "c", Post: p1}
			persist(t, m, c, p2)
			flush(t, m)

			m = be.orm.Fork()
			a := findOne[Post[K]](t, m, p1.ID, "comments")
			b := findOne[Post[K]](t, m, p2.ID) // comments not loaded
			cm := findOne[Comment[K]](t, m, c.ID)
			cm.Post = b
			persist(t, m, cm)
			holdsExactly(t, "p1.Comments after c.Post = p2; Persist", &a.Comments)
			cm.Post = a
			persist(t, m, cm)
			holdsExactly(t, "p1.Comments after c.Post = p1 again; Persist", &a.Comments, cm)
			flush(t, m)
			holdsExactly(t, "p1.Comments after the flush", &a.Comments, cm)
		}},
		// Seed 9 (sqlite, ops 694–710): a load places an item in its new
		// owner's collection by its pointer (not persisted) and records
		// that as in step: the owner a collection Add gave it keeps it.
		{"an item added to a collection, moved by its pointer and placed by a load leaves the first owner", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			p0, p1, p2 := &Post[K]{Title: "p0"}, &Post[K]{Title: "p1"}, &Post[K]{Title: "p2"}
			c := &Comment[K]{Body: "c", Post: p0}
			persist(t, m, c, p1, p2)
			flush(t, m)

			m = be.orm.Fork()
			a := findOne[Post[K]](t, m, p1.ID, "comments")
			cm := findOne[Comment[K]](t, m, c.ID)
			b := findOne[Post[K]](t, m, p2.ID)
			a.Comments.Add(cm)
			cm.Post = b
			if err := m.Populate(ctx, b, "comments"); err != nil {
				t.Fatal(err)
			}
			flush(t, m)
			holdsExactly(t, "p1.Comments after the flush (c.Post = p2)", &a.Comments)
			holdsExactly(t, "p2.Comments after the flush", &b.Comments, cm)
		}},
		// Seeds 69 and 79 (sqlite): an inverse 1:1 pointer filled by a load
		// from the owner's pointer (not persisted) stays when the owner
		// moves on.
		{"inverse 1:1 filled by a load from an unpersisted pointer follows the owner", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			u1, u2 := &User[K]{Name: "u1"}, &User[K]{Name: "u2"}
			pr := &Profile[K]{Bio: "b"}
			persist(t, m, pr, u1, u2)
			flush(t, m)

			m = be.orm.Fork()
			prof := findOne[Profile[K]](t, m, pr.ID)
			a := findOne[User[K]](t, m, u1.ID)
			b := findOne[User[K]](t, m, u2.ID)
			prof.User = a
			if err := m.Populate(ctx, a, "profile"); err != nil {
				t.Fatal(err)
			}
			prof.User = b
			persist(t, m, prof)
			if a.Profile != nil {
				t.Errorf("after profile.User = u2; Persist: u1.Profile is still the profile")
			}
			flush(t, m)
			if a.Profile != nil || b.Profile != prof {
				t.Errorf("after the flush: u1.Profile = %v, u2.Profile = %v; want nil and the profile", a.Profile, b.Profile)
			}
		}},
		// Seed 116 (sqlite, ops 9–19): an item moved by its pointer (not
		// persisted), then removed from the old owner's collection (which
		// still held it): the new owner's loaded collection never gets it.
		{"an item moved by pointer then removed from its old owner's collection joins the new one", func(t *testing.T, be *backend) {
			for _, stored := range []bool{true, false} {
				m := be.orm.Fork()
				u1, u2 := &User[K]{Name: "u1"}, &User[K]{Name: "u2"}
				p := &Post[K]{Title: "p", Author: u1}
				persist(t, m, p, u2)
				if stored {
					flush(t, m)
					m = be.orm.Fork()
					u1 = findOne[User[K]](t, m, u1.ID, "posts")
					u2 = findOne[User[K]](t, m, u2.ID, "posts")
					p = findOne[Post[K]](t, m, p.ID)
				}
				what := map[bool]string{true: "stored", false: "new"}[stored]
				p.Author = u2
				u1.Posts.Remove(p)
				persist(t, m, p)
				holdsExactly(t, what+": u2.Posts after post.Author = u2; u1.Posts.Remove(post); Persist(post)", &u2.Posts, p)
				flush(t, m)
				holdsExactly(t, what+": u2.Posts after the flush", &u2.Posts, p)
			}
		}},
		// Seed 181 (sqlite, ops 262–279): a new entity whose pointer moved
		// (not persisted) is removed before the flush: it was inserted
		// anyway and its first owner's loaded collection kept it.
		{"a new entity moved by its pointer then removed is not inserted", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			c1, c2 := &Category[K]{Name: "c1"}, &Category[K]{Name: "c2"}
			persist(t, m, c1, c2)
			flush(t, m)

			m = be.orm.Fork()
			a := findOne[Category[K]](t, m, c1.ID, "posts")
			b := findOne[Category[K]](t, m, c2.ID, "posts")
			p := &Post[K]{Title: "moved then removed", Category: a}
			persist(t, m, p)
			p.Category = b
			if err := m.Remove(p); err != nil {
				t.Fatal(err)
			}
			flush(t, m)
			holdsExactly(t, "c1.Posts after the flush", &a.Posts)
			holdsExactly(t, "c2.Posts after the flush", &b.Posts)
			var zero K
			if p.ID != zero {
				t.Errorf("the removed new post was inserted (key %v)", p.ID)
			}
			for _, c := range []K{c1.ID, c2.ID} {
				if n, err := em.Count[Post[K]](ctx, be.orm.Fork(), qb.Cond{"category": c}); err != nil || n != 0 {
					t.Errorf("%d posts stored in category %v (%v), want 0", n, c, err)
				}
			}
		}},
	}, reproLoadScenarios[K]()...)
}

// TestRepro runs the minimal reproductions on every backend.
func TestRepro(t *testing.T) {
	runScenarios(t, reproScenarios[int64](), reproScenarios[string]())
}
