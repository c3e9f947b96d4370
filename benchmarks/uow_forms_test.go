package benchmarks

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// The hand-written statement forms of the SQLite and MariaDB baselines.
// BenchmarkUoWForms times every form of every phase; the fastest per phase
// and database make lib=sql-fast in BenchmarkUoW.

// qmarks appends "(?, ?, …)" groups for rows of width parameters.
func qmarks(sb *strings.Builder, rows, width int) {
	for i := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for j := range width {
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('?')
		}
		sb.WriteByte(')')
	}
}

// textRows is the rows per statement of a form whose parameters are
// interpolated: as many as fit half of MariaDB's max_allowed_packet at a
// generous 128 bytes a row (a User row takes under 40).
func textRows(d *sqlDB) int { return max(d.packet/2/128, 1) }

// insertReturning is unitorm's insert: multi-row INSERT … RETURNING id in
// chunks under the parameter limit, keys read back in order.
func insertReturning(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	for _, chunk := range chunkOf(us, d.maxParams/4) {
		var sb strings.Builder
		sb.WriteString("INSERT INTO bench_user (" + userCols + ") VALUES ")
		qmarks(&sb, len(chunk), 4)
		sb.WriteString(" RETURNING id")
		if err := insertChunk(ctx, tx, nil, sb.String(), chunk); err != nil {
			return err
		}
	}
	return nil
}

