package meta

import (
	"strconv"
	"strings"
	"unicode"
)

// NamingStrategy turns Go names into property, table and column names.
// Implementations must be deterministic and safe for concurrent use. Names
// it returns are validated like names given in tags.
type NamingStrategy interface {
	// TableName names the table of an entity from its Go type name.
	TableName(typeName string) string
	// PropertyName names a property from its Go field name.
	PropertyName(fieldName string) string
	// ColumnName names the column of a scalar property.
	ColumnName(propertyName string) string
	// JoinColumnName names a foreign-key column of an owning to-one
	// relation, from the property name and the referenced column.
	JoinColumnName(propertyName, referencedColumn string) string
	// PivotTableName names the pivot table of an owning many-to-many
	// relation from the owner's Go type name and the property name.
	PivotTableName(ownerTypeName, propertyName string) string
	// PivotJoinColumnName names a pivot column referencing referencedColumn
	// of the entity with Go type name typeName. For a self-referencing
	// relation (both sides are the same entity) side is 1 for the owner and
	// 2 for the target; otherwise it is 0.
	PivotJoinColumnName(typeName, referencedColumn string, side int) string
	// IndexName names an index or constraint of table over columns; kind is
	// "unique" or "index".
	IndexName(table string, columns []string, kind string) string
}

// UnderscoreNaming is the default NamingStrategy, as in MikroORM:
// type BookTag → table book_tag; field FavouriteBook → property
// favouriteBook → column favourite_book; m:1 Author → author_id; m:n
// Book.Tags → pivot book_tags with book_id and tag_id (user_1_id and
// user_2_id when User relates to User).
type UnderscoreNaming struct{}

var _ NamingStrategy = UnderscoreNaming{}

// TableName implements NamingStrategy.
func (UnderscoreNaming) TableName(typeName string) string { return Underscore(typeName) }

// PropertyName implements NamingStrategy.
func (UnderscoreNaming) PropertyName(fieldName string) string { return LowerCamel(fieldName) }

// ColumnName implements NamingStrategy.
func (UnderscoreNaming) ColumnName(propertyName string) string { return Underscore(propertyName) }

// JoinColumnName implements NamingStrategy.
func (UnderscoreNaming) JoinColumnName(propertyName, referencedColumn string) string {
	return Underscore(propertyName) + "_" + referencedColumn
}

// PivotTableName implements NamingStrategy.
func (UnderscoreNaming) PivotTableName(ownerTypeName, propertyName string) string {
	return Underscore(ownerTypeName) + "_" + Underscore(propertyName)
}

// PivotJoinColumnName implements NamingStrategy.
func (UnderscoreNaming) PivotJoinColumnName(typeName, referencedColumn string, side int) string {
	base := Underscore(typeName)
	if side > 0 {
		base += "_" + strconv.Itoa(side)
	}
	return base + "_" + referencedColumn
}

// IndexName implements NamingStrategy: book_title_unique, book_author_id_index.
func (UnderscoreNaming) IndexName(table string, columns []string, kind string) string {
	return table + "_" + strings.Join(columns, "_") + "_" + kind
}

// Underscore converts a Go or camelCase name to snake_case:
// BookTag → book_tag, URLPath → url_path, UserID → user_id, ID → id.
func Underscore(s string) string {
	r := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prev := r[i-1]
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// LowerCamel converts a Go field name to a property name by lowering its
// leading capitals: ID → id, FavouriteBook → favouriteBook, URLPath →
// urlPath, UserID → userID.
func LowerCamel(s string) string {
	r := []rune(s)
	n := 0
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	switch {
	case n == 0:
		return s
	case n > 1 && n < len(r) && unicode.IsLower(r[n]):
		n-- // keep the capital that starts the next word: URLPath → urlPath
	}
	for i := range n {
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}
