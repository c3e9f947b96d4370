package unitorm

import "github.com/unitorm/unitorm/internal/uow"

// ErrSchemaBehind is matched (errors.Is) by a statement error naming a
// column or table the database does not have: a *SchemaError whose message
// suggests `unitorm migration:check`.
var ErrSchemaBehind = uow.ErrSchemaBehind

// SchemaError is a statement error for a missing column or table.
type SchemaError = uow.SchemaError
