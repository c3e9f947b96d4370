package mappingtest

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/migrate"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/sqldb"
	"github.com/unitorm/unitorm/types"
)

// Ticket before and after it becomes soft-deletable.
type Ticket struct {
	ID    int64 `orm:"pk"`
	Title string
}

type TicketSoft struct {
	ID        int64 `orm:"pk"`
	Title     string
	DeletedAt *time.Time `orm:"softDelete"`
}

func (TicketSoft) TableName() string { return "ticket" }

func registry(t *testing.T, entities ...any) *meta.Registry {
	t.Helper()
	reg := meta.NewRegistry()
	if err := reg.Register(entities...); err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestSoftDeleteMigration: making an entity soft-deletable is one nullable
// column: the schema diff and the generated migration add it (existing
// rows stay visible: NULL is "not deleted"), down removes it, and the
// schema then matches the entities exactly.
func TestSoftDeleteMigration(t *testing.T) {
	before, after := registry(t, Ticket{}), registry(t, TicketSoft{})
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		m := migrate.New(db, migrate.Config{Dir: t.TempDir(), NoRegistered: true, Log: t.Logf})
		if _, err := m.Create(ctx, before.Entities(), migrate.CreateOptions{Initial: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Executor().Exec(ctx, qb.InsertInto("ticket").Columns("title").Values("old")); err != nil {
			t.Fatal(err)
		}
		diff, err := schema.CompareDB(ctx, db, after.Entities(), schema.IgnoreTables(migrate.DefaultTable))
		if err != nil {
			t.Fatal(err)
		}
		if len(diff.Changes) != 1 || !strings.Contains(diff.Changes[0].String(), "deleted_at") {
			t.Fatalf("diff = %v, want one change adding deleted_at", diff.Changes)
		}
		soft, err := m.Create(ctx, after.Entities(), migrate.CreateOptions{Name: "soft delete tickets"})
		if err != nil {
			t.Fatal(err)
		}
		up := strings.Join(soft.Migration.Up, ";")
		if len(soft.Migration.Up) != 1 || !strings.Contains(up, "ADD COLUMN") || !strings.Contains(up, "deleted_at") {
			t.Errorf("up = %q, want one ADD COLUMN deleted_at", soft.Migration.Up)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if err := m.Check(ctx, after.Entities()); err != nil {
			t.Errorf("check after the migration: %v", err)
		}
		n, err := db.Executor().Count(ctx, qb.Select().From("ticket").Where(qb.Cond{"deleted_at": nil}))
		if err != nil || n != 1 {
			t.Errorf("rows not deleted after the migration = %d, %v; want 1", n, err)
		}
		if _, err := m.Down(ctx, ""); err != nil {
			t.Fatal(err)
		}
		diff, err = schema.CompareDB(ctx, db, before.Entities(), schema.IgnoreTables(migrate.DefaultTable))
		if err != nil || !diff.Empty() {
			t.Errorf("after down the schema differs from the entities without the property: %v, %v", diff.Changes, err)
		}
	})
}

// Shop before and after it gains a nullable embedded address.
type Shop struct {
	ID   int64 `orm:"pk"`
	Name string
}

type ShopWithAddress struct {
	ID      int64 `orm:"pk"`
	Name    string
	Address *Address `orm:"embedded,prefix=addr_"`
}

func (ShopWithAddress) TableName() string { return "shop" }

// TestEmbeddableMigration: adding a nullable embeddable adds its prefixed
// columns (nested ones too), in a migration that goes up and down.
func TestEmbeddableMigration(t *testing.T) {
	before, after := registry(t, Shop{}), registry(t, ShopWithAddress{})
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		m := migrate.New(db, migrate.Config{Dir: t.TempDir(), NoRegistered: true, Log: t.Logf})
		if _, err := m.Create(ctx, before.Entities(), migrate.CreateOptions{Initial: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Executor().Exec(ctx, qb.InsertInto("shop").Columns("name").Values("old")); err != nil {
			t.Fatal(err)
		}
		diff, err := schema.CompareDB(ctx, db, after.Entities(), schema.IgnoreTables(migrate.DefaultTable))
		if err != nil {
			t.Fatal(err)
		}
		var added []string
		for _, c := range diff.Changes {
			added = append(added, c.Name)
		}
		if len(diff.Changes) != 4 || strings.Join(added, ",") != "addr_street,addr_city,addr_geo_lat,addr_geo_lng" {
			t.Errorf("diff = %v, want the four addr_ columns added", diff.Changes)
		}
		if _, err := m.Create(ctx, after.Entities(), migrate.CreateOptions{Name: "shop address"}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if err := m.Check(ctx, after.Entities()); err != nil {
			t.Errorf("check after up: %v", err)
		}
		if _, err := m.Down(ctx, ""); err != nil {
			t.Fatal(err)
		}
		diff, err = schema.CompareDB(ctx, db, before.Entities(), schema.IgnoreTables(migrate.DefaultTable))
		if err != nil || !diff.Empty() {
			t.Errorf("after down: %v, %v", diff.Changes, err)
		}
	})
}

// Price before and after its precision grows.
type Price struct {
	ID     int64           `orm:"pk"`
	Amount decimal.Decimal `orm:"precision=10,scale=2"`
	Spot   Point
}

type PriceWider struct {
	ID     int64           `orm:"pk"`
	Amount decimal.Decimal `orm:"precision=20,scale=4"`
	Spot   Point
}

func (PriceWider) TableName() string { return "price" }

// TestCustomTypeMigration: custom types' column types (numeric/decimal,
// text on SQLite; a user type's default varchar) read back equal to what
// the entities build, and a changed precision is one altered column (none
// on SQLite, where decimals are text), in a migration that goes up and
// down with the data kept exactly.
func TestCustomTypeMigration(t *testing.T) {
	reg := func(e any) *meta.Registry {
		opts := append(types.Builtin(), meta.WithType(reflect.TypeFor[Point](), pointType{}))
		r := meta.NewRegistry(opts...)
		if err := r.Register(e); err != nil {
			t.Fatal(err)
		}
		return r
	}
	before, after := reg(Price{}), reg(PriceWider{})
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		m := migrate.New(db, migrate.Config{Dir: t.TempDir(), NoRegistered: true, Log: t.Logf})
		if _, err := m.Create(ctx, before.Entities(), migrate.CreateOptions{Initial: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if err := m.Check(ctx, before.Entities()); err != nil {
			t.Fatalf("the created schema differs from the entities: %v", err)
		}
		if _, err := db.Executor().Exec(ctx, qb.InsertInto("price").Columns("amount", "spot").Values("12345678.91", "1;2")); err != nil {
			t.Fatal(err)
		}
		diff, err := schema.CompareDB(ctx, db, after.Entities(), schema.IgnoreTables(migrate.DefaultTable))
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect().Name() == "sqlite" {
			// Decimals are text on SQLite whatever their precision.
			if !diff.Empty() {
				t.Errorf("diff on SQLite = %v, want none", diff.Changes)
			}
			return
		}
		if len(diff.Changes) != 1 || diff.Changes[0].Kind != schema.AlterColumn {
			t.Errorf("diff = %v, want amount altered", diff.Changes)
		}
		if _, err := m.Create(ctx, after.Entities(), migrate.CreateOptions{Name: "wider amount"}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if err := m.Check(ctx, after.Entities()); err != nil {
			t.Errorf("check after up: %v", err)
		}
		rows, err := db.Executor().QueryMaps(ctx, qb.Select("amount").From("price"))
		if err != nil || len(rows) != 1 || !strings.HasPrefix(rawText(rows[0]["amount"]), "12345678.91") {
			t.Errorf("amount after the migration = %v, %v", rows, err)
		}
		if _, err := m.Down(ctx, ""); err != nil {
			t.Fatal(err)
		}
		diff, err = schema.CompareDB(ctx, db, before.Entities(), schema.IgnoreTables(migrate.DefaultTable))
		if err != nil || !diff.Empty() {
			t.Errorf("after down: %v, %v", diff.Changes, err)
		}
	})
}

// Vehicle before it becomes the root of a single-table family, and after
// (VehicleRoot, with Truck as a subtype).
type Vehicle struct {
	ID   int64 `orm:"pk"`
	Name string
}

type VehicleRoot struct {
	ID   int64  `orm:"pk"`
	Kind string `orm:"discriminator=vehicle,default='vehicle'"`
	Name string
}

func (VehicleRoot) TableName() string { return "vehicle" }

type Truck struct {
	VehicleRoot `orm:"discriminator=truck"`
	Payload     int64
}

// TestInheritanceMigration: turning a table into a single-table family adds
// the discriminator (existing rows get the root's value from its default)
// and the subtype's columns, nullable; the migration goes up and down.
func TestInheritanceMigration(t *testing.T) {
	before, after := registry(t, Vehicle{}), registry(t, VehicleRoot{}, Truck{})
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		m := migrate.New(db, migrate.Config{Dir: t.TempDir(), NoRegistered: true, Log: t.Logf})
		if _, err := m.Create(ctx, before.Entities(), migrate.CreateOptions{Initial: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Executor().Exec(ctx, qb.InsertInto("vehicle").Columns("name").Values("old")); err != nil {
			t.Fatal(err)
		}
		diff, err := schema.CompareDB(ctx, db, after.Entities(), schema.IgnoreTables(migrate.DefaultTable))
		if err != nil {
			t.Fatal(err)
		}
		var added []string
		for _, c := range diff.Changes {
			added = append(added, c.Name)
		}
		if strings.Join(added, ",") != "kind,payload" {
			t.Errorf("diff = %v, want kind and payload added", diff.Changes)
		}
		mig, err := m.Create(ctx, after.Entities(), migrate.CreateOptions{Name: "vehicle family"})
		if err != nil {
			t.Fatal(err)
		}
		if up := strings.Join(mig.Migration.Up, ";"); strings.Contains(strings.ToLower(up), "payload bigint not null") || strings.Contains(strings.ToLower(up), "\"payload\" bigint not null") {
			t.Errorf("the subtype's column is not nullable: %s", up)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if err := m.Check(ctx, after.Entities()); err != nil {
			t.Errorf("check after up: %v", err)
		}
		rows, err := db.Executor().QueryMaps(ctx, qb.Select("kind", "payload").From("vehicle"))
		if err != nil || len(rows) != 1 || rawText(rows[0]["kind"]) != "vehicle" || rows[0]["payload"] != nil {
			t.Errorf("the old row after up: %v, %v", rows, err)
		}
		if _, err := m.Down(ctx, ""); err != nil {
			t.Fatal(err)
		}
		diff, err = schema.CompareDB(ctx, db, before.Entities(), schema.IgnoreTables(migrate.DefaultTable))
		if err != nil || !diff.Empty() {
			t.Errorf("after down: %v, %v", diff.Changes, err)
		}
	})
}
