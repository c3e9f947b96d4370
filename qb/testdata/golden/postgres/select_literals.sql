SELECT "id", $1::bigint AS "one", $2::text AS "kind", $3::boolean AS "t", $4::double precision AS "f", $5 AS "nothing" FROM "book"
-- args: 1 "book" true 1.5 <nil>
