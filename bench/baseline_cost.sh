#!/bin/sh
# What a baseline costs (run by hand).
#
#   bench/baseline_cost.sh PLIMSOLL [CORPUS] [REPEAT]
#
# Records a baseline of every finding of a corpus scan (tens of thousands
# on the shared corpus), then prints, as the best wall time of REPEAT runs:
# a scan of one small file with and without --baseline (the difference is
# what loading the baseline costs; also with its first 10,000 entries), and the corpus scan with and without it
# (the difference adds matching every finding against it). The limit: a
# baseline of 10,000 findings loads and matches in under 100 ms.
set -eu
exe=$1
corpus=${2:-"$(dirname "$0")/../../shared/corpus"}
repeat=${3:-5}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'FROM alpine:3.20\nUSER 10001\n' > "$dir/Dockerfile"
"$exe" scan -j2 --format json -o /dev/null --write-baseline "$dir/base.json" \
	"$corpus" >/dev/null 2>&1 || true
entries=$(grep -c '"fingerprint"' "$dir/base.json")
# The issue's size: the first 10,000 entries of it.
python3 - "$dir/base.json" "$dir/base10k.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["findings"] = doc["findings"][:10000]
json.dump(doc, open(sys.argv[2], "w"), indent=2)
PY

best() {
	best=
	i=0
	while [ "$i" -lt "$repeat" ]; do
		start=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		end=$(date +%s%N)
		ms=$(( (end - start) / 1000000 ))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then
			best=$ms
		fi
		i=$((i + 1))
	done
	echo "$best"
}

small=$(best "$exe" scan -j1 "$dir/Dockerfile")
small_b=$(best "$exe" scan -j1 --baseline "$dir/base.json" "$dir/Dockerfile")
small_10k=$(best "$exe" scan -j1 --baseline "$dir/base10k.json" "$dir/Dockerfile")
full=$(best "$exe" scan -j2 --format json -o /dev/null "$corpus")
full_b=$(best "$exe" scan -j2 --format json -o /dev/null \
	--baseline "$dir/base.json" "$corpus")
echo "baseline entries:              $entries"
echo "one small file:                ${small} ms, with the baseline ${small_b} ms (load: $((small_b - small)) ms)"
echo "  with 10,000 of its entries:  ${small_10k} ms (load: $((small_10k - small)) ms)"
echo "corpus scan:                   ${full} ms, with the baseline ${full_b} ms (load and match: $((full_b - full)) ms)"
