package dialect

import (
	"errors"
	"fmt"
	"strings"
)

// Feature is one capability a dialect may have. Features combine as bit flags.
type Feature uint64

const (
	// InsertReturning: INSERT ... RETURNING.
	InsertReturning Feature = 1 << iota
	// UpdateReturning: UPDATE ... RETURNING.
	UpdateReturning
	// DeleteReturning: DELETE ... RETURNING.
	DeleteReturning
	// InsertMultiRow: INSERT ... VALUES (...), (...).
	InsertMultiRow
	// InsertDefaultValues: INSERT INTO t DEFAULT VALUES. Without it, INSERT INTO t () VALUES ().
	InsertDefaultValues
	// UpsertOnConflict: INSERT ... ON CONFLICT (cols) DO UPDATE SET c = EXCLUDED.c / DO NOTHING.
	UpsertOnConflict
	// UpsertOnDuplicateKey: INSERT ... ON DUPLICATE KEY UPDATE c = VALUES(c) (INSERT IGNORE for ignore).
	UpsertOnDuplicateKey
	// ILike: a native ILIKE operator.
	ILike
	// CaseSensitiveLike: plain LIKE is case-sensitive on this database.
	CaseSensitiveLike
	// NullsOrder: ORDER BY ... NULLS FIRST / NULLS LAST natively.
	NullsOrder
	// ForUpdate: SELECT ... FOR UPDATE.
	ForUpdate
	// ForShare: SELECT ... FOR SHARE (MySQL 8, PostgreSQL) or LOCK IN SHARE MODE.
	ForShare
	// SkipLocked: FOR UPDATE SKIP LOCKED.
	SkipLocked
	// NoWait: FOR UPDATE NOWAIT.
	NoWait
	// CTE: WITH name AS (...).
	CTE
	// RecursiveCTE: WITH RECURSIVE.
	RecursiveCTE
	// RightJoin: RIGHT [OUTER] JOIN.
	RightJoin
	// FullJoin: FULL [OUTER] JOIN.
	FullJoin
	// TransactionalDDL: CREATE/ALTER/DROP run inside a transaction and roll back with it.
	TransactionalDDL
	// Truncate: TRUNCATE TABLE (SQLite emulates with DELETE FROM).
	Truncate
	// LastInsertID: the driver reports the last auto-increment id of an INSERT.
	LastInsertID
	// ArrayOps: array containment/overlap operators (@>, &&).
	ArrayOps
	// Regexp: a regular-expression match operator (~ or REGEXP).
	Regexp
	// Savepoints: SAVEPOINT / RELEASE / ROLLBACK TO.
	Savepoints
	// UpdateFrom: UPDATE t SET ... FROM (VALUES ...) for batched updates.
	UpdateFrom
	// DropCascade: DROP TABLE ... CASCADE.
	DropCascade
	// AlterFK: foreign keys can be added with ALTER TABLE (SQLite cannot).
	AlterFK
	// IsDistinctFrom: a IS [NOT] DISTINCT FROM b (MySQL/MariaDB: <=>).
	IsDistinctFrom
	// ModifyColumn: a column is changed with ALTER TABLE t MODIFY c <definition>
	// (instead of ALTER COLUMN ... TYPE / SET / DROP).
	ModifyColumn
	// TableScopedIndexNames: index names belong to their table (DROP INDEX n ON t).
	TableScopedIndexNames
	// InlineIndexes: indexes are declared inside CREATE TABLE (there is no
	// CREATE INDEX IF NOT EXISTS).
	InlineIndexes
	// RebuildTables: columns cannot be altered in place; changes other than
	// adding a column or an index rebuild the table.
	RebuildTables
	// SetOps: INTERSECT and EXCEPT (MySQL from 8.0.31, MariaDB from 10.3).
	SetOps
	// SetOpsAll: INTERSECT ALL and EXCEPT ALL (not SQLite).
	SetOpsAll
	// DistinctOn: SELECT DISTINCT ON (exprs) (PostgreSQL only).
	DistinctOn
	// RowValueList: (a, b) IN ((1, 2), (3, 4)) with a list of row
	// constructors; without it the list is written IN (VALUES (1, 2), ...).
	RowValueList
	// UpdateFromValues: UPDATE … FROM (VALUES (?, ?), …) AS v with untyped
	// parameters, the derived table's columns named column1, column2, …
	// (SQLite 3.33+): one statement updates many rows by key.
	UpdateFromValues
	// ArrayParams: a Go slice binds as one array parameter (PostgreSQL
	// through pgx): bulk writes and key lists use unnest and = ANY, one
	// statement text whatever the row count.
	ArrayParams
	// JSONTable: UPDATE t AS x JOIN JSON_TABLE(?, '$[*]' COLUMNS (…)) AS v
	// ON … SET … and DELETE x FROM t AS x JOIN JSON_TABLE(…) (MySQL 8.0.4+,
	// MariaDB 10.6+): one JSON parameter carries the rows of a bulk update
	// or delete, one statement text whatever the row count.
	JSONTable
	// JSONEach: DELETE FROM t WHERE k IN (SELECT value FROM json_each(?))
	// (SQLite's JSON1, built into modernc.org/sqlite): one JSON parameter
	// carries the keys of a bulk delete, instead of one parameter per key.
	JSONEach
	// PreparedChunks: bulk inserts run in chunks of equal size on one
	// statement prepared once per flush (database/sql drivers, where each
	// unprepared statement with parameters is parsed, and on MySQL prepared
	// and closed, anew).
	PreparedChunks
	// FloatInfinity: float columns store +Inf and -Inf (PostgreSQL,
	// SQLite; MySQL and MariaDB refuse them). Without it a flush refuses
	// an infinite value before sending anything.
	FloatInfinity
	// FloatNaN: float columns store NaN (PostgreSQL; SQLite would store
	// NULL, MySQL and MariaDB refuse it). Without it a flush refuses a NaN
	// before sending anything.
	FloatNaN
)

