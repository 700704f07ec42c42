#!/usr/bin/env bash
# project-sarif.sh PLIMSOLL SOURCE_ROOT: `plimsoll scan` with the built-in
# project-scope policies over the fixtures of both of them as one project,
# written as SARIF; checks that results carry relatedLocations, then runs
# sarif-validate --strict (skipped without ../shared/tools).
set -uo pipefail
tool=$(realpath "$1") src=$(realpath "$2")
cd "$src" || exit 1
out=$(mktemp --suffix=.sarif)
trap 'rm -f "$out"' EXIT
"$tool" scan --only network-policy-missing,service-selector-matches-nothing \
	--format sarif -o "$out" \
	policies/network-policy-missing/fixtures/shop/kubernetes/*.yaml \
	policies/service-selector-matches-nothing/fixtures/shop/kubernetes/*.yaml
status=$?
if [ "$status" -ne 1 ]; then
	echo "plimsoll scan exited with $status, want 1 (findings)"
	exit 1
fi
related=$(grep -o '"relatedLocations"' "$out" | wc -l)
if [ "$related" -lt 3 ]; then
	echo "want relatedLocations on at least 3 results, got $related"
	exit 1
fi
for dir in "${PLM_SHARED_DIR:-}" "$src/../shared" "$src/../../shared"; do
	if [ -n "$dir" ] && [ -x "$dir/tools/sarif-validate" ]; then
		exec "$dir/tools/sarif-validate" --strict "$out"
	fi
done
echo "SKIP: sarif-validate not found in ../shared/tools beside $src"
exit 77
