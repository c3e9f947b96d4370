#!/bin/sh
# Entry point of the unitorm-ci/mariadb image (integration/images/build.sh).
# Runs mariadbd on 0.0.0.0:3306 with the data directory Debian's package
# created at build time, and an init file that (like the official mariadb
# and mysql images) gives root@'%' the empty password and creates a database.
# It honours both spellings the official images take:
#
#   MARIADB_DATABASE, MYSQL_DATABASE     database to create (default none)
#   MARIADB_ROOT_PASSWORD, MYSQL_ROOT_PASSWORD
#                                        root's password (default empty; the
#                                        *_ALLOW_EMPTY_* variables are accepted
#                                        and mean the default)
#
# Arguments are passed to mariadbd (a leading "mariadbd" or "mysqld" is
# dropped, as the official images' CMD has it). Durability is relaxed: the
# data is thrown away with the container.
set -eu

db=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}

case "${1:-}" in
mariadbd | mysqld) shift ;;
esac

quote() { printf %s "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/''/g"; }

init=/run/mysqld/unitorm-init.sql
{
	echo "CREATE USER IF NOT EXISTS 'root'@'%';"
	echo "ALTER USER 'root'@'%' IDENTIFIED BY '$(quote "$password")';"
	echo "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('$(quote "$password")') OR unix_socket;"
	echo "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"
	if [ -n "$db" ]; then
		echo "CREATE DATABASE IF NOT EXISTS \`$(printf %s "$db" | sed 's/`/``/g')\`;"
	fi
} >"$init"

exec mariadbd --user=mysql --datadir=/var/lib/mysql --bind-address=0.0.0.0 --port=3306 \
	--skip-name-resolve --skip-log-bin --init-file="$init" \
	--innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --sync-binlog=0 \
	--innodb-buffer-pool-size=128M --max-connections=500 "$@"
