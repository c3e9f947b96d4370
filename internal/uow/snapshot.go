package uow

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"reflect"
	"slices"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

var slicesSortFunc = slices.SortFunc[[]*Entry, *Entry]

// A snapshot is a copy of an entity's struct taken when it was loaded or
// flushed (Entry.snap is its address). Entities with JSON or custom-typed
// columns also keep, just before the copy (a snapPair), the values a struct
// copy cannot capture: JSON encodings (the copy shares maps and slices) and
// custom types' database values. Other entities' snapshots are the bare
// copy, so that a loaded entity costs no more than it must.

// snapExtra holds, by index in typeInfo.cols, the JSON encodings and the
// database values of custom types (nil where the column is neither).
type snapExtra struct {
	json [][]byte
	vals []any
}

// colInfo is what the Unit of Work precomputes for one column property.
type colInfo struct {
	prop  *meta.Property
	equal func(a, b unsafe.Pointer) bool // compares the field at a and b (field addresses)
	// deep copies what a struct copy shares (pointers to scalars, []byte).
	deep   func(dst, src unsafe.Pointer)
	json   bool
	custom bool // a meta.Type: compared by its database values
}

// typeInfo is the per-entity-type plan for snapshots and diffs.
type typeInfo struct {
	entity *meta.Entity
	cols   []colInfo        // scalar column properties, in field order
	toOne  []*meta.Property // owning to-one relations (they write FK columns)
	// formulas are the formula properties: copied by loads, never compared.
	formulas []*meta.Property
	// copyValue is the copy of assignment (see copierOf); typedCopy the
	// same compiled for the type, once the generic API has given it
	// (UseCopier). copier picks.
	copyValue func(dst, src unsafe.Pointer)
	typedCopy atomic.Pointer[func(dst, src unsafe.Pointer)]
	// shared are the structs an entity reaches through pointers (embedded
	// by pointer, pointer embeddables): a snapshot clones what it copied
	// (they are part of the value).
	shared []sharedStruct
	// perColumn: some column's snapshot needs more than the copy (JSON,
	// custom type, or a deep copy of what the copy shares).
	perColumn bool
	// snapType is what a snapshot allocates: the entity's type, or for
	// entities with JSON or custom columns (hasExt) struct{ Ext *snapExtra;
	// Value T }, whose copy is at valOff.
	snapType reflect.Type
	hasExt   bool
	valOff   uintptr
}

// typeInfoKey is the key of a typeInfo among the entity's derived values.
type typeInfoKey struct{}

func infoOf(e *meta.Entity) *typeInfo {
	return e.Derived(typeInfoKey{}, func() any { return buildTypeInfo(e) }).(*typeInfo)
}

func buildTypeInfo(e *meta.Entity) *typeInfo {
	ti := &typeInfo{entity: e}
	for _, p := range e.Props {
		switch {
		case p.Kind == meta.Scalar && p.Formula != "":
			ti.formulas = append(ti.formulas, p) // read-only: loaded, never diffed
		case p.Kind == meta.Scalar:
			ti.cols = append(ti.cols, newColInfo(p))
		case (p.Kind == meta.ManyToOne || p.Kind == meta.OneToOne) && p.Relation.Owning:
			ti.toOne = append(ti.toOne, p)
		}
	}
	typ := e.Type
	ti.copyValue = copierOf(typ)
	ti.shared = sharedStructs(e)
	ti.snapType = typ
	for _, c := range ti.cols {
		ti.hasExt = ti.hasExt || c.json || c.custom
		ti.perColumn = ti.perColumn || c.json || c.custom || c.deep != nil
	}
	if ti.hasExt {
		ti.snapType = reflect.StructOf([]reflect.StructField{
			{Name: "Ext", Type: reflect.TypeFor[*snapExtra]()},
			{Name: "Value", Type: typ},
		})
		ti.valOff = ti.snapType.Field(1).Offset
	}
	return ti
}

// snapExt returns the side table of en's snapshot (nil for entities
// without JSON or custom columns).
func (e *Entry) snapExt() *snapExtra {
	ti := infoOf(e.Entity)
	if !ti.hasExt || e.snap == nil {
		return nil
	}
	return *(**snapExtra)(unsafe.Add(e.snap, -int(ti.valOff)))
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	valuerType  = reflect.TypeFor[driver.Valuer]()
	bytesType   = reflect.TypeFor[[]byte]()
	jsonRawType = reflect.TypeFor[json.RawMessage]()
	int64Type   = reflect.TypeFor[int64]()
	intType     = reflect.TypeFor[int]()
)

