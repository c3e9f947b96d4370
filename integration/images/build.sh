#!/usr/bin/env bash
# Builds the Docker images that the integration suite's Docker CI stage runs,
# with no registry: from Debian's packages (debootstrap) and from FerretDB's
# Go module.
#
#   unitorm-ci/postgres:15        PostgreSQL 15, Debian bookworm (minbase)
#   unitorm-ci/mariadb:10.11      MariaDB 10.11, Debian bookworm (minbase)
#   unitorm-ci/ferretdb:1.24.2    FerretDB v1.24.2 (sqlite handler), a static
#                                 Go binary alone in its root file system
#
# Usage (as root, with a Docker daemon answering at DOCKER_HOST or the
# default socket):
#
#   bash integration/images/build.sh                 # all three
#   bash integration/images/build.sh postgres        # some: postgres mariadb ferretdb
#
# Idempotent: an image whose tag exists and whose org.unitorm.recipe label
# matches this script and the image's own files is kept; REBUILD=1 builds it
# anyway. Each image is printed as "image: NAME ID SIZE (built|kept) SECONDS".
#
# Environment:
#   DOCKER                  docker client (default: docker on PATH)
#   UNITORM_IMAGES_MIRROR   Debian mirror (default: the bookworm entry of the
#                           apt sources, else http://deb.debian.org/debian)
#   UNITORM_IMAGES_WORK     scratch directory (default /var/tmp); each build's
#                           root file system is removed once imported
#   REBUILD=1               rebuild images that exist
#
# The harness runs these images when told to by UNITORM_PG_IMAGE,
# UNITORM_MARIADB_IMAGE, UNITORM_MYSQL_IMAGE (MariaDB standing in for MySQL)
# and UNITORM_MONGO_IMAGE; see README.md, "Databases for the tests".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
DOCKER=${DOCKER:-docker}
SUITE=bookworm

PG_IMAGE=unitorm-ci/postgres:15
MARIADB_IMAGE=unitorm-ci/mariadb:10.11
FERRETDB_VERSION=v1.24.2
FERRETDB_IMAGE=unitorm-ci/ferretdb:${FERRETDB_VERSION#v}

say() { echo "images: $*"; }
die() {
	echo "images: FAIL: $*" >&2
	exit 1
}

# mirror prints the Debian mirror serving $SUITE in the apt sources.
mirror() {
	if [ -n "${UNITORM_IMAGES_MIRROR:-}" ]; then
		echo "$UNITORM_IMAGES_MIRROR"
		return
	fi
	local m=""
	shopt -s nullglob
	local deb822=(/etc/apt/sources.list.d/*.sources) lists=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list)
	shopt -u nullglob
	if [ "${#deb822[@]}" -gt 0 ]; then
		# deb822 stanzas: the first URI of a "Types: deb" stanza whose Suites name $SUITE.
		m=$(awk -v suite="$SUITE" 'BEGIN { RS = ""; FS = "\n" }
			{
				types = ""; suites = ""; uris = ""
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^Types:/) types = $i
					if ($i ~ /^Suites:/) suites = " " $i " "
					if ($i ~ /^URIs:/) uris = $i
				}
				if (types ~ /[ \t]deb([ \t]|$)/ && suites ~ ("[ \t]" suite "[ \t]") && uris != "") {
					sub(/^URIs:[ \t]*/, "", uris); split(uris, u, /[ \t]+/); print u[1]; exit
				}
			}' "${deb822[@]}")
	fi
	if [ -z "$m" ]; then
		for f in "${lists[@]}"; do
			[ -f "$f" ] || continue
			m=$(sed -nE "s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]]+$SUITE[[:space:]].*/\2/p" "$f" | head -n 1)
			[ -n "$m" ] && break
		done
	fi
	echo "${m:-http://deb.debian.org/debian}"
}

# recipe NAME FILES...: a short hash of this script and the image's own files.
recipe() {
	shift
	cat "$here/build.sh" "$@" | sha256sum | cut -c1-16
}

