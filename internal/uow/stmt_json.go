package uow

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/sqltype"
	"github.com/unitorm/unitorm/meta"
)

// The JSON_TABLE forms (dialect.JSONTable: MySQL 8, MariaDB 10.6+) carry the
// rows of a bulk update or delete in one JSON parameter, an array of one
// array per row, which the statement joins to the table by key:
//
//	UPDATE `t` AS `unitorm_t` JOIN JSON_TABLE(?, '$[*]' COLUMNS (`k` BIGINT PATH '$[0]', `v0` LONGTEXT PATH '$[1]')) AS `unitorm_v`
//	  ON `unitorm_t`.`id` = `unitorm_v`.`k` SET `unitorm_t`.`name` = `unitorm_v`.`v0`
//	DELETE `unitorm_t` FROM `t` AS `unitorm_t` JOIN JSON_TABLE(?, …) AS `unitorm_v` ON …
//
// instead of CASE branches (O(n²) on the server) or an OR of key and
// version conditions. The statement text depends on the columns only, so
// chunks reuse one prepared statement.
//
// A value travels as JSON only when it comes back from JSON_TABLE exactly:
// integers (BIGINT: every int64), finite floats other than -0 (DOUBLE: Go
// writes the shortest text that parses back to the same float64), valid
// UTF-8 strings (LONGTEXT, so an over-long value fails on the target
// column as it would without JSON) and NULL. A step with any other column
// type (times, decimals, bytes, JSON, UUIDs, custom types, explicit SQL
// types) or value keeps the other forms; so does one whose key is not a
// single integer column (a string key would compare under JSON_TABLE's
// collation, not the column's).

// JSONMinRows are the fewest rows of a step written with the JSON_TABLE
// forms, per kind of step. Set by measurement (BenchmarkJSONForms on
// MariaDB 10.11, fastest of 3 rounds of 10–30 flushes, benchmarks/RESULTS.md):
// an unversioned update by CASE batches of 300 is as fast up to a few
// hundred rows and falls behind from about 1,000 (1.8× at 10,000); a
// versioned update (CASE plus an OR of key and version pairs) falls behind
// from 32–64 rows (3× at 1,000); a versioned delete (an OR of pairs) from
// about 16 (20× at 10,000); an unversioned delete's IN list stays ahead at
// every size measured (1.1–1.4× at 1,000–10,000), so it never uses them.
// A step of one row is never written so: its UPDATE or DELETE by key is one
// plain statement already.
var JSONMinRows = JSONThresholds{Update: 512, VersionedUpdate: 32, Delete: maxRows, VersionedDelete: 16}

// JSONEachMinRows are the fewest rows of a delete step written with
// SQLite's json_each form (dialect.JSONEach; there is no update form, its
// Update fields are unused). Set by measurement (BenchmarkJSONForms,
// SQLite in memory, fastest of 3 rounds of 20 flushes, 2026-12-06): an
// unversioned delete's IN list is faster up to 32 rows, json_each from 64
// (0.96×) to 10,000 (0.88×); a versioned delete's OR of pairs is faster up
// to 16 rows, json_each from 32 (0.81×; 0.55× at 256), and the OR runs in
// statements of at most maxOrRows rows.
var JSONEachMinRows = JSONThresholds{Update: maxRows, VersionedUpdate: maxRows, Delete: 64, VersionedDelete: 32}

// JSONThresholds are row counts per kind of step (see JSONMinRows).
type JSONThresholds struct{ Update, VersionedUpdate, Delete, VersionedDelete int }

// All sets every threshold to n (tests use 1: every step in JSON form).
func (t *JSONThresholds) All(n int) { *t = JSONThresholds{n, n, n, n} }

const maxRows = int(^uint(0) >> 1)

// jsonChunkBytes bounds one statement's JSON document, far under the
// smallest max_allowed_packet of the servers (4 MiB, MySQL 5.7's default).
const jsonChunkBytes = 1 << 20

// jsonColumn is one column of a JSON_TABLE list: its JSON_TABLE type.
type jsonColumn struct {
	prop *meta.Property
	typ  string
}

