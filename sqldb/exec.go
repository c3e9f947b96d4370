package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/sqlconn"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Executor runs statements and flush plans on the pool or inside one
// transaction, through its family's connection (see conn.go). Every
// statement goes through query or exec, which log it and count it. It is a
// qb.Runner.
type Executor struct {
	db    *DB
	c     sqlconn.Conn
	inTx  bool
	probe bool // the replica router's liveness and lag checks
}

func (x *Executor) report(ctx context.Context, sql string, args []any, start time.Time, rows int64, err error, inTx bool) {
	x.db.reportEvent(ctx, sql, args, start, rows, err, inTx, x.probe)
}

var _ qb.Runner = (*Executor)(nil)

// Executor returns an executor on the pool, outside any transaction.
func (db *DB) Executor() *Executor { return db.exec }

// Dialect returns the database's dialect.
func (x *Executor) Dialect() dialect.Dialect { return x.db.dialect }

// query runs a query and reports it (its row count is unknown here).
func (x *Executor) query(ctx context.Context, query string, args []any) (sqlconn.Rows, error) {
	start := time.Now()
	r, err := x.c.Query(ctx, query, args)
	x.report(ctx, query, args, start, -1, err, x.inTx)
	return r, err
}

// exec runs a statement and reports it with the rows it affected.
func (x *Executor) exec(ctx context.Context, query string, args []any) (sql.Result, error) {
	return x.execOn(ctx, x.c, query, args)
}

// execOn is exec on c (the executor's connection or a prepared statement).
func (x *Executor) execOn(ctx context.Context, c sqlconn.Conn, query string, args []any) (sql.Result, error) {
	start := time.Now()
	res, err := c.Exec(ctx, query, args)
	n := int64(-1)
	if err == nil {
		n, _ = res.RowsAffected()
	}
	x.report(ctx, query, args, start, n, err, x.inTx)
	return res, err
}

// QueryContext runs a query (qb.Runner); the caller closes the rows.
func (x *Executor) QueryContext(ctx context.Context, query string, args ...any) (qb.Rows, error) {
	r, err := x.query(ctx, query, args)
	if err != nil {
		return nil, x.db.classifyCtx(ctx, err)
	}
	return r, nil
}

// ExecContext runs a statement that returns no rows (qb.Runner).
func (x *Executor) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := x.exec(ctx, query, args)
	if err != nil {
		return nil, x.db.classifyCtx(ctx, err)
	}
	return res, nil
}

// Exec renders and runs a statement and returns the rows it affected.
func (x *Executor) Exec(ctx context.Context, s qb.Statement) (int64, error) {
	query, args, err := s.ToSQL(x.db.dialect)
	if err == nil {
		args, err = x.bind(args)
	}
	if err != nil {
		return 0, err
	}
	res, err := x.exec(ctx, query, args)
	if err != nil {
		return 0, &qb.QueryError{SQL: query, Err: x.db.classifyCtx(ctx, err)}
	}
	return res.RowsAffected()
}

// QueryMaps renders and runs a query and returns its rows as maps.
func (x *Executor) QueryMaps(ctx context.Context, s qb.Statement) ([]map[string]any, error) {
	query, args, err := s.ToSQL(x.db.dialect)
	if err == nil {
		args, err = x.bind(args)
	}
	if err != nil {
		return nil, err
	}
	start := time.Now()
	r, err := x.c.Query(ctx, query, args)
	if err != nil {
		x.report(ctx, query, args, start, -1, err, x.inTx)
		return nil, &qb.QueryError{SQL: query, Err: x.db.classifyCtx(ctx, err)}
	}
	defer r.Close()
	var out []map[string]any
	for r.Next() {
		m := map[string]any{}
		if err := r.ScanMap(m); err != nil {
			x.report(ctx, query, args, start, int64(len(out)), err, x.inTx)
			return nil, &qb.QueryError{SQL: query, Err: err}
		}
		out = append(out, m)
	}
	err = r.Err()
	x.report(ctx, query, args, start, int64(len(out)), err, x.inTx)
	if err != nil {
		return nil, &qb.QueryError{SQL: query, Err: x.db.classifyCtx(ctx, err)}
	}
	return out, nil
}

