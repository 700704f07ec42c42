#!/bin/sh
# Parses every Dockerfile of the shared corpus; fails on a crash, a sanitizer
# report or an out-of-memory. Usage: dockerfile.sh PARSE_BENCH SOURCE_ROOT
# The corpus is found as tests/common/shared.sh says ($PLM_CORPUS first).
bench="$1"
root="$2"
. "$root/tests/common/shared.sh"
if ! dir=$(plm_find_corpus "$root"); then
	echo "SKIP: no shared corpus (../shared/corpus/dockerfile) beside the source tree"
	exit 77
fi
dir=$dir/dockerfile
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
