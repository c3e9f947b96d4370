package sqldb

import (
	"errors"
	"strconv"
	"time"
	"unsafe"
)

// textArena makes the strings of one load: their bytes are copied into
// shared chunks instead of one allocation per value. A string keeps its
// whole chunk alive (at most textChunkMax bytes), as a loaded instance keeps
// its block; longer strings get their own allocation.
type textArena struct {
	buf  []byte
	next int // size of the next chunk (0: textChunkMin)
	// With expect: the texts still expected, and the bytes and count of
	// those stored, which size the next chunk for the rest.
	want, stored, bytes int
}

const (
	textChunkMin = 256
	textChunkMax = 16 << 10
	textOwnMin   = 1 << 10 // texts this long are allocated alone
	textTypical  = 16      // bytes expected per text before any is read
)

// expect says n more texts are expected (a load's limit times its text
// columns): the first chunk is sized for a typical length, the next ones
// for the length seen so far.
func (a *textArena) expect(n int) {
	a.want = n
	a.next = min(max(n*textTypical, textChunkMin), textChunkMax)
}

func (a *textArena) str(b []byte) string {
	n := len(b)
	switch {
	case n == 0:
		return ""
	case n >= textOwnMin:
		return string(b)
	}
	if cap(a.buf)-len(a.buf) < n {
		size := max(a.next, textChunkMin)
		if a.want > a.stored && a.stored > 0 {
			// The rest of the expected texts at the mean length so far.
			size = a.bytes/a.stored*(a.want-a.stored) + n
		}
		size = min(max(size, textChunkMin, n), textChunkMax)
		a.next = min(size*2, textChunkMax)
		a.buf = make([]byte, 0, size)
	}
	a.stored++
	a.bytes += n
	off := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[off], n)
}

// errNullText is the error of a NULL read into a string field.
var errNullText = errors.New("converting NULL to string is unsupported")

// textDest is the scan destination of a string field of a text column: pgx
// hands it the column's bytes (pgtype.BytesScanner), database/sql drivers
// the driver value (sql.Scanner).
type textDest struct {
	p *string
	a *textArena
}

// ScanBytes stores b (valid until the next row) as the field's value.
func (d *textDest) ScanBytes(b []byte) error {
	if b == nil {
		return errNullText
	}
	*d.p = d.a.str(b)
	return nil
}

// Scan stores a driver value as database/sql would into a *string.
func (d *textDest) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*d.p = v
	case []byte:
		*d.p = d.a.str(v)
	case nil:
		return errNullText
	case int64:
		*d.p = strconv.FormatInt(v, 10)
	case float64:
		*d.p = strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		*d.p = strconv.FormatBool(v)
	case time.Time:
		*d.p = v.Format(time.RFC3339Nano)
	default:
		return convertAssign(d.p, src)
	}
	return nil
}
