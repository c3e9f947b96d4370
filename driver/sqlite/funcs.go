package sqlite

import (
	"database/sql/driver"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite"
)

var (
	sqliteFuncsOnce sync.Once
	regexpCache     sync.Map // pattern -> *regexp.Regexp
	regexpCached    atomic.Int32
)

// maxCachedRegexps bounds the compiled-pattern cache: patterns are bound values
// and may come from users.
const maxCachedRegexps = 256

// registerFuncs adds unitorm_fold and regexp to the modernc driver, once.
func registerFuncs() {
	sqliteFuncsOnce.Do(func() {
		sqlite.MustRegisterDeterministicScalarFunction("unitorm_fold", 1, sqliteFold)
		sqlite.MustRegisterDeterministicScalarFunction("regexp", 2, sqliteRegexp)
	})
}

// sqliteFold lower-cases text with Unicode rules. NULL stays NULL.
func sqliteFold(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	switch v := args[0].(type) {
	case nil:
		return nil, nil
	case string:
		return strings.ToLower(v), nil
	case []byte:
		return strings.ToLower(string(v)), nil
	default:
		return v, nil
	}
}

// sqliteRegexp implements "text REGEXP pattern", which SQLite calls as
// regexp(pattern, text). NULL on either side gives NULL.
func sqliteRegexp(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	if args[0] == nil || args[1] == nil {
		return nil, nil
	}
	pattern, text := asText(args[0]), asText(args[1])
	re, ok := regexpCache.Load(pattern)
	if !ok {
		compiled, err := regexp.Compile(pattern)
		if err != nil {
			return nil, fmt.Errorf("sqldb: regexp: %w", err)
		}
		re = compiled
		if regexpCached.Add(1) <= maxCachedRegexps {
			re, _ = regexpCache.LoadOrStore(pattern, compiled)
		}
	}
	if re.(*regexp.Regexp).MatchString(text) {
		return int64(1), nil
	}
	return int64(0), nil
}

func asText(v driver.Value) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	default:
		return fmt.Sprint(v)
	}
}
