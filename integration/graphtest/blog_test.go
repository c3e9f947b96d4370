package graphtest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/rel"
)

// scenario is one explicit test, written once for both key types.
type scenario struct {
	name string
	run  func(t *testing.T, be *backend)
}

// runScenarios runs the scenarios on every backend, all in one namespace
// per backend (each scenario writes its own rows).
func runScenarios(t *testing.T, sql, mongo []scenario) {
	each := func(list []scenario) func(t *testing.T, open func(t *testing.T) *backend) {
		return func(t *testing.T, open func(t *testing.T) *backend) {
			be := open(t)
			for _, s := range list {
				t.Run(s.name, func(t *testing.T) { s.run(t, be) })
			}
		}
	}
	forEachBackend(t, each(sql), each(mongo))
}

// flush flushes m, failing the test on error.
func flush(t *testing.T, m *em.EntityManager) {
	t.Helper()
	if err := m.Flush(context.Background()); err != nil {
		t.Fatalf("flush: %v", err)
	}
}

func persist(t *testing.T, m *em.EntityManager, objs ...any) {
	t.Helper()
	if err := m.Persist(objs...); err != nil {
		t.Fatalf("persist: %v", err)
	}
}

// findOne loads one entity by key, failing the test when it is missing.
func findOne[T any](t *testing.T, m *em.EntityManager, key any, paths ...string) *T {
	t.Helper()
	var opts []em.FindOption
	if len(paths) > 0 {
		opts = append(opts, em.Populate(paths...))
	}
	x, err := em.FindOneOrFail[T](context.Background(), m, key, opts...)
	if err != nil {
		t.Fatalf("find %T %v: %v", x, key, err)
	}
	return x
}

// items returns the items of a collection, failing the test when it is not
// initialized.
func items[T any](t *testing.T, what string, c *rel.Collection[T]) []T {
	t.Helper()
	xs, err := c.Items()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return xs
}

// holdsExactly fails the test unless c is initialized and holds exactly want
// (in any order).
func holdsExactly[T comparable](t *testing.T, what string, c *rel.Collection[T], want ...T) {
	t.Helper()
	got := items(t, what, c)
	ok := len(got) == len(want)
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		ok = ok && found
	}
	if !ok {
		t.Errorf("%s holds %d items %v, want %v", what, len(got), got, want)
	}
}

// notInitialized fails the test unless Len of c is rel.ErrNotInitialized.
func notInitialized[T any](t *testing.T, what string, c *rel.Collection[T]) {
	t.Helper()
	if n, err := c.Len(); !errors.Is(err, rel.ErrNotInitialized) {
		t.Errorf("%s: Len() = %d, %v; want rel.ErrNotInitialized (it was never loaded)", what, n, err)
	}
}

