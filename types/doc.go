// Package types holds unitorm's built-in custom types (meta.Type): exact
// decimals (github.com/shopspring/decimal). unitorm.Open registers them;
// a registry built by hand takes them with meta.NewRegistry(types.Builtin()...).
//
// Other mappings the issue of custom types asks for are built into meta
// and the drivers already: JSON (type=json: jsonb on PostgreSQL, compared
// by its encoding, whose map keys encoding/json sorts, so a re-ordered map
// is not a change), UUIDs ([16]byte types such as google/uuid.UUID: uuid on
// PostgreSQL, a 16-byte binary or char(36) elsewhere; or type=uuid on a
// string) and time.Time (see the README section "Custom types").
package types