// jsonType is the JSON_TABLE column type that carries c exactly, or "".
func jsonType(d dialect.Dialect, c *meta.Column) string {
	if c == nil || c.SQLType != "" {
		return ""
	}
	if p := c.Prop; p != nil && p.Kind == meta.Scalar && (p.Codec != meta.CodecPlain || p.CustomType() != nil) {
		return ""
	}
	if c.Ref != nil && (c.Ref.Codec != meta.CodecPlain || c.Ref.CustomType() != nil) {
		return ""
	}
	_, logical := sqltype.Of(d, c, false)
	switch logical {
	case dialect.TypeBool, dialect.TypeInt16, dialect.TypeInt32, dialect.TypeInt64:
		return "BIGINT"
	case dialect.TypeFloat32, dialect.TypeFloat64:
		return "DOUBLE"
	case dialect.TypeString, dialect.TypeText:
		return "LONGTEXT"
	}
	return ""
}

// appendJSONValue appends v as JSON for a JSON_TABLE column of type typ,
// and reports false when v would not come back exactly.
func appendJSONValue(b []byte, typ string, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), true
	case int64:
		if typ == "LONGTEXT" {
			return b, false
		}
		return strconv.AppendInt(b, x, 10), true
	case bool:
		if typ != "BIGINT" {
			return b, false
		}
		if x {
			return append(b, '1'), true
		}
		return append(b, '0'), true
	case float64:
		if typ != "DOUBLE" || math.IsNaN(x) || math.IsInf(x, 0) || (x == 0 && math.Signbit(x)) {
			return b, false
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64), true
	case string:
		if typ != "LONGTEXT" || !utf8.ValidString(x) {
			return b, false
		}
		return appendJSONString(b, x), true
	}
	return b, false
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s (valid UTF-8) as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonRows writes the rows of ens as JSON documents of at most
// jsonChunkBytes each (a row longer than that alone in one), each row the
// values of cols read by value: an array per row, or with flat (one
// column) the value itself. A nil value reads each column's field
// (FieldValue), int and int64 fields directly. It reports false when a
// value cannot travel as JSON.
func jsonRows(ens []*Entry, cols []jsonColumn, flat bool, value func(c jsonColumn, en *Entry) (any, error)) (docs []string, chunks [][]*Entry, ok bool, err error) {
	direct := make([]bool, len(cols)) // read as an int64 in place
	for i, c := range cols {
		direct[i] = value == nil && c.prop.Kind == meta.Scalar && c.prop.Codec == meta.CodecPlain &&
			(c.prop.Type == int64Type || c.prop.Type == intType && strconv.IntSize == 64) && c.typ == "BIGINT"
	}
	if value == nil {
		value = func(c jsonColumn, en *Entry) (any, error) { return FieldValue(c.prop, en.Ptr) }
	}
	// Room for every row of a chunk of small numbers: one allocation.
	b := make([]byte, 0, min(len(ens)*(len(cols)*12+3)+2, jsonChunkBytes+1024))
	start := 0
	for i, en := range ens {
		mark := len(b)
		if len(b) == 0 {
			b = append(b, '[')
		} else {
			b = append(b, ',')
		}
		if !flat {
			b = append(b, '[')
		}
		for j, c := range cols {
			if j > 0 {
				b = append(b, ',')
			}
			if direct[j] {
				if fp := c.prop.At.Ptr(en.Ptr); fp != nil {
					b = strconv.AppendInt(b, *(*int64)(fp), 10)
					continue
				}
			}
			v, err := value(c, en)
			if err != nil {
				return nil, nil, false, err
			}
			if p, isPending := v.(Pending); isPending {
				b = appendJSONString(b, p.String()) // dry runs only
				continue
			}
			if b, ok = appendJSONValue(b, c.typ, v); !ok {
				return nil, nil, false, nil
			}
		}
		if !flat {
			b = append(b, ']')
		}
		if len(b) > jsonChunkBytes && i > start {
			// This row opens the next document.
			row := append([]byte{'['}, b[mark+1:]...)
			docs = append(docs, string(append(b[:mark], ']')))
			chunks = append(chunks, ens[start:i:i])
			b, start = row, i
		}
	}
	if len(b) > 0 {
		docs = append(docs, string(append(b, ']')))
		chunks = append(chunks, ens[start:])
	}
	return docs, chunks, true, nil
}

