#!/bin/sh
# What a change to the model costs on the corpus scan (run by hand).
#
#   bench/model_cost.sh BASE_PLIMSOLL NEW_PLIMSOLL [CORPUS] [REPEAT]
#
# Build both as release builds, e.g. the base from an exported tree:
#   git archive main | tar -x -C /tmp/base-src
#   (cd /tmp/base-src && meson setup /tmp/base --buildtype=release &&
#    ninja -C /tmp/base plimsoll)
# Prints, for each binary, the best CPU seconds (user+sys) of REPEAT runs of
# `plimsoll scan -j1 --format json -o /dev/null CORPUS`, and, when valgrind
# is installed, the instructions callgrind counts for the same scan of a
# sample (every 10th file of the corpus's kubernetes and compose folders).
# The issue's aim: the richer model costs under 10% more.
set -eu
base=$1
new=$2
corpus=${3:-"$(dirname "$0")/../../shared/corpus"}
repeat=${4:-3}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

best_cpu() {
	best=
	i=0
	while [ "$i" -lt "$repeat" ]; do
		/usr/bin/time -f '%U %S' -o "$tmp" "$1" scan -j1 \
			--format json -o /dev/null "$corpus" >/dev/null \
			2>/dev/null || true
		t=$(tail -1 "$tmp" | awk '{print $1 + $2}')
		best=$(printf '%s\n%s\n' "$best" "$t" | grep . | sort -g | head -1)
		i=$((i + 1))
	done
	echo "$best"
}

b=$(best_cpu "$base")
n=$(best_cpu "$new")
echo "scan CPU s (best of $repeat): base $b new $n" \
	"($(echo "$b $n" | awk '{printf "%+.1f%%", ($2 / $1 - 1) * 100}'))"

if command -v valgrind >/dev/null 2>&1; then
	sample=$(find "$corpus/kubernetes" "$corpus/compose" -type f | sort |
		awk 'NR % 10 == 1')
	for which in base new; do
		exe=$base
		[ "$which" = new ] && exe=$new
		# shellcheck disable=SC2086
		ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			"$exe" scan -j1 --format json -o /dev/null $sample 2>&1 |
			sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')
		eval "ir_$which=\$ir"
	done
	echo "callgrind Ir on the sample: base $ir_base new $ir_new" \
		"($(echo "$ir_base $ir_new" |
			awk '{printf "%+.1f%%", ($2 / $1 - 1) * 100}'))"
fi
