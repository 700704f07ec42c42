#!/bin/sh
# What looking for command lines adds to a directory scan (run by hand):
#   bench/command_discovery.sh [BUILD_DIR] [REPEAT]
# Lays the shared corpus out as its repositories had it (PROVENANCE.tsv:
# each file at its source path under its repository), then scans it
# twice: as is, and with Markdown and shell files that run no container
# beside each repository's files (a README, docs pages, and scripts made
# of the Dockerfiles' RUN text). Those files are read and passed over, so
# the files scanned match (but for the few scripts whose RUN text runs a
# container itself) and the time added is the cost of reading and
# sniffing them. Prints CPU seconds (user+sys, best of REPEAT) of
# `plimsoll scan -j1 --format json -o /dev/null` for each tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
repeat=${2:-3}
. "$root/tests/common/shared.sh"
if ! corpus=$(plm_find_corpus "$root"); then
	echo "no shared corpus found (set PLM_CORPUS)" >&2
	exit 2
fi
plimsoll="$build/plimsoll"
[ -x "$plimsoll" ] || { echo "build first: ninja -C $build" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the tree as the repositories had it
tail -n +2 "$corpus/PROVENANCE.tsv" | while IFS="$(printf '\t')" read -r path repo commit src rest; do
	dest="$work/plain/$repo/$src"
	mkdir -p "$(dirname "$dest")"
	cp "$corpus/$path" "$dest"
done
cp -r "$work/plain" "$work/docs"

# the same tree with Markdown and scripts that run no container
text="$corpus/README.md"
for repo in "$work"/docs/*/*; do
	mkdir -p "$repo/docs" "$repo/scripts"
	cp "$text" "$repo/README.md"
	cp "$corpus/SOURCES.md" "$repo/docs/sources.md"
	printf '# Building\n\n```sh\nmake build\n./scripts/build.sh --release\n```\n' \
		> "$repo/docs/building.md"
	find "$repo" -name '*Dockerfile*' | while read -r f; do
		awk 'toupper(substr($0, 1, 4)) == "RUN " { print substr($0, 5); next }
			/\\$/ { print }' "$f"
	done > "$repo/scripts/build.sh"
done
count() { find "$1" -type f | wc -l; }
bytes() { find "$1" -type f -exec cat {} + | wc -c; }
echo "tree: $(count "$work/plain") files, $(bytes "$work/plain") bytes;" \
	"with Markdown and scripts: $(count "$work/docs") files, $(bytes "$work/docs") bytes"

tmp="$work/time"
best_cpu() {
	best=
	i=0
	while [ "$i" -lt "$repeat" ]; do
		/usr/bin/time -f '%U %S' -o "$tmp" "$plimsoll" scan -j1 \
			--no-config --format json -o /dev/null "$1" >/dev/null \
			2>/dev/null || true
		t=$(tail -1 "$tmp" | awk '{print $1 + $2}')
		best=$(printf '%s\n%s\n' "$best" "$t" | grep . | sort -g | head -1)
		i=$((i + 1))
	done
	echo "$best"
}
scanned() {
	"$plimsoll" scan -j1 --no-config --format json "$1" 2>/dev/null |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["summary"]["files_scanned"])'
}
a=$(best_cpu "$work/plain")
b=$(best_cpu "$work/docs")
echo "files scanned: $(scanned "$work/plain") and $(scanned "$work/docs")"
echo "scan CPU s (best of $repeat): tree $a, with Markdown and scripts $b" |
	awk -v a="$a" -v b="$b" '{ print; if (a > 0) printf "added: %.1f%%\n", (b - a) * 100 / a }'