# current IMAGE RECIPE: true when IMAGE exists with that recipe label.
current() {
	[ "${REBUILD:-0}" = 1 ] && return 1
	local got
	got=$("$DOCKER" image inspect -f '{{index .Config.Labels "org.unitorm.recipe"}}' "$1" 2>/dev/null) || return 1
	[ "$got" = "$2" ]
}

report() { # report IMAGE built|kept SECONDS
	local id size
	id=$("$DOCKER" image inspect -f '{{.Id}}' "$1")
	size=$("$DOCKER" image inspect -f '{{.Size}}' "$1")
	echo "image: $1 ${id#sha256:} $((size / 1000000))MB $2 ${3}s"
}

# debootstrap_root DIR PACKAGES: a minbase bookworm with PACKAGES in DIR.
debootstrap_root() {
	local dir=$1 pkgs=$2 m
	m=$(mirror)
	say "debootstrap --variant=minbase --include=$pkgs $SUITE $dir $m"
	if ! debootstrap --variant=minbase --include="$pkgs" "$SUITE" "$dir" "$m" >"$dir.log" 2>&1; then
		tail -n 30 "$dir.log" >&2
		die "debootstrap failed (log: $dir.log)"
	fi
	rm -f "$dir.log"
}

# trim DIR: drop what a server image does not need.
trim() {
	local dir=$1
	rm -rf "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* \
		"$dir"/usr/share/locale/* "$dir"/usr/share/lintian "$dir"/usr/share/bash-completion \
		"$dir"/var/cache/apt/* "$dir"/var/cache/debconf/*-old "$dir"/var/lib/apt/lists/* \
		"$dir"/var/log/* "$dir"/tmp/* "$dir"/root/.cache
}

