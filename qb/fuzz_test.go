package qb_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

// markDialect writes each placeholder as NUL # n NUL so that a test can find
// every one of them in any SQL, whatever quotes or question marks surround it.
type markDialect struct{ dialect.Dialect }

func (markDialect) AppendPlaceholder(b []byte, n int) []byte {
	b = append(b, 0, '#')
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, 0)
}

var sentinels = []error{qb.ErrInvalidValue, qb.ErrInvalidIdentifier, qb.ErrTooManyParams,
	qb.ErrUnsupported, qb.ErrBindMismatch, qb.ErrInvalidQuery}

// checkRender renders q on every dialect (which must not panic) and, with
// placeholders marked, checks that they are numbered 1..n in order with
// n == len(args), and that every error wraps one of the sentinels.
func checkRender(t *testing.T, q qb.Statement, input string) {
	for _, d := range dialects {
		_, _, err := q.ToSQL(d)
		checkErr(t, err)
	}
	if strings.Contains(input, "\x00") {
		return // the input could imitate a marker
	}
	for _, d := range dialects {
		s, args, err := q.ToSQL(markDialect{d})
		if err != nil {
			checkErr(t, err)
			continue
		}
		n := 0
		for rest := s; ; {
			i := strings.Index(rest, "\x00#")
			if i < 0 {
				break
			}
			rest = rest[i+2:]
			j := strings.IndexByte(rest, 0)
			if j < 0 {
				t.Fatalf("unterminated marker in %q", s)
			}
			n++
			if got, _ := strconv.Atoi(rest[:j]); got != n {
				t.Fatalf("placeholder %d numbered %q in %q", n, rest[:j], s)
			}
			rest = rest[j+1:]
		}
		if n != len(args) {
			t.Fatalf("%s: %d placeholders, %d args: %q %v", d.Name(), n, len(args), s, args)
		}
	}
}

func checkErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			if !strings.HasPrefix(err.Error(), "qb: ") {
				t.Fatalf("error without qb: prefix: %v", err)
			}
			return
		}
	}
	t.Fatalf("error wraps no sentinel: %v", err)
}

var fuzzOps = []qb.Op{qb.OpEq, qb.OpNe, qb.OpIn, qb.OpNin, qb.OpGt, qb.OpGte, qb.OpLt, qb.OpLte,
	qb.OpLike, qb.OpILike, qb.OpRe, qb.OpExists, qb.OpContains, qb.OpOverlap}

func fuzzValue(kind uint8, s string, n int64) any {
	switch kind % 14 {
	case 0:
		return s
	case 1:
		return n
	case 2:
		return nil
	case 3:
		return []any{n, s, nil}
	case 4:
		return []string{s}
	case 5:
		return qb.Col(s)
	case 6:
		return qb.Raw(s, n)
	case 7:
		return map[string]any{s: n}
	case 8:
		return struct{ S string }{s}
	case 9:
		return float64(n) / 3
	case 10:
		return n%2 == 0
	case 11:
		return qb.Select("id").From(s).Where(qb.Cond{s: n})
	case 12:
		return []int{}
	}
	return qb.Cond{s: n}
}

func FuzzCond(f *testing.F) {
	f.Add("title", "x", "A%", int64(1), uint8(0), uint8(0), uint8(0))
	f.Add("a.b", "$gt", "", int64(-5), uint8(1), uint8(4), uint8(1))
	f.Add(`we"ird`, "$in", "x`y", int64(3), uint8(3), uint8(2), uint8(2))
	f.Add("$or", "$like", `100\%_`, int64(0), uint8(0), uint8(8), uint8(3))
	f.Add("k", "$nope", "? ?? \\?", int64(7), uint8(6), uint8(14), uint8(4))
	f.Add("id", "", "sub", int64(2), uint8(11), uint8(2), uint8(5))
	f.Fuzz(func(t *testing.T, key, opName, s string, n int64, kind, opIdx, shape uint8) {
		op := qb.Op(opName)
		if int(opIdx) < len(fuzzOps) {
			op = fuzzOps[opIdx]
		}
		v := fuzzValue(kind, s, n)
		var c qb.Condition = qb.Cond{key: qb.Operator{Op: op, Value: v}}
		switch shape % 6 {
		case 1:
			c = qb.Cond{key: v, s: n}
		case 2:
			c = qb.Or(c, qb.Cond{s: v})
		case 3:
			c = qb.Not(qb.And(c, qb.Cond{"$or": []any{qb.Cond{key: n}, c}}))
		case 4:
			c = qb.Compare{Field: key, Op: op, Value: v}
		case 5:
			c = qb.Cond{key: qb.Ops{{Op: op, Value: v}, qb.Lt(n)}}
		}
		q := qb.Select().From("t").Where(c).OrWhere(qb.Cond{"x": v})
		checkRender(t, q, key+opName+s)
		checkRender(t, qb.Update("t").Set(key, v).Where(c), key+opName+s)
		checkRender(t, qb.DeleteFrom("t").WhereIn(key, v, n), key+s)
		if e, err := qb.Normalize(c); err == nil {
			if _, err := qb.MapFields(e, func(f string) (string, error) { return f + "_x", nil }); err != nil {
				t.Fatalf("MapFields: %v", err)
			}
		} else {
			checkErr(t, err)
		}
	})
}

func FuzzRaw(f *testing.F) {
	f.Add("a = ? AND ?? = ?", uint8(3), "012", "name", int64(1))
	f.Add(`x \? ? ??`, uint8(2), "15", "a.b", int64(2))
	f.Add("???", uint8(2), "60", "", int64(0))
	f.Add("id IN (?)", uint8(1), "3", "x", int64(9))
	f.Add("\\", uint8(0), "", "", int64(0))
	f.Add("?", uint8(1), "7", "k", int64(4))
	f.Fuzz(func(t *testing.T, sql string, nargs uint8, kinds, s string, n int64) {
		args := make([]any, int(nargs%7))
		for i := range args {
			k := byte(i)
			if i < len(kinds) {
				k = kinds[i]
			}
			switch k % 9 {
			case 0:
				args[i] = n
			case 1:
				args[i] = s
			case 2:
				args[i] = nil
			case 3:
				args[i] = []int64{n, n + 1}
			case 4:
				args[i] = qb.Raw("? + ?", n, s)
			case 5:
				args[i] = qb.Col(s)
			case 6:
				args[i] = []string{s, "b"}
			case 7:
				args[i] = map[string]any{"x": n}
			case 8:
				args[i] = qb.Select("id").From("t").Where(qb.Cond{"a": s})
			}
		}
		r := qb.Raw(sql, args...)
		checkRender(t, qb.Select(r).From("t"), sql+s)
		checkRender(t, qb.Select().From("t").WhereRaw(sql, args...).OrderByRaw(sql, args...), sql+s)
		checkRender(t, qb.InsertInto("t").Columns("a").Values(r), sql+s)
		checkRender(t, qb.Select().From("t").JoinRaw(sql, args...).GroupByRaw(sql, args...), sql+s)
	})
}
