package em

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/unitorm/unitorm/qb"
)

// Cursor pagination (MikroORM's findByCursor): pages of a stable order —
// the em.OrderBy options on the entity's own scalar properties, then the
// primary key — addressed by opaque cursors, correct under ties and NULLs.

// ErrInvalidCursor is returned by FindByCursor for a cursor that was not
// made by this ORM's key for the same entity and order (tampered with,
// truncated, from another query), before any query runs.
var ErrInvalidCursor = errors.New("unitorm: invalid cursor")

// Cursor says which page FindByCursor returns: the First n rows after the
// After cursor, or the Last n rows before the Before cursor (either cursor
// may be empty: from the start, or from the end). First and Last are
// exclusive; After and Before may both bound the window.
type Cursor struct {
	First  int
	After  string
	Last   int
	Before string
	// Total also counts every row matching the condition (one more query).
	Total bool
}

// CursorPage is one page of FindByCursor.
type CursorPage[T any] struct {
	Items []*T
	// StartCursor and EndCursor address the first and last item (empty
	// for an empty page): pass EndCursor as After for the next page,
	// StartCursor as Before for the previous one.
	StartCursor, EndCursor string
	// HasNextPage and HasPrevPage say whether rows matching the condition
	// come after the last item, or before the first one.
	HasNextPage, HasPrevPage bool
	// TotalCount is the number of matching rows when Cursor.Total is set,
	// else -1.
	TotalCount int64
	cursors    []string
}

// CursorAt returns the cursor of Items[i].
func (p *CursorPage[T]) CursorAt(i int) string { return p.cursors[i] }

// FindByCursor returns a page of the entities of type T matching where, in
// the order of the em.OrderBy options (the entity's own scalar properties)
// followed by the primary key, which makes the order total: a row is on
// exactly one page however many rows tie on the ordered properties. NULLs
// sort as the largest value (last ascending, first descending) unless an
// OrderBy says otherwise, the same on every database. Populate options work
// (select-in); Limit and Offset are refused, since the cursor places the page.
//
//	page, err := em.FindByCursor[Book](ctx, m, qb.Cond{"price": qb.Gt(0)},
//		em.Cursor{First: 20, After: prev.EndCursor}, em.OrderBy("price", qb.Desc))
//
// Cursors are opaque and signed with Config.CursorKey: a changed cursor, or
// one from another entity or order, is ErrInvalidCursor.
func FindByCursor[T any](ctx context.Context, m *EntityManager, where qb.Condition, c Cursor, opts ...FindOption) (*CursorPage[T], error) {
	q := QB[T](m).with(opts)
	if where != nil {
		q = q.Where(where)
	}
	entered, err := q.enter()
	if err != nil {
		return nil, err
	}
	defer m.leave(entered)
	return findByCursor(ctx, q, c)
}

