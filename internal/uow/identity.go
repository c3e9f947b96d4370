package uow

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

// State is where an entity stands in its Unit of Work.
type State uint8

const (
	// StateNew is persisted but not yet written to the database.
	StateNew State = iota + 1
	// StateManaged is loaded from (or written to) the database and tracked.
	StateManaged
	// StateReference is known by primary key only, not loaded.
	StateReference
	// StateRemoved is scheduled for deletion at the next flush.
	StateRemoved
)

func (s State) String() string {
	switch s {
	case StateNew:
		return "new"
	case StateManaged:
		return "managed"
	case StateReference:
		return "reference"
	case StateRemoved:
		return "removed"
	}
	return "detached"
}

// Key identifies one row of one entity type without boxing: integer keys use
// N, other keys an encoding in S.
type Key struct {
	Entity *meta.Entity
	N      int64
	S      string
}

func (k Key) String() string {
	if k.S != "" {
		return fmt.Sprintf("%s(%s)", k.Entity.Name, strings.ReplaceAll(k.S, "\x00", ","))
	}
	return fmt.Sprintf("%s(%d)", k.Entity.Name, k.N)
}

// keyEntity is the entity identity keys are made for: the family root for
// single-table inheritance (a Dog with id 3 and an Animal with id 3 are one
// row), else e.
func keyEntity(e *meta.Entity) *meta.Entity {
	if e.Root != nil {
		return e.Root
	}
	return e
}

// KeyOf returns the identity key of the entity at ptr; ok is false when its
// primary key is not set.
func KeyOf(e *meta.Entity, ptr unsafe.Pointer) (Key, bool) {
	if len(e.PK) == 1 {
		// The common integer key: zero is no key.
		if n, ok := e.PK[0].At.Int64(ptr); ok {
			return Key{Entity: keyEntity(e), N: n}, n != 0
		}
	}
	if !HasPK(e, ptr) {
		return Key{}, false
	}
	k := Key{Entity: keyEntity(e)}
	if len(e.PK) == 1 {
		p := e.PK[0]
		if n, ok := p.At.Int64(ptr); ok {
			k.N = n
			return k, true
		}
		if s, ok := p.At.StringValue(ptr); ok {
			k.S = "s" + s
			return k, true
		}
		k.S = "v" + fmt.Sprint(p.At.Interface(ptr))
		return k, true
	}
	var b strings.Builder
	for i, p := range e.PK {
		if i > 0 {
			b.WriteByte(0)
		}
		if n, ok := p.At.Int64(ptr); ok {
			b.WriteString(strconv.FormatInt(n, 10))
		} else {
			fmt.Fprint(&b, p.At.Interface(ptr))
		}
	}
	k.S = "c" + b.String()
	return k, true
}

// KeyFor builds the identity key for primary-key values given from outside
// (a FindOne argument, a foreign-key column), converting them to the key
// properties' types first. It fails when a value does not fit its property.
func KeyFor(e *meta.Entity, vals ...any) (Key, error) {
	if len(vals) != len(e.PK) || len(vals) == 0 {
		return Key{}, fmt.Errorf("%w: %s has %d primary key properties, got %d values",
			ErrInvalidKey, e.Name, len(e.PK), len(vals))
	}
	if len(vals) == 1 && IsIntKind(e.PK[0].Type.Kind()) {
		// The common integer key needs no temporary instance.
		var n int64
		ok := true
		switch x := vals[0].(type) {
		case int64:
			n = x
		case int:
			n = int64(x)
		case int32:
			n = int64(x)
		default:
			ok = false
		}
		if ok && n != 0 && fitsKind(n, e.PK[0].Type.Kind()) {
			return Key{Entity: keyEntity(e), N: n}, nil
		}
	}
	tmp := e.NewValue().UnsafePointer()
	for i, p := range e.PK {
		if err := setKeyValue(p, tmp, vals[i]); err != nil {
			return Key{}, err
		}
	}
	k, ok := KeyOf(e, tmp)
	if !ok {
		return Key{}, fmt.Errorf("%w: %s: zero primary key %v", ErrInvalidKey, e.Name, vals)
	}
	return k, nil
}

// fitsKind reports whether n is a value of integer kind k (so that storing
// it into a field of that kind and reading it back gives n).
func fitsKind(n int64, k reflect.Kind) bool {
	switch k {
	case reflect.Int8:
		return n == int64(int8(n))
	case reflect.Int16:
		return n == int64(int16(n))
	case reflect.Int32:
		return n == int64(int32(n))
	case reflect.Uint8:
		return n == int64(uint8(n))
	case reflect.Uint16:
		return n == int64(uint16(n))
	case reflect.Uint32:
		return n == int64(uint32(n))
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return n >= 0
	}
	return true
}

