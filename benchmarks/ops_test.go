package benchmarks

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Model is the row of the five-op benchmark (efectn/go-orm-benchmarks'
// model). One type serves raw pgx, database/sql, sqlx, GORM and unitorm;
// bun needs its own (bunModel) for its BaseModel field.
type Model struct {
	ID      int    `db:"id" gorm:"column:id;primaryKey" orm:"pk"`
	Name    string `db:"name" gorm:"column:name"`
	Title   string `db:"title" gorm:"column:title"`
	Fax     string `db:"fax" gorm:"column:fax"`
	Web     string `db:"web" gorm:"column:web"`
	Age     int    `db:"age" gorm:"column:age"`
	Right   bool   `db:"right" gorm:"column:right"`
	Counter int64  `db:"counter" gorm:"column:counter"`
}

// TableName names the table for GORM and unitorm.
func (Model) TableName() string { return "models" }

const modelsDDL = `CREATE TABLE IF NOT EXISTS models (
	id bigserial PRIMARY KEY,
	name text NOT NULL,
	title text NOT NULL,
	fax text NOT NULL,
	web text NOT NULL,
	age integer NOT NULL,
	"right" boolean NOT NULL,
	counter bigint NOT NULL
)`

// Statements the hand-written clients (pgx, database/sql, sqlx) run.
const (
	modelCols    = `name, title, fax, web, age, "right", counter`
	insertSQL    = `INSERT INTO models (` + modelCols + `) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`
	updateSQL    = `UPDATE models SET name = $1, title = $2, fax = $3, web = $4, age = $5, "right" = $6, counter = $7 WHERE id = $8`
	readSQL      = `SELECT id, ` + modelCols + ` FROM models WHERE id = $1`
	readSliceSQL = `SELECT id, ` + modelCols + ` FROM models WHERE id > $1 LIMIT 100`
	multiRows    = 100
)

// insertMultiSQL is the 100-row INSERT … RETURNING id.
var insertMultiSQL = func() string {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO models (` + modelCols + `) VALUES `)
	for i := range multiRows {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d, $%d, $%d, $%d)", i*7+1, i*7+2, i*7+3, i*7+4, i*7+5, i*7+6, i*7+7)
	}
	sb.WriteString(" RETURNING id")
	return sb.String()
}()

func newModel() *Model {
	return &Model{Name: "Orm Benchmark", Title: "Just a Benchmark for fun", Fax: "99909990",
		Web: "http://blog.milkpod29.me", Age: 100, Right: true, Counter: 1000}
}

func (m *Model) args() []any {
	return []any{m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter}
}

// libOps is one library's implementation of the five operations. Each
// function runs one operation; the runner checks what it returns.
type libOps struct {
	insert      func(ctx context.Context, m *Model) error
	insertMulti func(ctx context.Context, ms []*Model) error
	// update returns the function that updates the row of m (already
	// inserted) after m.Counter changed.
	update func(ctx context.Context, m *Model) (func(ctx context.Context, counter int64) error, error)
	// read loads the row by primary key and returns its id and counter
	// (read from the library's own object, so that no conversion is
	// counted against it).
	read func(ctx context.Context, id int) (int, int64, error)
	// readSlice loads 100 rows and returns how many and the last counter.
	readSlice func(ctx context.Context) (int, int64, error)
}

// library opens a library on a fresh one-connection pool.
type library struct {
	name string
	open func(tb testing.TB) libOps
}

// libraries in table order: the reference first.
var libraries = []library{
	{"pgx", pgxOps},
	{"pgx-stdlib", stdlibOps},
	{"sqlx", sqlxOps},
	{"gorm", gormOps},
	{"bun", bunOps},
	{"unitorm", unitormOps},
	{"unitorm-qb", unitormQBOps},
}

// resetModels creates the models table if needed and empties it.
func resetModels(b testing.TB) {
	b.Helper()
	ctx := context.Background()
	conn := pgConn(b)
	if _, err := conn.Exec(ctx, modelsDDL); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "TRUNCATE models RESTART IDENTITY"); err != nil {
		b.Fatal(err)
	}
}

// seedModels inserts n rows and returns their ids.
func seedModels(b testing.TB, n int) []int {
	b.Helper()
	ctx := context.Background()
	conn := pgConn(b)
	ids := make([]int, 0, n)
	for range n {
		var id int
		if err := conn.QueryRow(ctx, insertSQL, newModel().args()...).Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func forEachLib(b *testing.B, fn func(b *testing.B, ops libOps)) {
	for _, lib := range libraries {
		b.Run(lib.name, func(b *testing.B) {
			resetModels(b)
			ops := lib.open(b)
			b.ReportAllocs()
			fn(b, ops)
		})
	}
}

func BenchmarkInsert(b *testing.B) {
	forEachLib(b, func(b *testing.B, ops libOps) {
		ctx := context.Background()
		m := newModel()
		b.ResetTimer()
		for range b.N {
			m.ID = 0
			if err := ops.insert(ctx, m); err != nil {
				b.Fatal(err)
			}
			if m.ID == 0 {
				b.Fatal("insert did not set the id")
			}
		}
	})
}

func BenchmarkInsertMulti(b *testing.B) {
	forEachLib(b, func(b *testing.B, ops libOps) {
		ctx := context.Background()
		ms := make([]*Model, multiRows)
		for i := range ms {
			ms[i] = newModel()
		}
		b.ResetTimer()
		for range b.N {
			for _, m := range ms {
				m.ID = 0
			}
			if err := ops.insertMulti(ctx, ms); err != nil {
				b.Fatal(err)
			}
			if ms[0].ID == 0 || ms[multiRows-1].ID != ms[0].ID+multiRows-1 {
				b.Fatalf("insert did not set the ids (%d … %d)", ms[0].ID, ms[multiRows-1].ID)
			}
		}
	})
	// COPY has no RETURNING: it is the bulk path, reported on its own.
	b.Run("pgx-copy", func(b *testing.B) {
		resetModels(b)
		ctx := context.Background()
		conn := pgConn(b)
		ms := make([]*Model, multiRows)
		for i := range ms {
			ms[i] = newModel()
		}
		cols := []string{"name", "title", "fax", "web", "age", "right", "counter"}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			rows := make([][]any, len(ms))
			for i, m := range ms {
				rows[i] = m.args()
			}
			n, err := conn.CopyFrom(ctx, pgx.Identifier{"models"}, cols, pgx.CopyFromRows(rows))
			if err != nil || n != multiRows {
				b.Fatal(n, err)
			}
		}
	})
}

func BenchmarkUpdate(b *testing.B) {
	forEachLib(b, func(b *testing.B, ops libOps) {
		ctx := context.Background()
		m := newModel()
		m.ID = seedModels(b, 1)[0]
		upd, err := ops.update(ctx, m)
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := range b.N {
			if err := upd(ctx, int64(i+1)); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		checkCounter(b, m.ID, int64(b.N))
	})
}

// checkCounter fails unless the row's counter holds want: the updates
// really matched the row.
func checkCounter(b testing.TB, id int, want int64) {
	var got int64
	if err := pgConn(b).QueryRow(context.Background(), "SELECT counter FROM models WHERE id = $1", id).Scan(&got); err != nil {
		b.Fatal(err)
	}
	if got != want {
		b.Fatalf("row %d has counter %d after the updates, want %d", id, got, want)
	}
}

func BenchmarkRead(b *testing.B) {
	forEachLib(b, func(b *testing.B, ops libOps) {
		ctx := context.Background()
		id := seedModels(b, 1)[0]
		b.ResetTimer()
		for range b.N {
			got, counter, err := ops.read(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			if got != id || counter != 1000 {
				b.Fatalf("read row %d with counter %d", got, counter)
			}
		}
	})
}

func BenchmarkReadSlice(b *testing.B) {
	forEachLib(b, func(b *testing.B, ops libOps) {
		ctx := context.Background()
		seedModels(b, multiRows)
		b.ResetTimer()
		for range b.N {
			n, counter, err := ops.readSlice(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if n != multiRows || counter != 1000 {
				b.Fatalf("read %d rows, last counter %d", n, counter)
			}
		}
	})
}