func newColInfo(p *meta.Property) colInfo {
	c := colInfo{prop: p, json: p.Codec == meta.CodecJSON, custom: p.Codec == meta.CodecType}
	if c.json || c.custom {
		return c
	}
	c.equal, c.deep = equalFor(p.Type)
	return c
}

// equalFor returns a comparison for values of type t at two addresses, and
// a deep copy for what a shallow copy would share (nil when nothing is).
func equalFor(t reflect.Type) (func(a, b unsafe.Pointer) bool, func(dst, src unsafe.Pointer)) {
	switch t.Kind() {
	case reflect.Bool, reflect.Int8, reflect.Uint8:
		return func(a, b unsafe.Pointer) bool { return *(*uint8)(a) == *(*uint8)(b) }, nil
	case reflect.Int16, reflect.Uint16:
		return func(a, b unsafe.Pointer) bool { return *(*uint16)(a) == *(*uint16)(b) }, nil
	case reflect.Int32, reflect.Uint32:
		return func(a, b unsafe.Pointer) bool { return *(*uint32)(a) == *(*uint32)(b) }, nil
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return func(a, b unsafe.Pointer) bool { return *(*uint64)(a) == *(*uint64)(b) }, nil
	case reflect.Float32:
		// Floats compare by bit pattern, as the bytes are written: -0 is
		// a change from 0, and NaN is no change from the same NaN.
		return func(a, b unsafe.Pointer) bool { return *(*uint32)(a) == *(*uint32)(b) }, nil
	case reflect.Float64:
		return func(a, b unsafe.Pointer) bool { return *(*uint64)(a) == *(*uint64)(b) }, nil
	case reflect.String:
		return func(a, b unsafe.Pointer) bool { return *(*string)(a) == *(*string)(b) }, nil
	}
	if t == timeType {
		return func(a, b unsafe.Pointer) bool { return (*time.Time)(a).Equal(*(*time.Time)(b)) }, nil
	}
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
		return func(a, b unsafe.Pointer) bool {
				x, y := *(*[]byte)(a), *(*[]byte)(b)
				return bytes.Equal(x, y) && (x == nil) == (y == nil)
			}, func(dst, src unsafe.Pointer) {
				if s := *(*[]byte)(src); s != nil {
					*(*[]byte)(dst) = bytes.Clone(s)
				}
			}
	}
	if t.Kind() == reflect.Pointer {
		elemEq, elemDeep := equalFor(t.Elem())
		et := t.Elem()
		return func(a, b unsafe.Pointer) bool {
				x, y := *(*unsafe.Pointer)(a), *(*unsafe.Pointer)(b)
				if x == nil || y == nil {
					return x == y
				}
				return x == y || elemEq(x, y)
			}, func(dst, src unsafe.Pointer) {
				s := *(*unsafe.Pointer)(src)
				if s == nil {
					return
				}
				n := reflect.New(et)
				n.Elem().Set(reflect.NewAt(et, s).Elem())
				if elemDeep != nil {
					elemDeep(n.UnsafePointer(), s)
				}
				*(*unsafe.Pointer)(dst) = n.UnsafePointer()
			}
	}
	if t.Comparable() && !hasIndirection(t) {
		return func(a, b unsafe.Pointer) bool {
			return reflect.NewAt(t, a).Elem().Equal(reflect.NewAt(t, b).Elem())
		}, nil
	}
	// Anything else (Valuer types over slices, arrays of pointers, ...):
	// compare what would be written.
	return func(a, b unsafe.Pointer) bool {
			x, y := reflect.NewAt(t, a).Elem(), reflect.NewAt(t, b).Elem()
			if t.Implements(valuerType) {
				vx, ex := x.Interface().(driver.Valuer).Value()
				vy, ey := y.Interface().(driver.Valuer).Value()
				if ex == nil && ey == nil {
					return reflect.DeepEqual(vx, vy)
				}
			}
			return reflect.DeepEqual(x.Interface(), y.Interface())
		}, func(dst, src unsafe.Pointer) {
			deepCopyValue(reflect.NewAt(t, dst).Elem(), reflect.NewAt(t, src).Elem())
		}
}

