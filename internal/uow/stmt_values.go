package uow

import (
	"strconv"

	"github.com/unitorm/unitorm/dialect"
)

// updateValues writes an update step of several rows as UPDATE … FROM a
// VALUES list joined by key (dialect.UpdateFromValues: SQLite):
//
//	UPDATE t SET a = "v"."column2" FROM (VALUES (?, ?), (?, ?)) AS "v" WHERE t.id = "v"."column1"
//
// instead of CASE branches, which the database evaluates branch by branch
// for every row (a statement of n rows costs O(n²); benchmarks/RESULTS.md,
// "Hand-written forms": 0.35× the time on SQLite). Chunks stay under the
// parameter limit; with a version column each row's version is checked
// (a mismatch leaves fewer rows updated: ErrOptimisticLock).
func (p *Plan) updateValues(step *Step, d dialect.Dialect, dry bool) ([]*Statement, bool, error) {
	e := step.Entity
	if !d.Has(dialect.UpdateFromValues) || len(step.Entries) < 2 || len(e.PK) != 1 {
		return nil, false, nil
	}
	for _, prop := range step.Props {
		if len(prop.Columns) != 1 {
			return nil, false, nil
		}
	}
	versioned := step.Kind == StepUpdate && e.Version != nil
	perRow := 1 + len(step.Props)
	if versioned {
		perRow++
	}
	pk := e.PK[0]
	var out []*Statement
	for _, ens := range Chunks(step.Entries, chunkSize(d, perRow)) {
		b := []byte("UPDATE ")
		b = d.AppendIdent(b, e.Table)
		b = append(b, " SET "...)
		for i, prop := range step.Props {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = d.AppendIdent(b, prop.Columns[0].Name)
			b = append(b, ` = "v"."column`...)
			b = strconv.AppendInt(b, int64(i+2), 10)
			b = append(b, '"')
		}
		args := make([]any, 0, len(ens)*perRow+1)
		if versioned {
			b = append(b, ", "...)
			b = d.AppendIdent(b, e.Version.Column)
			tv, isTime, err := p.bumpVersions(e.Version, ens, dry)
			if err != nil {
				return nil, false, err
			}
			if isTime {
				b = append(b, " = ?"...)
				args = append(args, tv)
			} else {
				b = append(b, " = "...)
				b = d.AppendIdent(b, e.Version.Column)
				b = append(b, " + 1"...)
			}
		}
		b = append(b, " FROM (VALUES "...)
		for i, en := range ens {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, '(')
			for j := 0; j < perRow; j++ {
				if j > 0 {
					b = append(b, ", "...)
				}
				b = append(b, '?')
			}
			b = append(b, ')')
			k, err := FieldValue(pk, en.Ptr)
			if err != nil {
				return nil, false, err
			}
			args = append(args, k)
			for _, prop := range step.Props {
				v, err := p.propValue(step, prop, en, dry)
				if err != nil {
					return nil, false, err
				}
				args = append(args, v)
			}
			if versioned {
				v, err := FieldValue(e.Version, en.Ptr)
				if err != nil {
					return nil, false, err
				}
				args = append(args, v)
			}
		}
		b = append(b, `) AS "v" WHERE `...)
		b = d.AppendIdent(b, e.Table)
		b = append(b, '.')
		b = d.AppendIdent(b, pk.Column)
		b = append(b, ` = "v"."column1"`...)
		if versioned {
			b = append(b, " AND "...)
			b = d.AppendIdent(b, e.Table)
			b = append(b, '.')
			b = d.AppendIdent(b, e.Version.Column)
			b = append(b, ` = "v"."column`...)
			b = strconv.AppendInt(b, int64(perRow), 10)
			b = append(b, '"')
		}
		out = append(out, &Statement{Query: sqlText{string(b), args}, Step: step, Entries: ens, Expect: int64(len(ens))})
	}
	return out, true, nil
}
