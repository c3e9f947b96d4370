package graphtest

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// kind is what the random test knows about one entity type: its metadata
// and the generic finders instantiated for it.
type kind struct {
	e       *meta.Entity
	cap     int // most rows (stored plus new) the test lets it have
	find    func(ctx context.Context, m *em.EntityManager, where qb.Condition, opts ...em.FindOption) ([]any, error)
	findOne func(ctx context.Context, m *em.EntityManager, key any, opts ...em.FindOption) (any, error)
	ref     func(m *em.EntityManager, key any) (any, error)
	slice   func(objs []any) any // []*T of objs, for m.Populate
}

func kindOf[T any](reg *meta.Registry, capacity int) *kind {
	e, ok := reg.Entity(reflect.TypeFor[T]())
	if !ok {
		panic(fmt.Sprintf("graphtest: %s is not registered", reflect.TypeFor[T]()))
	}
	return &kind{
		e:   e,
		cap: capacity,
		find: func(ctx context.Context, m *em.EntityManager, where qb.Condition, opts ...em.FindOption) ([]any, error) {
			xs, err := em.Find[T](ctx, m, where, opts...)
			out := make([]any, len(xs))
			for i, x := range xs {
				out[i] = x
			}
			return out, err
		},
		findOne: func(ctx context.Context, m *em.EntityManager, key any, opts ...em.FindOption) (any, error) {
			x, err := em.FindOne[T](ctx, m, key, opts...)
			if x == nil {
				return nil, err
			}
			return x, err
		},
		ref: func(m *em.EntityManager, key any) (any, error) {
			x, err := em.Reference[T](m, key)
			if x == nil {
				return nil, err
			}
			return x, err
		},
		slice: func(objs []any) any {
			out := make([]*T, len(objs))
			for i, o := range objs {
				out[i] = o.(*T)
			}
			return out
		},
	}
}

// kindsOf returns the model's kinds for key type K, in a fixed order.
func kindsOf[K Key](reg *meta.Registry) []*kind {
	return []*kind{
		kindOf[User[K]](reg, 6),
		kindOf[Post[K]](reg, 9),
		kindOf[Comment[K]](reg, 9),
		kindOf[Tag[K]](reg, 6),
		kindOf[Profile[K]](reg, 5),
		kindOf[Category[K]](reg, 7),
	}
}

// world is one seeded run on one backend: the working EntityManager (EM1)
// the operations act on, the random source and the operation log.
type world[K Key] struct {
	t     *testing.T
	be    *backend
	ctx   context.Context
	m     *em.EntityManager
	rng   *rand.Rand
	seed  uint64
	nops  int
	step  int
	log   []string
	kinds []*kind
	byE   map[*meta.Entity]*kind

	labels map[unsafe.Pointer]string // names of entities created by the test, until they have a key
	nnew   int
	short  map[string]string      // MongoDB ObjectIDs → short names
	known  map[*meta.Entity][]any // keys stored at the last check, ascending
	// unsynced holds the entities whose to-one pointers were set without
	// a Persist since: the other sides may legitimately lag until the flush.
	unsynced map[unsafe.Pointer]bool
	// collMoved holds the entities added to or removed from a collection
	// since the last flush (for -graph.avoid=pointer-after-coll).
	collMoved map[unsafe.Pointer]bool

	reported map[string]bool // signatures of immediate-check failures already reported
	failures int             // immediate-check failures
	checks   int
	jsons    int
	skipped  int // JSON comparisons skipped as too large
	stopped  bool
	opCount  map[string]int
	avoid    string // operation variants not generated (see ops_test.go)
}

