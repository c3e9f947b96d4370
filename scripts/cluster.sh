#!/usr/bin/env bash
# Scale-out topologies for unitorm's integration tests, on 127.0.0.1 only,
# from Debian's packages (PostgreSQL 15, MariaDB 10.11, galera-4):
#
#   scripts/cluster.sh up|down|status pg-replicas|mariadb-replica|galera|all
#   scripts/cluster.sh env                       # the variables the tests read
#   scripts/cluster.sh stop-node  TOPOLOGY N     # stop one node (0 = primary)
#   scripts/cluster.sh start-node TOPOLOGY N     # start it again
#   scripts/cluster.sh promote pg-replicas N     # pg_ctl promote standby N
#
# pg-replicas      a dedicated primary on :5433 (initdb) and two hot standbys
#                  (pg_basebackup -R) on :5434 and :5435.
# mariadb-replica  a dedicated primary on :3307 and a GTID replica on :3308.
# galera           three wsrep nodes on :3311-3313 (gcomm :4611-4613, IST
#                  :4621-4623, SST by rsync on :4631-4633), the first
#                  bootstrapped with --wsrep-new-cluster.
#
# Dedicated primaries leave the shared servers on :5432 and :3306 untouched
# (no wal_level, binlog or server-id change, no restart).
#
# Data lives in $UNITORM_CLUSTER_DIR (default /tmp/unitorm-cluster), one
# folder per node; each server is started in the background, its PID
# recorded in the node's folder and stopped by that PID. `up` is idempotent
# (a node already answering is left alone); `down` stops every node of the
# topology and removes its data. Every wait is bounded. Ports can be moved
# with UNITORM_CLUSTER_PORT_BASE_PG (5433), _MARIADB (3307), _GALERA (3311).
set -euo pipefail

ROOT="${UNITORM_CLUSTER_DIR:-/tmp/unitorm-cluster}"
PGBIN="${UNITORM_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
PG_BASE="${UNITORM_CLUSTER_PORT_BASE_PG:-5433}"
MY_BASE="${UNITORM_CLUSTER_PORT_BASE_MARIADB:-3307}"
GA_BASE="${UNITORM_CLUSTER_PORT_BASE_GALERA:-3311}"
GALERA_LIB="${UNITORM_GALERA_LIB:-/usr/lib/galera/libgalera_smm.so}"
WAIT="${UNITORM_CLUSTER_WAIT:-60}" # seconds, per node

