#!/usr/bin/env bash
# The full unitorm test suite: every package of every module in the go.work
# (the root module, integration/ and benchmarks/), against every backend that
# is available.
#
#   bash scripts/test.sh                 # what the README calls "the tests"
#   bash scripts/test.sh -race -count=1  # extra arguments go to `go test`
#
# Backends come from UNITORM_PG_DSN, UNITORM_MYSQL_DSN, UNITORM_MARIADB_DSN and
# UNITORM_MONGO_URI. When the PostgreSQL or MySQL/MariaDB variables are unset
# and a server answers on 127.0.0.1:5432 / 127.0.0.1:3306, they default to
# that server (user postgres / root, no password, database test). Otherwise
# the integration harness tries Docker, then embedded servers, then skips
# (or fails, for backends listed in UNITORM_REQUIRE). See README.md.
set -euo pipefail

cd "$(dirname "$0")/.."

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
	timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

if [ -z "${UNITORM_PG_DSN:-}" ] && port_open 5432; then
	export UNITORM_PG_DSN='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
	echo "scripts/test.sh: UNITORM_PG_DSN=$UNITORM_PG_DSN (local server on :5432)"
fi
if port_open 3306; then
	# The local MySQL-protocol server serves both backends unless told otherwise
	# (on the development machines it is MariaDB, standing in for MySQL).
	if [ -z "${UNITORM_MARIADB_DSN:-}" ]; then
		export UNITORM_MARIADB_DSN='root@tcp(127.0.0.1:3306)/test'
		echo "scripts/test.sh: UNITORM_MARIADB_DSN=$UNITORM_MARIADB_DSN (local server on :3306)"
	fi
	if [ -z "${UNITORM_MYSQL_DSN:-}" ]; then
		export UNITORM_MYSQL_DSN='root@tcp(127.0.0.1:3306)/test'
		echo "scripts/test.sh: UNITORM_MYSQL_DSN=$UNITORM_MYSQL_DSN (local server on :3306, shared with mariadb)"
	fi
fi
for v in UNITORM_PG_DSN UNITORM_MYSQL_DSN UNITORM_MARIADB_DSN UNITORM_MONGO_URI UNITORM_REQUIRE UNITORM_DOCKER UNITORM_PG_IMAGE UNITORM_MYSQL_IMAGE UNITORM_MARIADB_IMAGE UNITORM_MONGO_IMAGE; do
	printf 'scripts/test.sh:   %-20s %s\n' "$v" "${!v:-(unset)}"
done

# In workspace mode ./... stops at nested modules, so each module is named.
# Only modules listed in go.work are matched; a module without packages yet
# would only print a warning, so each pattern is kept when it has packages.
patterns=()
for p in ./... ./integration/... ./benchmarks/...; do
	if [ -n "$(go list "$p" 2>/dev/null)" ]; then
		patterns+=("$p")
	else
		echo "scripts/test.sh: no packages in $p" >&2
		exit 1
	fi
done

echo "scripts/test.sh: go test $* ${patterns[*]}"
exec go test "$@" "${patterns[@]}"