func newWorld[K Key](t *testing.T, be *backend, seed uint64, nops int, avoid string) *world[K] {
	w := &world[K]{
		avoid: avoid,
		t:     t, be: be, ctx: context.Background(), m: be.orm.Fork(),
		rng:  rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		seed: seed, nops: nops,
		byE:       map[*meta.Entity]*kind{},
		labels:    map[unsafe.Pointer]string{},
		short:     map[string]string{},
		known:     map[*meta.Entity][]any{},
		unsynced:  map[unsafe.Pointer]bool{},
		collMoved: map[unsafe.Pointer]bool{},
		reported:  map[string]bool{},
		opCount:   map[string]int{},
	}
	w.kinds = kindsOf[K](be.orm.Registry())
	for _, k := range w.kinds {
		w.byE[k.e] = k
	}
	return w
}

func (w *world[K]) mongo() bool { return w.be.sqlQueries() < 0 }

// avoided reports whether the operation variant v is not to be generated
// (-graph.avoid, or the regression case's own list).
func (w *world[K]) avoided(v string) bool { return listed(*flagAvoid, v) || listed(w.avoid, v) }

// --- random choices ---

func (w *world[K]) chance(p float64) bool { return w.rng.Float64() < p }

func (w *world[K]) intn(n int) int { return w.rng.IntN(n) }

func pick[T any](w interface{ intn(int) int }, xs []T) T {
	return xs[w.intn(len(xs))]
}

var words = []string{"ash", "birch", "cedar", "dogwood", "elm", "fir", "ginkgo", "hazel", "ivy", "juniper", "kapok", "larch"}

func (w *world[K]) word() string { return pick(w, words) + fmt.Sprint(w.intn(100)) }

// --- entities of EM1 ---

func ptrOf(obj any) unsafe.Pointer { return reflect.ValueOf(obj).UnsafePointer() }

func objAt(e *meta.Entity, ptr unsafe.Pointer) any { return reflect.NewAt(e.Type, ptr).Interface() }

// entry returns EM1's entry of the entity at ptr.
func (w *world[K]) entry(ptr unsafe.Pointer) (*uow.Entry, bool) {
	return uow.OfManager(w.m).IdentityMap().EntryOf(ptr)
}

// entries returns EM1's entries of e (all types when e is nil) in the given
// states, in registration order.
func (w *world[K]) entries(e *meta.Entity, states ...uow.State) []*uow.Entry {
	var out []*uow.Entry
	for _, en := range uow.OfManager(w.m).IdentityMap().Entries() {
		if (e == nil || en.Entity == e) && slices.Contains(states, en.State) {
			out = append(out, en)
		}
	}
	return out
}

// live returns the entities of e that operations may change: new ones and
// loaded managed ones (not references, not removed).
func (w *world[K]) live(e *meta.Entity) []*uow.Entry {
	var out []*uow.Entry
	for _, en := range w.entries(e, uow.StateNew, uow.StateManaged) {
		if en.State == uow.StateNew || en.Loaded() {
			out = append(out, en)
		}
	}
	return out
}

// targets returns what a relation may point at: live entities and, when
// refs is set, unloaded references too.
func (w *world[K]) targets(e *meta.Entity, refs bool) []*uow.Entry {
	if !refs {
		return w.live(e)
	}
	return w.entries(e, uow.StateNew, uow.StateManaged, uow.StateReference)
}

func (w *world[K]) loaded(ptr unsafe.Pointer) bool {
	en, ok := w.entry(ptr)
	return ok && (en.State == uow.StateNew || (en.State == uow.StateManaged && en.Loaded()))
}

// keyOf returns the primary key of the entity at ptr (nil when it has none yet).
func keyOf(e *meta.Entity, ptr unsafe.Pointer) any {
	if !uow.HasPK(e, ptr) {
		return nil
	}
	return e.PK[0].At.Interface(ptr)
}

// name describes the entity at ptr for logs: Post(3), Post(…a02e) for an
// ObjectID, Post<n7> for a new entity without a key yet.
func (w *world[K]) name(e *meta.Entity, ptr unsafe.Pointer) string {
	if ptr == nil {
		return "nil"
	}
	base := strings.SplitN(e.Name, "[", 2)[0]
	if k := keyOf(e, ptr); k != nil {
		return base + "(" + w.keyStr(k) + ")"
	}
	if l, ok := w.labels[ptr]; ok {
		return base + "<" + l + ">"
	}
	return fmt.Sprintf("%s<%p>", base, ptr)
}

