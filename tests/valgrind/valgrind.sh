#!/usr/bin/env bash
# valgrind memcheck over a scan of the examples and a sample of the shared
# corpus, every built-in output format at once, and `plimsoll dump` of one
# file per kind. Fails on any invalid access, use of uninitialized memory,
# or definite/indirect leak.
#
# usage: valgrind.sh PLIMSOLL SOURCE_ROOT
# environment: VALGRIND_SAMPLE files per corpus folder (default 20)
set -uo pipefail
plimsoll=$1
root=$2
sample=${VALGRIND_SAMPLE:-20}
command -v valgrind >/dev/null || { echo "SKIP: valgrind not installed"; exit 77; }

. "$root/tests/common/shared.sh"
corpus=$(plm_find_corpus "$root") || corpus=""

work=$(mktemp -d "${TMPDIR:-/tmp}/plm-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The sample: every Nth file of each corpus folder, in sorted order, copied
# under names that keep their kind.
if [ -n "$corpus" ]; then
	for kind in dockerfile compose kubernetes; do
		mkdir -p "$work/corpus/$kind"
		total=$(find "$corpus/$kind" -type f | wc -l)
		step=$(( total / sample > 0 ? total / sample : 1 ))
		find "$corpus/$kind" -type f | LC_ALL=C sort | awk -v s="$step" 'NR % s == 0' |
			head -n "$sample" | while read -r f; do
				case $kind in
				dockerfile) dest="$work/corpus/$kind/$(basename "$f").Dockerfile" ;;
				*) dest="$work/corpus/$kind/$(basename "$f")" ;;
				esac
				cp "$f" "$dest"
			done
	done
else
	echo "note: no shared corpus; examples only"
fi
cp -r "$root/examples" "$work/examples"

vg=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
	--track-origins=yes --num-callers=30 --quiet)
failed=0
run() {
	local name=$1; shift
	"${vg[@]}" --log-file="$work/$name.vg" "$plimsoll" "$@" >"$work/$name.out" 2>&1
	local status=$?
	if [ $status -eq 99 ] || [ $status -ge 128 ] || [ -s "$work/$name.vg" ]; then
		echo "FAIL: $name (status $status)"
		cat "$work/$name.vg"
		tail -n 20 "$work/$name.out"
		failed=$((failed + 1))
	else
		echo "ok: $name (status $status)"
	fi
}

outs=()
for f in text json sarif gnu github checkstyle junit codeclimate; do
	outs+=(--format "$f" -o "$work/out.$f")
done
run scan-examples scan --jobs 2 "${outs[@]}" "$work/examples"
if [ -n "$corpus" ]; then
	run scan-corpus scan --jobs 2 "${outs[@]}" "$work/corpus"
fi
run dump-dockerfile dump "$work/examples/dockerfile/Dockerfile"
run dump-compose dump "$work/examples/compose/docker-compose.yml"
run dump-kubernetes dump "$work/examples/kubernetes/deployment.yaml"
echo "scanned: $(find "$work/examples" "$work/corpus" -type f 2>/dev/null | wc -l) files"
[ $failed -eq 0 ]