// blogScenarios are the user-reported scenarios (a blog with User, Post,
// Comment, Tag; Profile for 1:1).
func blogScenarios[K Key]() []scenario {
	return []scenario{
		{"tags add, inverse loaded", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			post, tag := &Post[K]{Title: "p"}, &Tag[K]{Name: "t"}
			persist(t, m, post, tag)
			flush(t, m)

			m = be.orm.Fork()
			p := findOne[Post[K]](t, m, post.ID)
			tg := findOne[Tag[K]](t, m, tag.ID, "posts")
			p.Tags.Add(tg)
			persist(t, m, p)
			holdsExactly(t, "tag.Posts (loaded) after post.Tags.Add and Persist", &tg.Posts, p)
			flush(t, m)
			holdsExactly(t, "tag.Posts (loaded) after the flush", &tg.Posts, p)
			if be.b == harness.Mongo {
				// The post's document holds the keys of its tags: loading the
				// post initializes its owning m:n collection.
				holdsExactly(t, "post.Tags (read from the post's document)", &p.Tags, tg)
			} else {
				notInitialized(t, "post.Tags (never loaded, Add does not load it)", &p.Tags)
			}

			fresh := findOne[Tag[K]](t, be.orm.Fork(), tag.ID, "posts")
			if got := items(t, "fresh tag.Posts", &fresh.Posts); len(got) != 1 || got[0].ID != post.ID {
				t.Errorf("a fresh EntityManager sees tag.Posts %v, want the post", got)
			}
		}},
		{"tags add, inverse not loaded", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			post, tag := &Post[K]{Title: "p"}, &Tag[K]{Name: "t"}
			persist(t, m, post, tag)
			flush(t, m)

			m = be.orm.Fork()
			p := findOne[Post[K]](t, m, post.ID, "tags")
			tg := findOne[Tag[K]](t, m, tag.ID)
			p.Tags.Add(tg)
			persist(t, m, p)
			notInitialized(t, "tag.Posts (not loaded) after post.Tags.Add and Persist", &tg.Posts)
			flush(t, m)
			notInitialized(t, "tag.Posts (not loaded) after the flush", &tg.Posts)
			holdsExactly(t, "post.Tags after the flush", &p.Tags, tg)

			fresh := findOne[Post[K]](t, be.orm.Fork(), post.ID, "tags")
			if got := items(t, "fresh post.Tags", &fresh.Tags); len(got) != 1 || got[0].ID != tag.ID {
				t.Errorf("a fresh EntityManager sees post.Tags %v, want the tag", got)
			}
		}},
		{"new post and new comment flushed together", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			post := &Post[K]{Title: "p"}
			c := &Comment[K]{Body: "c", Post: post}
			persist(t, m, post, c)
			flush(t, m)
			if n, err := post.Comments.Len(); err != nil || n != 1 {
				t.Fatalf("post.Comments.Len() = %d, %v; want 1", n, err)
			}
			holdsExactly(t, "post.Comments", &post.Comments, c)

			b, err := m.ToJSON(post)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Comments []struct {
					Body string `json:"body"`
				} `json:"comments"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
			if len(doc.Comments) != 1 || doc.Comments[0].Body != "c" {
				t.Errorf("m.ToJSON(post) = %s, want the comment in \"comments\"", b)
			}
		}},
		{"new comment persisted alone cascades its new post", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			post := &Post[K]{Title: "p"}
			c := &Comment[K]{Body: "c", Post: post}
			persist(t, m, c)
			holdsExactly(t, "post.Comments after Persist(comment)", &post.Comments, c)
			flush(t, m)
			holdsExactly(t, "post.Comments after the flush", &post.Comments, c)
		}},
		{"comment moves between loaded posts at Persist", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			p1, p2 := &Post[K]{Title: "p1"}, &Post[K]{Title: "p2"}
			c := &Comment[K]{Body: "c", Post: p1}
			persist(t, m, c, p2)
			flush(t, m)

			m = be.orm.Fork()
			a := findOne[Post[K]](t, m, p1.ID, "comments")
			b := findOne[Post[K]](t, m, p2.ID, "comments")
			cm := items(t, "p1.Comments", &a.Comments)[0]
			cm.Post = b
			persist(t, m, cm)
			holdsExactly(t, "p1.Comments after comment.Post = p2; Persist", &a.Comments)
			holdsExactly(t, "p2.Comments after comment.Post = p2; Persist", &b.Comments, cm)
			flush(t, m)
			holdsExactly(t, "p1.Comments after the flush", &a.Comments)
			holdsExactly(t, "p2.Comments after the flush", &b.Comments, cm)
			fresh := findOne[Comment[K]](t, be.orm.Fork(), c.ID, "post")
			if fresh.Post == nil || fresh.Post.ID != p2.ID {
				t.Errorf("stored comment.post is %v, want p2", fresh.Post)
			}
		}},
		{"comments add and remove set the owning pointer at once", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			post := &Post[K]{Title: "p"}
			c := &Comment[K]{Body: "c"}
			persist(t, m, post, c)
			flush(t, m)

			m = be.orm.Fork()
			p := findOne[Post[K]](t, m, post.ID, "comments")
			cm := findOne[Comment[K]](t, m, c.ID)
			p.Comments.Add(cm)
			if cm.Post != p {
				t.Errorf("after post.Comments.Add(c): c.Post = %v, want the post at once", cm.Post)
			}
			flush(t, m)
			if got := findOne[Comment[K]](t, be.orm.Fork(), c.ID, "post"); got.Post == nil || got.Post.ID != post.ID {
				t.Errorf("stored comment.post after Add is %v, want the post", got.Post)
			}
			p.Comments.Remove(cm)
			if cm.Post != nil {
				t.Errorf("after post.Comments.Remove(c): c.Post = %v, want nil at once", cm.Post)
			}
			flush(t, m)
			if got := findOne[Comment[K]](t, be.orm.Fork(), c.ID, "post"); got.Post != nil {
				t.Errorf("stored comment.post after Remove is %v, want nil", got.Post)
			}
		}},
		{"1:1 owning pointer set at Persist sets the inverse", func(t *testing.T, be *backend) {
			m := be.orm.Fork()
			u1, u2 := &User[K]{Name: "u1"}, &User[K]{Name: "u2"}
			pr := &Profile[K]{Bio: "b", User: u1}
			persist(t, m, pr, u2)
			if u1.Profile != pr {
				t.Errorf("after Persist(profile) with profile.User = u1: u1.Profile = %v, want the profile", u1.Profile)
			}
			flush(t, m)

			m = be.orm.Fork()
			a := findOne[User[K]](t, m, u1.ID, "profile")
			b := findOne[User[K]](t, m, u2.ID, "profile")
			if a.Profile == nil {
				t.Fatal("u1.Profile not loaded")
			}
			p := a.Profile
			p.User = b
			persist(t, m, p)
			if b.Profile != p || a.Profile != nil {
				t.Errorf("after profile.User = u2; Persist: u1.Profile = %v, u2.Profile = %v; want nil and the profile", a.Profile, b.Profile)
			}
			flush(t, m)
			if got := findOne[User[K]](t, be.orm.Fork(), u2.ID, "profile"); got.Profile == nil || got.Profile.ID != pr.ID {
				t.Errorf("stored: u2's profile is %v, want the profile", got.Profile)
			}
		}},
	}
}

// TestBlog runs the user-reported scenarios on every backend.
func TestBlog(t *testing.T) {
	runScenarios(t, blogScenarios[int64](), blogScenarios[string]())
}
