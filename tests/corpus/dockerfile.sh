#!/bin/sh
# Parses every Dockerfile of the shared corpus; fails on a crash, a sanitizer
# report or an out-of-memory. Usage: dockerfile.sh PARSE_BENCH SOURCE_ROOT
# The corpus is looked up in $PLM_CORPUS, then SOURCE_ROOT/../shared/corpus
# (CI), then SOURCE_ROOT/../../shared/corpus (a worktree).
bench="$1"
root="$2"
dir=""
for c in "${PLM_CORPUS:-}" "$root/../shared/corpus" "$root/../../shared/corpus"; do
	if [ -n "$c" ] && [ -d "$c/dockerfile" ]; then
		dir="$c/dockerfile"
		break
	fi
done
if [ -z "$dir" ]; then
	echo "SKIP: no shared corpus (../shared/corpus/dockerfile) beside the source tree"
	exit 77
fi
count=$(find "$dir" -type f | wc -l)
# Sanitizer reports abort the driver: any non-zero status fails the test.
find "$dir" -type f -print0 | sort -z | xargs -0 "$bench" dockerfile > "${TMPDIR:-/tmp}/plm-corpus.$$" 2>&1
status=$?
cat "${TMPDIR:-/tmp}/plm-corpus.$$"
rm -f "${TMPDIR:-/tmp}/plm-corpus.$$"
if [ $status -ne 0 ]; then
	echo "FAIL: the parser failed on the corpus (status $status)"
	exit 1
fi
echo "parsed $count corpus Dockerfiles"
