package meta

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/unitorm/unitorm/rel"
)

var (
	valuerType     = reflect.TypeFor[driver.Valuer]()
	scannerType    = reflect.TypeFor[sql.Scanner]()
	timeType       = reflect.TypeFor[time.Time]()
	anyCollType    = reflect.TypeFor[rel.AnyCollection]()
	sqlPackagePath = reflect.TypeFor[sql.NullString]().PkgPath()
)

// scalarInfo is what classifyScalar learns about a field's Go type.
type scalarInfo struct {
	colType  ColumnType
	sqlType  string
	base     reflect.Type
	wrap     Wrap
	codec    Codec
	unsigned bool
	custom   Type // CodecType
}

// isCollection reports whether t is a rel.Collection[T] (by its pointer
// implementing rel.AnyCollection) and returns the element type.
func isCollection(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || !reflect.PointerTo(t).Implements(anyCollType) {
		return nil, false
	}
	c := reflect.New(t).Interface().(rel.AnyCollection)
	return c.ElemType(), true
}

// isSQLNull reports whether t is sql.Null[T] or one of sql.NullString,
// sql.NullInt64, ...: a struct of database/sql whose second field is Valid.
func isSQLNull(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || t.PkgPath() != sqlPackagePath || !strings.HasPrefix(t.Name(), "Null") {
		return nil, false
	}
	if t.NumField() != 2 || t.Field(1).Name != "Valid" || t.Field(1).Type.Kind() != reflect.Bool {
		return nil, false
	}
	return t.Field(0).Type, true
}

func isUUIDArray(t reflect.Type) bool {
	return t.Kind() == reflect.Array && t.Len() == 16 && t.Elem().Kind() == reflect.Uint8
}

func isValuerScanner(t reflect.Type) bool {
	return t.Implements(valuerType) || reflect.PointerTo(t).Implements(valuerType) ||
		reflect.PointerTo(t).Implements(scannerType)
}

// isEntityCandidate reports whether a pointer's element type t looks like an
// entity (a struct that is not a value type the database knows).
func isEntityCandidate(t reflect.Type) bool {
	if t.Kind() != reflect.Struct || t == timeType || isValuerScanner(t) {
		return false
	}
	_, isNull := isSQLNull(t)
	return !isNull
}

// naturalType maps a Go kind to a column type.
func naturalType(t reflect.Type) (ct ColumnType, unsigned bool) {
	switch {
	case t == timeType:
		return TypeTime, false
	case isUUIDArray(t):
		return TypeUUID, false
	}
	switch t.Kind() {
	case reflect.Bool:
		return TypeBool, false
	case reflect.Int8, reflect.Int16:
		return TypeInt16, false
	case reflect.Int32:
		return TypeInt32, false
	case reflect.Int, reflect.Int64:
		return TypeInt64, false
	case reflect.Uint8:
		return TypeInt16, true
	case reflect.Uint16:
		return TypeInt32, true
	case reflect.Uint32, reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return TypeInt64, true
	case reflect.Float32:
		return TypeFloat32, false
	case reflect.Float64:
		return TypeFloat64, false
	case reflect.String:
		return TypeString, false
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return TypeBytes, false
		}
	case reflect.Array:
		// Fixed-size byte arrays other than UUIDs: MongoDB ObjectIDs
		// ([12]byte), hashes. SQL stores their bytes.
		if t.Elem().Kind() == reflect.Uint8 && t.Len() > 0 {
			return TypeBytes, false
		}
	}
	return TypeUnknown, false
}

// probeValuer asks the zero value of a Valuer type what it turns into.
func probeValuer(t reflect.Type) (ct ColumnType) {
	defer func() {
		if recover() != nil {
			ct = TypeUnknown
		}
	}()
	var v driver.Valuer
	switch {
	case t.Implements(valuerType):
		v = reflect.Zero(t).Interface().(driver.Valuer)
	case reflect.PointerTo(t).Implements(valuerType):
		v = reflect.New(t).Interface().(driver.Valuer)
	default:
		return TypeUnknown
	}
	val, err := v.Value()
	if err != nil {
		return TypeUnknown
	}
	switch val.(type) {
	case int64:
		return TypeInt64
	case float64:
		return TypeFloat64
	case bool:
		return TypeBool
	case []byte:
		return TypeBytes
	case string:
		return TypeString
	case time.Time:
		return TypeTime
	}
	return TypeUnknown
}

