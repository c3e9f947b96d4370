package meta

import "testing"

func TestUnderscoreAndLowerCamel(t *testing.T) {
	tests := []struct{ in, snake, camel string }{
		{"BookTag", "book_tag", "bookTag"},
		{"ID", "id", "id"},
		{"FavouriteBook", "favourite_book", "favouriteBook"},
		{"URLPath", "url_path", "urlPath"},
		{"UserID", "user_id", "userID"},
		{"HTTPServer", "http_server", "httpServer"},
		{"A", "a", "a"},
		{"already_snake", "already_snake", "already_snake"},
		{"favouriteBook", "favourite_book", "favouriteBook"},
		{"Page2Title", "page2_title", "page2Title"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := Underscore(tt.in); got != tt.snake {
			t.Errorf("Underscore(%q) = %q, want %q", tt.in, got, tt.snake)
		}
		if got := LowerCamel(tt.in); got != tt.camel {
			t.Errorf("LowerCamel(%q) = %q, want %q", tt.in, got, tt.camel)
		}
	}
}

func TestUnderscoreNaming(t *testing.T) {
	n := UnderscoreNaming{}
	tests := []struct{ got, want string }{
		{n.TableName("BookTag"), "book_tag"},
		{n.PropertyName("FavouriteBook"), "favouriteBook"},
		{n.ColumnName("favouriteBook"), "favourite_book"},
		{n.JoinColumnName("author", "id"), "author_id"},
		{n.JoinColumnName("favouriteBook", "id"), "favourite_book_id"},
		{n.PivotTableName("Book", "tags"), "book_tags"},
		{n.PivotTableName("BookTag", "relatedItems"), "book_tag_related_items"},
		{n.PivotJoinColumnName("Book", "id", 0), "book_id"},
		{n.PivotJoinColumnName("User", "id", 1), "user_1_id"},
		{n.PivotJoinColumnName("User", "id", 2), "user_2_id"},
		{n.IndexName("book", []string{"a", "b"}, "unique"), "book_a_b_unique"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}