// Count runs SELECT COUNT(*) over q (without its order, limit and offset).
func (x *Executor) Count(ctx context.Context, q qb.SelectQuery) (int64, error) {
	query, args, err := q.CountQuery().ToSQL(x.db.dialect)
	if err == nil {
		args, err = x.bind(args)
	}
	if err != nil {
		return 0, err
	}
	start := time.Now()
	var n int64
	r, err := x.c.Query(ctx, query, args)
	if err == nil {
		if r.Next() {
			err = r.Scan(&n)
		} else if err = r.Err(); err == nil {
			err = sql.ErrNoRows
		}
		if cerr := r.Close(); err == nil {
			err = cerr
		}
	}
	x.report(ctx, query, args, start, 1, err, x.inTx)
	if err != nil {
		return 0, &qb.QueryError{SQL: query, Err: x.db.classifyCtx(ctx, err)}
	}
	return n, nil
}

// Load runs a load request: each row becomes fresh instances of the
// request's entities, scanned straight into their fields.
func (x *Executor) Load(ctx context.Context, req *uow.Load) error {
	query, args, err := req.Query.ToSQL(x.db.dialect)
	if err == nil {
		args, err = x.bind(args)
	}
	if err != nil {
		return err
	}
	start := time.Now()
	rows, err := x.c.Query(ctx, query, args)
	if err != nil {
		x.report(ctx, query, args, start, -1, err, x.inTx)
		return &qb.QueryError{SQL: query, Err: x.db.classifyCtx(ctx, err)}
	}
	defer rows.Close()
	plans := make([]*scanPlan, len(req.Groups))
	width := 0
	for i, g := range req.Groups {
		plans[i] = scanPlanFor(g)
		width += len(g.Columns)
	}
	if len(plans) == 1 && req.Hint > 1 {
		plans[0].alloc.Reserve(req.Hint)
		plans[0].arena.expect(req.Hint * len(plans[0].texts))
	}
	extra := make([]any, req.Extras)
	dest := make([]any, width+req.Extras)
	for i := range extra {
		dest[width+i] = &extra[i]
	}
	at := 0
	for _, sp := range plans {
		if sp.scratch != nil {
			sp.aim(dest[at : at+len(sp.cols)])
		}
		at += len(sp.cols)
	}
	loaded := make([]uow.Loaded, len(req.Groups))
	// A group scanned into its scratch instance only changes its Loaded's
	// Ptr from row to row (finish; req.Row does not modify them).
	for i, sp := range plans {
		loaded[i] = uow.Loaded{FK: sp.fk, Discard: sp.discard}
	}
	n := int64(0)
	for rows.Next() {
		at := 0
		for i, sp := range plans {
			if sp.scratch != nil {
				clear(sp.fk)
			} else {
				loaded[i] = sp.prepare(dest[at : at+len(sp.cols)])
			}
			at += len(sp.cols)
		}
		if err := rows.Scan(dest...); err != nil {
			x.report(ctx, query, args, start, n, err, x.inTx)
			return &qb.QueryError{SQL: query, Err: err}
		}
		for i, sp := range plans {
			if err := sp.finish(&loaded[i]); err != nil {
				return err
			}
		}
		n++
		if err := req.Row(loaded, extra); err != nil {
			return err
		}
	}
	err = rows.Err()
	x.report(ctx, query, args, start, n, err, x.inTx)
	if err != nil {
		return &qb.QueryError{SQL: query, Err: x.db.classifyCtx(ctx, err)}
	}
	return nil
}

// scanPlan says how to scan one group's columns.
type scanPlan struct {
	group uow.LoadGroup
	cols  []colScan
	alloc uow.Blocks // fresh instances; a discarded one (a row already tracked) is handed out again
	// fk is the FK slice of every row (Loaded.FK is read before the next
	// row is scanned), discard the Loaded.Discard of every row.
	fk      []any
	discard func(unsafe.Pointer)
	// disc is the index of the discriminator column when each row's type
	// is read from it (single-table inheritance), else -1; then every
	// column is scanned raw and finishPoly builds the concrete instance.
	disc int
	// concrete maps, per concrete type met, the group's column indexes to
	// the type's column indexes (-1: not its column).
	concrete map[*meta.Entity][]int
	hasRaw   bool // some column is raw (colScan.raw)
	// scratch, when every column is a foreign key or a field of a plain
	// value type (colScan.value), is the one instance every row is scanned
	// into: the scan destinations are set once per query, and each row is
	// copied into its fresh instance by copyRow (instead of pointing the
	// destinations at each fresh instance's fields).
	scratch unsafe.Pointer
	copyRow func(dst, src unsafe.Pointer)
	// texts are the destinations of the text columns (colScan.text, in
	// order), re-aimed at each row's field; arena holds their strings.
	texts []textDest
	arena textArena
}

