package uow

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

type imInt struct {
	ID   int64 `orm:"pk"`
	Name string
}

type imStr struct {
	Code string `orm:"pk"`
	Name string
}

// TestIdentityMapModel drives the Identity Map with random registrations,
// key changes and drops over two entity types (integer and string keys),
// and after every step compares every way to find an entry — by key, by
// address with and without the entity, in registration order, per type —
// with a plain model. The index of addresses is built at a random moment
// (a lookup of an untracked instance), and drops are many enough for chunks
// to be let go.
func TestIdentityMapModel(t *testing.T) {
	reg := meta.NewRegistry()
	if err := reg.Register(imInt{}, imStr{}); err != nil {
		t.Fatal(err)
	}
	ei, _ := reg.Entity(reflect.TypeFor[imInt]())
	es, _ := reg.Entity(reflect.TypeFor[imStr]())
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			m := NewIdentityMap()
			type rec struct {
				e   *meta.Entity
				ptr unsafe.Pointer
				en  *Entry
			}
			var live []rec // registration order
			newObj := func(e *meta.Entity, key int) unsafe.Pointer {
				if e == ei {
					o := &imInt{ID: int64(key)}
					return unsafe.Pointer(o)
				}
				o := &imStr{}
				if key != 0 {
					o.Code = fmt.Sprint("k", key)
				}
				return unsafe.Pointer(o)
			}
			keyOf := func(x rec) (Key, bool) { return x.en.Key() }
			for step := range 3000 {
				e := ei
				if r.IntN(3) == 0 {
					e = es
				}
				switch op := r.IntN(10); {
				case len(live) > 0 && r.IntN(100) == 0: // drop many at once: all, or a random subset
					var gone []*Entry
					var keep []rec
					all := r.IntN(2) == 0
					for _, x := range live {
						if all || r.IntN(2) == 0 {
							gone = append(gone, x.en)
						} else {
							keep = append(keep, x)
						}
					}
					r.Shuffle(len(gone), func(i, j int) { gone[i], gone[j] = gone[j], gone[i] })
					m.dropAll(gone)
					for _, en := range gone {
						if k, ok := en.Key(); ok {
							if got, found := m.Lookup(k); found && got == en {
								t.Fatalf("step %d: a dropped entry is still found by its key", step)
							}
						}
					}
					live = keep
				case op < 5: // register, with a key unless taken (or none)
					key := 1 + r.IntN(400)
					if r.IntN(5) == 0 {
						key = 0
					}
					ptr := newObj(e, key)
					if r.IntN(20) == 0 {
						m.Reserve(e, r.IntN(300)) // sizes chunks and the index ahead
					}
					k, keyed := KeyOf(e, ptr)
					if keyed && r.IntN(2) == 0 {
						// Merge's way: one probe finds or registers.
						_, had := m.Lookup(k)
						en, added := m.lookupOrAdd(e, ptr, k, StateManaged)
						if added == had {
							t.Fatalf("step %d: lookupOrAdd(%s) added=%v, the key was tracked=%v", step, k, added, had)
						}
						if added {
							live = append(live, rec{e, ptr, en})
						}
						continue
					}
					if keyed {
						if _, taken := m.Lookup(k); taken {
							continue
						}
					}
					en := m.add(e, ptr, StateManaged)
					live = append(live, rec{e, ptr, en})
				case op < 8 && len(live) > 0: // drop
					i := r.IntN(len(live))
					m.drop(live[i].en)
					live = slices.Delete(live, i, i+1)
				case op == 8 && len(live) > 0: // give a keyless entry a key
					i := r.IntN(len(live))
					x := live[i]
					if _, ok := x.en.Key(); ok {
						continue
					}
					key := 1000 + step
					if x.e == ei {
						(*imInt)(x.ptr).ID = int64(key)
					} else {
						(*imStr)(x.ptr).Code = fmt.Sprint("g", key)
					}
					k, _ := KeyOf(x.e, x.ptr)
					m.setKey(x.en, k)
				default: // an untracked instance: builds the address index
					if _, ok := m.EntryAt(e, newObj(e, 5000+step)); ok {
						t.Fatalf("step %d: an untracked instance was found", step)
					}
				}
				if m.Len() != len(live) {
					t.Fatalf("step %d: Len %d, model %d", step, m.Len(), len(live))
				}
				got := m.Entries()
				if len(got) != len(live) {
					t.Fatalf("step %d: %d entries, model %d", step, len(got), len(live))
				}
				perType := map[*meta.Entity][]*Entry{}
				for i, x := range live {
					if got[i] != x.en {
						t.Fatalf("step %d: entry %d out of registration order", step, i)
					}
					perType[x.e] = append(perType[x.e], x.en)
					if en, ok := m.EntryAt(x.e, x.ptr); !ok || en != x.en {
						t.Fatalf("step %d: EntryAt lost entry %d", step, i)
					}
					if k, ok := keyOf(x); ok {
						if en, ok := m.Lookup(k); !ok || en != x.en {
							t.Fatalf("step %d: Lookup(%s) lost entry %d", step, k, i)
						}
					}
				}
				if step%50 == 0 {
					for _, x := range live {
						if en, ok := m.EntryOf(x.ptr); !ok || en != x.en {
							t.Fatalf("step %d: EntryOf lost an entry", step)
						}
					}
				}
				for _, typ := range []*meta.Entity{ei, es} {
					if !slices.Equal(m.OfType(typ), perType[typ]) {
						t.Fatalf("step %d: OfType(%s) differs from the model", step, typ.Name)
					}
				}
			}
		})
	}
}

// TestIdentityMapRenumber runs the registration counter past 2³²: the
// entries are renumbered in their order, which stays the registration
// order, and entries registered later still come after a mark taken before.
func TestIdentityMapRenumber(t *testing.T) {
	reg := meta.NewRegistry()
	if err := reg.Register(imInt{}); err != nil {
		t.Fatal(err)
	}
	e, _ := reg.Entity(reflect.TypeFor[imInt]())
	m := NewIdentityMap()
	var want []*Entry
	for i := 1; i <= 5; i++ {
		want = append(want, m.add(e, unsafe.Pointer(&imInt{ID: int64(i)}), StateManaged))
	}
	m.seq = math.MaxUint32 - 2
	for i := 6; i <= 10; i++ {
		want = append(want, m.add(e, unsafe.Pointer(&imInt{ID: int64(i)}), StateManaged))
	}
	got := m.Entries()
	if !slices.Equal(got, want) {
		t.Fatal("registration order lost")
	}
	for i := 1; i < len(got); i++ {
		if got[i].seq <= got[i-1].seq {
			t.Fatalf("entry %d numbered %d after %d", i, got[i].seq, got[i-1].seq)
		}
	}
	mark := m.seq
	late := m.add(e, unsafe.Pointer(&imInt{ID: 11}), StateManaged)
	if !late.RegisteredAfter(mark) || got[len(got)-1].RegisteredAfter(mark) {
		t.Fatal("RegisteredAfter wrong after a renumbering")
	}
}