// insertChunk runs a multi-row INSERT … RETURNING id (on stmt when given)
// and sets the keys of chunk from the returned rows.
func insertChunk(ctx context.Context, tx *sql.Tx, stmt *sql.Stmt, query string, chunk []*User) error {
	args := make([]any, 0, len(chunk)*4)
	for _, u := range chunk {
		args = append(args, u.ID2, u.Ready, u.Priority, u.Name)
	}
	var rows *sql.Rows
	var err error
	if stmt != nil {
		rows, err = stmt.QueryContext(ctx, args...)
	} else {
		rows, err = tx.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		if i == len(chunk) {
			return fmt.Errorf("insert returned more than %d keys", len(chunk))
		}
		if err := rows.Scan(&chunk[i].ID); err != nil {
			return err
		}
		i++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if i != len(chunk) {
		return fmt.Errorf("insert returned %d keys for %d rows", i, len(chunk))
	}
	return nil
}

// insertChunkStmt is multi-row INSERT … RETURNING id in chunks of 500 rows,
// the statement prepared once and reused for every full chunk.
func insertChunkStmt(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	const rows = 500
	var stmt *sql.Stmt
	for _, chunk := range chunkOf(us, rows) {
		var sb strings.Builder
		sb.WriteString("INSERT INTO bench_user (" + userCols + ") VALUES ")
		qmarks(&sb, len(chunk), 4)
		sb.WriteString(" RETURNING id")
		s := (*sql.Stmt)(nil)
		if len(chunk) == rows {
			if stmt == nil {
				var err error
				if stmt, err = tx.PrepareContext(ctx, sb.String()); err != nil {
					return err
				}
				defer stmt.Close()
			}
			s = stmt
		}
		if err := insertChunk(ctx, tx, s, sb.String(), chunk); err != nil {
			return err
		}
	}
	return nil
}

// insertRowStmt is one prepared single-row INSERT run per user, the key
// from LastInsertId.
func insertRowStmt(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO bench_user ("+userCols+") VALUES (?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, u := range us {
		res, err := stmt.ExecContext(ctx, u.ID2, u.Ready, u.Priority, u.Name)
		if err != nil {
			return err
		}
		if u.ID, err = res.LastInsertId(); err != nil {
			return err
		}
	}
	return nil
}

// insertLastID (MariaDB) is a multi-row INSERT without RETURNING, as large
// as the packet allows; the keys are LAST_INSERT_ID() + i, which InnoDB
// guarantees for such inserts when innodb_autoinc_lock_mode ≤ 1 (checked
// by openSQLDB; the form refuses otherwise).
func insertLastID(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	if !d.consecutiveIDs {
		return fmt.Errorf("insertLastID: the server does not promise consecutive keys (innodb_autoinc_lock_mode > 1)")
	}
	for _, chunk := range chunkOf(us, min(textRows(d), d.maxParams/4)) {
		var sb strings.Builder
		sb.WriteString("INSERT INTO bench_user (" + userCols + ") VALUES ")
		qmarks(&sb, len(chunk), 4)
		args := make([]any, 0, len(chunk)*4)
		for _, u := range chunk {
			args = append(args, u.ID2, u.Ready, u.Priority, u.Name)
		}
		res, err := tx.ExecContext(ctx, sb.String(), args...)
		if err != nil {
			return err
		}
		first, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(len(chunk)) {
			return fmt.Errorf("insert affected %d rows of %d (%v)", n, len(chunk), err)
		}
		for i, u := range chunk {
			u.ID = first + int64(i)
		}
	}
	return nil
}

// caseUpdate is unitorm's update of one batch: SET name = (CASE id WHEN …
// END) WHERE id IN (…).
func caseUpdate(chunk []*User) (string, []any) {
	var sb strings.Builder
	sb.WriteString("UPDATE bench_user SET name = (CASE id")
	args := make([]any, 0, len(chunk)*3)
	for _, u := range chunk {
		sb.WriteString(" WHEN ? THEN ?")
		args = append(args, u.ID, u.Name)
	}
	sb.WriteString(" END) WHERE id IN (")
	for i, u := range chunk {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('?')
		args = append(args, u.ID)
	}
	sb.WriteString(")")
	return sb.String(), args
}

// updateCase is unitorm's update: CASE batches of 300 rows.
func updateCase(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	for _, chunk := range chunkOf(us, pgxUpdateBatch) {
		q, args := caseUpdate(chunk)
		if err := execRows(ctx, tx, nil, q, len(chunk), args...); err != nil {
			return err
		}
	}
	return nil
}

// updateCaseStmt is updateCase with the 300-row statement prepared once.
func updateCaseStmt(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	var stmt *sql.Stmt
	for _, chunk := range chunkOf(us, pgxUpdateBatch) {
		q, args := caseUpdate(chunk)
		s := (*sql.Stmt)(nil)
		if len(chunk) == pgxUpdateBatch {
			if stmt == nil {
				var err error
				if stmt, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
				defer stmt.Close()
			}
			s = stmt
		}
		if err := execRows(ctx, tx, s, q, len(chunk), args...); err != nil {
			return err
		}
	}
	return nil
}

// execRows runs q (on stmt when given) and fails unless it changed want rows.
func execRows(ctx context.Context, tx *sql.Tx, stmt *sql.Stmt, q string, want int, args ...any) error {
	var res sql.Result
	var err error
	if stmt != nil {
		res, err = stmt.ExecContext(ctx, args...)
	} else {
		res, err = tx.ExecContext(ctx, q, args...)
	}
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != int64(want) {
		return fmt.Errorf("%.40s… affected %d rows, want %d", q, n, want)
	}
	return nil
}

// updateRowStmt is one prepared single-row UPDATE … WHERE id = ? per user.
func updateRowStmt(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	stmt, err := tx.PrepareContext(ctx, "UPDATE bench_user SET name = ? WHERE id = ?")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, u := range us {
		if err := execRows(ctx, tx, stmt, "UPDATE", 1, u.Name, u.ID); err != nil {
			return err
		}
	}
	return nil
}

// updateFromValues (SQLite ≥ 3.33) is UPDATE … FROM (VALUES (?, ?), …)
// joined by key, as many rows a statement as the parameter limit allows.
func updateFromValues(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	for _, chunk := range chunkOf(us, d.maxParams/2) {
		var sb strings.Builder
		sb.WriteString("UPDATE bench_user SET name = v.column2 FROM (VALUES ")
		qmarks(&sb, len(chunk), 2)
		sb.WriteString(") AS v WHERE bench_user.id = v.column1")
		args := make([]any, 0, 2*len(chunk))
		for _, u := range chunk {
			args = append(args, u.ID, u.Name)
		}
		if err := execRows(ctx, tx, nil, sb.String(), len(chunk), args...); err != nil {
			return err
		}
	}
	return nil
}

// updateJSONTable (MariaDB ≥ 10.6) joins the table to JSON_TABLE over one
// parameter, a JSON array of [id, name] pairs: one statement text for any
// row count, MariaDB's nearest to PostgreSQL's unnest.
func updateJSONTable(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	for _, chunk := range chunkOf(us, textRows(d)) {
		pairs := make([][2]any, len(chunk))
		for i, u := range chunk {
			pairs[i] = [2]any{u.ID, u.Name}
		}
		doc, err := json.Marshal(pairs)
		if err != nil {
			return err
		}
		if err := execRows(ctx, tx, nil, "UPDATE bench_user u JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$[0]', name VARCHAR(255) PATH '$[1]')) v ON u.id = v.id SET u.name = v.name",
			len(chunk), string(doc)); err != nil {
			return err
		}
	}
	return nil
}

// updateUpsert (MariaDB) is INSERT … ON DUPLICATE KEY UPDATE name =
// VALUES(name) carrying every column (the insert half must be a valid row),
// as many rows as the packet and parameter limit allow. Unlike an UPDATE it
// would insert a row deleted meanwhile; shown for its speed only.
func updateUpsert(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	for _, chunk := range chunkOf(us, min(textRows(d), d.maxParams/5)) {
		var sb strings.Builder
		sb.WriteString("INSERT INTO bench_user (id, " + userCols + ") VALUES ")
		qmarks(&sb, len(chunk), 5)
		sb.WriteString(" ON DUPLICATE KEY UPDATE name = VALUES(name)")
		args := make([]any, 0, 5*len(chunk))
		for _, u := range chunk {
			args = append(args, u.ID, u.ID2, u.Ready, u.Priority, u.Name)
		}
		// MariaDB counts 2 affected rows per updated row (CLIENT_FOUND_ROWS).
		if err := execRows(ctx, tx, nil, sb.String(), 2*len(chunk), args...); err != nil {
			return err
		}
	}
	return nil
}

// updateUnion (MariaDB) joins the table to a derived table of
// SELECT ? AS id, ? AS name UNION ALL SELECT ?, ? … in batches of 1,000
// (MariaDB has no column names for a VALUES derived table).
func updateUnion(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	for _, chunk := range chunkOf(us, 1000) {
		var sb strings.Builder
		sb.WriteString("UPDATE bench_user u JOIN (SELECT ? AS id, ? AS name")
		sb.WriteString(strings.Repeat(" UNION ALL SELECT ?, ?", len(chunk)-1))
		sb.WriteString(") v ON u.id = v.id SET u.name = v.name")
		args := make([]any, 0, 2*len(chunk))
		for _, u := range chunk {
			args = append(args, u.ID, u.Name)
		}
		if err := execRows(ctx, tx, nil, sb.String(), len(chunk), args...); err != nil {
			return err
		}
	}
	return nil
}

// deleteIn is unitorm's remove: DELETE … WHERE id IN (…) in chunks under
// the parameter limit (interpolated ones: under the packet).
func deleteIn(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	for _, chunk := range chunkOf(us, d.maxParams) {
		var sb strings.Builder
		sb.WriteString("DELETE FROM bench_user WHERE id IN (")
		args := make([]any, len(chunk))
		for i, u := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('?')
			args[i] = u.ID
		}
		sb.WriteString(")")
		if err := execRows(ctx, tx, nil, sb.String(), len(chunk), args...); err != nil {
			return err
		}
	}
	return nil
}

// deleteRowStmt is one prepared single-row DELETE … WHERE id = ? per user.
func deleteRowStmt(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	stmt, err := tx.PrepareContext(ctx, "DELETE FROM bench_user WHERE id = ?")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, u := range us {
		if err := execRows(ctx, tx, stmt, "DELETE", 1, u.ID); err != nil {
			return err
		}
	}
	return nil
}

// deleteJSONTable (MariaDB ≥ 10.6) deletes the rows joined to JSON_TABLE
// over one parameter, a JSON array of keys.
func deleteJSONTable(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	return deleteByJSONKeys(ctx, d, tx, us, "DELETE u FROM bench_user u JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) v ON u.id = v.id")
}

// deleteJSONEach is one DELETE per chunk whose keys are one JSON array
// parameter, read by SQLite's json_each.
func deleteJSONEach(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error {
	return deleteByJSONKeys(ctx, d, tx, us, "DELETE FROM bench_user WHERE id IN (SELECT value FROM json_each(?))")
}

// deleteByJSONKeys runs query once per chunk of users, its one parameter
// the chunk's keys as a JSON array.
func deleteByJSONKeys(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User, query string) error {
	for _, chunk := range chunkOf(us, textRows(d)) {
		var sb strings.Builder
		sb.WriteByte('[')
		for i, u := range chunk {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(strconv.FormatInt(u.ID, 10))
		}
		sb.WriteByte(']')
		if err := execRows(ctx, tx, nil, query, len(chunk), sb.String()); err != nil {
			return err
		}
	}
	return nil
}

// sqlForm is one form of one phase; text sends it through the
// interpolating connection (MariaDB).
type sqlForm struct {
	name string
	text bool
	run  sqlPhase
}

// uowForms lists the forms per database and phase.
var uowForms = map[string]map[string][]sqlForm{
	"sqlite": {
		"insert": {{"returning", false, insertReturning}, {"returning-500-stmt", false, insertChunkStmt}, {"row-stmt", false, insertRowStmt}},
		"update": {{"case300", false, updateCase}, {"case300-stmt", false, updateCaseStmt}, {"row-stmt", false, updateRowStmt}, {"from-values", false, updateFromValues}},
		"remove": {{"in", false, deleteIn}, {"row-stmt", false, deleteRowStmt}, {"json-each", false, deleteJSONEach}},
	},
	"mariadb": {
		"insert": {{"returning", false, insertReturning}, {"returning-text", true, insertReturning}, {"returning-500-stmt", false, insertChunkStmt},
			{"lastid-text", true, insertLastID}, {"row-stmt", false, insertRowStmt}},
		"update": {{"case300", false, updateCase}, {"case300-text", true, updateCase}, {"case300-stmt", false, updateCaseStmt},
			{"json-table", false, updateJSONTable}, {"upsert-text", true, updateUpsert}, {"union1000-text", true, updateUnion}},
		"remove": {{"in", false, deleteIn}, {"in-text", true, deleteIn}, {"json-table", false, deleteJSONTable}},
	},
}

// BenchmarkUoWForms times every hand-written form of each write phase of
// BenchmarkUoW on SQLite and MariaDB (-uow.sizes users, -uow.dbs), each
// checked like the baselines. Not part of run.sh's tables: it is how
// lib=sql-fast was chosen, rerun it to re-choose.
func BenchmarkUoWForms(b *testing.B) {
	ctx := context.Background()
	for _, db := range []string{"sqlite", "mariadb"} {
		if !wantDB(db) {
			continue
		}
		b.Run("db="+db, func(b *testing.B) {
			if db == "mariadb" {
				if err := createMariaDB(context.Background()); err != nil {
					b.Fatal(err)
				}
				openORM(b, "mariadb", mariaDSN()) // creates the table
			}
			d := openSQLDB(b, db)
			read := sqlRows(d.db)
			for _, n := range sizes(b) {
				b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
					for _, op := range []string{"insert", "update", "remove"} {
						for _, f := range uowForms[db][op] {
							runSQLPhase(b, d, op, f.name, n, func(b *testing.B, i int) {
								b.StopTimer()
								us := prepareRound(b, d, op, n, i)
								b.StartTimer()
								d.inTx(b, f.text, func(tx *sql.Tx) error { return f.run(ctx, d, tx, us) })
								b.StopTimer()
								if op == "remove" {
									checkEmpty(b, f.name, read)
								} else {
									checkUsers(b, f.name, read, us)
								}
								b.StartTimer()
							})
						}
					}
				})
			}
		})
	}
}

// prepareRound sets up round i of a phase (untimed) and returns the users
// the phase writes.
func prepareRound(b *testing.B, d *sqlDB, op string, n, i int) []*User {
	switch op {
	case "insert":
		d.clear(b)
		return makeUsers(n)
	case "remove":
		d.seed(b, n)
		return d.find(b)
	}
	us := d.find(b)
	for j, name := range newNames(i, n) {
		us[j].Name = name
	}
	return us
}