type colScan struct {
	col      *meta.Column
	prop     *meta.Property
	fk       bool // foreign key: scanned raw into FK
	raw      bool // a meta.DialectType: scanned raw into FK, stored by finish
	json     bool
	nullable bool // inside a pointer embeddable (embeddedField)
	// direct makes the scan destination for a field of a built-in type
	// without reflection (nil for other types).
	direct func(field unsafe.Pointer) any
	// value: the field is of a type drivers assign whole (numbers, bool,
	// string, time.Time), never reusing what the destination held; a
	// pointer or a []byte destination may be reused by the driver.
	value bool
	// text: a string field of a text column, scanned through a textDest
	// (its index in scanPlan.texts).
	text int
}

// directDest returns, for the built-in types drivers scan most, a function
// turning a field's address into a typed pointer without reflection, and
// whether drivers assign such a field whole (numbers, bool, string,
// time.Time), never reusing what it held as a pointer or []byte field may
// be.
func directDest(t reflect.Type) (dest func(unsafe.Pointer) any, whole bool) {
	switch t {
	case reflect.TypeFor[int64]():
		return func(p unsafe.Pointer) any { return (*int64)(p) }, true
	case reflect.TypeFor[int]():
		return func(p unsafe.Pointer) any { return (*int)(p) }, true
	case reflect.TypeFor[int32]():
		return func(p unsafe.Pointer) any { return (*int32)(p) }, true
	case reflect.TypeFor[string]():
		return func(p unsafe.Pointer) any { return (*string)(p) }, true
	case reflect.TypeFor[bool]():
		return func(p unsafe.Pointer) any { return (*bool)(p) }, true
	case reflect.TypeFor[float64]():
		return func(p unsafe.Pointer) any { return (*float64)(p) }, true
	case reflect.TypeFor[time.Time]():
		return func(p unsafe.Pointer) any { return (*time.Time)(p) }, true
	case reflect.TypeFor[*string]():
		return func(p unsafe.Pointer) any { return (**string)(p) }, false
	case reflect.TypeFor[*int64]():
		return func(p unsafe.Pointer) any { return (**int64)(p) }, false
	case reflect.TypeFor[*time.Time]():
		return func(p unsafe.Pointer) any { return (**time.Time)(p) }, false
	case reflect.TypeFor[[]byte]():
		return func(p unsafe.Pointer) any { return (*[]byte)(p) }, false
	}
	return nil, false
}

func scanPlanFor(g uow.LoadGroup) *scanPlan {
	sp := &scanPlan{group: g, cols: make([]colScan, len(g.Columns)), alloc: uow.Blocks{Type: g.Entity.Type},
		disc: uow.DiscriminatorIndex(g.Entity, g.Columns)}
	sp.discard = sp.alloc.Discard
	for i, c := range g.Columns {
		cs := colScan{col: c, prop: c.Prop}
		if c.Prop == nil || c.Prop.Kind != meta.Scalar || g.Optional || sp.disc >= 0 {
			cs.fk = true
		} else if _, dt := c.Prop.CustomType().(meta.DialectType); dt {
			// Scanned as the driver decodes it on its own (pgx: a
			// PostgreSQL array as []any), not through a sql.Scanner,
			// which pgx hands the wire bytes.
			cs.fk, cs.raw, sp.hasRaw = true, true, true
		} else if c.Prop.InNullable || c.Prop.Codec == meta.CodecType || c.IsFormula() || c.IsLazy() {
			cs.nullable = true // scanned through assignRaw
		} else if c.Prop.Codec == meta.CodecJSON {
			cs.json = true
		} else {
			var whole bool
			cs.direct, whole = directDest(c.Prop.Type)
			// A field reached through an embedded pointer is not copied
			// by value from the scratch instance: the pointer would be.
			cs.value = whole && !c.Prop.InNullable && c.Prop.At.Direct
		}
		cs.text = -1
		if cs.direct != nil && c.Prop.Type == reflect.TypeFor[string]() && (c.Type == meta.TypeString || c.Type == meta.TypeText) {
			cs.text = len(sp.texts)
			sp.texts = append(sp.texts, textDest{a: &sp.arena})
		}
		sp.cols[i] = cs
	}
	fixed := !g.Optional && sp.disc < 0 && !sp.hasRaw
	for i := range sp.cols {
		fixed = fixed && (sp.cols[i].fk || sp.cols[i].value)
	}
	if fixed {
		sp.scratch = g.Entity.NewValue().UnsafePointer()
		sp.copyRow = uow.CopierOf(g.Entity)
	}
	return sp
}

