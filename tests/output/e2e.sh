#!/usr/bin/env bash
# End to end through the command line: `plimsoll scan` writes every format
# in one run (each --format with its own --output, plus the example plugin
# loaded with --plugin), and each output passes its validator: the SARIF
# validator (--strict), the JSON schemas, xmllint. With `corpus`, scans
# all of ../shared/corpus to SARIF (in parts under 9 MB) and validates that.
#
#   e2e.sh examples|corpus PLIMSOLL SCHEMA_CHECK PLUGIN.so SOURCE_ROOT
#
# Skipped (77) while this plimsoll has no scan command, or without the
# shared folder for the corpus.
set -uo pipefail
mode=$1 src=$5
# meson passes paths relative to the build directory; the scans run
# elsewhere.
plimsoll=$(readlink -f "$2") schema_check=$(readlink -f "$3")
plugin=$(readlink -f "$4")
if ! "$plimsoll" scan --help >/dev/null 2>&1; then
	echo "SKIP: this plimsoll has no scan command"
	exit 77
fi
shared=
for dir in "${PLM_SHARED_DIR:-}" "$src/../shared" "$src/../../shared"; do
	if [ -n "$dir" ] && [ -d "$dir/tools" ]; then
		shared=$(cd "$dir" && pwd)
		break
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
check() { # NAME COMMAND...: runs a check, counts a failure
	local name=$1; shift
	if "$@" >"$tmp/check.log" 2>&1; then
		echo "ok: $name"
	else
		echo "FAILED: $name"
		tail -n 40 "$tmp/check.log"
		failed=$((failed + 1))
	fi
}
sarif_validate() {
	if [ -z "$shared" ]; then
		echo "note: no shared/tools/sarif-validate, SARIF not validated"
		return 0
	fi
	"$shared/tools/sarif-validate" --strict "$@"
}

if [ "$mode" = corpus ]; then
	if [ -z "$shared" ] || [ ! -d "$shared/corpus" ]; then
		echo "SKIP: ../shared/corpus not found"
		exit 77
	fi
	# Every corpus file, from the shared folder so the paths are relative
	# to it (the "repository" scanned), in parts, each its own category
	# (as separate uploads would be): the multitool inside sarif-validate
	# skips a file over 10 MB, which one log for the whole corpus is
	# (GitHub's own limit is 10 MB gzip-compressed, far above it). A part
	# whose log passes 9 MB is scanned again as two halves; a single file
	# whose log is that large fails here rather than go unvalidated.
	cd "$shared" || exit 1
	mapfile -t files < <(find corpus/dockerfile corpus/compose \
		corpus/kubernetes corpus/helm-templates -type f | LC_ALL=C sort)
	size=$(( (${#files[@]} + 15) / 16 ))
	queue=()
	for ((start = 0; start < ${#files[@]}; start += size)); do
		queue+=("$start:$size")
	done
	p=0
	while [ "${#queue[@]}" -gt 0 ]; do
		start=${queue[0]%%:*} count=${queue[0]##*:}
		queue=("${queue[@]:1}")
		out="$tmp/corpus-$p.sarif"
		"$plimsoll" scan --jobs 2 --sarif-category "corpus-$p" \
			--format sarif --output "$out" \
			"${files[@]:start:count}" >"$tmp/scan.log" 2>&1
		rc=$?
		bytes=$(wc -c <"$out")
		if [ "$rc" -gt 2 ] || [ ! -s "$out" ]; then
			echo "part $p: scan exit status $rc"
			tail -n 20 "$tmp/scan.log"
			exit 1
		fi
		if [ "$bytes" -gt 9000000 ]; then
			if [ "$count" -eq 1 ]; then
				echo "${files[start]}: its log alone is $bytes bytes"
				exit 1
			fi
			half=$((count / 2))
			queue+=("$start:$half" "$((start + half)):$((count - half))")
			rm -f "$out"
			continue
		fi
		echo "part $p: $count files, scan exit status $rc, $bytes bytes"
		p=$((p + 1))
	done
	check "corpus SARIF validates" sarif_validate "$tmp"/corpus-*.sarif
	exit $((failed > 0))
fi

cd "$src" || exit 1
"$plimsoll" scan --include-suppressed --sarif-category e2e \
	--format sarif --output "$tmp/out.sarif" \
	--format json --output "$tmp/out.json" \
	--format codeclimate --output "$tmp/out.codeclimate.json" \
	--format checkstyle --output "$tmp/out.checkstyle.xml" \
	--format junit --output "$tmp/out.junit.xml" \
	--format text --output "$tmp/out.txt" \
	--format gnu --output "$tmp/out.gnu" \
	--format github --output "$tmp/out.github" \
	--plugin "$plugin" --format csv --output "$tmp/out.csv" \
	examples/ >"$tmp/scan.log" 2>&1
rc=$?
echo "scan exit status $rc"
if [ "$rc" -gt 2 ]; then
	cat "$tmp/scan.log"
	exit 1
fi
check "every output written" test -s "$tmp/out.sarif" -a -s "$tmp/out.json" \
	-a -s "$tmp/out.codeclimate.json" -a -s "$tmp/out.checkstyle.xml" \
	-a -s "$tmp/out.junit.xml" -a -s "$tmp/out.txt" -a -s "$tmp/out.csv"
check "json matches its schema" "$schema_check" \
	"$src/docs/schemas/plimsoll-1.json" "$tmp/out.json"
check "codeclimate matches its schema" "$schema_check" \
	"$src/docs/schemas/codeclimate.json" "$tmp/out.codeclimate.json"
if command -v xmllint >/dev/null 2>&1; then
	check "XML well-formed" xmllint --noout "$tmp/out.checkstyle.xml" \
		"$tmp/out.junit.xml"
fi
check "SARIF validates" sarif_validate "$tmp/out.sarif"
check "csv plugin wrote its header" grep -q '^path,line,column' "$tmp/out.csv"
check "text ends with its summary" grep -Eq 'files? scanned' "$tmp/out.txt"
exit $((failed > 0))