var errUnsupported = errors.New("unsupported")

// classifyScalar works out how a scalar field of type ft is stored.
func classifyScalar(ft reflect.Type, spec *tagSpec) (scalarInfo, error) {
	var si scalarInfo
	t := ft
	if t.Kind() == reflect.Pointer {
		si.wrap = WrapPointer
		t = t.Elem()
		if t.Kind() == reflect.Pointer {
			return si, fmt.Errorf("unsupported field type %s (pointer to pointer)", ft)
		}
	}
	si.base = t
	logical, isLogical := logicalType(spec.typ)
	if spec.typ != "" && !isLogical {
		if lt, ok := parameterizedType(spec); ok {
			logical, isLogical = lt, true
		} else {
			si.sqlType = spec.typ
		}
	}
	if isLogical && logical == TypeJSON {
		si.colType = TypeJSON
		si.codec = CodecJSON
		if isValuerScanner(t) {
			si.codec = CodecValuer
		}
		return si, nil
	}
	if elem, ok := isSQLNull(t); ok {
		if si.wrap == WrapPointer {
			return si, fmt.Errorf("unsupported field type %s (pointer to %s; use %s)", ft, t, t)
		}
		si.wrap, si.base, si.codec = WrapSQLNull, elem, CodecValuer
		si.colType, si.unsigned = naturalType(elem)
		if si.colType == TypeUnknown {
			return si, fmt.Errorf("unsupported field type %s", ft)
		}
	} else {
		si.colType, si.unsigned = naturalType(t)
		if isValuerScanner(t) {
			si.codec = CodecValuer
			if si.colType == TypeUnknown {
				si.colType = probeValuer(t)
			}
			if si.colType == TypeUnknown && spec.typ == "" {
				return si, fmt.Errorf("cannot tell the column type of %s: add type=... to the tag", ft)
			}
		} else if si.colType == TypeUnknown {
			hint := ""
			switch t.Kind() {
			case reflect.Map, reflect.Slice, reflect.Struct, reflect.Array:
				hint = " (use type=json to store it as JSON)"
			}
			return si, fmt.Errorf("unsupported field type %s%s", ft, hint)
		}
	}
	if isLogical {
		si.colType = logical
	} else if spec.precision > 0 && spec.typ == "" {
		si.colType = TypeDecimal
	}
	return si, nil
}

// parameterizedType reads type=decimal(10,2), type=numeric(8) and
// type=varchar(20) / string(20) into the logical type with its precision,
// scale or length (unless given by their own tag options), so dialects can
// render them. Other parameterized types stay verbatim SQL types.
func parameterizedType(spec *tagSpec) (ColumnType, bool) {
	name, args, ok := strings.Cut(spec.typ, "(")
	if !ok || !strings.HasSuffix(args, ")") {
		return TypeUnknown, false
	}
	lt, ok := logicalType(strings.TrimSpace(name))
	if !ok {
		return TypeUnknown, false
	}
	var nums []int
	for _, a := range strings.Split(strings.TrimSuffix(args, ")"), ",") {
		n, err := strconv.Atoi(strings.TrimSpace(a))
		if err != nil || n < 0 {
			return TypeUnknown, false
		}
		nums = append(nums, n)
	}
	switch {
	case lt == TypeDecimal && len(nums) <= 2:
		if spec.precision == 0 {
			spec.precision = nums[0]
			if len(nums) == 2 {
				spec.scale = nums[1]
			}
		}
	case lt == TypeString && len(nums) == 1:
		if spec.length == 0 {
			spec.length = nums[0]
		}
	default:
		return TypeUnknown, false
	}
	return lt, true
}
