#!/bin/sh
# Parse-only benchmark over the shared Dockerfile corpus: plimsoll (one core)
# and dockerfile-ast (node) in the same run. Run by hand, from a build:
#   bench/dockerfile.sh [BUILD_DIR] [REPEAT]
# Prints files/s, MB/s and peak RSS for each, then the speed ratio.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
repeat=${2:-20}
. "$root/tests/common/shared.sh"
if ! corpus=$(plm_find_corpus "$root"); then
	echo "no shared corpus found (set PLM_CORPUS)" >&2
	exit 2
fi
corpus=$corpus/dockerfile
bench="$build/bench/plimsoll-parse-bench"
[ -x "$bench" ] || { echo "build first: ninja -C $build" >&2; exit 2; }
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$corpus" -type f | sort > "$list"
echo "corpus: $corpus ($(wc -l < "$list") files, $(cat "$list" | xargs cat | wc -c) bytes), $repeat passes"
# One core for plimsoll: it is single-threaded, taskset only pins it.
if command -v taskset >/dev/null 2>&1; then
	pin="taskset -c 0"
else
	pin=""
fi
ours=$($pin "$bench" --repeat "$repeat" dockerfile "@$list")
echo "$ours"
if ! command -v node >/dev/null 2>&1; then
	echo "node not installed: no dockerfile-ast comparison"
	exit 0
fi
if [ ! -d "$root/tests/differential/node_modules/dockerfile-ast" ]; then
	(cd "$root/tests/differential" && npm ci --no-audit --no-fund --loglevel=error)
fi
theirs=$($pin node "$here/dockerfile_ast_bench.js" "$repeat" "@$list")
echo "$theirs"
a=$(echo "$ours" | sed -n "s/.*(CPU time; with source copy and free: [0-9.]* s, \([0-9.]*\) MB\/s).*/\1/p")
b=$(echo "$theirs" | sed -n "s/.* s, [0-9]* files\/s, \([0-9.]*\) MB\/s.*/\1/p")
awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "plimsoll is %.1fx dockerfile-ast\n", a / b }'
