SELECT * FROM "public"."author"
-- args:
