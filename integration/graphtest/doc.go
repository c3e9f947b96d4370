// Package graphtest owns one guarantee: the in-memory graph is the truth.
// Changes made on either side of a relation show on the other side (at once
// through collections, at Persist and Flush through pointers), and after a
// successful flush what an EntityManager holds equals what the database
// holds. It holds tests only, run on every backend (SQLite, PostgreSQL,
// MySQL, MariaDB with int64 keys; MongoDB on embedded FerretDB with ObjectID
// keys) through the harness.
//
// # The model (model_test.go)
//
// Generic over the key type: User, Post, Comment, Tag, Profile, Category.
// Post.Author (m:1) ↔ User.Posts (1:m), Comment.Post ↔ Post.Comments,
// Post.Category ↔ Category.Posts: nullable foreign keys, so leaving a 1:m
// collection nulls the pointer. Post.Tags (owning m:n) ↔ Tag.Posts (inverse
// m:n). Profile.User (owning 1:1, unique) ↔ User.Profile (inverse 1:1).
// Category.Parent ↔ Category.Children: a self-reference. User.FavoritePost
// and Post.Author: a foreign-key cycle, nullable both ways. Strings and ints
// to change.
//
// # TestGraph (graph_test.go, ops_test.go)
//
// A seeded math/rand/v2 PCG draws operations on one EntityManager (EM1):
// persist a new entity (relations set to existing, new or no entities; new
// ones cascade), remove an entity (after nulling the owning pointers at it,
// found by a query and in EM1, as foreign keys require), Add / Remove / Set
// on a collection (1:m inverse side, m:n owning and inverse side; owner
// loaded, new, or an unloaded reference), set an owning to-one pointer (m:1,
// 1:1, the self-reference, the cycle) and sometimes Persist, change a
// scalar, flush, Clear and reload, Refresh, Find / FindAll / FindOne with
// random populate paths and strategy (joined on SQL only: MongoDB has no
// joins), Populate and Init. Only valid operations are drawn (no NOT NULL
// or unique violation on purpose, no pivot row added twice; new items
// joining a collection of an unloaded reference are persisted first, since
// the ORM does not cascade from references).
//
// Immediate checks (local_test.go) follow each operation: after Add, Remove
// and Set, a 1:m item's owning pointer is the owner (or nil) and it has left
// its old owner's loaded collection; a loaded m:n other side gained or lost
// the owner; a collection that was not loaded stays so (Len returns
// rel.ErrNotInitialized); no SQL statement ran. After Persist, loaded
// inverse collections and inverse 1:1 pointers are in step with the
// entity's pointers, and a new entity's collections are initialized. A
// broken immediate check is reported once per kind and the run goes on.
//
// After every successful flush (check_test.go) a fresh fork (EM2) loads
// every row of every type with every relation populated, and every loaded
// entity of EM1 is compared with its row: scalars, owning pointers (and
// inverse 1:1 pointers EM1 holds), every initialized collection as a set of
// keys; uninitialized collections must say so; nothing is left new,
// removed, dirty or with a pending collection diff (unloaded references
// included). Then, one check in three and always the last, EM1 loads every
// row and relation too (loaded collections are not reloaded, so staleness
// shows), the structural comparison runs again, and m.ToJSON of every
// entity must be the same in both, compared after sorting the items of
// every array by key (nothing dropped: order is not content). A JSON
// comparison whose documents would be too large (ToJSON follows every path)
// is skipped and counted. A mismatch or a failed flush ends the run with the
// seed, the operation index, the last 30 operations and both sides.
//
// # Flags
//
//	-graph.ops=N      operations per random run (default 800)
//	-graph.seed=S     first seed (default 1)
//	-graph.seeds=K    random runs per backend: seeds S … S+K-1 (default 3)
//	-graph.trace      log every operation
//	-graph.avoid=a,b  operation variants not to draw, to look past a known
//	                  failure: set-unloaded-1:m, set-unloaded-m:n,
//	                  remove-ref-unloaded-1:m, ref-owner, ref-item,
//	                  pointer-after-coll, populate-inverse-1:1,
//	                  noop-unloaded-1:m, remove-new, remove-chain,
//	                  refresh-dirty (see ops_test.go)
//
// The seeds in regressions (graph_test.go) always run, each on the backend
// where it was found (a seed's operations depend on the library's behaviour
// and on row order, so it replays exactly only there, and only until the
// library changes what it does). TestBlog holds the user-reported
// scenarios, TestRepro one minimal scenario per failure the random runs
// found.
package graphtest
