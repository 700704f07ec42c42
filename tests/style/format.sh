#!/usr/bin/env bash
# Checks that every tracked C source and header is formatted as .clang-format
# at the top of the tree says; with --fix, rewrites the ones that are not.
#   format.sh [--fix] [SOURCE_ROOT]
# Skipped (77) without clang-format or outside a git checkout.
set -uo pipefail
fix=0
if [ "${1:-}" = --fix ]; then
	fix=1
	shift
fi
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root" || exit 1
command -v clang-format >/dev/null || { echo "SKIP: clang-format not found"; exit 77; }
mapfile -t files < <(git ls-files -- '*.c' '*.h' 2>/dev/null)
if [ "${#files[@]}" -eq 0 ]; then
	echo "SKIP: no tracked C files (not a git checkout?)"
	exit 77
fi
if [ $fix -eq 1 ]; then
	clang-format -i --style=file -- "${files[@]}"
	exit
fi
# --Werror makes every would-be change a diagnostic with file and line.
if clang-format --dry-run --Werror --style=file -- "${files[@]}"; then
	echo "format: ${#files[@]} files as .clang-format says"
	exit 0
fi
echo "format: run 'bash tests/style/format.sh --fix' to rewrite them"
exit 1
