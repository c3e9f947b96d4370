package uow

import "math/bits"

// intIndex finds entries by integer key: an open-addressing table of entry
// pointers (8 bytes a slot, the key read from the entry), linear probing,
// Fibonacci hashing, deletion by backward shift. It costs about half the
// memory of a map[int64]*Entry and grows by moving pointers only.
type intIndex struct {
	slots []*Entry
	n     int
	shift uint8 // 64 - log2(len(slots))
}

func (x *intIndex) slot(k int64) int {
	return int((uint64(k) * 0x9E3779B97F4A7C15) >> x.shift)
}

func (x *intIndex) get(k int64) (*Entry, bool) {
	if x.n == 0 {
		return nil, false
	}
	mask := len(x.slots) - 1
	for i := x.slot(k); ; i = (i + 1) & mask {
		en := x.slots[i]
		if en == nil {
			return nil, false
		}
		if en.keyN == k {
			return en, true
		}
	}
}

// find returns the entry under k, or nil and the free slot where k
// belongs. The table must have room for one more key (reserve(1)).
func (x *intIndex) find(k int64) (*Entry, int) {
	mask := len(x.slots) - 1
	for i := x.slot(k); ; i = (i + 1) & mask {
		en := x.slots[i]
		if en == nil || en.keyN == k {
			return en, i
		}
	}
}

// setAt puts en (not yet indexed) into the free slot found for its key.
func (x *intIndex) setAt(i int, en *Entry) {
	x.slots[i] = en
	x.n++
}

// set registers en under k (en.keyN must be k), replacing the entry that
// had k.
func (x *intIndex) set(k int64, en *Entry) {
	if (x.n+1)*4 > len(x.slots)*3 {
		x.grow()
	}
	mask := len(x.slots) - 1
	for i := x.slot(k); ; i = (i + 1) & mask {
		cur := x.slots[i]
		if cur == nil {
			x.slots[i] = en
			x.n++
			return
		}
		if cur.keyN == k {
			x.slots[i] = en
			return
		}
	}
}

// del removes the entry under k, moving later entries of its probe run
// back so that no lookup stops short.
func (x *intIndex) del(k int64) { x.delIf(k, nil) }

// delIf is del when k's entry is want, or any entry when want is nil.
func (x *intIndex) delIf(k int64, want *Entry) {
	if x.n == 0 {
		return
	}
	mask := len(x.slots) - 1
	i := x.slot(k)
	for {
		en := x.slots[i]
		if en == nil {
			return
		}
		if en.keyN == k {
			if want != nil && en != want {
				return
			}
			break
		}
		i = (i + 1) & mask
	}
	x.n--
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		en := x.slots[j]
		if en == nil {
			break
		}
		home := x.slot(en.keyN)
		// en may move to i unless its home lies cyclically in (i, j].
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			x.slots[i] = en
			i = j
		}
	}
	x.slots[i] = nil
}

func (x *intIndex) grow() { x.resize(max(len(x.slots)*2, 16)) }

// reserve makes room for n more keys, rehashing at most once.
func (x *intIndex) reserve(n int) {
	need := x.n + n
	if need*4 <= len(x.slots)*3 {
		return
	}
	size := max(len(x.slots), 16)
	for need*4 > size*3 {
		size *= 2
	}
	x.resize(size)
}

// resize moves the entries into a table of size slots (a power of two).
func (x *intIndex) resize(size int) {
	old := x.slots
	x.slots = make([]*Entry, size)
	x.shift = uint8(64 - bits.TrailingZeros(uint(size)))
	x.n = 0
	for _, en := range old {
		if en != nil {
			x.set(en.keyN, en)
		}
	}
}
