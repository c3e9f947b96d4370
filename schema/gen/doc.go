// Package gen writes Go entity structs with orm tags from a schema read
// from a live database (schema.Inspect).
//
// Every table becomes a struct, except pivot tables (exactly two foreign
// keys whose columns are the whole table and its primary key), which become
// many-to-many collections. Foreign keys become m:1 relations (1:1 when a
// unique index covers exactly their columns) with an inverse 1:m collection
// on the target; columns become fields typed from their SQL types, pointers
// when nullable; indexes, unique constraints, defaults and referential
// actions become tags. The output is gofmt-formatted and lists the entities
// in an Entities function.
//
// Registering the generated entities and building their schema for the same
// database gives back the schema they were generated from, with these
// documented differences:
//
//   - the version tag, hidden, cascade options and other behaviour that
//     leaves no trace in the schema are not recovered;
//   - SQLite keeps one integer type and no JSON or UUID types: those columns
//     come back as int32 and string fields with the same SQL types;
//   - an index whose column order differs from the table's column order, a
//     column in more than one unique or plain index, and foreign keys to
//     columns other than a primary key are not expressible in tags: such
//     indexes are listed in a comment, such foreign keys become plain
//     columns;
//   - SQL types with no logical type are kept verbatim with type=.
package gen
