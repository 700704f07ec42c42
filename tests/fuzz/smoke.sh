#!/usr/bin/env bash
# Fuzz smoke run: builds the fuzz configuration (clang, libFuzzer, ASan +
# UBSan), builds fresh seed corpora, and runs every fuzz target for a
# bounded time. Fails on any crash, leak, timeout, out-of-memory or
# sanitizer report; the reproducer is kept in BUILD_DIR/fuzz-artifacts/.
#
# usage: tests/fuzz/smoke.sh [--no-build] [BUILD_DIR]
#   BUILD_DIR      the fuzz build directory (default: build-fuzz)
#   --no-build     use BUILD_DIR as it is (the meson test does this)
# environment:
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_TARGETS   space-separated subset (default: every target)
#   FUZZ_SEEDS     files per corpus folder in the seeds (default 300; 0: all)
#   FUZZ_JOBS      targets fuzzed at once (default: the number of cores)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

build=1
if [ "${1:-}" = "--no-build" ]; then
	build=0
	shift
fi
dir=${1:-build-fuzz}
case $dir in /*) ;; *) dir="$root/$dir" ;; esac
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-dockerfile yaml compose dotenv kubernetes scan pattern command}

if [ $build = 1 ]; then
	if [ ! -f "$dir/build.ninja" ]; then
		CC=clang meson setup "$dir" "$root" -Dfuzz=true -Dtests=false \
			-Db_sanitize=address,undefined -Db_lundef=false \
			>"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; exit 1; }
	fi
	ninja -C "$dir" >"$dir.build.log" 2>&1 ||
		{ tail -n 60 "$dir.build.log"; exit 1; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/plm-fuzz-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$here/seeds.py" "$root" "$work/seeds" "${FUZZ_SEEDS:-300}" || exit 1
artifacts="$dir/fuzz-artifacts"
mkdir -p "$artifacts"

export ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-}:halt_on_error=1:print_stacktrace=1

# One target: fuzz it, then print its figures and verdict to $work/$t.out
# and leave $work/$t.fail behind if it failed.
fuzz_one() {
	local t=$1 exe="$dir/tests/fuzz/fuzz_$1" dict="$work/$1.dict"
	local log="$work/$1.log" out="$work/$1.out" status
	if [ ! -x "$exe" ]; then
		echo "FAIL: $t: $exe not built (configure with -Dfuzz=true)" >"$out"
		touch "$work/$t.fail"
		return
	fi
	case $t in
	scan) cat "$here"/dict/*.dict >"$dict" ;;
	dotenv) cp "$here/dict/compose.dict" "$dict" ;;
	*) cp "$here/dict/$t.dict" "$dict" ;;
	esac
	mkdir -p "$work/corpus/$t"
	# -timeout: one input taking this long is a hang; -rss_limit_mb: a
	# blow-up past the front ends' own limits is a failure.
	"$exe" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
		-dict="$dict" -print_final_stats=1 \
		-artifact_prefix="$artifacts/$t-" \
		"$work/corpus/$t" "$work/seeds/$t" >"$log" 2>&1
	status=$?
	{
		echo "== fuzz_$t: ${seconds}s"
		grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log"
		if [ $status -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: ' "$log"; then
			echo "FAIL: fuzz_$t (status $status); reproducer under $artifacts/"
			grep -E -A40 'ERROR: |runtime error:|invariant broken' "$log" | head -n 80
			touch "$work/$t.fail"
		else
			echo "ok: fuzz_$t"
		fi
	} >"$out"
}

# The targets are independent: FUZZ_JOBS of them at a time (default: one
# per core), each still given its full FUZZ_SECONDS; reports in order.
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
running=0
for t in $targets; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	fuzz_one "$t" &
	running=$((running + 1))
done
wait
failed=0
for t in $targets; do
	cat "$work/$t.out"
	[ -e "$work/$t.fail" ] && failed=$((failed + 1))
done
if [ $failed -ne 0 ]; then
	echo "fuzz smoke: $failed target(s) failed"
	exit 1
fi
echo "fuzz smoke: every target ran ${seconds}s clean"