// hasIndirection reports whether values of t share memory when copied.
func hasIndirection(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return hasIndirection(t.Elem())
	case reflect.Struct:
		if t == timeType {
			return false
		}
		for i := 0; i < t.NumField(); i++ {
			if hasIndirection(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// deepCopyValue copies slices (of bytes or values) so that in-place edits of
// the original do not reach the snapshot.
func deepCopyValue(dst, src reflect.Value) {
	if src.Kind() == reflect.Slice && !src.IsNil() {
		n := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		reflect.Copy(n, src)
		dst.Set(n)
	}
}

// snapAlloc hands out snapshots (each a snapshot header and a copy of the
// entity, typeInfo.pair) in chunks of the same type: one allocation per
// chunk instead of one per loaded entity. A replaced snapshot lives as long
// as its chunk, at most maxSlab of them.
type snapAlloc struct {
	last  *snapChunk   // the blocks of the type snapshotted last
	types []*snapChunk // one per entity type seen
}

type snapChunk struct {
	ti *typeInfo
	Blocks
}

// get returns the address of a zeroed ti.snapType.
func (a *snapAlloc) get(ti *typeInfo) unsafe.Pointer {
	return a.chunk(ti).Next()
}

// reserve sizes the next block of ti's snapshots for n of them.
func (a *snapAlloc) reserve(ti *typeInfo, n int) {
	a.chunk(ti).Reserve(n)
}

func (a *snapAlloc) chunk(ti *typeInfo) *snapChunk {
	c := a.last
	if c == nil || c.ti != ti {
		c = nil
		for _, t := range a.types {
			if t.ti == ti {
				c = t
				break
			}
		}
		if c == nil {
			c = &snapChunk{ti: ti, Blocks: Blocks{Type: ti.snapType}}
			a.types = append(a.types, c)
		}
		a.last = c
	}
	return c
}

// Blocks hands out zeroed values of Type from arrays of 1, 2, 4, … up to 64
// of them (up to 256 when Reserve said how many to expect): one allocation
// per block instead of one per value. A value lives as long as its block
// (so runtime.SetFinalizer cannot be set on one).
type Blocks struct {
	Type  reflect.Type
	block unsafe.Pointer // an array of Type
	used  int            // values of the block handed out
	size  int            // values in the block
	want  int            // values expected beyond the current block (Reserve)
}

// Reserve says n more values are expected: the next block holds them, up
// to 256.
func (b *Blocks) Reserve(n int) {
	b.want = n - (b.size - b.used)
}

// Next returns the address of a zeroed value of b.Type.
func (b *Blocks) Next() unsafe.Pointer {
	if b.used == b.size {
		b.size, b.want = blockSize(b.size*2, b.want)
		b.used = 0
		b.block = reflect.New(reflect.ArrayOf(b.size, b.Type)).UnsafePointer()
	}
	// Never a pointer past the block's end: the collector would take it for
	// a pointer into the next object.
	p := b.at(b.used)
	b.used++
	return p
}

// Discard takes back p when it is the value handed out last: it is
// cleared and handed out again.
func (b *Blocks) Discard(p unsafe.Pointer) {
	if b.used == 0 || p != b.at(b.used-1) {
		return
	}
	reflect.NewAt(b.Type, p).Elem().SetZero()
	b.used--
}

func (b *Blocks) at(i int) unsafe.Pointer {
	return unsafe.Add(b.block, uintptr(i)*b.Type.Size())
}

// takeSnapshot records the current state of en's entity (a snapshot from
// a, or a single allocation when a is nil).
func takeSnapshot(en *Entry, a *snapAlloc) {
	var ti *typeInfo
	if a != nil && a.last != nil && a.last.ti.entity == en.Entity {
		ti = a.last.ti // loads snapshot one type at a time
	} else {
		ti = infoOf(en.Entity)
	}
	// Always a new snapshot: a transactional fork shares entities (not
	// entries or snapshots) with its parent, which keeps its own.
	var base unsafe.Pointer
	if a != nil {
		base = a.get(ti)
	} else {
		base = reflect.New(ti.snapType).UnsafePointer()
	}
	snap := unsafe.Add(base, ti.valOff)
	ti.copier()(snap, en.Ptr)
	if ti.shared != nil {
		cloneShared(ti.shared, snap)
	}
	var ext *snapExtra
	if ti.hasExt {
		ext = &snapExtra{json: make([][]byte, len(ti.cols)), vals: make([]any, len(ti.cols))}
		*(**snapExtra)(base) = ext
	}
	if !ti.perColumn {
		en.snap = snap
		return
	}
	for i := range ti.cols {
		c := &ti.cols[i]
		if c.json {
			ext.json[i] = marshalJSON(c.prop, en.Ptr)
			continue
		}
		if c.custom {
			ext.vals[i], _ = FieldValue(c.prop, en.Ptr) // an error shows at the flush
			continue
		}
		if c.deep != nil {
			if src := c.prop.At.Ptr(en.Ptr); src != nil {
				c.deep(c.prop.At.PtrAlloc(snap), src)
			}
		}
	}
	en.snap = snap
}

func marshalJSON(p *meta.Property, ptr unsafe.Pointer) []byte {
	fp := p.At.Ptr(ptr)
	if fp == nil {
		return nil
	}
	b, err := json.Marshal(reflect.NewAt(p.Type, fp).Interface())
	if err != nil {
		return nil
	}
	return b
}