// prepare allocates a fresh instance and points dest at its fields, for a
// group without a scratch instance (whose dest aim points at it once; its
// fresh instance is made after the scan, by finish).
func (sp *scanPlan) prepare(dest []any) uow.Loaded {
	ptr := sp.alloc.Next()
	l := uow.Loaded{Ptr: ptr, Discard: sp.discard}
	for i := range sp.cols {
		c := &sp.cols[i]
		switch {
		case c.fk:
			if l.FK == nil {
				if sp.fk == nil {
					sp.fk = make([]any, len(sp.cols))
				}
				clear(sp.fk)
				l.FK = sp.fk
			}
			dest[i] = &l.FK[i]
		case c.json:
			dest[i] = &jsonField{typ: c.prop.Type, ptr: c.prop.At.PtrAlloc(l.Ptr)}
		case c.nullable:
			dest[i] = &embeddedField{prop: c.prop, ptr: l.Ptr}
		case c.text >= 0:
			t := &sp.texts[c.text]
			t.p = (*string)(c.prop.At.PtrAlloc(l.Ptr))
			dest[i] = t
		case c.direct != nil:
			dest[i] = c.direct(c.prop.At.PtrAlloc(l.Ptr))
		default:
			dest[i] = reflect.NewAt(c.prop.Type, c.prop.At.PtrAlloc(l.Ptr)).Interface()
		}
	}
	return l
}

// aim points dest at the scratch instance's fields and at the FK slice.
func (sp *scanPlan) aim(dest []any) {
	for i := range sp.cols {
		c := &sp.cols[i]
		if c.fk {
			if sp.fk == nil {
				sp.fk = make([]any, len(sp.cols))
			}
			dest[i] = &sp.fk[i]
			continue
		}
		if c.text >= 0 {
			t := &sp.texts[c.text]
			t.p = (*string)(c.prop.At.PtrAlloc(sp.scratch))
			dest[i] = t
			continue
		}
		dest[i] = c.direct(c.prop.At.PtrAlloc(sp.scratch))
	}
}

