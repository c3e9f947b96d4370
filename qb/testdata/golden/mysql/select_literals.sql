SELECT `id`, ? AS `one`, ? AS `kind`, ? AS `t`, ? AS `f`, ? AS `nothing` FROM `book`
-- args: 1 "book" true 1.5 <nil>