// PlaceholderStyle says how bound parameters are written.
type PlaceholderStyle int

const (
	// Question writes every parameter as ?.
	Question PlaceholderStyle = iota
	// Dollar writes parameters as $1, $2, ...
	Dollar
)

// Dialect is what unitorm needs to know about one SQL database.
// Implementations are immutable and safe for concurrent use.
type Dialect interface {
	// Name is a short lower-case name ("postgres", "mysql", "mariadb", "sqlite"),
	// for logs and error messages only: code asks Has, never Name.
	Name() string
	// Has reports whether the dialect has every feature in f.
	Has(f Feature) bool
	// Placeholders says how bound parameters are written.
	Placeholders() PlaceholderStyle
	// AppendPlaceholder appends the n-th (1-based) bound parameter marker.
	AppendPlaceholder(b []byte, n int) []byte
	// AppendIdent appends name quoted as an identifier, escaping embedded quote
	// characters. A dotted name is quoted part by part ("s"."t"); "*" stays bare.
	// Names with NUL bytes are rejected by ValidateIdent and must not reach it.
	AppendIdent(b []byte, name string) []byte
	// QuoteIdent is AppendIdent to a string.
	QuoteIdent(name string) string
	// AppendString appends s as a string literal (for DDL defaults and comments only;
	// values in queries are always bound parameters).
	AppendString(b []byte, s string) []byte
	// MaxParams is the largest number of bound parameters one statement may carry.
	MaxParams() int
	// ColumnType maps a logical column type to this database's SQL type.
	ColumnType(c Column) string
	// AutoIncrement returns the column definition for an auto-increment primary key
	// of type t, and whether the PRIMARY KEY clause is part of it (SQLite), in which
	// case no separate PRIMARY KEY constraint may be emitted.
	AutoIncrement(t Type) (def string, inlinePK bool)
	// LikeEscape is the escape character used in LIKE patterns built by unitorm.
	LikeEscape() byte
	// CaseSensitiveCollation is the collation that makes LIKE case-sensitive where
	// plain LIKE is not (MySQL/MariaDB: "utf8mb4_bin"); "" when not applicable.
	CaseSensitiveCollation() string
	// CaseInsensitiveCollation is the collation that makes LIKE case-insensitive
	// ("utf8mb4_general_ci" on MySQL/MariaDB); "" when not applicable.
	CaseInsensitiveCollation() string
	// FoldFunc is the SQL function that case-folds text for case-insensitive
	// matching when the database has no ILIKE (SQLite: "unitorm_fold", a Unicode-aware
	// function registered by package sqldb, since SQLite's lower() folds only ASCII).
	FoldFunc() string
	// ShareLock is the clause for a shared row lock ("FOR SHARE" or
	// "LOCK IN SHARE MODE"); "" when the database has none (see ForShare).
	ShareLock() string
	// RegexpOperator is the infix operator matching a regular expression
	// ("~" or "REGEXP"); "" when the database has none (see Regexp).
	RegexpOperator() string
	// TableOptions is appended to CREATE TABLE (storage engine, charset).
	TableOptions() string
	// ForeignKeyChecks returns the statements switching foreign-key checks
	// off and back on for a session ("" when there are none).
	ForeignKeyChecks() (off, on string)
}

