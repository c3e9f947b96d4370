#!/bin/sh
# Entry point of the unitorm-ci/postgres image (integration/images/build.sh).
# Like the official postgres image's entry point, on its first start it
# creates a cluster in $PGDATA (UTF8, C.UTF-8) and the database $POSTGRES_DB,
# then runs postgres listening on every address. It honours:
#
#   POSTGRES_USER               superuser name (default postgres)
#   POSTGRES_DB                 database created at first start (default $POSTGRES_USER)
#   POSTGRES_PASSWORD           the superuser's password (default none)
#   POSTGRES_HOST_AUTH_METHOD   auth for TCP clients (default trust without a
#                               password, scram-sha-256 with one)
#
# Clients arrive from the bridge's gateway, not from 127.0.0.1, so the rule
# covers 0.0.0.0/0 and ::/0. Arguments are passed to postgres (a leading
# "postgres" is dropped, as the official image's CMD has it). Durability is
# off (fsync, synchronous_commit, full_page_writes): the data is thrown away
# with the container.
set -eu

PGDATA=${PGDATA:-/var/lib/postgresql/data}
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
password=${POSTGRES_PASSWORD:-}
auth=${POSTGRES_HOST_AUTH_METHOD:-}
if [ -z "$auth" ]; then
	if [ -n "$password" ]; then auth=scram-sha-256; else auth=trust; fi
fi

if [ "${1:-}" = postgres ]; then
	shift
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	mkdir -p "$PGDATA"
	chmod 700 "$PGDATA"
	initdb -D "$PGDATA" -U "$user" --encoding=UTF8 --locale=C.UTF-8 \
		--auth-local=trust --auth-host="$auth" --no-sync >/dev/null
	{
		echo "host all all 0.0.0.0/0 $auth"
		echo "host all all ::/0 $auth"
	} >>"$PGDATA/pg_hba.conf"
	single() { postgres --single -D "$PGDATA" -c fsync=off postgres >/dev/null; }
	if [ -n "$password" ]; then
		# Single-user mode reads one statement per line.
		printf 'ALTER ROLE "%s" PASSWORD '"'"'%s'"'"'\n' "$user" "$(printf %s "$password" | sed "s/'/''/g")" | single
	fi
	if [ "$db" != postgres ]; then
		printf 'CREATE DATABASE "%s"\n' "$db" | single
	fi
	echo "unitorm-start: cluster created in $PGDATA, database $db, host auth $auth"
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' -c fsync=off \
	-c synchronous_commit=off -c full_page_writes=off -c max_connections=300 "$@"