log() { printf 'cluster: %s\n' "$*" >&2; }
die() {
	log "FAIL: $*"
	exit 1
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# as USER CMD...: run CMD as USER (directly when that is who we are).
as() {
	local user=$1
	shift
	if [ "$(id -un)" = "$user" ]; then
		"$@"
	else
		runuser -u "$user" -- "$@"
	fi
}

# wait_until SECONDS DESC CMD...: retry CMD each half second.
wait_until() {
	local secs=$1 desc=$2
	shift 2
	local n=$((secs * 2))
	for ((i = 0; i < n; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.5
	done
	die "$desc: not within ${secs}s"
}

alive() { [ -f "$1/pid" ] && kill -0 "$(cat "$1/pid")" 2>/dev/null; }

# stop_pid DIR SIGNAL: stop the process recorded in DIR/pid, bounded.
stop_pid() {
	local dir=$1 sig=${2:-TERM}
	alive "$dir" || {
		rm -f "$dir/pid"
		return 0
	}
	local pid
	pid=$(cat "$dir/pid")
	kill "-$sig" "$pid" 2>/dev/null || true
	for ((i = 0; i < WAIT * 2; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "$dir: pid $pid still running after ${WAIT}s, SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		sleep 1
	fi
	rm -f "$dir/pid"
}

mkroot() {
	mkdir -p "$ROOT"
	chmod 755 "$ROOT"
}

# ---- PostgreSQL: a primary and two hot standbys -----------------------------

pg_dir() { echo "$ROOT/pg/node$1"; }
pg_port() { echo $((PG_BASE + $1)); }
pg_ready() { "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$1" -t 2; }

pg_start() { # N
	local d port
	d=$(pg_dir "$1")
	port=$(pg_port "$1")
	if alive "$d"; then
		return 0
	fi
	as postgres "$PGBIN/pg_ctl" -D "$d/data" -l "$d/log" -w -t "$WAIT" -o "-p $port" start >/dev/null ||
		die "PostgreSQL node$1 on :$port did not start (see $d/log)"
	head -n 1 "$d/data/postmaster.pid" >"$d/pid"
	wait_until "$WAIT" "PostgreSQL node$1 on :$port" pg_ready "$port"
	log "PostgreSQL node$1 up on :$port (pid $(cat "$d/pid"))"
}

pg_up() {
	mkroot
	mkdir -p "$ROOT/pg"
	chown postgres: "$ROOT/pg"
	local p
	p=$(pg_dir 0)
	if [ ! -f "$p/data/PG_VERSION" ]; then
		rm -rf "$p"
		as postgres mkdir -p "$p"
		as postgres "$PGBIN/initdb" -D "$p/data" -U postgres --auth=trust -E UTF8 --no-instructions >"$p/initdb.log" 2>&1 ||
			die "initdb failed (see $p/initdb.log)"
		cat >>"$p/data/postgresql.conf" <<-EOF
			listen_addresses = '127.0.0.1'
			unix_socket_directories = '$p'
			wal_level = replica
			max_wal_senders = 10
			hot_standby = on
			wal_keep_size = 256MB
			fsync = off
			shared_buffers = 32MB
			max_connections = 100
		EOF
	fi
	pg_start 0
	local port0
	port0=$(pg_port 0)
	if [ "$("$PGBIN/psql" -h 127.0.0.1 -p "$port0" -U postgres -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'test'")" != 1 ]; then
		"$PGBIN/psql" -q -h 127.0.0.1 -p "$port0" -U postgres -d postgres -c 'CREATE DATABASE test' >/dev/null
	fi
	for n in 1 2; do
		local d
		d=$(pg_dir "$n")
		if [ ! -f "$d/data/PG_VERSION" ]; then
			rm -rf "$d"
			as postgres mkdir -p "$d"
			as postgres "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$port0" -U postgres -D "$d/data" -R -X stream -c fast >"$d/basebackup.log" 2>&1 ||
				die "pg_basebackup for node$n failed (see $d/basebackup.log)"
			echo "unix_socket_directories = '$d'" >>"$d/data/postgresql.auto.conf"
		fi
		pg_start "$n"
	done
	wait_until "$WAIT" "two standbys streaming from the primary" \
		bash -c "[ \"\$('$PGBIN/psql' -h 127.0.0.1 -p $port0 -U postgres -d postgres -Atc \"SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'\")\" = 2 ]"
}

pg_stop_node() { # N
	local d
	d=$(pg_dir "$1")
	stop_pid "$d" INT # fast shutdown
}

pg_down() {
	for n in 2 1 0; do
		pg_stop_node "$n"
	done
	rm -rf "$ROOT/pg"
}

pg_status() {
	for n in 0 1 2; do
		local d port role=standby
		d=$(pg_dir "$n")
		port=$(pg_port "$n")
		[ "$n" = 0 ] && role=primary
		if alive "$d" && pg_ready "$port"; then
			echo "pg-replicas node$n ($role) :$port up pid $(cat "$d/pid")"
		else
			echo "pg-replicas node$n ($role) :$port down"
		fi
	done
}

pg_promote() { # N
	local d
	d=$(pg_dir "$1")
	as postgres "$PGBIN/pg_ctl" -D "$d/data" -w -t "$WAIT" promote >/dev/null || die "promote node$1 failed"
	log "PostgreSQL node$1 promoted"
}

# ---- MariaDB: shared helpers --------------------------------------------------

my_dir() { echo "$ROOT/$1/node$2"; } # TOPO N
my_ping() { mariadb-admin --no-defaults -h 127.0.0.1 -P "$1" -u root --connect-timeout=2 ping; }
my_sql() { # PORT SQL
	mariadb --no-defaults -h 127.0.0.1 -P "$1" -u root --connect-timeout=5 -N -B -e "$2"
}

# my_install DIR: a fresh datadir owned by mysql, with root@127.0.0.1.
my_install() {
	local d=$1
	rm -rf "$d"
	mkdir -p "$d/data"
	chown -R mysql: "$d"
	mariadb-install-db --no-defaults --datadir="$d/data" --user=mysql --auth-root-authentication-method=normal \
		--skip-test-db >"$d/install.log" 2>&1 || die "mariadb-install-db failed (see $d/install.log)"
	# root@127.0.0.1 for TCP clients (skip-name-resolve below), set up before
	# the first start so it is in every node's copy.
	cat >"$d/init.sql" <<-'EOF'
		SET sql_log_bin = 0;
		CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
		GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
		CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY 'repl';
		GRANT REPLICATION SLAVE, REPLICATION SLAVE ADMIN, BINLOG MONITOR ON *.* TO 'repl'@'127.0.0.1';
		CREATE DATABASE IF NOT EXISTS test;
	EOF
	chown mysql: "$d/init.sql"
}

# my_start DIR PORT ARGS...: start mariadbd in the background, record its PID.
my_start() {
	local d=$1 port=$2
	shift 2
	if alive "$d"; then
		return 0
	fi
	local extra=()
	[ -f "$d/init.sql" ] && [ ! -f "$d/initialized" ] && extra+=(--init-file="$d/init.sql")
	nohup /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$d/data" --port="$port" \
		--bind-address=127.0.0.1 --skip-name-resolve --socket="$d/sock" --pid-file="$d/mariadbd.pid" \
		--log-error="$d/error.log" --innodb-buffer-pool-size=32M --innodb-log-file-size=16M \
		--max-connections=200 --performance-schema=OFF --innodb-flush-log-at-trx-commit=2 \
		"${extra[@]}" "$@" </dev/null >>"$d/stdout.log" 2>&1 &
	echo $! >"$d/pid"
	wait_until "$WAIT" "mariadbd in $d on :$port" bash -c "kill -0 $(cat "$d/pid") && mariadb-admin --no-defaults -h 127.0.0.1 -P $port -u root --connect-timeout=2 ping"
	touch "$d/initialized"
	log "mariadbd $(basename "$d") up on :$port (pid $(cat "$d/pid"))"
}

# ---- MariaDB: a primary and a GTID replica ----------------------------------

mr_port() { echo $((MY_BASE + $1)); }

mr_start() { # N
	local d port
	d=$(my_dir mariadb "$1")
	port=$(mr_port "$1")
	local args=(--server-id=$((101 + $1)) --log-bin="$d/data/binlog" --binlog-format=ROW --gtid-strict-mode=ON
		--log-slave-updates=ON)
	[ "$1" = 1 ] && args+=(--read-only=ON)
	my_start "$d" "$port" "${args[@]}"
}

mr_up() {
	mkroot
	mkdir -p "$ROOT/mariadb"
	for n in 0 1; do
		local d
		d=$(my_dir mariadb "$n")
		[ -d "$d/data/mysql" ] || my_install "$d"
		mr_start "$n"
	done
	local p0 p1
	p0=$(mr_port 0)
	p1=$(mr_port 1)
	if [ -z "$(my_sql "$p1" "SHOW SLAVE STATUS")" ]; then
		# Both nodes were installed alike and the init file ran on each, so
		# the replica starts from the primary's first GTID, unbinlogged setup
		# excluded.
		my_sql "$p1" "STOP SLAVE; RESET SLAVE ALL; SET GLOBAL gtid_slave_pos = '';
			CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$p0, MASTER_USER='repl', MASTER_PASSWORD='repl',
			MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE;"
	fi
	wait_until "$WAIT" "MariaDB replica :$p1 replicating from :$p0" \
		bash -c "mariadb --no-defaults -h 127.0.0.1 -P $p1 -u root -e 'SHOW SLAVE STATUS\\G' | grep -q 'Slave_SQL_Running: Yes' &&
		mariadb --no-defaults -h 127.0.0.1 -P $p1 -u root -e 'SHOW SLAVE STATUS\\G' | grep -q 'Slave_IO_Running: Yes'"
	# A write on the primary shows up on the replica.
	my_sql "$p0" "CREATE TABLE IF NOT EXISTS test.cluster_probe (id INT PRIMARY KEY); REPLACE INTO test.cluster_probe VALUES (1)"
	wait_until "$WAIT" "replication of a probe row" bash -c "[ \"\$(mariadb --no-defaults -h 127.0.0.1 -P $p1 -u root -N -B -e 'SELECT count(*) FROM test.cluster_probe')\" = 1 ]"
}

mr_stop_node() { stop_pid "$(my_dir mariadb "$1")" TERM; }

mr_down() {
	mr_stop_node 1
	mr_stop_node 0
	rm -rf "$ROOT/mariadb"
}

mr_status() {
	for n in 0 1; do
		local d port role=replica
		d=$(my_dir mariadb "$n")
		port=$(mr_port "$n")
		[ "$n" = 0 ] && role=primary
		if alive "$d" && my_ping "$port" >/dev/null 2>&1; then
			echo "mariadb-replica node$n ($role) :$port up pid $(cat "$d/pid")"
		else
			echo "mariadb-replica node$n ($role) :$port down"
		fi
	done
}

# ---- MariaDB Galera: three nodes ----------------------------------------------

ga_port() { echo $((GA_BASE + $1)); }
ga_gcomm() { echo $((GA_BASE + 1300 + $1)); } # 4611..
ga_ist() { echo $((GA_BASE + 1310 + $1)); }   # 4621..
ga_sst() { echo $((GA_BASE + 1320 + $1)); }   # 4631..

ga_start() { # N [bootstrap]
	local n=$1 boot=${2:-}
	local d port
	d=$(my_dir galera "$n")
	port=$(ga_port "$n")
	local members=()
	for m in 0 1 2; do members+=("127.0.0.1:$(ga_gcomm "$m")"); done
	local addr
	addr=$(
		IFS=,
		echo "${members[*]}"
	)
	local args=(--server-id=$((201 + n)) --binlog-format=ROW --default-storage-engine=InnoDB
		--innodb-autoinc-lock-mode=2 --wsrep-on=ON --wsrep-provider="$GALERA_LIB"
		--wsrep-cluster-name=unitorm --wsrep-node-name="node$n"
		--wsrep-node-address="127.0.0.1:$(ga_gcomm "$n")"
		--wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$(ga_gcomm "$n");ist.recv_addr=127.0.0.1:$(ga_ist "$n");gcache.size=64M"
		--wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$(ga_sst "$n")"
		--wsrep-slave-threads=1)
	if [ -n "$boot" ]; then
		args+=(--wsrep-cluster-address=gcomm:// --wsrep-new-cluster)
	else
		args+=(--wsrep-cluster-address="gcomm://$addr")
	fi
	my_start "$d" "$port" "${args[@]}"
	wait_until "$WAIT" "Galera node$n synced" bash -c "[ \"\$(mariadb --no-defaults -h 127.0.0.1 -P $port -u root -N -B -e \"SHOW STATUS LIKE 'wsrep_local_state_comment'\" | cut -f2)\" = Synced ]"
}

ga_up() {
	mkroot
	mkdir -p "$ROOT/galera"
	local d0
	d0=$(my_dir galera 0)
	local boot=
	if [ ! -d "$d0/data/mysql" ]; then
		my_install "$d0"
		boot=1
	fi
	if [ -n "$boot" ] || ! alive "$d0"; then
		# A node 0 restarted alone (its peers down) bootstraps again.
		if [ -z "$boot" ] && ! alive "$(my_dir galera 1)" && ! alive "$(my_dir galera 2)"; then
			sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$d0/data/grastate.dat" 2>/dev/null || true
			boot=1
		fi
		ga_start 0 $boot
	fi
	for n in 1 2; do
		local d
		d=$(my_dir galera "$n")
		if [ ! -d "$d/data" ]; then
			# Joiners start empty: the donor sends everything by rsync (SST).
			mkdir -p "$d/data"
			chown -R mysql: "$d"
			touch "$d/initialized"
		fi
		ga_start "$n"
	done
	wait_until "$WAIT" "Galera cluster of 3" bash -c "[ \"\$(mariadb --no-defaults -h 127.0.0.1 -P $(ga_port 0) -u root -N -B -e \"SHOW STATUS LIKE 'wsrep_cluster_size'\" | cut -f2)\" = 3 ]"
}

ga_stop_node() { stop_pid "$(my_dir galera "$1")" "${2:-TERM}"; }

ga_down() {
	for n in 2 1 0; do ga_stop_node "$n"; done
	rm -rf "$ROOT/galera"
}

ga_status() {
	for n in 0 1 2; do
		local d port
		d=$(my_dir galera "$n")
		port=$(ga_port "$n")
		if alive "$d" && my_ping "$port" >/dev/null 2>&1; then
			echo "galera node$n :$port up pid $(cat "$d/pid") size $(my_sql "$port" "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2)"
		else
			echo "galera node$n :$port down"
		fi
	done
}

# ---- env: what the scale-out tests read --------------------------------------

print_env() {
	local pg=() ga=()
	for n in 1 2; do pg+=("postgres://postgres@127.0.0.1:$(pg_port "$n")/test?sslmode=disable"); done
	for n in 0 1 2; do ga+=("root@tcp(127.0.0.1:$(ga_port "$n"))/test"); done
	echo "export UNITORM_CLUSTER_DIR='$ROOT'"
	echo "export UNITORM_CLUSTER_SCRIPT='$(cd "$(dirname "$0")" && pwd)/cluster.sh'"
	echo "export UNITORM_PG_PRIMARY_DSN='postgres://postgres@127.0.0.1:$(pg_port 0)/test?sslmode=disable'"
	echo "export UNITORM_PG_REPLICA_DSNS='$(
		IFS=' '
		echo "${pg[*]}"
	)'"
	echo "export UNITORM_MARIADB_PRIMARY_DSN='root@tcp(127.0.0.1:$(mr_port 0))/test'"
	echo "export UNITORM_MARIADB_REPLICA_DSNS='root@tcp(127.0.0.1:$(mr_port 1))/test'"
	echo "export UNITORM_GALERA_DSNS='$(
		IFS=' '
		echo "${ga[*]}"
	)'"
}

# ---- dispatch ----------------------------------------------------------------

topologies() {
	case "$1" in
	pg-replicas | mariadb-replica | galera) echo "$1" ;;
	all) echo pg-replicas mariadb-replica galera ;;
	*) die "unknown topology '$1' (pg-replicas, mariadb-replica, galera, all)" ;;
	esac
}