// setKeyValue stores v into the key property p of the struct at ptr,
// accepting the integer and []byte forms drivers return for keys.
func setKeyValue(p *meta.Property, ptr unsafe.Pointer, v any) error {
	switch x := v.(type) {
	case nil:
		return fmt.Errorf("%w: %s: nil", ErrInvalidKey, p)
	case int64:
		if p.At.SetInt64(ptr, x) {
			return nil
		}
	case int:
		if p.At.SetInt64(ptr, int64(x)) {
			return nil
		}
	case int32:
		if p.At.SetInt64(ptr, int64(x)) {
			return nil
		}
	case string:
		if p.At.SetString(ptr, x) {
			return nil
		}
	case []byte:
		if p.At.SetString(ptr, string(x)) {
			return nil
		}
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return setKeyValue(p, ptr, rv.Elem().Interface())
	}
	if err := p.At.Set(ptr, v); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return nil
}

// Entry is the Unit of Work's record of one entity instance. Entries are
// kept small (48 bytes): a loaded entity costs its struct, its entry, its
// snapshot and one slot of an integer-keyed map.
type Entry struct {
	Entity *meta.Entity
	Ptr    unsafe.Pointer // address of the struct
	snap   unsafe.Pointer // the snapshot: a copy of the struct (see snapshot.go)
	// x holds what few entries need: a key that is not an integer, links.
	x *entryExtra
	// keyN is an integer identity key (see Key); hasKey tells whether the
	// entry has a key.
	keyN int64
	seq  uint32 // order of first registration, for deterministic flushes
	State
	hasKey bool
	// removedFrom is the state to go back to if a Remove is undone.
	removedFrom State
	dropped     bool // no longer tracked (still in its chunk until the chunk is let go)
}

// Obj returns the *T the user holds.
func (e *Entry) Obj() any { return reflect.NewAt(e.Entity.Type, e.Ptr).Interface() }

// Key returns the entry's identity key; ok is false for a new entity
// without a primary key.
func (e *Entry) Key() (Key, bool) { return e.key(), e.hasKey }

func (e *Entry) key() Key {
	if !e.hasKey {
		return Key{}
	}
	k := Key{Entity: keyEntity(e.Entity), N: e.keyN}
	if e.x != nil {
		k.S = e.x.keyS
	}
	return k
}

// RegisteredAfter reports whether e was first tracked after mark (see
// UnitOfWork.Mark).
func (e *Entry) RegisteredAfter(mark uint32) bool { return e.seq > mark }

func (e *Entry) setKeyParts(k Key) {
	e.keyN, e.hasKey = k.N, true
	if k.S != "" || e.x != nil {
		e.extra().keyS = k.S
	}
}

// entryExtra is the part of an Entry most entries do without.
type entryExtra struct {
	keyS string // a key that is not an integer (see Key.S)
	// links records, per relation (index in Entity.Relations), the to-one
	// target the other side was last brought in step with (see syncToOne);
	// nil until a sync changed something.
	links []link
}

func (e *Entry) extra() *entryExtra {
	if e.x == nil {
		e.x = &entryExtra{}
	}
	return e.x
}

// linkList returns en's links (nil when none was recorded).
func (e *Entry) linkList() []link {
	if e.x == nil {
		return nil
	}
	return e.x.links
}

// ensureLinks returns en's links, making them if needed.
func (e *Entry) ensureLinks() []link {
	x := e.extra()
	if x.links == nil {
		x.links = make([]link, len(e.Entity.Relations))
	}
	return x.links
}

// setLinks replaces en's links.
func (e *Entry) setLinks(l []link) {
	if l != nil || e.x != nil {
		e.extra().links = l
	}
}

// Loaded reports whether the entity's data was loaded or written (it has a
// snapshot to compare with).
func (e *Entry) Loaded() bool { return e.snap != nil }

// keyIndex holds one entity type's entries by key: integer keys in an
// intIndex, others by their encoding.
type keyIndex struct {
	ints intIndex
	strs map[string]*Entry
}

func (x *keyIndex) get(k Key) (*Entry, bool) {
	if k.S == "" {
		return x.ints.get(k.N)
	}
	en, ok := x.strs[k.S]
	return en, ok
}

