#!/usr/bin/env bash
# Runs the benchmarks and writes benchmarks/RESULTS.md.
#
#   benchmarks/run.sh            full mode: -count 5, 10,000 and 100,000 entities (about 20 minutes)
#   QUICK=1 benchmarks/run.sh    quick mode: -count 1, smaller sizes (under 2 minutes)
#
# MikroORM side by side is a separate script (benchmarks/mikroorm/run.sh, needs Node.js and npm);
# this one carries its last results into the report.
#
# Needs PostgreSQL (BENCH_PG_DSN, default postgres://postgres@127.0.0.1:5432/test?sslmode=disable)
# and MariaDB (BENCH_MARIADB_DSN, default root@tcp(127.0.0.1:3306)/test); each run works in its own
# schema / database and drops it. COUNT=n overrides -count; OUT=file overrides the report's path.
set -euo pipefail

cd "$(dirname "$0")"
mode=full
count=${COUNT:-5}
opstime=1s
# With -benchtime Nx, N > 1, go test first runs one iteration it does not report (warm: statement
# caches, sequences, the table's pages); with 1x that cold iteration would be the sample. Both sizes
# are measured warm.
uow_small=10000 uow_large=100000 uow_small_time=5x uow_large_time=2x uow_find_time=40x
pop_authors=1000 pop_time=10x
if [[ "${QUICK:-}" == 1 ]]; then
	mode=quick
	count=${COUNT:-1}
	opstime=100x
	uow_small=1000 uow_large=10000 uow_small_time=1x uow_large_time=1x uow_find_time=5x
	pop_authors=200 pop_time=3x
fi
out=${OUT:-RESULTS.md}
raw=results/$mode
mkdir -p "$raw"
rm -f "$raw"/*.txt

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# The commit measured, and whether the Go sources built differ from it.
unitorm_rev=$(git -C .. rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git -C .. status --porcelain -- '*.go' ':!*_test.go' 2>/dev/null)" ]]; then
	unitorm_rev+=" + uncommitted Go changes"
fi
bin=$(mktemp -d)/bench.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" .

# bench FILE FLAGS...: runs the test binary COUNT times with -count 1 (so
# that the rounds interleave the libraries, and a burst of load on the shared
# machine hits all of them instead of five samples of one), appending to
# results/MODE/FILE.txt.
bench() {
	local file=$1
	shift
	echo "== $file: $* (× $count)" >&2
	: >"$raw/$file.txt"
	for ((round = 1; round <= count; round++)); do
		"$bin" -test.run '^$' -test.count 1 "$@" | tee -a "$raw/$file.txt" | grep -E '^(Benchmark|FAIL|---)' >&2 || true
	done
	if grep -qE '^(FAIL|--- FAIL)' "$raw/$file.txt"; then
		echo "run.sh: $file failed" >&2
		exit 1
	fi
}

bench ops -test.bench '^Benchmark(Insert|InsertMulti|Update|Read|ReadSlice)$' -test.benchtime "$opstime"
bench uow-small -test.bench '^BenchmarkUoW$' -test.benchtime "$uow_small_time" -uow.sizes "$uow_small"
bench uow-large -test.bench '^BenchmarkUoW$' -test.benchtime "$uow_large_time" -uow.sizes "$uow_large"
# Find of the small size again, with more iterations: a find takes a few ms, so five iterations are
# a short sample on a shared machine. The report takes the median over both files' samples.
bench uow-find -test.bench '^BenchmarkUoW$/././^op=find$/.' -test.benchtime "$uow_find_time" -uow.sizes "$uow_small"
# The hand-written SQLite/MariaDB forms lib=sql-fast is chosen from.
bench forms -test.bench '^BenchmarkUoWForms$' -test.benchtime 3x -uow.sizes "$uow_small"
bench populate -test.bench '^BenchmarkPopulate$' -test.benchtime "$pop_time" -pop.authors "$pop_authors"
bench memory -test.bench '^BenchmarkMemoryPerEntity$' -test.benchtime 1x
bench flushgraph -test.bench '^BenchmarkFlushGraph$' -test.benchtime 5x
# MongoDB: 10,000 documents on the embedded FerretDB (or UNITORM_MONGO_URI).
bench mongo -test.bench '^BenchmarkMongo$' -test.benchtime 1x

pg_version=$(go run ./cmd/dbversion postgres 2>/dev/null || echo unknown)
maria_version=$(go run ./cmd/dbversion mariadb 2>/dev/null || echo unknown)
mods=$(go list -m -f '{{.Path}} {{.Version}}' github.com/jackc/pgx/v5 github.com/jmoiron/sqlx gorm.io/gorm gorm.io/driver/postgres \
	github.com/uptrace/bun modernc.org/sqlite github.com/go-sql-driver/mysql | paste -sd ';' | sed 's/;/; /g')
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "mode: $mode ($count rounds of -count 1; five ops -benchtime $opstime; UoW $uow_small × $uow_small_time and $uow_large × $uow_large_time; populate $pop_authors authors × $pop_time)"
	echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
	echo "memory: $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
	echo "Go: $(go env GOVERSION) $(go env GOOS)/$(go env GOARCH)"
	echo "unitorm: $unitorm_rev"
	echo "PostgreSQL: $pg_version"
	echo "MariaDB: $maria_version"
	echo "SQLite: modernc.org/sqlite, in memory"
	echo "load average (1/5/15 min) at start / end: $load_start / $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "peers: $mods"
} >"$raw/env.txt"

# The report (and RESULTS.svg beside it) carries over the section of the
# last benchmarks/mikroorm/run.sh (results/mikroorm/), which this script does not run.
# Sections written by hand between <!-- keep:begin --> and <!-- keep:end -->
# (measurements this script does not make) are carried over, at the end.
kept=$(mktemp)
if [[ -f "$out" ]]; then
	awk '/<!-- keep:begin -->/{k=1} k{print} /<!-- keep:end -->/{k=0}' "$out" >"$kept"
fi
go run ./cmd/report -env "$raw/env.txt" -mode "$mode" -mikroorm results/mikroorm -o "$out" \
	"$raw"/ops.txt "$raw"/uow-*.txt "$raw"/forms.txt "$raw"/populate.txt "$raw"/memory.txt "$raw"/flushgraph.txt "$raw"/mongo.txt
if [[ -s "$kept" ]]; then
	{
		echo
		cat "$kept"
	} >>"$out"
fi
rm -f "$kept"

# benchstat's own summary (medians with confidence intervals), when the
# module proxy serves it.
cat "$raw"/ops.txt "$raw"/uow-small.txt "$raw"/uow-large.txt "$raw"/forms.txt "$raw"/populate.txt "$raw"/flushgraph.txt "$raw"/mongo.txt >"$raw/all.txt"
if go run golang.org/x/perf/cmd/benchstat@latest "$raw/all.txt" >"$raw/benchstat.txt" 2>/dev/null; then
	echo "benchstat summary: benchmarks/$raw/benchstat.txt" >&2
else
	rm -f "$raw/benchstat.txt"
fi
rm -f "$raw/all.txt"
echo "wrote $out" >&2
