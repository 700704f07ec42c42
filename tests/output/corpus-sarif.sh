#!/usr/bin/env bash
# corpus-sarif.sh CORPUS_SARIF SOURCE_ROOT: SARIF for all of
# ../shared/corpus (see corpus_sarif.c), then sarif-validate --strict.
# Skipped without the shared folder.
set -uo pipefail
tool=$1 src=$2
for dir in "${PLM_SHARED_DIR:-}" "$src/../shared" "$src/../../shared"; do
	if [ -n "$dir" ] && [ -d "$dir/corpus" ] && [ -x "$dir/tools/sarif-validate" ]; then
		out=$(mktemp --suffix=.sarif)
		trap 'rm -f "$out"' EXIT
		"$tool" "$dir" "$out" || exit 1
		"$dir/tools/sarif-validate" --strict "$out"
		exit
	fi
done
echo "SKIP: ../shared/corpus and ../shared/tools/sarif-validate not found beside $src"
exit 77