// Type is a logical column type, mapped to SQL by ColumnType.
type Type int

const (
	TypeUnknown Type = iota
	TypeBool
	TypeInt16
	TypeInt32
	TypeInt64
	TypeFloat32
	TypeFloat64
	TypeDecimal
	TypeString // varchar(Length), varchar(DefaultStringLength) without a Length
	TypeText
	TypeBytes
	TypeTime // timestamp with time zone where the database has it
	TypeDate
	TypeUUID
	TypeJSON
)

// DefaultStringLength is the length of a TypeString column declared
// without one: varchar(255) in the built-in dialects. A flush checks it as
// it checks an explicit length (SQLite, which does not enforce lengths,
// would otherwise keep what the other databases refuse).
const DefaultStringLength = 255

var typeNames = [...]string{"unknown", "bool", "int16", "int32", "int64", "float32", "float64",
	"decimal", "string", "text", "bytes", "time", "date", "uuid", "json"}

func (t Type) String() string {
	if t >= 0 && int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// Column is what ColumnType needs to know about a column.
type Column struct {
	Type      Type
	Length    int // for TypeString; 0 means the dialect's default
	Precision int // for TypeDecimal (and fractional seconds of TypeTime when > 0)
	Scale     int // for TypeDecimal
	// Indexed says the column takes part in a key or index; MySQL cannot index
	// an unbounded TEXT, so it gets varchar(255) there.
	Indexed bool
}

// ErrIdentifier is returned by ValidateIdent for names that cannot be identifiers.
var ErrIdentifier = errors.New("dialect: invalid identifier")

// ValidateIdent reports whether name can be used as an identifier: non-empty,
// at most 128 bytes, valid UTF-8 without NUL or control characters. Quotes and
// other punctuation are allowed: AppendIdent escapes them.
func ValidateIdent(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty name", ErrIdentifier)
	}
	if len(name) > 128 {
		return fmt.Errorf("%w: %q is longer than 128 bytes", ErrIdentifier, name[:32]+"...")
	}
	if !validUTF8NoCtl(name) {
		return fmt.Errorf("%w: %q contains NUL, control characters or invalid UTF-8", ErrIdentifier, name)
	}
	return nil
}

// ByName returns the built-in dialect named name ("postgres"/"postgresql"/"pgx",
// "mysql", "mariadb", "sqlite"/"sqlite3").
func ByName(name string) (Dialect, error) {
	switch strings.ToLower(name) {
	case "postgres", "postgresql", "pgx", "pg":
		return Postgres, nil
	case "mysql":
		return MySQL, nil
	case "mariadb":
		return MariaDB, nil
	case "sqlite", "sqlite3":
		return SQLite, nil
	}
	return nil, fmt.Errorf("dialect: unknown dialect %q (want postgres, mysql, mariadb or sqlite)", name)
}
