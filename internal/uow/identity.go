package uow

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
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

// Entry is the Unit of Work's record of one entity instance.
type Entry struct {
	Entity *meta.Entity
	Obj    any            // the *T the user holds
	Ptr    unsafe.Pointer // address of the struct
	State  State

	key    Key
	hasKey bool
	seq    uint64 // order of first registration, for deterministic flushes
	snap   *snapshot
	// removedFrom is the state to go back to if a Remove is undone.
	removedFrom State
	dropped     bool // no longer tracked (still in IdentityMap.order until compacted)
	// links records, per relation (index in Entity.Relations), the to-one
	// target the other side was last brought in step with (see syncToOne);
	// nil until a sync changed something (a pointer, to keep entries of
	// entities without relations small).
	links *[]link
}

// Key returns the entry's identity key; ok is false for a new entity
// without a primary key.
func (e *Entry) Key() (Key, bool) { return e.key, e.hasKey }

// Loaded reports whether the entity's data was loaded or written (it has a
// snapshot to compare with).
func (e *Entry) Loaded() bool { return e.snap != nil }

// IdentityMap holds at most one instance per row, and knows every instance
// its Unit of Work tracks. It is not safe for concurrent use.
type IdentityMap struct {
	byKey map[Key]*Entry
	byPtr map[unsafe.Pointer]*Entry
	seq   uint64
	order []*Entry // registration order, with dropped entries until compacted
	dead  int      // dropped entries still in order
	// inv holds the rel.Inverse bound to collections of entities this map
	// tracks, one per relation (nil for a map used on its own).
	inv *inverses
	// byType lists the entries per entity type (dropped ones included until
	// compacted); built on first use by OfType, then kept up to date.
	byType map[*meta.Entity][]*Entry
	// slab is where the next entries come from: one allocation per chunk
	// instead of one per entity (a load of 100 rows makes 8 chunks). A
	// dropped entry lives as long as its chunk, at most maxSlab entries.
	slab []Entry
}

// maxSlab bounds a chunk of entries.
const maxSlab = 64

func (m *IdentityMap) newEntry() *Entry {
	if len(m.slab) == 0 {
		m.slab = make([]Entry, min(max(len(m.byPtr), 1), maxSlab))
	}
	en := &m.slab[0]
	m.slab = m.slab[1:]
	return en
}

// NewIdentityMap returns an empty identity map.
func NewIdentityMap() *IdentityMap {
	return &IdentityMap{byKey: map[Key]*Entry{}, byPtr: map[unsafe.Pointer]*Entry{}}
}

// Lookup returns the entry registered under k.
func (m *IdentityMap) Lookup(k Key) (*Entry, bool) {
	e, ok := m.byKey[k]
	return e, ok
}

// EntryOf returns the entry of the instance at ptr.
func (m *IdentityMap) EntryOf(ptr unsafe.Pointer) (*Entry, bool) {
	e, ok := m.byPtr[ptr]
	return e, ok
}

// Len returns the number of tracked instances.
func (m *IdentityMap) Len() int { return len(m.byPtr) }

// add tracks obj (a *T of entity e) in state s, under its key when it has one.
func (m *IdentityMap) add(e *meta.Entity, obj any, ptr unsafe.Pointer, s State) *Entry {
	m.seq++
	en := m.newEntry()
	*en = Entry{Entity: e, Obj: obj, Ptr: ptr, State: s, seq: m.seq}
	m.byPtr[ptr] = en
	m.order = append(m.order, en)
	if k, ok := KeyOf(e, ptr); ok {
		en.key, en.hasKey = k, true
		m.byKey[k] = en
	}
	if m.byType != nil {
		m.byType[e] = append(m.byType[e], en)
	}
	m.inv.bind(en)
	return en
}

// setKey registers en under k (after an insert assigned its key).
func (m *IdentityMap) setKey(en *Entry, k Key) {
	if en.hasKey {
		delete(m.byKey, en.key)
	}
	en.key, en.hasKey = k, true
	m.byKey[k] = en
}

// unsetKey removes en's key (after undoing a generated key).
func (m *IdentityMap) unsetKey(en *Entry) {
	if en.hasKey && m.byKey[en.key] == en {
		delete(m.byKey, en.key)
	}
	en.key, en.hasKey = Key{}, false
}

// drop forgets en entirely.
func (m *IdentityMap) drop(en *Entry) {
	if m.byPtr[en.Ptr] != en {
		return
	}
	delete(m.byPtr, en.Ptr)
	if en.hasKey && m.byKey[en.key] == en {
		delete(m.byKey, en.key)
	}
	en.dropped = true
	m.dead++
	if m.dead > 64 && m.dead > len(m.order)/2 {
		live := m.order[:0]
		for _, e := range m.order {
			if !e.dropped {
				live = append(live, e)
			}
		}
		clear(m.order[len(live):])
		m.order, m.dead = live, 0
		m.byType = nil
	}
}

// OfType returns the tracked entries of entity e (a new slice).
func (m *IdentityMap) OfType(e *meta.Entity) []*Entry {
	if m.byType == nil {
		m.byType = map[*meta.Entity][]*Entry{}
		for _, en := range m.order {
			if !en.dropped {
				m.byType[en.Entity] = append(m.byType[en.Entity], en)
			}
		}
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
	out := make([]*Entry, 0, len(m.order)-m.dead)
	for _, e := range m.order {
		if !e.dropped {
			out = append(out, e)
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
