#!/usr/bin/env bash
# End to end through the command line: `plimsoll scan` writes every format
# in one run (each --format with its own --output, plus the example plugin
# loaded with --plugin), and each output passes its validator: the SARIF
# validator (--strict), the JSON schemas, xmllint. With `corpus`, scans
# all of ../shared/corpus to SARIF (in 24 parts) and validates that.
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
	# to it (the "repository" scanned), in 24 scans of a part each, each
	# its own category (as separate uploads would be): the multitool
	# inside sarif-validate skips a file over 10 MB, which one log for
	# the whole corpus is (GitHub's own limit is 10 MB gzip-compressed,
	# far above it); a part that large fails here rather than go
	# unvalidated.
	cd "$shared" || exit 1
	mapfile -t files < <(find corpus/dockerfile corpus/compose \
		corpus/kubernetes corpus/helm-templates -type f | LC_ALL=C sort)
	parts=24
	size=$(( (${#files[@]} + parts - 1) / parts ))
	for ((p = 0; p < parts; p++)); do
		"$plimsoll" scan --jobs 2 --sarif-category "corpus-$p" \
			--format sarif --output "$tmp/corpus-$p.sarif" \
			"${files[@]:p*size:size}" >"$tmp/scan.log" 2>&1
		rc=$?
		echo "part $p: ${size} files, scan exit status $rc," \
			"$(wc -c <"$tmp/corpus-$p.sarif") bytes"
		if [ "$rc" -gt 2 ] || [ ! -s "$tmp/corpus-$p.sarif" ]; then
			tail -n 20 "$tmp/scan.log"
			exit 1
		fi
		if [ "$(wc -c <"$tmp/corpus-$p.sarif")" -gt 10000000 ]; then
			echo "part $p is over 10 MB: the validator would skip it"
			exit 1
		fi
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
