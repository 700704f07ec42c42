#!/bin/sh
# Golden test: the JSON dump of each input equals its checked-in expectation.
# Usage: golden.sh SUFFIX DUMP_COMMAND... -- DIR
#   runs `DUMP_COMMAND FILE` in DIR for each DIR/*.Dockerfile and compares
#   the output with FILE's expectation beside it: the name without
#   .Dockerfile, then SUFFIX (.json, .spans.json).
# PLM_GOLDEN_EXT names the inputs by another extension (.sh).
# PLM_GOLDEN_UPDATE=1 rewrites the expectations instead.
suffix="$1"
shift
first="$1"
shift
case "$first" in
/*) ;;
*) first="$PWD/$first" ;;
esac
cmd="'$first'"
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	cmd="$cmd '$1'"
	shift
done
shift
dir="$1"
cd "$dir" || exit 1
failed=0
passed=0
ext="${PLM_GOLDEN_EXT:-.Dockerfile}"
for input in *"$ext"; do
	want="${input%"$ext"}$suffix"
	got="${TMPDIR:-/tmp}/plm-golden.$$"
	if ! eval "$cmd" "'$input'" > "$got"; then
		echo "FAIL $input: the dump command failed"
		failed=$((failed + 1))
		continue
	fi
	if [ "${PLM_GOLDEN_UPDATE:-}" = 1 ]; then
		cp "$got" "$want"
		echo "updated $want"
	elif diff -u "$want" "$got"; then
		passed=$((passed + 1))
	else
		echo "FAIL $input: the dump differs from $want (diff above)"
		failed=$((failed + 1))
	fi
	rm -f "$got"
done
echo "golden: $passed passed, $failed failed"
[ $failed -eq 0 ]
