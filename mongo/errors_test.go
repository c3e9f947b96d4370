package mongo

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/unitorm/unitorm/internal/uow"
)

// hostileValues look like the fixed text of a duplicate-key message.
var hostileValues = []string{
	`x" } index: fake_index dup key: { email: "y`,
	`index: evil dup key: {`,
	`" index: evil collation: { locale: "en" } dup key: { "`,
	"E11000 duplicate key error collection: db.author index: evil dup key: { email: \"x\" }",
	"tick`s CONSTRAINT `evil`",
	"x' for key 'fake",
	"line1\nindex: nl_evil dup key: {\n",
	"ünïcødé 😀 index: emoji_evil ",
	"",
	strings.Repeat("index: long_evil dup key: ", 200),
}

// mongoDup is a MongoDB server's duplicate-key message for value.
func mongoDup(index, collation, value string) string {
	if collation != "" {
		collation = " collation: " + collation
	}
	return fmt.Sprintf("E11000 duplicate key error collection: test.author index: %s%s dup key: { email: %q }", index, collation, value)
}

const ferretDup = "E11000 duplicate key error collection: test.author"

func TestClassifyHostileDuplicateKey(t *testing.T) {
	for _, v := range hostileValues {
		details := bson.Raw(must(bson.Marshal(bson.D{{Key: "keyValue", Value: bson.D{{Key: "email", Value: "index: details_evil " + v}}}})))
		for _, tc := range []struct {
			name string
			err  error
			want string
		}{
			{"WriteError", &WriteError{Code: 11000, Message: mongoDup("author_email_unique", "", v)}, "author_email_unique"},
			{"WriteError with collation", &WriteError{Code: 11000, Message: mongoDup("author email unique", `{ locale: "en", strength: 2 }`, v)}, "author email unique"},
			{"WriteError FerretDB", &WriteError{Code: 11000, Message: ferretDup}, ""},
			{"WriteException", mongodrv.WriteException{WriteErrors: mongodrv.WriteErrors{
				{Code: 11000, Message: mongoDup("author_email_unique", "", v), Details: details}}}, "author_email_unique"},
			{"WriteException FerretDB", mongodrv.WriteException{WriteErrors: mongodrv.WriteErrors{
				{Code: 11000, Message: ferretDup, Details: details}}}, ""},
			{"BulkWriteException", mongodrv.BulkWriteException{WriteErrors: []mongodrv.BulkWriteError{
				{WriteError: mongodrv.WriteError{Code: 11000, Message: mongoDup("author_email_unique", "", v), Details: details}}}}, "author_email_unique"},
			{"BulkWriteException FerretDB", mongodrv.BulkWriteException{WriteErrors: []mongodrv.BulkWriteError{
				{WriteError: mongodrv.WriteError{Code: 11000, Message: ferretDup, Details: details}}}}, ""},
			{"CommandError", mongodrv.CommandError{Code: 11000, Message: mongoDup("author_email_unique", "", v)}, "author_email_unique"},
			{"CommandError FerretDB", mongodrv.CommandError{Code: 11000, Message: ferretDup, Name: "DuplicateKey"}, ""},
		} {
			err := classify(fmt.Errorf("flush: %w", tc.err), "author")
			var ce *uow.ConstraintError
			if !errors.As(err, &ce) {
				t.Fatalf("%s %q: %v, want a *ConstraintError", tc.name, v, err)
			}
			if ce.Kind != uow.UniqueConstraint || ce.Constraint != tc.want || ce.Table != "author" {
				t.Errorf("%s %q: %v %q on %q, want unique %q on author", tc.name, v, ce.Kind, ce.Constraint, ce.Table, tc.want)
			}
			if ce.Unwrap() == nil {
				t.Errorf("%s: the driver's error is not wrapped", tc.name)
			}
		}
	}
}

func TestDuplicateIndex(t *testing.T) {
	for msg, want := range map[string]string{
		mongoDup("author_email_unique", "", "x"):                                                "author_email_unique",
		`E11000 duplicate key error index: test.author.$email_1 dup key: { : "x index: evil" }`: "test.author.$email_1",
		`E11001 duplicate key on update`:                                                        "",
		`E11000 duplicate key error collection: test.author`:                                    "",
		`E11000 duplicate key error collection: test.author dup key: { index: evil }`:           "",
		`some other text index: evil dup key: { }`:                                              "",
		``: "",
	} {
		if got := duplicateIndex(msg); got != want {
			t.Errorf("%q: %q, want %q", msg, got, want)
		}
	}
	// Not duplicate keys: returned as they are.
	for _, err := range []error{
		&WriteError{Code: 121, Message: mongoDup("evil", "", "x")},
		mongodrv.CommandError{Code: 2, Message: mongoDup("evil", "", "x")},
		errors.New(mongoDup("evil", "", "x")),
	} {
		if got := classify(err, "author"); errors.As(got, new(*uow.ConstraintError)) || got.Error() != err.Error() {
			t.Errorf("%v classified as %v", err, got)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