// set registers en under k; en's key must already be k.
func (x *keyIndex) set(k Key, en *Entry) {
	if k.S == "" {
		x.ints.set(k.N, en)
		return
	}
	if x.strs == nil {
		x.strs = map[string]*Entry{}
	}
	x.strs[k.S] = en
}

func (x *keyIndex) del(k Key) {
	if k.S == "" {
		x.ints.del(k.N)
	} else {
		delete(x.strs, k.S)
	}
}

// delEntry is del when en is the entry registered under k.
func (x *keyIndex) delEntry(k Key, en *Entry) {
	if k.S == "" {
		x.ints.delIf(k.N, en)
	} else if x.strs[k.S] == en {
		delete(x.strs, k.S)
	}
}

// IdentityMap holds at most one instance per row, and knows every instance
// its Unit of Work tracks. It is not safe for concurrent use.
type IdentityMap struct {
	// keys indexes entries by entity type and key; last caches the most
	// recent type's index (loads go through one type at a time).
	keys     map[*meta.Entity]*keyIndex
	lastType *meta.Entity
	lastIdx  *keyIndex
	// byPtr finds an entry from its instance's address. It is built on the
	// first lookup the keys cannot answer (a new entity, an instance that is
	// not tracked) and kept up to date from then on: a Unit of Work that
	// only loads, changes and removes entities never needs it.
	// Built at most once, published atomically: lookups (EntryOf, ToJSON,
	// IsLoaded) may come from several goroutines while a hook runs, never
	// while the map itself changes.
	byPtr   atomic.Pointer[map[unsafe.Pointer]*Entry]
	buildMu sync.Mutex
	count   int
	seq     uint32
	// chunks are the entries in registration order: every entry comes
	// from a chunk (see newEntry), and the chunks are kept in the order
	// they were made. Entries never handed out have no Entity; dropped ones
	// stay until their whole chunk is dropped and let go (compact).
	chunks [][]Entry
	dead   int // dropped entries still in chunks
	// deadLimit is how many dropped entries make the next compact worth it.
	deadLimit int
	// inv holds the rel.Inverse bound to collections of entities this map
	// tracks, one per relation (nil for a map used on its own).
	inv *inverses
	// byType lists the entries per entity type (dropped ones included until
	// compacted); built on first use by OfType, then kept up to date.
	byType map[*meta.Entity][]*Entry
	// slab is the rest of the last chunk, where the next entries come
	// from: one allocation per chunk instead of one per entity (a load of
	// 100 rows makes 8 chunks).
	slab []Entry
	// slabWant is how many more entries Reserve expects: the next chunk
	// is made for them.
	slabWant int
	// snaps hands out snapshots in chunks, per entity type.
	snaps snapAlloc
}

// maxSlab bounds a chunk of entries, snapshots or fresh instances grown
// by doubling; maxReserve bounds one made for a load's expected rows
// (Reserve), maxIndexReserve the keys an index makes room for at once.
// A chunk lives as long as any of its values.
const (
	maxSlab         = 64
	maxReserve      = 256
	maxIndexReserve = 4096
)

// blockSize is the size of the next chunk: grown (the doubling rule's
// proposal) up to maxSlab, or made for the values expected (want) up to
// maxReserve; it also returns what is still expected after it.
func blockSize(grown, want int) (size, left int) {
	size = min(max(grown, 1), maxSlab)
	if want > size {
		size = min(want, maxReserve)
	}
	return size, max(want-size, 0)
}

func (m *IdentityMap) newEntry() *Entry {
	if len(m.slab) == 0 {
		var n int
		n, m.slabWant = blockSize(m.count, m.slabWant)
		m.slab = make([]Entry, n)
		m.chunks = append(m.chunks, m.slab)
	}
	en := &m.slab[0]
	m.slab = m.slab[1:]
	return en
}

// NewIdentityMap returns an empty identity map.
func NewIdentityMap() *IdentityMap {
	return &IdentityMap{}
}

// index returns the key index of entity type e (nil if none yet unless
// create is set). Only a call that creates (the map's own writes) updates
// the cache of the last type: lookups write nothing.
func (m *IdentityMap) index(e *meta.Entity, create bool) *keyIndex {
	if e == m.lastType && m.lastIdx != nil {
		return m.lastIdx
	}
	x := m.keys[e]
	if x == nil {
		if !create {
			return nil
		}
		x = &keyIndex{}
		if m.keys == nil {
			m.keys = map[*meta.Entity]*keyIndex{}
		}
		m.keys[e] = x
	}
	if create {
		m.lastType, m.lastIdx = e, x
	}
	return x
}

