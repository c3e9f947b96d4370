package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/unitorm/unitorm/internal/sqlconn"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
)

// Execute runs a flush plan's steps in order. Generated keys are written back
// through the plan (RETURNING where the dialect has it, else the last insert
// id). The first failure stops it and is returned as a *uow.FlushError that
// wraps a classified driver error (*uow.ConstraintError) or
// uow.ErrOptimisticLock. Run it inside a transaction: it does not roll back.
func (x *Executor) Execute(ctx context.Context, plan *uow.Plan) (err error) {
	d := x.db.dialect
	var prepared preparedStmts
	defer func() {
		if cerr := prepared.close(); err == nil && cerr != nil {
			err = &uow.FlushError{Step: "closing prepared statements", Err: cerr}
		}
	}()
	for _, step := range plan.Steps {
		stmts, err := plan.Statements(step, d, false)
		if err != nil {
			return &uow.FlushError{Step: step.String(), Err: err}
		}
		for _, st := range stmts {
			if err := x.runStatement(ctx, plan, st, &prepared); err != nil {
				return err
			}
		}
	}
	return nil
}

// preparedStmts are the statements one Execute prepared, by text.
type preparedStmts map[string]sqlconn.Stmt

func (ps *preparedStmts) close() error {
	var first error
	for _, s := range *ps {
		if err := s.Close(); err != nil && first == nil {
			first = err
		}
	}
	*ps = nil
	return first
}

// conn returns the connection to run query on: for a statement marked
// Reuse, where the executor's connection prepares statements, one prepared
// on first use and kept for the rest of the flush.
func (x *Executor) conn(ctx context.Context, ps *preparedStmts, st *uow.Statement, query string) (sqlconn.Conn, error) {
	pr, ok := x.c.(sqlconn.Preparer)
	if !st.Reuse || !ok || ps == nil {
		return x.c, nil
	}
	if s, ok := (*ps)[query]; ok {
		return preparedConn{s}, nil
	}
	s, err := pr.Prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	if *ps == nil {
		*ps = preparedStmts{}
	}
	(*ps)[query] = s
	return preparedConn{s}, nil
}

// preparedConn runs its prepared statement whatever the query text (the
// caller passes the text it was prepared from).
type preparedConn struct{ s sqlconn.Stmt }

func (c preparedConn) Query(ctx context.Context, _ string, args []any) (sqlconn.Rows, error) {
	return c.s.Query(ctx, args)
}

func (c preparedConn) Exec(ctx context.Context, _ string, args []any) (sql.Result, error) {
	return c.s.Exec(ctx, args)
}

