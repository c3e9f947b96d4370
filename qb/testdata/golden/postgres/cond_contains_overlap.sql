SELECT * FROM "book" WHERE "cats" && $1 AND "tags" @> $2
-- args: []int{1, 2} []string{"go"}
