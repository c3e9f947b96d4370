package rel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"unsafe"
)

// maxJSONDepth is how many times the same collection may be marshalled
// inside itself (a back-reference: author.Books → book.Author → author.Books
// …) before MarshalJSON reports a cycle. encoding/json cannot see a cycle
// that passes through a Marshaler (each MarshalJSON starts a new encoding),
// and would recurse until the stack overflows, a fatal error.
const maxJSONDepth = 256

// marshalling counts, per collection storage, the MarshalJSON calls under
// way (in every goroutine: a collection marshalled concurrently counts once
// per goroutine, far below the limit).
var marshalling = struct {
	sync.Mutex
	depth map[unsafe.Pointer]int
}{depth: map[unsafe.Pointer]int{}}

// ErrJSONCycle is returned (wrapped in the error json.Marshal returns) for
// a collection that contains itself through back-references: tag the
// back-reference `json:"-"`, or use the EntityManager's ToJSON, which cuts
// cycles to keys.
var ErrJSONCycle = fmt.Errorf("rel: collection marshalled inside itself more than %d times (a cycle through a back-reference)", maxJSONDepth)

// MarshalJSON renders an initialized collection as a JSON array of its
// items (each marshalled by encoding/json, so an entity's own json tags
// apply) and one that is not initialized as null: its content is unknown,
// and an empty array would claim there is none. Declare the field with
// `json:",omitzero"` to leave an uninitialized collection out instead
// (IsZero reports true for it). A cycle through back-references is an
// error (ErrJSONCycle), never a stack overflow.
func (c Collection[T]) MarshalJSON() ([]byte, error) {
	if !c.initialized {
		return []byte("null"), nil
	}
	if len(c.items) == 0 {
		return []byte("[]"), nil
	}
	key := unsafe.Pointer(unsafe.SliceData(c.items))
	marshalling.Lock()
	d := marshalling.depth[key] + 1
	marshalling.depth[key] = d
	marshalling.Unlock()
	defer func() {
		marshalling.Lock()
		if d := marshalling.depth[key] - 1; d > 0 {
			marshalling.depth[key] = d
		} else {
			delete(marshalling.depth, key)
		}
		marshalling.Unlock()
	}()
	if d > maxJSONDepth {
		return nil, &jsonCycleError{elem: reflect.TypeFor[T]()}
	}
	b, err := json.Marshal(c.items)
	// encoding/json wraps an error from MarshalJSON once per level: return
	// the cycle itself so that the message does not grow with the depth.
	var ce *jsonCycleError
	if errors.As(err, &ce) {
		return nil, ce
	}
	return b, err
}

// jsonCycleError is ErrJSONCycle naming the collection's element type.
type jsonCycleError struct{ elem reflect.Type }

func (e *jsonCycleError) Error() string {
	return fmt.Sprintf("%v: a collection of %s contains itself (tag the back-reference `json:\"-\"`, or use the EntityManager's ToJSON)", ErrJSONCycle, e.elem)
}

func (e *jsonCycleError) Is(target error) bool { return target == ErrJSONCycle }

// IsZero reports whether the collection is not initialized, so that a field
// tagged `json:",omitzero"` is omitted while its content is unknown.
func (c Collection[T]) IsZero() bool { return !c.initialized }

// UnmarshalJSON replaces the content with the items of a JSON array, as
// [Collection.Set] does: on an initialized collection the diff records
// exactly what changed, on one that is not initialized the new content
// replaces whatever the database holds at the next flush. JSON null leaves
// the collection as it is. Items are decoded into new values: for entities
// they are new instances, not the ones an EntityManager manages.
func (c *Collection[T]) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	var items []T
	if err := json.Unmarshal(data, &items); err != nil {
		return fmt.Errorf("rel: decoding Collection[%s]: %w", reflect.TypeFor[T](), err)
	}
	c.Set(items...)
	return nil
}
