#!/bin/sh
# Differential test against dockerfile-ast (npm). Usage:
#   dockerfile.sh PARSE_BENCH SOURCE_ROOT
# Installs dockerfile-ast from the committed lock file (npm ci) when
# node_modules is missing; skips when node/npm or the corpus are unavailable.
bench="$1"
root="$2"
here="$root/tests/differential"
. "$root/tests/common/shared.sh"
if ! dir=$(plm_find_corpus "$root"); then
	echo "SKIP: no shared corpus (../shared/corpus/dockerfile) beside the source tree"
	exit 77
fi
dir=$dir/dockerfile
if ! command -v node >/dev/null 2>&1; then
	echo "SKIP: node is not installed (needed to run dockerfile-ast)"
	exit 77
fi
if [ ! -d "$here/node_modules/dockerfile-ast" ]; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "SKIP: npm is not installed (needed to install dockerfile-ast)"
		exit 77
	fi
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || {
		echo "SKIP: npm ci could not install dockerfile-ast"
		exit 77
	}
fi
exec node "$here/differential.js" "$bench" "$dir" "$here/dockerfile-expected.tsv"
