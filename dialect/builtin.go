package dialect

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The built-in dialects.
var (
	// Postgres is PostgreSQL 12 and later.
	Postgres Dialect = &sqlDialect{
		name: "postgres",
		features: InsertReturning | UpdateReturning | DeleteReturning | InsertMultiRow | InsertDefaultValues |
			UpsertOnConflict | ILike | CaseSensitiveLike | NullsOrder | ForUpdate | ForShare | SkipLocked |
			NoWait | CTE | RecursiveCTE | RightJoin | FullJoin | TransactionalDDL | Truncate | ArrayOps |
			Regexp | Savepoints | UpdateFrom | DropCascade | AlterFK | IsDistinctFrom |
			SetOps | SetOpsAll | DistinctOn | RowValueList | ArrayParams | FloatInfinity | FloatNaN,
		placeholders: Dollar,
		quote:        '"',
		maxParams:    65535,
		types:        postgresType,
		autoInc:      postgresAutoInc,
		shareLock:    "FOR SHARE",
		regexpOp:     "~",
	}
	// MySQL is MySQL 8.0 and later (INTERSECT and EXCEPT need 8.0.31).
	MySQL Dialect = &sqlDialect{
		name: "mysql",
		features: InsertMultiRow | UpsertOnDuplicateKey | ForUpdate | ForShare | SkipLocked | NoWait |
			CTE | RecursiveCTE | RightJoin | Truncate | LastInsertID | Regexp | Savepoints | AlterFK |
			ModifyColumn | TableScopedIndexNames | InlineIndexes | SetOps | SetOpsAll | RowValueList |
			JSONTable | PreparedChunks,
		placeholders: Question,
		quote:        '`',
		maxParams:    65535,
		types:        mysqlType,
		autoInc:      mysqlAutoInc,
		backslashEsc: true,
		csCollation:  "utf8mb4_bin",
		ciCollation:  "utf8mb4_general_ci",
		shareLock:    "FOR SHARE",
		regexpOp:     "REGEXP",
		tableOptions: " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
		fkOff:        "SET FOREIGN_KEY_CHECKS = 0",
		fkOn:         "SET FOREIGN_KEY_CHECKS = 1",
	}
	// MariaDB is MariaDB 10.6 and later (INSERT/DELETE ... RETURNING, SKIP LOCKED).
	MariaDB Dialect = &sqlDialect{
		name: "mariadb",
		features: InsertReturning | DeleteReturning | InsertMultiRow | UpsertOnDuplicateKey | ForUpdate |
			ForShare | SkipLocked | NoWait | CTE | RecursiveCTE | RightJoin | Truncate | LastInsertID |
			Regexp | Savepoints | AlterFK | ModifyColumn | TableScopedIndexNames | InlineIndexes |
			SetOps | SetOpsAll | RowValueList | JSONTable | PreparedChunks,
		placeholders: Question,
		quote:        '`',
		maxParams:    65535,
		types:        mysqlType,
		autoInc:      mysqlAutoInc,
		backslashEsc: true,
		csCollation:  "utf8mb4_bin",
		ciCollation:  "utf8mb4_general_ci",
		shareLock:    "LOCK IN SHARE MODE",
		tableOptions: " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
		fkOff:        "SET FOREIGN_KEY_CHECKS = 0",
		fkOn:         "SET FOREIGN_KEY_CHECKS = 1",
		regexpOp:     "REGEXP",
	}
	// SQLite is SQLite 3.39 and later (modernc.org/sqlite). Row locks do not
	// exist there: a write transaction locks the whole database.
	SQLite Dialect = &sqlDialect{
		name: "sqlite",
		features: InsertReturning | UpdateReturning | DeleteReturning | InsertMultiRow | InsertDefaultValues |
			UpsertOnConflict | NullsOrder | CTE | RecursiveCTE | RightJoin | FullJoin | TransactionalDDL |
			LastInsertID | Regexp | Savepoints | UpdateFrom | IsDistinctFrom | RebuildTables | SetOps |
			UpdateFromValues | PreparedChunks | FloatInfinity | JSONEach,
		placeholders: Question,
		quote:        '"',
		maxParams:    32766,
		types:        sqliteType,
		autoInc:      sqliteAutoInc,
		foldFunc:     "unitorm_fold",
		fkOff:        "PRAGMA foreign_keys = OFF",
		fkOn:         "PRAGMA foreign_keys = ON",
		regexpOp:     "REGEXP",
	}
)

type sqlDialect struct {
	name         string
	features     Feature
	placeholders PlaceholderStyle
	quote        byte
	maxParams    int
	types        func(Column) string
	autoInc      func(Type) (string, bool)
	backslashEsc bool
	csCollation  string
	ciCollation  string
	foldFunc     string
	shareLock    string
	regexpOp     string
	tableOptions string
	fkOff, fkOn  string
}

func (d *sqlDialect) Name() string                        { return d.name }
func (d *sqlDialect) String() string                      { return d.name }
func (d *sqlDialect) Has(f Feature) bool                  { return d.features&f == f }
func (d *sqlDialect) Placeholders() PlaceholderStyle      { return d.placeholders }
func (d *sqlDialect) MaxParams() int                      { return d.maxParams }
func (d *sqlDialect) ColumnType(c Column) string          { return d.types(c) }
func (d *sqlDialect) AutoIncrement(t Type) (string, bool) { return d.autoInc(t) }
func (d *sqlDialect) LikeEscape() byte                    { return '\\' }
func (d *sqlDialect) CaseSensitiveCollation() string      { return d.csCollation }
func (d *sqlDialect) CaseInsensitiveCollation() string    { return d.ciCollation }
func (d *sqlDialect) FoldFunc() string                    { return d.foldFunc }
func (d *sqlDialect) ShareLock() string                   { return d.shareLock }
func (d *sqlDialect) RegexpOperator() string              { return d.regexpOp }
func (d *sqlDialect) TableOptions() string                { return d.tableOptions }
func (d *sqlDialect) ForeignKeyChecks() (string, string)  { return d.fkOff, d.fkOn }

