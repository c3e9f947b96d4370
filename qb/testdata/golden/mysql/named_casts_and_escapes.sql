SELECT ?::int, '12:30', :lit, ? AS q, `title`::text
-- args: "5"
