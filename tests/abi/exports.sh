#!/bin/sh
# The plimsoll executable exports exactly the functions the public headers
# declare PLM_API: each exported symbol is declared, each declaration is
# exported. Symbols the toolchain and libc put in every executable's
# dynamic table are not the project's and are left out.
#
#   exports.sh PLIMSOLL INCLUDE_DIR
set -u
exe=$1
inc=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$exe" >"$tmp/nm" || { echo "nm failed"; exit 1; }
awk '{ print $NF }' "$tmp/nm" | grep -v '@' |
	grep -vxE '_start|_init|_fini|_IO_stdin_used|__bss_start|__data_start|data_start|_edata|_end' |
	sort -u >"$tmp/exported"
# A sanitized build links the sanitizer runtimes in statically, and they
# export their interface and every libc function they intercept: there
# only the project's own names (plm_*) are compared.
if grep -qx '__asan_init' "$tmp/exported"; then
	grep -E '^plm_' "$tmp/exported" >"$tmp/own"
	mv "$tmp/own" "$tmp/exported"
fi

grep -h '^PLM_API' "$inc"/plimsoll/*.h >"$tmp/lines"
sed -nE 's/.*[ *](plm_[a-z0-9_]+)\(.*/\1/p' "$tmp/lines" | sort -u >"$tmp/declared"
# Every PLM_API line names its function on that line.
if [ "$(wc -l <"$tmp/lines")" -ne "$(sed -nE 's/.*[ *](plm_[a-z0-9_]+)\(.*/\1/p' "$tmp/lines" | wc -l)" ]; then
	echo "a PLM_API declaration does not name its function on its first line:"
	grep -vE '[ *]plm_[a-z0-9_]+\(' "$tmp/lines"
	exit 1
fi
if [ ! -s "$tmp/declared" ]; then
	echo "no PLM_API declaration found in $inc"
	exit 1
fi

status=0
comm -23 "$tmp/exported" "$tmp/declared" >"$tmp/extra"
comm -13 "$tmp/exported" "$tmp/declared" >"$tmp/missing"
if [ -s "$tmp/extra" ]; then
	echo "exported but not declared PLM_API in $inc:"
	sed 's/^/  /' "$tmp/extra"
	status=1
fi
if [ -s "$tmp/missing" ]; then
	echo "declared PLM_API but not exported by $exe:"
	sed 's/^/  /' "$tmp/missing"
	status=1
fi
echo "$(wc -l <"$tmp/exported") symbols exported, $(wc -l <"$tmp/declared") declared"
exit $status