func (w *world[K]) keyStr(k any) string {
	s := fmt.Sprint(k)
	if len(s) == 24 { // an ObjectID: keep its counter
		return "…" + s[18:]
	}
	return s
}

func (w *world[K]) nameOf(obj any) string {
	if obj == nil {
		return "nil"
	}
	e, err := w.m.Registry().EntityOf(obj)
	if err != nil {
		return fmt.Sprintf("%T", obj)
	}
	return w.name(e, ptrOf(obj))
}

// newEntity builds a new instance of e with random scalars (not persisted).
func (w *world[K]) newEntity(e *meta.Entity) (any, unsafe.Pointer) {
	obj := e.New()
	ptr := ptrOf(obj)
	for _, p := range e.Props {
		if p.Kind == meta.Scalar && !p.PK {
			w.setScalar(p, ptr)
		}
	}
	w.nnew++
	w.labels[ptr] = fmt.Sprintf("n%d", w.nnew)
	return obj, ptr
}

// labelNumber returns n of the label "n<n>" of an entity created by the
// test (0 for others).
func (w *world[K]) labelNumber(ptr unsafe.Pointer) int {
	n := 0
	if l, ok := w.labels[ptr]; ok {
		fmt.Sscanf(l, "n%d", &n)
	}
	return n
}

// setScalar gives a scalar property a new random value and describes it.
func (w *world[K]) setScalar(p *meta.Property, ptr unsafe.Pointer) string {
	var v any
	switch p.Type.Kind() {
	case reflect.String:
		v = w.word()
	case reflect.Int:
		v = w.intn(1000)
	default:
		panic("graphtest: no random value for " + p.String())
	}
	if err := p.At.Set(ptr, v); err != nil {
		panic(err)
	}
	return fmt.Sprintf("%v", v)
}

// count is how many rows of e there may be: stored at the last check plus
// new in EM1.
func (w *world[K]) count(e *meta.Entity) int {
	return len(w.known[e]) + len(w.entries(e, uow.StateNew))
}

// toOnes returns the owning to-one relations of every kind.
func (w *world[K]) relations(match func(r *meta.Relation) bool) []*meta.Relation {
	var out []*meta.Relation
	for _, k := range w.kinds {
		for _, r := range k.e.Relations {
			if match(r) {
				out = append(out, r)
			}
		}
	}
	return out
}

func owningToOne(r *meta.Relation) bool { return r.Owning && !r.Kind.IsToMany() }

func toMany(r *meta.Relation) bool { return r.Kind.IsToMany() }

// coll returns the collection of relation r in the entity at ptr.
func coll(r *meta.Relation, ptr unsafe.Pointer) meta.AnyCollection { return r.Prop.At.Collection(ptr) }

// holds reports whether the collection's items contain obj.
func holds(c meta.AnyCollection, ptr unsafe.Pointer) bool {
	for _, it := range c.AnyItems() {
		if ptrOf(it) == ptr {
			return true
		}
	}
	return false
}

// collValue is the typed collection field (a *rel.Collection[*T]) as a
// reflect.Value, for the methods AnyCollection has no untyped form of.
func collValue(r *meta.Relation, ptr unsafe.Pointer) reflect.Value {
	return reflect.NewAt(r.Prop.Type, r.Prop.At.Ptr(ptr))
}

// lenErr calls Len on the typed collection.
func lenErr(r *meta.Relation, ptr unsafe.Pointer) (int, error) {
	out := collValue(r, ptr).MethodByName("Len").Call(nil)
	err, _ := out[1].Interface().(error)
	return int(out[0].Int()), err
}

