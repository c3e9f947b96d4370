package uow

import (
	"fmt"
	"strings"
	"time"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Statement is one SQL statement of a step.
type Statement struct {
	Query qb.Statement
	Step  *Step
	// Entries are the entities the statement writes, in row order.
	Entries []*Entry
	// GeneratedKey is set on inserts whose rows get their key from the
	// database: with Returning the statement returns it (one row per entry,
	// in order); otherwise the driver reads the last insert id.
	GeneratedKey *meta.Property
	Returning    bool
	// Expect is the number of rows the statement must affect (a mismatch on
	// a versioned entity is an optimistic-lock failure); -1 when unchecked.
	Expect int64
	// Reuse says the statement's text runs more than once in its step: the
	// executor may prepare it once and run every chunk on it.
	Reuse bool
}

// Describe names the statement's kind and entities for error messages.
func (s *Statement) Describe() string {
	var keys []string
	for i, en := range s.Entries {
		if i == 3 {
			keys = append(keys, fmt.Sprintf("… %d more", len(s.Entries)-3))
			break
		}
		keys = append(keys, en.describe())
	}
	return fmt.Sprintf("%s [%s]", s.Step, strings.Join(keys, ", "))
}

// Statements renders step into SQL statements for d, chunked under the
// dialect's bound-parameter limit. Foreign keys are read from the referenced
// entities now, so call it when the steps before it have run. With dry set
// nothing is changed and keys not generated yet appear as Pending values.
func (p *Plan) Statements(step *Step, d dialect.Dialect, dry bool) ([]*Statement, error) {
	if !dry && step.rendered != nil && step.renderedFor == d {
		out := step.rendered
		step.rendered, step.renderedFor = nil, nil
		return out, nil
	}
	if out, ok, err := p.arrayStatements(step, d, dry); ok || err != nil {
		return out, err
	}
	switch step.Kind {
	case StepInsert:
		return p.insertStatements(step, d, dry)
	case StepUpdate, StepFixup:
		return p.updateStatements(step, d, dry)
	case StepDelete:
		return p.deleteStatements(step, d)
	case StepUnlink:
		return p.unlinkStatements(step, d)
	case StepPivotInsert:
		return p.pivotInsertStatements(step, d, dry)
	case StepPivotDelete:
		return p.pivotDeleteStatements(step, d, dry)
	case StepRelink:
		return p.relinkStatements(step, d, dry)
	}
	return nil, fmt.Errorf("uow: unknown step %v", step.Kind)
}

func chunkSize(d dialect.Dialect, perRow int) int {
	if perRow <= 0 {
		perRow = 1
	}
	n := d.MaxParams() / perRow
	if n < 1 {
		n = 1
	}
	return n
}

// PreparedChunkRows is the rows of one INSERT chunk where the dialect runs
// equal chunks on one prepared statement (dialect.PreparedChunks), for
// steps of at least two such chunks; smaller steps stay one statement under
// the parameter limit. Set by measurement (BenchmarkPreparedChunks,
// benchmarks/RESULTS.md).
var PreparedChunkRows = 500

// Chunks splits s into slices of at most n elements (n ≥ 1).
func Chunks[T any](s []T, n int) [][]T {
	var out [][]T
	for len(s) > n {
		out = append(out, s[:n:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}

// keyValue returns the value of the referenced key of the entity at target
// for a foreign-key column, or a Pending placeholder in a dry run.
func (p *Plan) refValue(c *meta.Column, en *Entry, dry bool) (any, error) {
	target := c.Prop.At.Pointer(en.Ptr)
	if target == nil {
		return nil, nil
	}
	if te, ok := p.u.im.EntryAt(c.Prop.Relation.Target, target); ok && !te.hasKey {
		if dry {
			return Pending{Entity: te.Entity.Name, Seq: uint64(te.seq)}, nil
		}
		return nil, fmt.Errorf("uow: %s of %s points at a new %s that has no key yet", c.Prop, en.Entity.Name, te.Entity.Name)
	}
	return ColumnValue(c, en.Ptr)
}

func (p *Plan) insertStatements(step *Step, d dialect.Dialect, dry bool) ([]*Statement, error) {
	e := step.Entity
	gk := generatedKey(e)
	omitKey := gk != nil && !HasPK(e, step.Entries[0].Ptr)
	var cols []*meta.Column
	names := make([]string, 0, len(e.Columns))
	for _, c := range e.Columns {
		if omitKey && c.Prop == gk || c.IsFormula() {
			continue
		}
		cols = append(cols, c)
		names = append(names, c.Name)
	}
	returning := omitKey && d.Has(dialect.InsertReturning)
	size := chunkSize(d, len(cols))
	if !d.Has(dialect.InsertMultiRow) || (omitKey && !returning && !d.Has(dialect.LastInsertID)) {
		size = 1
	}
	if len(cols) == 0 && !d.Has(dialect.InsertDefaultValues) {
		size = 1
	}
	reuse := 0 // the row count of the chunks that share one prepared statement
	if d.Has(dialect.PreparedChunks) && size > PreparedChunkRows && len(step.Entries) >= 2*PreparedChunkRows {
		size, reuse = PreparedChunkRows, PreparedChunkRows
	}
	var out []*Statement
	var text *reusedText // the SQL of the chunks sharing a prepared statement
	if reuse > 0 {
		text = &reusedText{}
	}
	for _, ens := range Chunks(step.Entries, size) {
		rows := make([][]any, len(ens))
		// One backing array for the chunk's values: one allocation per
		// statement instead of one per row.
		flat := make([]any, len(ens)*len(cols))
		for i, en := range ens {
			row := flat[i*len(cols) : (i+1)*len(cols) : (i+1)*len(cols)]
			for j, c := range cols {
				v, err := p.insertValue(step, c, en, dry)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", e.Name, err)
				}
				row[j] = v
			}
			rows[i] = row
		}
		st := qb.InsertStmt{Table: e.Table, Columns: names, Rows: rows}
		s := &Statement{Step: step, Entries: ens, Expect: -1, Reuse: len(ens) == reuse}
		if omitKey {
			s.GeneratedKey = gk
			if returning {
				st.Returning = []string{gk.Column}
				s.Returning = true
			}
		}
		s.Query = qb.NewInsert(st)
		if s.Reuse && allPlain(flat) {
			s.Query = &reusedInsert{q: s.Query, args: flat, text: text}
		}
		out = append(out, s)
	}
	return out, nil
}

// reusedInsert is one of the equal-sized chunks of an insert step that
// share one prepared statement: its text is the same for every chunk, so
// it is rendered once and the chunk's values are its parameters as they
// are (every value is one qb binds unchanged, see allPlain).
type reusedInsert struct {
	q    qb.Statement
	args []any
	text *reusedText
}

type reusedText struct {
	d   dialect.Dialect
	sql string
}

func (s *reusedInsert) ToSQL(d dialect.Dialect) (string, []any, error) {
	if s.text.sql != "" && s.text.d == d {
		return s.text.sql, s.args, nil
	}
	sql, args, err := s.q.ToSQL(d)
	if err == nil {
		s.text.d, s.text.sql = d, sql
	}
	return sql, args, err
}

// allPlain reports whether every value is NULL or of a type qb binds as
// one parameter, unchanged (qb.IsPlainValue: no expression, no
// driver.Valuer, no pointer).
func allPlain(vals []any) bool {
	for _, v := range vals {
		if v != nil && !qb.IsPlainValue(v) {
			return false
		}
	}
	return true
}

// insertValue is the value an INSERT writes into column c for en: the key
// of the referenced row for a foreign key (NULL when the plan inserts it
// first and links it after), the initial version for a version column.
func (p *Plan) insertValue(step *Step, c *meta.Column, en *Entry, dry bool) (any, error) {
	switch {
	case c.Prop.Kind != meta.Scalar:
		if isNullFK(step, en, c.Prop) {
			return nil, nil
		}
		return p.refValue(c, en, dry)
	case c.Prop.Version:
		v, err := initialVersion(c.Prop, en)
		p.noteVersion(en, v, dry)
		return v, err
	}
	return ColumnValue(c, en.Ptr)
}

// SetVersion records the version a driver wrote for en; Commit sets it in
// the entity (and UndoCommit puts the old one back). Drivers that build
// their own writes from the steps (MongoDB) call it.
func (p *Plan) SetVersion(en *Entry, v any) { p.noteVersion(en, v, false) }

func (p *Plan) noteVersion(en *Entry, v any, dry bool) {
	if dry || v == nil {
		return
	}
	if p.versions == nil {
		p.versions = map[*Entry]any{}
	}
	p.versions[en] = v
}

func isNullFK(step *Step, en *Entry, prop *meta.Property) bool {
	for _, p := range step.nullFK[en] {
		if p == prop {
			return true
		}
	}
	return false
}

// initialVersion is the version a new entity is inserted with: its own when
// set, else 1 (or the current time for time versions).
func initialVersion(p *meta.Property, en *Entry) (any, error) {
	if !p.At.IsZero(en.Ptr) {
		return FieldValue(p, en.Ptr)
	}
	if p.Type == timeType {
		return time.Now().UTC().Truncate(time.Microsecond), nil
	}
	return int64(1), nil
}

// bumpVersions notes the version an update gives each of ens. A time
// version is one value for all, returned to be written as it is (isTime);
// a counter is each row's own, written as version + 1.
func (p *Plan) bumpVersions(v *meta.Property, ens []*Entry, dry bool) (timeValue any, isTime bool, err error) {
	if v.Type == timeType {
		tv, _ := nextVersion(v, ens[0])
		for _, en := range ens {
			p.noteVersion(en, tv, dry)
		}
		return tv, true, nil
	}
	for _, en := range ens {
		nv, err := nextVersion(v, en)
		if err != nil {
			return nil, false, err
		}
		p.noteVersion(en, nv, dry)
	}
	return nil, false, nil
}

// nextVersion is the version an update writes.
func nextVersion(p *meta.Property, en *Entry) (any, error) {
	if p.Type == timeType {
		return time.Now().UTC().Truncate(time.Microsecond), nil
	}
	n, ok := p.At.Int64(en.Ptr)
	if !ok {
		return nil, fmt.Errorf("uow: version %s is neither an integer nor a time", p)
	}
	return n + 1, nil
}

// keyCond returns the condition selecting en's row by primary key, and by
// version when versioned is set.
func keyCond(en *Entry, versioned bool) (qb.Cond, error) {
	e := en.Entity
	c := qb.Cond{}
	for _, pk := range e.PK {
		v, err := FieldValue(pk, en.Ptr)
		if err != nil {
			return nil, err
		}
		c[pk.Column] = v
	}
	if versioned && e.Version != nil {
		v, err := FieldValue(e.Version, en.Ptr)
		if err != nil {
			return nil, err
		}
		c[e.Version.Column] = v
	}
	return c, nil
}

// rowsCond selects the rows of ens: pk IN (...) for a simple key without
// version check, else an OR of key conditions.
func rowsCond(ens []*Entry, versioned bool) (qb.Expr, error) {
	e := ens[0].Entity
	if len(e.PK) == 1 && (!versioned || e.Version == nil) {
		vals := make([]any, len(ens))
		for i, en := range ens {
			v, err := FieldValue(e.PK[0], en.Ptr)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		if len(vals) == 1 {
			return qb.Normalize(qb.Cond{e.PK[0].Column: vals[0]})
		}
		return qb.Normalize(qb.Cond{e.PK[0].Column: qb.In(vals...)})
	}
	conds := make([]qb.Condition, len(ens))
	for i, en := range ens {
		c, err := keyCond(en, versioned)
		if err != nil {
			return nil, err
		}
		conds[i] = c
	}
	if len(conds) == 1 {
		return qb.Normalize(conds[0])
	}
	return qb.Normalize(qb.Or(conds...))
}

func (p *Plan) propValue(step *Step, prop *meta.Property, en *Entry, dry bool) (any, error) {
	if prop.Kind == meta.Scalar {
		return FieldValue(prop, en.Ptr)
	}
	if len(prop.Columns) != 1 {
		return nil, fmt.Errorf("uow: %s: composite foreign keys are not supported in updates yet", prop)
	}
	return p.refValue(prop.Columns[0], en, dry)
}

// maxOrRows bounds the rows of a statement that selects them by an OR of
// key conditions (composite keys, versioned rows, pivot rows): SQLite
// refuses an expression tree deeper than 1,000 and an OR of n terms is n
// deep, so a delete of 1,000 such rows failed in one statement.
const maxOrRows = 300

// orChunk is the rows per statement of a step whose rows are selected by
// rowsCond with perRow parameters each: under the parameter limit, and
// under maxOrRows when rowsCond writes an OR.
func orChunk(d dialect.Dialect, e *meta.Entity, versioned bool, perRow int) int {
	n := chunkSize(d, perRow)
	if len(e.PK) != 1 || versioned && e.Version != nil {
		n = min(n, maxOrRows)
	}
	return n
}

// maxCaseRows bounds the rows of one batched UPDATE. Databases evaluate
// CASE pk WHEN … branch by branch for every row, so a statement of n rows
// costs O(n²): 10,000 rows in one statement took 4.6 s on PostgreSQL and
// 0.7 s on SQLite and MariaDB, against ~0.1 s in batches of 300.
const maxCaseRows = 300

func (p *Plan) updateStatements(step *Step, d dialect.Dialect, dry bool) ([]*Statement, error) {
	if out, ok, err := p.updateJSON(step, d, dry); ok || err != nil {
		return out, err
	}
	if out, ok, err := p.updateValues(step, d, dry); ok || err != nil {
		return out, err
	}
	e := step.Entity
	versioned := step.Kind == StepUpdate && e.Version != nil
	perRow := 2*len(step.Props) + len(e.PK) + 1
	if versioned {
		perRow += 2
	}
	size := min(chunkSize(d, perRow), maxCaseRows)
	if len(e.PK) != 1 {
		size = 1
	}
	var out []*Statement
	for _, ens := range Chunks(step.Entries, size) {
		st := qb.UpdateStmt{Table: e.Table}
		if len(ens) == 1 {
			for _, prop := range step.Props {
				v, err := p.propValue(step, prop, ens[0], dry)
				if err != nil {
					return nil, err
				}
				st.Set = append(st.Set, qb.Assignment{Column: prop.Column, Value: v})
			}
		} else {
			pk := e.PK[0]
			for _, prop := range step.Props {
				var sql strings.Builder
				args := []any{pk.Column}
				sql.WriteString("CASE ??")
				for _, en := range ens {
					k, err := FieldValue(pk, en.Ptr)
					if err != nil {
						return nil, err
					}
					v, err := p.propValue(step, prop, en, dry)
					if err != nil {
						return nil, err
					}
					sql.WriteString(" WHEN ? THEN ?")
					args = append(args, k, v)
				}
				// ELSE the column itself types the CASE: PostgreSQL
				// resolves a CASE whose branches are all parameters as
				// text, which it will not assign to other column types.
				sql.WriteString(" ELSE ?? END")
				args = append(args, prop.Column)
				st.Set = append(st.Set, qb.Assignment{Column: prop.Column, Value: qb.Raw(sql.String(), args...)})
			}
		}
		if versioned {
			tv, isTime, err := p.bumpVersions(e.Version, ens, dry)
			if err != nil {
				return nil, err
			}
			if isTime {
				st.Set = append(st.Set, qb.Assignment{Column: e.Version.Column, Value: tv})
			} else {
				st.Set = append(st.Set, qb.Assignment{Column: e.Version.Column, Op: qb.AssignInc, Value: int64(1)})
			}
		}
		where, err := rowsCond(ens, versioned)
		if err != nil {
			return nil, err
		}
		st.Where = where
		out = append(out, &Statement{Query: qb.NewUpdate(st), Step: step, Entries: ens, Expect: int64(len(ens))})
	}
	return out, nil
}

// unlinkStatements sets the step's foreign keys to NULL, without version
// check or bump: the delete that follows checks the version.
func (p *Plan) unlinkStatements(step *Step, d dialect.Dialect) ([]*Statement, error) {
	e := step.Entity
	var out []*Statement
	for _, ens := range Chunks(step.Entries, orChunk(d, e, false, len(e.PK))) {
		st := qb.UpdateStmt{Table: e.Table}
		for _, prop := range step.Props {
			for _, c := range prop.Columns {
				st.Set = append(st.Set, qb.Assignment{Column: c.Name, Value: nil})
			}
		}
		where, err := rowsCond(ens, false)
		if err != nil {
			return nil, err
		}
		st.Where = where
		out = append(out, &Statement{Query: qb.NewUpdate(st), Step: step, Entries: ens, Expect: -1})
	}
	return out, nil
}

func (p *Plan) deleteStatements(step *Step, d dialect.Dialect) ([]*Statement, error) {
	if out, ok, err := p.deleteJSON(step, d); ok || err != nil {
		return out, err
	}
	e := step.Entity
	versioned := e.Version != nil
	perRow := len(e.PK)
	if versioned {
		perRow++
	}
	var out []*Statement
	for _, ens := range Chunks(step.Entries, orChunk(d, e, versioned, perRow)) {
		where, err := rowsCond(ens, versioned)
		if err != nil {
			return nil, err
		}
		s := &Statement{Query: qb.NewDelete(qb.DeleteStmt{Table: e.Table, Where: where}), Step: step, Entries: ens, Expect: -1}
		if versioned {
			s.Expect = int64(len(ens))
		}
		out = append(out, s)
	}
	return out, nil
}

// pivotKeys returns the pivot column values for one (owner, target) row.
func (p *Plan) pivotKeys(r *meta.Relation, owner, target *Entry, dry bool) ([]any, error) {
	cols := r.Pivot.Columns()
	vals := make([]any, 0, len(cols))
	for _, c := range r.Pivot.JoinColumns {
		v, err := p.keyOf(c, owner, dry)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	for _, c := range r.Pivot.InverseJoinColumns {
		v, err := p.keyOf(c, target, dry)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	return vals, nil
}

func (p *Plan) keyOf(c *meta.Column, en *Entry, dry bool) (any, error) {
	if !en.hasKey && dry {
		return Pending{Entity: en.Entity.Name, Seq: uint64(en.seq)}, nil
	}
	if c.Ref == nil {
		return nil, fmt.Errorf("uow: pivot column %s has no referenced key", c.Name)
	}
	return FieldValue(c.Ref, en.Ptr)
}

func (p *Plan) pivotInsertStatements(step *Step, d dialect.Dialect, dry bool) ([]*Statement, error) {
	pv := step.Relation.Pivot
	cols := pv.Columns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	size := chunkSize(d, len(cols))
	if !d.Has(dialect.InsertMultiRow) {
		size = 1
	}
	var out []*Statement
	for _, pairs := range Chunks(step.Pairs, size) {
		rows := make([][]any, len(pairs))
		for i, pr := range pairs {
			vals, err := p.pivotKeys(step.Relation, pr[0], pr[1], dry)
			if err != nil {
				return nil, err
			}
			rows[i] = vals
		}
		out = append(out, &Statement{Query: qb.NewInsert(qb.InsertStmt{Table: pv.Table, Columns: names, Rows: rows}), Step: step, Expect: -1})
	}
	return out, nil
}

func (p *Plan) pivotDeleteStatements(step *Step, d dialect.Dialect, dry bool) ([]*Statement, error) {
	pv := step.Relation.Pivot
	if len(step.ClearOwners)+len(step.ClearTargets) > 0 && (len(pv.JoinColumns) != 1 || len(pv.InverseJoinColumns) != 1) {
		return nil, fmt.Errorf("%w: %s: replacing a collection that is not loaded needs single-column keys (load it first)", ErrInvalidKey, step.Relation.Prop)
	}
	// Every row of the cleared owners, then of the cleared targets.
	var out []*Statement
	for _, clear := range []struct {
		col     *meta.Column
		entries []*Entry
	}{{firstColumn(pv.JoinColumns), step.ClearOwners}, {firstColumn(pv.InverseJoinColumns), step.ClearTargets}} {
		for _, chunk := range Chunks(clear.entries, chunkSize(d, 1)) {
			vals := make([]any, len(chunk))
			for i, en := range chunk {
				v, err := p.keyOf(clear.col, en, dry)
				if err != nil {
					return nil, err
				}
				vals[i] = v
			}
			where, err := qb.Normalize(qb.Cond{clear.col.Name: qb.In(vals...)})
			if err != nil {
				return nil, err
			}
			out = append(out, &Statement{Query: qb.NewDelete(qb.DeleteStmt{Table: pv.Table, Where: where}), Step: step, Expect: -1})
		}
	}
	cols := pv.Columns()
	for _, pairs := range Chunks(step.Pairs, min(chunkSize(d, len(cols)), maxOrRows)) {
		conds := make([]qb.Condition, len(pairs))
		for i, pr := range pairs {
			vals, err := p.pivotKeys(step.Relation, pr[0], pr[1], dry)
			if err != nil {
				return nil, err
			}
			c := qb.Cond{}
			for j, col := range cols {
				c[col.Name] = vals[j]
			}
			conds[i] = c
		}
		where, err := qb.Normalize(qb.Or(conds...))
		if err != nil {
			return nil, err
		}
		out = append(out, &Statement{Query: qb.NewDelete(qb.DeleteStmt{Table: pv.Table, Where: where}), Step: step, Expect: -1})
	}
	return out, nil
}

// SingleStatement reports whether the plan runs exactly one statement for d,
// one whose affected-row check (if any) concerns at most one row — such a
// plan is atomic without a transaction. The statement is rendered once and
// kept for the Statements call that runs it.
func (p *Plan) SingleStatement(d dialect.Dialect) bool {
	if d == nil || len(p.Steps) != 1 {
		return false
	}
	step := p.Steps[0]
	stmts, err := p.Statements(step, d, false)
	if err != nil {
		return false
	}
	step.rendered, step.renderedFor = stmts, d
	return len(stmts) == 1 && stmts[0].Expect <= 1
}

// relinkStatements renders a relink step: per owner, UPDATE … SET fk = owner
// for added references, SET fk = NULL … AND fk = owner for removed ones, and
// for a replaced collection SET fk = NULL (DELETE, with orphan removal) for
// every stored item of the owner but the kept ones.
func (p *Plan) relinkStatements(step *Step, d dialect.Dialect, dry bool) ([]*Statement, error) {
	r := step.Relation
	t := r.Target
	fk := r.MappedBy.Columns[0]
	pk := t.PK[0]
	size := chunkSize(d, 1) - 1
	keys := func(ens []*Entry) ([]any, error) {
		vals := make([]any, len(ens))
		for i, en := range ens {
			if !en.hasKey && dry {
				vals[i] = Pending{Entity: en.Entity.Name, Seq: uint64(en.seq)}
				continue
			}
			v, err := FieldValue(pk, en.Ptr)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		return vals, nil
	}
	update := func(val any, where qb.Condition) (*Statement, error) {
		w, err := qb.Normalize(where)
		if err != nil {
			return nil, err
		}
		st := qb.UpdateStmt{Table: t.Table, Set: []qb.Assignment{{Column: fk.Name, Value: val}}, Where: w}
		return &Statement{Query: qb.NewUpdate(st), Step: step, Expect: -1}, nil
	}
	var out []*Statement
	for _, rl := range step.Relinks {
		owner, err := p.keyOf(fk, rl.Owner, dry)
		if err != nil {
			return nil, err
		}
		for _, ens := range Chunks(rl.Set, size) {
			vals, err := keys(ens)
			if err != nil {
				return nil, err
			}
			s, err := update(owner, qb.Cond{pk.Column: qb.In(vals...)})
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		for _, ens := range Chunks(rl.Unset, size) {
			vals, err := keys(ens)
			if err != nil {
				return nil, err
			}
			s, err := update(nil, qb.Cond{pk.Column: qb.In(vals...), fk.Name: owner})
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		if !rl.Clear {
			continue
		}
		if len(rl.Keep) > size {
			return nil, fmt.Errorf("%w: %s: a replaced collection keeps %d items, more than one statement can name (%d)",
				ErrInvalidKey, r.Prop, len(rl.Keep), size)
		}
		where := qb.Cond{fk.Name: owner}
		if len(rl.Keep) > 0 {
			vals, err := keys(rl.Keep)
			if err != nil {
				return nil, err
			}
			where[pk.Column] = qb.Nin(vals...)
		}
		if r.OrphanRemoval {
			w, err := qb.Normalize(where)
			if err != nil {
				return nil, err
			}
			out = append(out, &Statement{Query: qb.NewDelete(qb.DeleteStmt{Table: t.Table, Where: w}), Step: step, Expect: -1})
			continue
		}
		s, err := update(nil, where)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// firstColumn returns cols[0], or nil when there is none.
func firstColumn(cols []*meta.Column) *meta.Column {
	if len(cols) == 0 {
		return nil
	}
	return cols[0]
}
