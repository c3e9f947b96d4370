#!/usr/bin/env bash
# Runs MikroORM 7's CRUD benchmark (bench.mjs) and unitorm's BenchmarkUoW
# with its hand-written baselines, interleaved in one run on the same
# PostgreSQL, MariaDB and SQLite, and writes the section "unitorm vs
# MikroORM 7, side by side" (with mikroorm.svg) into benchmarks/RESULTS.md.
# Not part of any test suite; `go test` never runs it.
#
#   benchmarks/mikroorm/run.sh                 10,000 users, 3 rounds
#   N=1000 ROUNDS=1 OUT=/tmp/r.md benchmarks/mikroorm/run.sh
#
# ROUNDS interleaved rounds, each: one node process (1 warm-up round, then
# PER measured rounds on every database) and one `go test` run of
# BenchmarkUoW (-benchtime PERx). Raw output: benchmarks/results/mikroorm/
# (bench.txt, env.txt), which benchmarks/run.sh carries into RESULTS.md.
# Databases: BENCH_PG_DSN, BENCH_MARIADB_DSN as for run.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bench=$(dirname "$here")
n=${N:-10000}
rounds=${ROUNDS:-3}
per=${PER:-3}
out=${OUT:-$bench/RESULTS.md}

for tool in node npm go; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "mikroorm/run.sh: skipped: $tool is not installed (MikroORM needs Node.js ≥ 20 and npm)" >&2
		exit 0
	fi
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
	echo "mikroorm/run.sh: skipped: Node.js $(node --version) is too old (MikroORM 7 needs ≥ 20)" >&2
	exit 0
fi

cd "$here"
# The lockfile pins MikroORM 7.2.1 and better-sqlite3 12 (its last major
# that builds on Node 20). MikroORM 7 declares Node ≥ 22: npm warns, it runs.
if [[ ! -d node_modules/@mikro-orm/core || package-lock.json -nt node_modules/.package-lock.json ]]; then
	echo "== npm ci" >&2
	npm ci --no-audit --no-fund --loglevel=error >&2
fi

raw=$bench/results/mikroorm
mkdir -p "$raw"
: >"$raw/bench.txt"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
bin=$(mktemp -d)/bench.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
(cd "$bench" && go test -c -o "$bin" .)

for ((r = 1; r <= rounds; r++)); do
	echo "== round $r of $rounds: MikroORM" >&2
	node bench.mjs -n "$n" -rounds "$per" -warmup 1 | tee -a "$raw/bench.txt" >&2
	echo "== round $r of $rounds: unitorm BenchmarkUoW" >&2
	# Named MikroORM/… so that they never mix with run.sh's own UoW results.
	(cd "$bench" && "$bin" -test.run '^$' -test.bench '^BenchmarkUoW$' -test.benchtime "${per}x" -test.count 1 -uow.sizes "$n") |
		tee >(cat >&2) | sed -n 's/^BenchmarkUoW\//BenchmarkMikroORM\//p' >>"$raw/bench.txt"
done
if ! grep -q 'lib=mikroorm' "$raw/bench.txt" || ! grep -q 'lib=unitorm' "$raw/bench.txt"; then
	echo "mikroorm/run.sh: a side produced no results" >&2
	exit 1
fi

mikro_version=$(node -p 'require("./node_modules/@mikro-orm/core/package.json").version')
bsq_version=$(node -p 'require("./node_modules/better-sqlite3/package.json").version')
pg_version=$(cd "$bench" && go run ./cmd/dbversion postgres 2>/dev/null || echo unknown)
maria_version=$(cd "$bench" && go run ./cmd/dbversion mariadb 2>/dev/null || echo unknown)
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "method: $n users; $rounds interleaved rounds, each one node process (1 warm-up + $per measured rounds per database) then BenchmarkUoW -benchtime ${per}x"
	echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
	echo "load average (1/5/15 min) at start / end: $load_start / $(cut -d' ' -f1-3 /proc/loadavg)${NOTE:+ — $NOTE}"
	echo "MikroORM: @mikro-orm/core, postgresql, mariadb, sqlite $mikro_version on Node.js $(node --version) (better-sqlite3 $bsq_version), batchSize 300, no debug logging"
	echo "unitorm: $(git -C "$bench" rev-parse --short HEAD 2>/dev/null || echo unknown), Go $(go env GOVERSION)"
	echo "PostgreSQL: $pg_version"
	echo "MariaDB: $maria_version"
	echo "SQLite: in memory (MikroORM: better-sqlite3; unitorm: modernc.org/sqlite)"
} >"$raw/env.txt"

tmp=$(mktemp -d)
(cd "$bench" && go run ./cmd/report -mikroorm "$raw" -section mikroorm -o "$tmp/section.md")
# Replace the section between its markers, or append it.
if [[ -f "$out" ]] && grep -q '<!-- mikroorm:begin -->' "$out"; then
	awk -v sec="$tmp/section.md" '
		/<!-- mikroorm:begin -->/ { while ((getline line < sec) > 0) print line; skip = 1; next }
		/<!-- mikroorm:end -->/ { skip = 0; next }
		!skip { print }' "$out" >"$tmp/out.md"
	cp "$tmp/out.md" "$out"
else
	{ [[ -f "$out" ]] && echo; cat "$tmp/section.md"; } >>"$out"
fi
cp "$tmp/mikroorm.svg" "$(dirname "$out")/mikroorm.svg"
rm -rf "$tmp"
echo "wrote the MikroORM section of $out and $(dirname "$out")/mikroorm.svg" >&2