func findByCursor[T any](ctx context.Context, q Query[T], c Cursor) (*CursorPage[T], error) {
	switch {
	case q.hasLimit || q.hasOffset:
		return nil, fmt.Errorf("%w: FindByCursor takes First/Last, not Limit/Offset", ErrInvalidData)
	case c.First < 0 || c.Last < 0:
		return nil, fmt.Errorf("%w: negative First/Last", ErrInvalidData)
	case (c.First > 0) == (c.Last > 0):
		return nil, fmt.Errorf("%w: FindByCursor needs one of First or Last (> 0)", ErrInvalidData)
	}
	items, err := q.keyOrder("FindByCursor")
	if err != nil {
		return nil, err
	}
	if err := q.checkPopulate(); err != nil {
		return nil, err
	}
	key := q.m.cursorKey()
	fp := fingerprint(q, items)
	var afterVals, beforeVals []any
	if c.After != "" {
		if afterVals, err = decodeCursor(key, fp, c.After, len(items)); err != nil {
			return nil, err
		}
	}
	if c.Before != "" {
		if beforeVals, err = decodeCursor(key, fp, c.Before, len(items)); err != nil {
			return nil, err
		}
	}
	base := q
	base.orders = nil
	if afterVals != nil {
		base = base.Where(after(items, afterVals))
	}
	if beforeVals != nil {
		base = base.Where(after(reversed(items), beforeVals))
	}
	forward := c.First > 0
	n, order := c.First, items
	if !forward {
		n, order = c.Last, reversed(items)
	}
	var rows [][]any
	entries, err := base.withOrder(order).Limit(n+1).loadKeyed(ctx, order, func(v []any) { rows = append(rows, v) })
	if err != nil {
		return nil, err
	}
	more := len(entries) > n
	if more {
		entries, rows = entries[:n], rows[:n]
	}
	if !forward {
		slices.Reverse(entries)
		slices.Reverse(rows)
	}
	page := &CursorPage[T]{Items: objects[T](entries), TotalCount: -1}
	for _, v := range rows {
		s, err := encodeCursor(key, fp, v)
		if err != nil {
			return nil, err
		}
		page.cursors = append(page.cursors, s)
	}
	if len(rows) > 0 {
		page.StartCursor, page.EndCursor = page.cursors[0], page.cursors[len(rows)-1]
	}
	// Beyond the page's edges, ignoring the cursors: the fetch direction
	// knows from its extra row; the rest is one existence query each.
	exists := func(order []keyItem, from []any) (bool, error) {
		if from == nil {
			return false, nil
		}
		one := q
		one.orders, one.populate = nil, nil
		sel, _, err := one.Where(after(order, from)).Limit(1).build(false)
		if err != nil {
			return false, err
		}
		rows, err := q.m.exec(ctx).QueryMaps(ctx, sel)
		return len(rows) > 0, err
	}
	first, last := afterVals, beforeVals
	if len(rows) > 0 {
		first, last = rows[0], rows[len(rows)-1]
	}
	if forward {
		page.HasNextPage = more
		if !more && beforeVals != nil {
			if page.HasNextPage, err = exists(items, last); err != nil {
				return nil, err
			}
		}
		if afterVals != nil {
			if page.HasPrevPage, err = exists(reversed(items), first); err != nil {
				return nil, err
			}
		}
	} else {
		page.HasPrevPage = more
		if !more && afterVals != nil {
			if page.HasPrevPage, err = exists(reversed(items), first); err != nil {
				return nil, err
			}
		}
		if beforeVals != nil {
			if page.HasNextPage, err = exists(items, last); err != nil {
				return nil, err
			}
		}
	}
	if c.Total {
		cq := q
		cq.orders = nil
		if page.TotalCount, err = cq.count(ctx); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// fingerprint names the entity and the order a cursor belongs to.
func fingerprint[T any](q Query[T], items []keyItem) string {
	var b strings.Builder
	b.WriteString(q.e.Name)
	for _, it := range items {
		fmt.Fprintf(&b, "|%s:%t:%d", it.prop.Name, it.desc, it.nulls)
	}
	return b.String()
}

func (m *EntityManager) cursorKey() []byte { return m.s.CursorKey }

// A cursor is base64url(payload || HMAC-SHA256(key, fingerprint, payload)[:16]),
// the payload a JSON list of typed values ("i:12", "s:text", "n" for NULL).
const macLen = 16

func encodeCursor(key []byte, fp string, vals []any) (string, error) {
	enc := make([]string, len(vals))
	for i, v := range vals {
		s, err := encodeValue(v)
		if err != nil {
			return "", err
		}
		enc[i] = s
	}
	payload, err := json.Marshal(enc)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(append(payload, mac(key, fp, payload)...)), nil
}

func decodeCursor(key []byte, fp, s string, n int) ([]any, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) <= macLen {
		return nil, fmt.Errorf("%w: not a cursor", ErrInvalidCursor)
	}
	payload, sum := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	if !hmac.Equal(sum, mac(key, fp, payload)) {
		return nil, fmt.Errorf("%w: signature does not match (changed, or made for another entity, order or key)", ErrInvalidCursor)
	}
	var enc []string
	if err := json.Unmarshal(payload, &enc); err != nil || len(enc) != n {
		return nil, fmt.Errorf("%w: malformed payload", ErrInvalidCursor)
	}
	vals := make([]any, n)
	for i, e := range enc {
		if vals[i], err = decodeValue(e); err != nil {
			return nil, err
		}
	}
	return vals, nil
}

func mac(key []byte, fp string, payload []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(fp))
	h.Write([]byte{0})
	h.Write(payload)
	return h.Sum(nil)[:macLen]
}

func encodeValue(v any) (string, error) {
	if dv, ok := v.(driver.Valuer); ok {
		x, err := dv.Value()
		if err != nil {
			return "", err
		}
		v = x
	}
	switch x := v.(type) {
	case nil:
		return "n", nil
	case int64:
		return "i:" + strconv.FormatInt(x, 10), nil
	case uint64:
		return "u:" + strconv.FormatUint(x, 10), nil
	case float64:
		return "f:" + strconv.FormatFloat(x, 'g', -1, 64), nil
	case string:
		return "s:" + x, nil
	case bool:
		return "b:" + strconv.FormatBool(x), nil
	case time.Time:
		return "t:" + x.Format(time.RFC3339Nano), nil
	case []byte:
		return "x:" + base64.StdEncoding.EncodeToString(x), nil
	}
	return "", fmt.Errorf("unitorm: cursor: cannot encode a %T order value", v)
}

func decodeValue(e string) (any, error) {
	if e == "n" {
		return nil, nil
	}
	tag, s, ok := strings.Cut(e, ":")
	if !ok {
		return nil, fmt.Errorf("%w: malformed value", ErrInvalidCursor)
	}
	var v any
	var err error
	switch tag {
	case "i":
		v, err = strconv.ParseInt(s, 10, 64)
	case "u":
		v, err = strconv.ParseUint(s, 10, 64)
	case "f":
		v, err = strconv.ParseFloat(s, 64)
	case "s":
		v = s
	case "b":
		v, err = strconv.ParseBool(s)
	case "t":
		v, err = time.Parse(time.RFC3339Nano, s)
	case "x":
		v, err = base64.StdEncoding.DecodeString(s)
	default:
		err = errors.New("unknown type")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: malformed value", ErrInvalidCursor)
	}
	return v, nil
}
