package rel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
)

// MarshalJSON renders an initialized collection as a JSON array of its
// items (each marshalled by encoding/json, so an entity's own json tags
// apply) and one that is not initialized as null: its content is unknown,
// and an empty array would claim there is none. Declare the field with
// `json:",omitzero"` to leave an uninitialized collection out instead
// (IsZero reports true for it).
func (c Collection[T]) MarshalJSON() ([]byte, error) {
	if !c.initialized {
		return []byte("null"), nil
	}
	if len(c.items) == 0 {
		return []byte("[]"), nil
	}
	return json.Marshal(c.items)
}

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