// appendJSONTable appends JSON_TABLE(?, '$[*]' COLUMNS (…)) AS `unitorm_v`
// for columns named by names.
func appendJSONTable(b []byte, d dialect.Dialect, names []string, cols []jsonColumn) []byte {
	b = append(b, " JOIN JSON_TABLE(?, '$[*]' COLUMNS ("...)
	for i, c := range cols {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = d.AppendIdent(b, names[i])
		b = append(b, ' ')
		b = append(b, c.typ...)
		b = append(b, " PATH '$["...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, "]'"...)
	}
	b = append(b, ")) AS "...)
	return d.AppendIdent(b, "unitorm_v")
}

// appendQualified appends `alias`.`column`.
func appendQualified(b []byte, d dialect.Dialect, alias, column string) []byte {
	b = d.AppendIdent(b, alias)
	b = append(b, '.')
	return d.AppendIdent(b, column)
}

// jsonKey is the key (and, when versioned, version) columns of e in a
// JSON_TABLE list, or false when they cannot travel as JSON.
func jsonKey(d dialect.Dialect, e *meta.Entity, versioned bool) ([]jsonColumn, []string, bool) {
	if len(e.PK) != 1 || len(e.PK[0].Columns) != 1 {
		return nil, nil, false
	}
	pk := e.PK[0]
	if !IsIntKind(pk.Type.Kind()) || jsonType(d, pk.Columns[0]) != "BIGINT" {
		return nil, nil, false
	}
	cols := []jsonColumn{{pk, "BIGINT"}}
	names := []string{"k"}
	if versioned {
		v := e.Version
		if len(v.Columns) != 1 || v.Type == timeType || jsonType(d, v.Columns[0]) != "BIGINT" {
			return nil, nil, false
		}
		cols = append(cols, jsonColumn{v, "BIGINT"})
		names = append(names, "ov")
	}
	return cols, names, true
}

// updateJSON writes an update step as UPDATE … JOIN JSON_TABLE, and
// reports false when the step keeps the other forms.
func (p *Plan) updateJSON(step *Step, d dialect.Dialect, dry bool) ([]*Statement, bool, error) {
	e := step.Entity
	versioned := step.Kind == StepUpdate && e.Version != nil
	min := JSONMinRows.Update
	if versioned {
		min = JSONMinRows.VersionedUpdate
	}
	if !d.Has(dialect.JSONTable) || len(step.Entries) < max(min, 2) {
		return nil, false, nil
	}
	cols, names, ok := jsonKey(d, e, versioned)
	if !ok {
		return nil, false, nil
	}
	for i, prop := range step.Props {
		if len(prop.Columns) != 1 {
			return nil, false, nil
		}
		typ := jsonType(d, prop.Columns[0])
		if typ == "" {
			return nil, false, nil
		}
		cols = append(cols, jsonColumn{prop, typ})
		names = append(names, "v"+strconv.Itoa(i))
	}
	docs, chunks, ok, err := jsonRows(step.Entries, cols, false, func(c jsonColumn, en *Entry) (any, error) {
		if c.prop.Kind == meta.Scalar {
			return FieldValue(c.prop, en.Ptr)
		}
		return p.propValue(step, c.prop, en, dry)
	})
	if !ok || err != nil {
		return nil, false, err
	}
	b := []byte("UPDATE ")
	b = d.AppendIdent(b, e.Table)
	b = append(b, " AS "...)
	b = d.AppendIdent(b, "unitorm_t")
	b = appendJSONJoin(b, d, e, names, cols, versioned)
	b = append(b, " SET "...)
	first := 1
	if versioned {
		first = 2
	}
	for i, prop := range step.Props {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendQualified(b, d, "unitorm_t", prop.Columns[0].Name)
		b = append(b, " = "...)
		b = appendQualified(b, d, "unitorm_v", names[first+i])
	}
	if versioned {
		// The version each row had plus one (the ON clause checked it):
		// no dependence on the order MySQL applies assignments in.
		b = append(b, ", "...)
		b = appendQualified(b, d, "unitorm_t", e.Version.Column)
		b = append(b, " = "...)
		b = appendQualified(b, d, "unitorm_v", "ov")
		b = append(b, " + 1"...)
	}
	sql := string(b)
	out := make([]*Statement, len(docs))
	for i, doc := range docs {
		if versioned {
			if _, _, err := p.bumpVersions(e.Version, chunks[i], dry); err != nil {
				return nil, false, err
			}
		}
		out[i] = &Statement{Query: sqlText{sql, []any{doc}}, Step: step, Entries: chunks[i], Expect: int64(len(chunks[i])), Reuse: len(docs) > 1}
	}
	return out, true, nil
}