# import DIR IMAGE RECIPE CHANGES...: the root file system in DIR as IMAGE.
import() {
	local dir=$1 image=$2 rec=$3
	shift 3
	local args=(-c "LABEL org.unitorm.recipe=$rec" -c "LABEL org.unitorm.built-by=integration/images/build.sh")
	for c in "$@"; do
		args+=(-c "$c")
	done
	local old
	old=$("$DOCKER" image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
	tar -C "$dir" --numeric-owner -c . | "$DOCKER" import "${args[@]}" -m "integration/images/build.sh" - "$image" >/dev/null
	if [ -n "$old" ] && [ "$old" != "$("$DOCKER" image inspect -f '{{.Id}}' "$image")" ]; then
		# The image this one replaces, now untagged (kept if a container uses it).
		"$DOCKER" rmi "$old" >/dev/null 2>&1 && say "removed the previous $image (${old#sha256:})" || true
	fi
}

scratch() { # scratch NAME: dir=<a fresh directory's root/>, all removed on exit
	local d
	d=$(mktemp -d "${UNITORM_IMAGES_WORK:-/var/tmp}/unitorm-image-$1.XXXXXX")
	cleanup+=("$d")
	dir=$d/root
}
cleanup=()
trap 'for d in "${cleanup[@]}"; do rm -rf "$d" "$d.log"; done' EXIT

build_postgres() {
	local rec t0 dir
	rec=$(recipe postgres "$here/postgres/start.sh")
	if current "$PG_IMAGE" "$rec"; then
		report "$PG_IMAGE" kept 0
		return
	fi
	t0=$(date +%s)
	scratch postgres
	debootstrap_root "$dir" postgresql-15
	# Debian's postinst made a cluster "main"; the entry point makes its own.
	rm -rf "$dir"/var/lib/postgresql/15 "$dir"/etc/postgresql/15
	install -m 0755 "$here/postgres/start.sh" "$dir/usr/local/bin/unitorm-start"
	chroot "$dir" install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data
	chroot "$dir" install -d -o postgres -g postgres -m 2775 /var/run/postgresql
	trim "$dir"
	import "$dir" "$PG_IMAGE" "$rec" \
		'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		'ENV LANG=C.UTF-8' 'ENV PGDATA=/var/lib/postgresql/data' 'USER postgres' \
		'EXPOSE 5432' 'ENTRYPOINT ["/usr/local/bin/unitorm-start"]' 'CMD ["postgres"]'
	report "$PG_IMAGE" built $(($(date +%s) - t0))
}

build_mariadb() {
	local rec t0 dir
	rec=$(recipe mariadb "$here/mariadb/start.sh")
	if current "$MARIADB_IMAGE" "$rec"; then
		report "$MARIADB_IMAGE" kept 0
		return
	fi
	t0=$(date +%s)
	scratch mariadb
	debootstrap_root "$dir" mariadb-server
	[ -d "$dir/var/lib/mysql/mysql" ] || die "mariadb-server left no data directory in $dir/var/lib/mysql"
	install -m 0755 "$here/mariadb/start.sh" "$dir/usr/local/bin/unitorm-start"
	chroot "$dir" install -d -o mysql -g mysql -m 0755 /run/mysqld
	rm -f "$dir"/var/lib/mysql/debian-*.flag
	trim "$dir"
	import "$dir" "$MARIADB_IMAGE" "$rec" 'ENV LANG=C.UTF-8' \
		'EXPOSE 3306' 'ENTRYPOINT ["/usr/local/bin/unitorm-start"]' 'CMD ["mariadbd"]'
	report "$MARIADB_IMAGE" built $(($(date +%s) - t0))
}

build_ferretdb() {
	local rec t0 dir mod
	mod=$(cd "$here/.." && go list -m -f '{{.Version}}' github.com/FerretDB/FerretDB)
	[ "$mod" = "$FERRETDB_VERSION" ] ||
		die "integration/go.mod requires FerretDB $mod, this script builds $FERRETDB_VERSION: update FERRETDB_VERSION"
	rec=$(recipe ferretdb "$here/ferretdb/main.go" "$here/../go.sum")
	if current "$FERRETDB_IMAGE" "$rec"; then
		report "$FERRETDB_IMAGE" kept 0
		return
	fi
	t0=$(date +%s)
	scratch ferretdb
	mkdir -p "$dir/data" "$dir/tmp" "$dir/etc"
	say "go build ./images/ferretdb (FerretDB $mod, static)"
	(cd "$here/.." && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$dir/ferretdb" ./images/ferretdb)
	chmod 1777 "$dir/tmp"
	chown 65534:65534 "$dir/data"
	echo 'nobody:x:65534:65534:nobody:/data:/ferretdb' >"$dir/etc/passwd"
	echo 'nogroup:x:65534:' >"$dir/etc/group"
	import "$dir" "$FERRETDB_IMAGE" "$rec" 'USER 65534:65534' \
		'EXPOSE 27017' 'ENTRYPOINT ["/ferretdb"]' 'CMD []'
	report "$FERRETDB_IMAGE" built $(($(date +%s) - t0))
}

# What is needed, with a message saying how to get it.
[ "$(id -u)" = 0 ] || die "run as root (debootstrap and chroot need it)"
command -v "$DOCKER" >/dev/null || die "no docker client ($DOCKER): apt-get install docker.io"
"$DOCKER" version >/dev/null 2>&1 ||
	die "no Docker daemon answers at ${DOCKER_HOST:-the default socket}: start dockerd (see .ci/docker-stage)"

want=("$@")
[ "${#want[@]}" -gt 0 ] || want=(postgres mariadb ferretdb)
for w in "${want[@]}"; do
	case "$w" in
	postgres | mariadb)
		command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"
		;;
	ferretdb)
		command -v go >/dev/null || die "go is missing (Go 1.26 builds FerretDB)"
		;;
	*) die "unknown image $w (known: postgres mariadb ferretdb)" ;;
	esac
done
for w in "${want[@]}"; do
	"build_$w"
done
# Untagged images left by earlier builds of this script (only those).
"$DOCKER" image prune -f --filter "label=org.unitorm.built-by=integration/images/build.sh" >/dev/null || true
