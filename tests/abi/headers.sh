#!/bin/sh
# Each public header stands alone: it compiles by itself as C11 and, when a
# C++ compiler is given, as C++ (its extern "C" guards and no C-only
# syntax), and it includes no header but the system's and plimsoll/*.
#
#   headers.sh INCLUDE_DIR CC [CXX]
set -u
inc=$1
cc=$2
cxx=${3:-}
status=0
count=0
for h in "$inc"/plimsoll/*.h; do
	name=plimsoll/$(basename "$h")
	count=$((count + 1))
	bad=$(grep -nE '^#[[:space:]]*include[[:space:]]*"' "$h" |
		grep -vE '"plimsoll/[a-z_]+\.h"')
	if [ -n "$bad" ]; then
		echo "$name includes a private header: $bad"
		status=1
	fi
	if grep -nE 'core/|engine/|output/|util/' "$h" | grep -v 'plimsoll/' |
		grep -q .; then
		echo "$name names a private header or path:"
		grep -nE 'core/|engine/|output/|util/' "$h"
		status=1
	fi
	printf '#include "%s"\ntypedef int plm_header_alone;\n' "$name" >"${TMPDIR:-/tmp}/plm-header-$$.c"
	if ! $cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
		-I"$inc" "${TMPDIR:-/tmp}/plm-header-$$.c"; then
		echo "$name does not compile alone as C11"
		status=1
	fi
	if [ -n "$cxx" ] && ! $cxx -x c++ -std=c++11 -Wall -Wextra \
		-Wpedantic -Werror -fsyntax-only -I"$inc" \
		"${TMPDIR:-/tmp}/plm-header-$$.c"; then
		echo "$name does not compile alone as C++"
		status=1
	fi
	rm -f "${TMPDIR:-/tmp}/plm-header-$$.c"
done
# The jansson bridge of jsonw.h, declared only after <jansson.h>.
tu=${TMPDIR:-/tmp}/plm-header-$$.c
printf '#include <jansson.h>\n#include "plimsoll/jsonw.h"\n' >"$tu"
if ! $cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
	-I"$inc" "$tu"; then
	echo "plimsoll/jsonw.h after <jansson.h> does not compile as C11"
	status=1
fi
if [ -n "$cxx" ] && ! $cxx -x c++ -std=c++11 -Wall -Wextra -Wpedantic \
	-Werror -fsyntax-only -I"$inc" "$tu"; then
	echo "plimsoll/jsonw.h after <jansson.h> does not compile as C++"
	status=1
fi
rm -f "$tu"
if [ "$count" -eq 0 ]; then
	echo "no header in $inc/plimsoll"
	exit 1
fi
echo "$count headers checked${cxx:+ (also as C++)}"
exit $status