// Lookup returns the entry registered under k.
func (m *IdentityMap) Lookup(k Key) (*Entry, bool) {
	x := m.index(k.Entity, false)
	if x == nil {
		return nil, false
	}
	return x.get(k)
}

// EntryOf returns the entry of the instance at ptr.
func (m *IdentityMap) EntryOf(ptr unsafe.Pointer) (*Entry, bool) {
	e, ok := (*m.ptrIndex())[ptr]
	return e, ok
}

// EntryAt returns the entry of the instance of e at ptr. Unlike EntryOf it
// first tries the instance's key, which needs no index of addresses.
func (m *IdentityMap) EntryAt(e *meta.Entity, ptr unsafe.Pointer) (*Entry, bool) {
	if ptr == nil {
		return nil, false
	}
	if m.byPtr.Load() == nil {
		if k, ok := KeyOf(e, ptr); ok {
			if en, ok := m.Lookup(k); ok && en.Ptr == ptr {
				return en, true
			}
		}
	}
	return m.EntryOf(ptr)
}

// ptrIndex returns byPtr, building it on first use to hold every tracked
// entry (add and drop keep it up to date after that).
func (m *IdentityMap) ptrIndex() *map[unsafe.Pointer]*Entry {
	if p := m.byPtr.Load(); p != nil {
		return p
	}
	m.buildMu.Lock()
	defer m.buildMu.Unlock()
	if p := m.byPtr.Load(); p != nil {
		return p
	}
	idx := make(map[unsafe.Pointer]*Entry, m.count)
	m.each(func(en *Entry) { idx[en.Ptr] = en })
	m.byPtr.Store(&idx)
	return &idx
}

// Len returns the number of tracked instances.
func (m *IdentityMap) Len() int { return m.count }

// add tracks the instance of e at ptr in state s, under its key when it has
// one.
func (m *IdentityMap) add(e *meta.Entity, ptr unsafe.Pointer, s State) *Entry {
	if k, ok := KeyOf(e, ptr); ok {
		return m.addKeyed(e, ptr, s, k)
	}
	return m.register(e, ptr, s)
}

// addKeyed is add for an instance whose key k is known.
func (m *IdentityMap) addKeyed(e *meta.Entity, ptr unsafe.Pointer, s State, k Key) *Entry {
	en := m.register(e, ptr, s)
	en.setKeyParts(k)
	m.index(k.Entity, true).set(k, en)
	return en
}

// register makes the entry of the instance of e at ptr, without its key.
func (m *IdentityMap) register(e *meta.Entity, ptr unsafe.Pointer, s State) *Entry {
	if m.seq == math.MaxUint32 {
		m.renumber()
	}
	m.seq++
	m.count++
	en := m.newEntry()
	*en = Entry{Entity: e, Ptr: ptr, State: s, seq: m.seq}
	if p := m.byPtr.Load(); p != nil {
		(*p)[ptr] = en
	}
	if m.byType != nil {
		m.byType[e] = append(m.byType[e], en)
	}
	m.inv.bind(en)
	return en
}

// lookupOrAdd returns the entry under k (the key of the instance of e at
// ptr), or registers that instance under k in state s (added is then
// true). An integer key is looked up and inserted with one probe.
func (m *IdentityMap) lookupOrAdd(e *meta.Entity, ptr unsafe.Pointer, k Key, s State) (en *Entry, added bool) {
	if k.S != "" {
		if en, ok := m.Lookup(k); ok {
			return en, false
		}
		return m.addKeyed(e, ptr, s, k), true
	}
	x := &m.index(k.Entity, true).ints
	x.reserve(1)
	en, i := x.find(k.N)
	if en != nil {
		return en, false
	}
	en = m.register(e, ptr, s)
	en.setKeyParts(k)
	x.setAt(i, en)
	return en, true
}

// Reserve prepares for n more entries of e (a load's expected rows): the
// next chunks of entries and snapshots and e's key index are sized for
// them, up to maxReserve (chunks) and maxIndexReserve (index).
func (m *IdentityMap) Reserve(e *meta.Entity, n int) {
	if n <= 1 {
		return
	}
	m.slabWant = n - len(m.slab)
	m.snaps.reserve(infoOf(e), n)
	if len(e.PK) == 1 && IsIntKind(e.PK[0].Type.Kind()) {
		m.index(keyEntity(e), true).ints.reserve(min(n, maxIndexReserve))
	}
}

// setKey registers en under k (after an insert assigned its key).
func (m *IdentityMap) setKey(en *Entry, k Key) {
	if en.hasKey {
		m.index(keyEntity(en.Entity), true).del(en.key())
	}
	en.setKeyParts(k)
	m.index(k.Entity, true).set(k, en)
}