// deleteJSON writes a delete step as DELETE … JOIN JSON_TABLE, and reports
// false when the step keeps the IN / OR forms.
func (p *Plan) deleteJSON(step *Step, d dialect.Dialect) ([]*Statement, bool, error) {
	e := step.Entity
	versioned := e.Version != nil
	limits := JSONMinRows
	if d.Has(dialect.JSONEach) {
		limits = JSONEachMinRows
	}
	min := limits.Delete
	if versioned {
		min = limits.VersionedDelete
	}
	if !d.Has(dialect.JSONTable) && !d.Has(dialect.JSONEach) || len(step.Entries) < max(min, 2) {
		return nil, false, nil
	}
	cols, names, ok := jsonKey(d, e, versioned)
	if !ok {
		return nil, false, nil
	}
	// json_each reads an unversioned step's keys from a flat array.
	flat := !versioned && d.Has(dialect.JSONEach)
	docs, chunks, ok, err := jsonRows(step.Entries, cols, flat, nil)
	if !ok || err != nil {
		return nil, false, err
	}
	var b []byte
	if d.Has(dialect.JSONEach) {
		b = appendJSONEachDelete(b, d, e, versioned)
	} else {
		b = append(b, "DELETE "...)
		b = d.AppendIdent(b, "unitorm_t")
		b = append(b, " FROM "...)
		b = d.AppendIdent(b, e.Table)
		b = append(b, " AS "...)
		b = d.AppendIdent(b, "unitorm_t")
		b = appendJSONJoin(b, d, e, names, cols, versioned)
	}
	sql := string(b)
	out := make([]*Statement, len(docs))
	for i, doc := range docs {
		s := &Statement{Query: sqlText{sql, []any{doc}}, Step: step, Entries: chunks[i], Expect: -1, Reuse: len(docs) > 1}
		if versioned {
			s.Expect = int64(len(chunks[i]))
		}
		out[i] = s
	}
	return out, true, nil
}

// appendJSONEachDelete appends SQLite's bulk delete by key, and by the
// version each row had when versioned, from one JSON parameter:
//
//	DELETE FROM "t" WHERE "id" IN (SELECT "value" FROM json_each(?))
//	DELETE FROM "t" WHERE ("id", "version") IN (SELECT json_extract("value", '$[0]'), json_extract("value", '$[1]') FROM json_each(?))
//
// SQLite's JSON reads an integer literal as the INTEGER it writes, every
// int64 exactly.
func appendJSONEachDelete(b []byte, d dialect.Dialect, e *meta.Entity, versioned bool) []byte {
	b = append(b, "DELETE FROM "...)
	b = d.AppendIdent(b, e.Table)
	b = append(b, " WHERE "...)
	if !versioned {
		b = d.AppendIdent(b, e.PK[0].Column)
		b = append(b, " IN (SELECT "...)
		b = d.AppendIdent(b, "value")
		return append(b, " FROM json_each(?))"...)
	}
	b = append(b, '(')
	b = d.AppendIdent(b, e.PK[0].Column)
	b = append(b, ", "...)
	b = d.AppendIdent(b, e.Version.Column)
	b = append(b, ") IN (SELECT json_extract("...)
	b = d.AppendIdent(b, "value")
	b = append(b, ", '$[0]'), json_extract("...)
	b = d.AppendIdent(b, "value")
	return append(b, ", '$[1]') FROM json_each(?))"...)
}

// appendJSONJoin appends the JSON_TABLE joined to the table aliased
// unitorm_t, by key and, for versioned rows, by the version each row had.
func appendJSONJoin(b []byte, d dialect.Dialect, e *meta.Entity, names []string, cols []jsonColumn, versioned bool) []byte {
	b = appendJSONTable(b, d, names, cols)
	b = append(b, " ON "...)
	b = appendQualified(b, d, "unitorm_t", e.PK[0].Column)
	b = append(b, " = "...)
	b = appendQualified(b, d, "unitorm_v", "k")
	if versioned {
		b = append(b, " AND "...)
		b = appendQualified(b, d, "unitorm_t", e.Version.Column)
		b = append(b, " = "...)
		b = appendQualified(b, d, "unitorm_v", "ov")
	}
	return b
}