// --- the log ---

func (w *world[K]) logf(format string, args ...any) {
	line := fmt.Sprintf("#%d %s", w.step, fmt.Sprintf(format, args...))
	w.log = append(w.log, line)
	if *flagTrace {
		w.t.Log(line)
	}
}

// tail returns the last n lines of the operation log.
func (w *world[K]) tail(n int) string {
	from := max(0, len(w.log)-n)
	return "  " + strings.Join(w.log[from:], "\n  ")
}

// where says which run failed and how to reproduce it.
func (w *world[K]) where() string {
	avoid := ""
	if a := strings.Trim(w.avoid+","+*flagAvoid, ","); a != "" {
		avoid = " -graph.avoid=" + a
	}
	return fmt.Sprintf("backend %s, seed %d, op %d of %d (reproduce: go test ./graphtest -run 'TestGraph/%s/seed=%d$' -graph.seed=%d -graph.seeds=1 -graph.ops=%d%s)",
		w.be.b, w.seed, w.step, w.nops, w.be.b, w.seed, w.seed, w.nops, avoid)
}

// fail reports a failure that ends the run.
func (w *world[K]) fail(format string, args ...any) {
	w.t.Helper()
	w.stopped = true
	w.t.Errorf("%s\n%s\nlast operations:\n%s", w.where(), fmt.Sprintf(format, args...), w.tail(30))
}

// violation reports a broken immediate guarantee (once per signature) and
// lets the run go on: the flush checks still judge the end state.
func (w *world[K]) violation(sig, format string, args ...any) {
	w.t.Helper()
	w.failures++
	if w.reported[sig] {
		return
	}
	w.reported[sig] = true
	w.t.Errorf("%s\nimmediate check [%s]: %s\nlast operations:\n%s", w.where(), sig, fmt.Sprintf(format, args...), w.tail(12))
}

// --- the run ---

type op struct {
	name   string
	weight int
	run    func() bool // false when the op could not apply (nothing to act on)
}

func (w *world[K]) ops() []op {
	return []op{
		{"persist", 12, w.opPersistNew},
		{"remove", 4, w.opRemove},
		{"add", 12, w.opCollAdd},
		{"collremove", 8, w.opCollRemove},
		{"set", 3, w.opCollSet},
		{"pointer", 12, w.opSetPointer},
		{"scalar", 6, w.opScalar},
		{"flush", 8, w.opFlush},
		{"clear", 1, w.opClear},
		{"refresh", 2, w.opRefresh},
		{"load", 8, w.opLoad},
		{"populate", 5, w.opPopulate},
	}
}

// run performs nops random operations, then a final flush and full check.
func (w *world[K]) run() {
	ops := w.ops()
	total := 0
	for _, o := range ops {
		total += o.weight
	}
	start := time.Now()
	for w.step = 1; w.step <= w.nops && !w.stopped; w.step++ {
		for tries := 0; tries < 20; tries++ {
			n := w.intn(total)
			var o op
			for _, o = range ops {
				if n < o.weight {
					break
				}
				n -= o.weight
			}
			if o.run() {
				w.opCount[o.name]++
				break
			}
		}
	}
	if !w.stopped {
		w.step = w.nops + 1
		w.logf("final flush")
		w.flushAndCheck(true)
	}
	w.t.Logf("seed %d: %d ops in %v, %d checks (%d with JSON, %d JSON skipped as too large), %d immediate-check failures; ops %v",
		w.seed, w.nops, time.Since(start).Round(time.Millisecond), w.checks, w.jsons, w.skipped, w.failures, w.opCount)
}

// sortKeys sorts keys of one entity type ascending.
func sortKeys(keys []any) {
	slices.SortFunc(keys, func(a, b any) int {
		switch x := a.(type) {
		case int64:
			return cmp.Compare(x, b.(int64))
		case string:
			return cmp.Compare(x, b.(string))
		}
		return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
	})
}