func (x *Executor) runStatement(ctx context.Context, plan *uow.Plan, st *uow.Statement, ps *preparedStmts) error {
	if err := ctx.Err(); err != nil {
		return uow.StatementError(st, "", err)
	}
	query, args, err := st.Query.ToSQL(x.db.dialect)
	if err == nil {
		args, err = x.bind(args)
	}
	if err != nil {
		return uow.StatementError(st, query, err)
	}
	c, err := x.conn(ctx, ps, st, query)
	if err != nil {
		return uow.StatementError(st, query, x.db.classifyCtx(ctx, err))
	}
	if st.Returning {
		return x.runReturning(ctx, plan, st, c, query, args)
	}
	res, err := x.execOn(ctx, c, query, args)
	if err != nil {
		return uow.StatementError(st, query, x.db.classifyCtx(ctx, err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return uow.StatementError(st, query, err)
	}
	if st.GeneratedKey != nil {
		first, err := res.LastInsertId()
		if err != nil {
			return uow.StatementError(st, query, fmt.Errorf("sqldb: reading generated keys: %w", err))
		}
		// MySQL reports the first row's key of a multi-row insert; the
		// others follow at auto_increment_increment steps.
		step := int64(1)
		if len(st.Entries) > 1 {
			if step, err = x.autoIncrementStep(ctx); err != nil {
				return uow.StatementError(st, query, err)
			}
		}
		for i, en := range st.Entries {
			if err := plan.SetGeneratedKey(en, first+int64(i)*step); err != nil {
				return uow.StatementError(st, query, err)
			}
		}
	}
	if st.Expect >= 0 && n != st.Expect {
		return uow.StatementError(st, query, uow.AffectedMismatch(st, n))
	}
	return nil
}

func (x *Executor) runReturning(ctx context.Context, plan *uow.Plan, st *uow.Statement, c sqlconn.Conn, query string, args []any) error {
	start := time.Now()
	rows, err := c.Query(ctx, query, args)
	if err != nil {
		x.report(ctx, query, args, start, -1, err, x.inTx)
		return uow.StatementError(st, query, x.db.classifyCtx(ctx, err))
	}
	defer rows.Close()
	i := 0
	// Scan targets are reused: allocations per statement, not per row.
	// pgx scans an integer key straight into an int64.
	var (
		key  any
		ikey int64
	)
	dest := []any{&key}
	native := x.db.native // pgx decodes keys in its own types
	intKey := native && st.GeneratedKey != nil && uow.IsIntKind(st.GeneratedKey.Type.Kind())
	if intKey {
		dest[0] = &ikey
	}
	for rows.Next() {
		if i >= len(st.Entries) {
			break
		}
		if err := rows.Scan(dest...); err != nil {
			x.report(ctx, query, args, start, int64(i), err, x.inTx)
			return uow.StatementError(st, query, err)
		}
		switch {
		case intKey:
			key = ikey
		case native:
			key = driverKey(key)
		}
		if err := plan.SetGeneratedKey(st.Entries[i], key); err != nil {
			return uow.StatementError(st, query, err)
		}
		i++
	}
	err = rows.Err()
	x.report(ctx, query, args, start, int64(i), err, x.inTx)
	if err != nil {
		return uow.StatementError(st, query, x.db.classifyCtx(ctx, err))
	}
	if i != len(st.Entries) {
		return uow.StatementError(st, query, fmt.Errorf("sqldb: insert returned %d keys for %d rows", i, len(st.Entries)))
	}
	return nil
}

// driverKey turns a key pgx decoded natively into the form database/sql's
// pgx driver returns: integers as int64, UUIDs as their text form, other
// pgtype values (numeric, ...) as their driver value.
func driverKey(v any) any {
	switch k := v.(type) {
	case int16:
		return int64(k)
	case int32:
		return int64(k)
	case [16]byte:
		return uow.FormatUUID(k[:])
	case driver.Valuer:
		if dv, err := k.Value(); err == nil {
			return dv
		}
	}
	return v
}

// autoIncrementStep is the gap between consecutive generated keys: MySQL's
// auto_increment_increment, 1 elsewhere.
func (x *Executor) autoIncrementStep(ctx context.Context) (int64, error) {
	if v := x.db.autoIncStep.Load(); v > 0 && !x.db.volatileStep {
		return v, nil
	}
	var step int64
	if err := qb.Scan(ctx, x, qb.Select(qb.Raw("@@auto_increment_increment")), &step); err != nil {
		return 0, fmt.Errorf("sqldb: reading auto_increment_increment: %w", err)
	}
	if step < 1 {
		step = 1
	}
	x.db.autoIncStep.Store(step)
	return step, nil
}

// convertAssign stores a raw driver value into *dst, converting between
// kinds database/sql drivers return (int64, float64, []byte, string, bool,
// time.Time) and the field's kind.
func convertAssign(dst, src any) error {
	dv := reflect.ValueOf(dst).Elem()
	sv := reflect.ValueOf(src)
	if dv.Kind() == reflect.Pointer {
		n := reflect.New(dv.Type().Elem())
		if err := convertAssign(n.Interface(), src); err != nil {
			return err
		}
		dv.Set(n)
		return nil
	}
	if b, ok := src.([]byte); ok {
		switch dv.Kind() {
		case reflect.String:
			dv.SetString(string(b))
			return nil
		case reflect.Slice:
			dv.SetBytes(append([]byte(nil), b...))
			return nil
		}
		sv = reflect.ValueOf(string(b))
	}
	switch {
	case sv.Type().AssignableTo(dv.Type()):
		dv.Set(sv)
	case dv.Kind() == reflect.Bool && sv.CanInt():
		dv.SetBool(sv.Int() != 0)
	case sv.Type().ConvertibleTo(dv.Type()) && (dv.Kind() != reflect.String || sv.Kind() == reflect.String):
		dv.Set(sv.Convert(dv.Type()))
	default:
		return fmt.Errorf("%w %T into %s", errNoConvert, src, dv.Type())
	}
	return nil
}

// classifyCtx is the driver's classification that also wraps the context's
// error when the context ended: drivers report a cancellation mid-statement
// in their own words ("bad connection"), and callers check
// errors.Is(err, context.Canceled).
func (db *DB) classifyCtx(ctx context.Context, err error) error {
	err = db.classify(err)
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w (%w)", cerr, err)
	}
	return err
}