func (d *sqlDialect) AppendPlaceholder(b []byte, n int) []byte {
	if d.placeholders == Dollar {
		b = append(b, '$')
		return strconv.AppendInt(b, int64(n), 10)
	}
	return append(b, '?')
}

func (d *sqlDialect) AppendIdent(b []byte, name string) []byte {
	for {
		part, rest, dotted := strings.Cut(name, ".")
		if part == "*" {
			b = append(b, '*')
		} else {
			b = append(b, d.quote)
			for i := 0; i < len(part); i++ {
				if part[i] == d.quote {
					b = append(b, d.quote)
				}
				b = append(b, part[i])
			}
			b = append(b, d.quote)
		}
		if !dotted {
			return b
		}
		b = append(b, '.')
		name = rest
	}
}

func (d *sqlDialect) QuoteIdent(name string) string {
	return string(d.AppendIdent(make([]byte, 0, len(name)+2), name))
}

func (d *sqlDialect) AppendString(b []byte, s string) []byte {
	b = append(b, '\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			b = append(b, '\'', '\'')
		case c == '\\' && d.backslashEsc:
			b = append(b, '\\', '\\')
		case c == 0 && d.backslashEsc:
			b = append(b, '\\', '0')
		default:
			b = append(b, c)
		}
	}
	return append(b, '\'')
}

func validUTF8NoCtl(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return false
		}
	}
	return true
}

func itoa(n int) string { return strconv.Itoa(n) }

func decimalType(name string, c Column) string {
	p, s := c.Precision, c.Scale
	if p <= 0 {
		p, s = 10, 2
	}
	return name + "(" + itoa(p) + "," + itoa(s) + ")"
}

func stringLen(c Column) int {
	if c.Length > 0 {
		return c.Length
	}
	return DefaultStringLength
}

func postgresType(c Column) string {
	switch c.Type {
	case TypeBool:
		return "boolean"
	case TypeInt16:
		return "smallint"
	case TypeInt32:
		return "integer"
	case TypeInt64:
		return "bigint"
	case TypeFloat32:
		return "real"
	case TypeFloat64:
		return "double precision"
	case TypeDecimal:
		return decimalType("numeric", c)
	case TypeString:
		return "varchar(" + itoa(stringLen(c)) + ")"
	case TypeBytes:
		return "bytea"
	case TypeTime:
		if c.Precision > 0 {
			return "timestamptz(" + itoa(c.Precision) + ")"
		}
		return "timestamptz"
	case TypeDate:
		return "date"
	case TypeUUID:
		return "uuid"
	case TypeJSON:
		return "jsonb"
	}
	return "text"
}

func postgresAutoInc(t Type) (string, bool) {
	if t == TypeInt32 || t == TypeInt16 {
		return "integer GENERATED BY DEFAULT AS IDENTITY", false
	}
	return "bigint GENERATED BY DEFAULT AS IDENTITY", false
}

func mysqlType(c Column) string {
	switch c.Type {
	case TypeBool:
		return "tinyint(1)"
	case TypeInt16:
		return "smallint"
	case TypeInt32:
		return "int"
	case TypeInt64:
		return "bigint"
	case TypeFloat32, TypeFloat64:
		// Not FLOAT for float32: the text protocol (a query without
		// parameters, or interpolateParams) sends a FLOAT with 6
		// significant digits, and a float32 needs up to 9. A DOUBLE holds
		// every float32 exactly and is sent with all the digits it needs.
		return "double"
	case TypeDecimal:
		return decimalType("decimal", c)
	case TypeString:
		return "varchar(" + itoa(stringLen(c)) + ")"
	case TypeText:
		if c.Indexed {
			return "varchar(255)"
		}
		return "text"
	case TypeBytes:
		if c.Indexed {
			return "varbinary(255)"
		}
		return "longblob"
	case TypeTime:
		p := c.Precision
		if p <= 0 || p > 6 {
			p = 6
		}
		return "datetime(" + itoa(p) + ")"
	case TypeDate:
		return "date"
	case TypeUUID:
		return "char(36)"
	case TypeJSON:
		return "json"
	}
	if c.Indexed {
		return "varchar(255)"
	}
	return "text"
}

func mysqlAutoInc(t Type) (string, bool) {
	if t == TypeInt32 || t == TypeInt16 {
		return "int NOT NULL AUTO_INCREMENT", false
	}
	return "bigint NOT NULL AUTO_INCREMENT", false
}

func sqliteType(c Column) string {
	switch c.Type {
	case TypeBool, TypeInt16, TypeInt32, TypeInt64:
		return "integer"
	case TypeFloat32, TypeFloat64:
		return "real"
	case TypeDecimal:
		return "numeric"
	case TypeString:
		return "varchar(" + itoa(stringLen(c)) + ")"
	case TypeBytes:
		return "blob"
	case TypeTime:
		return "datetime"
	case TypeDate:
		return "date"
	}
	return "text"
}

func sqliteAutoInc(Type) (string, bool) {
	return "integer PRIMARY KEY AUTOINCREMENT", true
}