run() { # VERB TOPO
	case "$2" in
	pg-replicas) "pg_$1" ;;
	mariadb-replica) "mr_$1" ;;
	galera) "ga_$1" ;;
	esac
}

node_cmd() { # VERB TOPO N
	case "$2" in
	pg-replicas) if [ "$1" = start ]; then pg_start "$3"; else pg_stop_node "$3"; fi ;;
	mariadb-replica) if [ "$1" = start ]; then mr_start "$3"; else mr_stop_node "$3"; fi ;;
	galera) if [ "$1" = start ]; then ga_start "$3"; else ga_stop_node "$3" "${4:-TERM}"; fi ;;
	*) die "unknown topology '$2'" ;;
	esac
}

verb=${1:-}
case "$verb" in
up | down | status)
	[ $# -ge 2 ] || die "usage: $0 $verb pg-replicas|mariadb-replica|galera|all"
	for t in $(topologies "$2"); do run "$verb" "$t"; done
	if [ "$verb" = up ]; then
		log "$2 up; variables: eval \"\$($0 env)\""
	fi
	;;
env) print_env ;;
stop-node | start-node)
	[ $# -ge 3 ] || die "usage: $0 $verb TOPOLOGY N [SIGNAL]"
	node_cmd "${verb%-node}" "$2" "$3" "${4:-}"
	;;
promote)
	[ "${2:-}" = pg-replicas ] && [ -n "${3:-}" ] || die "usage: $0 promote pg-replicas N"
	pg_promote "$3"
	;;
*) die "usage: $0 up|down|status|env|stop-node|start-node|promote ..." ;;
esac
