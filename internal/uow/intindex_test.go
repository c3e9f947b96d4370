package uow

import (
	"math/rand/v2"
	"testing"
)

// TestIntIndexModel runs random sets, replacements and deletions (of a key,
// or of a key only when it holds a given entry) against a
// map, over key sets that collide (small ranges, multiples of large powers
// of two, negative keys), and checks every key after every step.
func TestIntIndexModel(t *testing.T) {
	keySets := map[string]func(r *rand.Rand) int64{
		"small":    func(r *rand.Rand) int64 { return r.Int64N(64) },
		"spread":   func(r *rand.Rand) int64 { return r.Int64() },
		"strided":  func(r *rand.Rand) int64 { return r.Int64N(200) << 32 },
		"negative": func(r *rand.Rand) int64 { return -r.Int64N(500) },
		"dense":    func(r *rand.Rand) int64 { return 1 + r.Int64N(3000) },
	}
	for name, key := range keySets {
		for seed := uint64(1); seed <= 8; seed++ {
			r := rand.New(rand.NewPCG(seed, 12))
			var x intIndex
			model := map[int64]*Entry{}
			var keys []int64
			for step := range 4000 {
				k := key(r)
				switch op := r.IntN(12); {
				case op == 10:
					x.reserve(r.IntN(200))
				case op == 11: // find, then insert into the free slot found
					x.reserve(1)
					if en, i := x.find(k); en == nil {
						if _, ok := model[k]; ok {
							t.Fatalf("%s seed %d step %d: find(%d) missed a key", name, seed, step, k)
						}
						en = &Entry{keyN: k}
						x.setAt(i, en)
						model[k] = en
						keys = append(keys, k)
					} else if model[k] != en {
						t.Fatalf("%s seed %d step %d: find(%d) found another entry", name, seed, step, k)
					}
				case op < 6:
					en := &Entry{keyN: k}
					x.set(k, en)
					if _, ok := model[k]; !ok {
						keys = append(keys, k)
					}
					model[k] = en
				default:
					if len(keys) > 0 && r.IntN(2) == 0 {
						k = keys[r.IntN(len(keys))] // mostly delete what is there
					}
					switch cur, ok := model[k]; {
					case r.IntN(3) > 0:
						x.del(k)
						delete(model, k)
					case ok && r.IntN(2) == 0:
						x.delIf(k, cur) // the registered entry: deleted
						delete(model, k)
					default:
						x.delIf(k, &Entry{keyN: k}) // another entry: nothing changes
					}
				}
				if x.n != len(model) {
					t.Fatalf("%s seed %d step %d: %d entries, model has %d", name, seed, step, x.n, len(model))
				}
				if step%97 == 0 || step == 3999 {
					for _, k := range keys {
						got, ok := x.get(k)
						want, wok := model[k]
						if ok != wok || got != want {
							t.Fatalf("%s seed %d step %d: get(%d) = %p, %v; want %p, %v", name, seed, step, k, got, ok, want, wok)
						}
					}
				}
			}
		}
	}
}