// unsetKey removes en's key (after undoing a generated key).
func (m *IdentityMap) unsetKey(en *Entry) {
	if en.hasKey {
		if cur, ok := m.Lookup(en.key()); ok && cur == en {
			m.index(keyEntity(en.Entity), true).del(en.key())
		}
	}
	en.keyN, en.hasKey = 0, false
	if en.x != nil {
		en.x.keyS = ""
	}
}

// drop forgets en entirely.
func (m *IdentityMap) drop(en *Entry) {
	if en.dropped {
		return
	}
	if p := m.byPtr.Load(); p != nil {
		if (*p)[en.Ptr] != en {
			return
		}
		delete(*p, en.Ptr)
	}
	if en.hasKey {
		k := en.key()
		if x := m.index(k.Entity, false); x != nil {
			x.delEntry(k, en)
		}
	}
	en.dropped = true
	m.count--
	m.dead++
	if m.dead > max(64, m.deadLimit, m.count) {
		m.compact()
	}
}

// dropAll drops ens, distinct tracked entries. When they are every entry
// the map tracks (a flush that removed everything loaded) the indexes are
// let go at once instead of emptied entry by entry.
func (m *IdentityMap) dropAll(ens []*Entry) {
	if len(ens) < 64 || len(ens) != m.count || slices.ContainsFunc(ens, func(en *Entry) bool { return en.dropped }) {
		for _, en := range ens {
			m.drop(en)
		}
		return
	}
	for _, en := range ens {
		en.dropped = true
	}
	m.count = 0
	m.dead += len(ens)
	m.keys, m.lastType, m.lastIdx = nil, nil, nil
	if m.byPtr.Load() != nil {
		m.byPtr.Store(nil) // rebuilt if a lookup by key cannot answer
	}
	m.compact()
}

// renumber gives the tracked entries the registration numbers 1, 2, … in
// their order, when 2³² registrations used the numbers up (a long-lived
// manager streaming and detaching rows). A Find running then may take its
// rows for repeats and deduplicate them: slower, never wrong.
func (m *IdentityMap) renumber() {
	m.seq = 0
	m.each(func(en *Entry) {
		m.seq++
		en.seq = m.seq
	})
}

// compact lets go of the chunks whose entries were all dropped.
func (m *IdentityMap) compact() {
	last := len(m.chunks) - 1
	kept, dead := m.chunks[:0], 0
	for i, c := range m.chunks {
		n := 0
		for j := range c {
			if c[j].dropped {
				n++
			}
		}
		if n == len(c) && i != last {
			continue
		}
		kept = append(kept, c)
		dead += n
	}
	clear(m.chunks[len(kept):])
	m.chunks, m.dead = kept, dead
	// Chunks that keep a few live entries keep their dropped ones too:
	// wait for as many again before looking.
	m.deadLimit = 2 * dead
	m.byType = nil
}

// each calls f for every tracked entry, in registration order.
func (m *IdentityMap) each(f func(*Entry)) {
	for _, c := range m.chunks {
		for j := range c {
			if en := &c[j]; en.Entity != nil && !en.dropped {
				f(en)
			}
		}
	}
}

// OfType returns the tracked entries of entity e (a new slice).
func (m *IdentityMap) OfType(e *meta.Entity) []*Entry {
	if m.byType == nil {
		m.byType = map[*meta.Entity][]*Entry{}
		m.each(func(en *Entry) { m.byType[en.Entity] = append(m.byType[en.Entity], en) })
	}
	list := m.byType[e]
	out := make([]*Entry, 0, len(list))
	for _, en := range list {
		if !en.dropped {
			out = append(out, en)
		}
	}
	return out
}

// Entries returns the tracked entries in registration order (a new slice:
// the caller may track more entities while going through it).
func (m *IdentityMap) Entries() []*Entry {
	out := make([]*Entry, 0, m.count)
	m.each(func(en *Entry) { out = append(out, en) })
	return out
}

// UniqueEntries returns es without repeats, keeping the first of each, in
// order.
func UniqueEntries(es []*Entry) []*Entry { return Unique(es) }

// Unique returns xs without repeats, keeping the first of each, in order
// (a new slice).
func Unique[E comparable](xs []E) []E {
	seen := make(map[E]bool, len(xs))
	out := xs[:0:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func sortEntries(es []*Entry) {
	slicesSortFunc(es, func(a, b *Entry) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
}