// finish completes an optional group: when every key column is NULL there
// is no instance; otherwise raw values are stored into the scalar fields.
// With a scratch instance it makes the row's fresh instance from it.
func (sp *scanPlan) finish(l *uow.Loaded) error {
	if sp.scratch != nil {
		l.Ptr = sp.alloc.Next()
		sp.copyRow(l.Ptr, sp.scratch)
		return nil
	}
	if sp.disc >= 0 {
		return sp.finishPoly(l)
	}
	if !sp.group.Optional {
		if !sp.hasRaw {
			return nil
		}
		for i := range sp.cols {
			if c := &sp.cols[i]; c.raw {
				v := l.FK[i]
				l.FK[i] = nil
				if err := assignRaw(c.prop, l.Ptr, v); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for i := range sp.cols {
		c := &sp.cols[i]
		if c.col.PK && l.FK[i] == nil {
			*l = uow.Loaded{}
			return nil
		}
	}
	for i := range sp.cols {
		c := &sp.cols[i]
		if c.prop == nil || c.prop.Kind != meta.Scalar {
			continue
		}
		v := l.FK[i]
		l.FK[i] = nil
		if err := assignRaw(c.prop, l.Ptr, v); err != nil {
			return err
		}
	}
	return nil
}

// assignRaw stores a raw driver value into a scalar field, using
// database/sql's conversions.
func assignRaw(p *meta.Property, ptr unsafe.Pointer, v any) error {
	if p.Codec == meta.CodecType {
		f := reflect.NewAt(p.Type, p.At.PtrAlloc(ptr))
		if v == nil {
			f.Elem().SetZero()
			return nil
		}
		return p.FromDatabaseInto(f, v)
	}
	if p.Codec == meta.CodecJSON {
		return (&jsonField{typ: p.Type, ptr: p.At.PtrAlloc(ptr)}).Scan(v)
	}
	dst := reflect.NewAt(p.Type, p.At.PtrAlloc(ptr)).Interface()
	if s, ok := dst.(sql.Scanner); ok {
		return s.Scan(v)
	}
	if v == nil {
		reflect.NewAt(p.Type, p.At.PtrAlloc(ptr)).Elem().SetZero()
		return nil
	}
	return convertAssign(dst, v)
}

// jsonField scans a JSON column into a field of type typ at ptr.
type jsonField struct {
	typ reflect.Type
	ptr unsafe.Pointer
}

func (j *jsonField) Scan(src any) error {
	f := reflect.NewAt(j.typ, j.ptr)
	var b []byte
	switch v := src.(type) {
	case nil:
		f.Elem().SetZero()
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("sqldb: JSON column holds %T", src)
	}
	return json.Unmarshal(b, f.Interface())
}

// errNoConvert is returned by convertAssign for pairs it does not handle.
var errNoConvert = errors.New("sqldb: cannot convert")

// Row is the first row of a query, as QueryRowContext returns it.
type Row struct {
	rows qb.Rows
	err  error
}

// QueryRowContext runs a query of one row (logged and counted); Scan reads
// it, and returns sql.ErrNoRows when there is none.
func (x *Executor) QueryRowContext(ctx context.Context, query string, args ...any) *Row {
	rows, err := x.QueryContext(ctx, query, args...)
	return &Row{rows: rows, err: err}
}

// Scan copies the row's columns into dest and closes the rows.
func (r *Row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	return r.rows.Close()
}

// QueryRowContext runs a query of one row through the executor.
func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *Row {
	return db.exec.QueryRowContext(ctx, query, args...)
}

// finishPoly builds a row of an entity with subtypes (single-table
// inheritance): the discriminator picks the concrete type, whose fields get
// the raw values of its columns; its foreign keys stay raw in FK (indexed by
// the type's Columns) for Hydrate.
func (sp *scanPlan) finishPoly(l *uow.Loaded) error {
	raw := l.FK
	if sp.group.Optional {
		for i := range sp.cols {
			if sp.cols[i].col.PK && raw[i] == nil {
				*l = uow.Loaded{}
				return nil
			}
		}
	}
	ce, err := uow.Concrete(sp.group.Entity, raw[sp.disc])
	if err != nil {
		return err
	}
	idx, ok := sp.concrete[ce]
	if !ok {
		idx = make([]int, len(sp.cols))
		for i := range sp.cols {
			idx[i] = -1
			for j, c := range ce.Columns {
				if c.Name == sp.cols[i].col.Name {
					idx[i] = j
					break
				}
			}
		}
		if sp.concrete == nil {
			sp.concrete = map[*meta.Entity][]int{}
		}
		sp.concrete[ce] = idx
	}
	v := ce.NewValue()
	out := uow.Loaded{Ptr: v.UnsafePointer(), Entity: ce}
	for i, j := range idx {
		if j < 0 {
			continue
		}
		c := ce.Columns[j]
		if c.Prop == nil || c.Prop.Kind != meta.Scalar {
			if out.FK == nil {
				out.FK = make([]any, len(ce.Columns))
			}
			out.FK[j] = raw[i]
			continue
		}
		if c.IsLazy() && !sp.group.WithLazy {
			continue
		}
		if err := assignRaw(c.Prop, out.Ptr, raw[i]); err != nil {
			return fmt.Errorf("sqldb: %s: %w", c.Prop, err)
		}
	}
	*l = out
	return nil
}

// bind converts the values of a rendered statement whose form depends on
// the database (meta.DialectValue: custom types such as arrays).
func (x *Executor) bind(args []any) ([]any, error) {
	var err error
	copied := false
	for i, a := range args {
		switch a.(type) {
		case nil, int64, string, bool, float64, time.Time, []byte, []int64, []string:
			continue // the common values, without an interface assertion
		}
		dv, ok := a.(meta.DialectValue)
		if !ok {
			continue
		}
		if !copied {
			args, copied = append([]any(nil), args...), true
		}
		if args[i], err = dv.ForDialect(x.db.dialect.Name()); err != nil {
			return nil, fmt.Errorf("sqldb: binding parameter %d: %w", i+1, err)
		}
	}
	return args, nil
}
