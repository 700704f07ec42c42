#!/usr/bin/env bash
# Compares core/output/linehash.c (through linehash_dump) with
# linehash-reference.js, a test-only JavaScript restatement of
# github/codeql-action's published algorithm, on every sample file given
# and on up to 200 files of ../shared/corpus when it is there. Skipped
# without node.
set -uo pipefail
dump=$1; ref=$2; src=$3; shift 3
if ! command -v node >/dev/null 2>&1; then
	echo "SKIP: node not found"
	exit 77
fi
files=("$@")
for dir in "${PLM_SHARED_DIR:-}" "$src/../shared" "$src/../../shared"; do
	if [ -n "$dir" ] && [ -d "$dir/corpus" ]; then
		while IFS= read -r f; do files+=("$f"); done < <(
			find "$dir/corpus" -type f \( -name '*.yaml' -o -name '*.yml' \
				-o -name 'Dockerfile*' \) | LC_ALL=C sort | head -n 200)
		break
	fi
done
failed=0
for f in "${files[@]}"; do
	if ! cmp -s <("$dump" "$f") <(node "$ref" "$f"); then
		echo "differs: $f"
		diff <("$dump" "$f") <(node "$ref" "$f") | head -n 5
		failed=$((failed + 1))
	fi
done
echo "${#files[@]} file(s) compared, $failed differ"
[ "$failed" -eq 0 ]
