#!/usr/bin/env bash
# Checks that XML files are well-formed with xmllint (Debian's
# libxml2-utils); skipped when xmllint is not installed.
set -uo pipefail
if ! command -v xmllint >/dev/null 2>&1; then
	echo "SKIP: xmllint not found (apt-get install libxml2-utils)"
	exit 77
fi
exec xmllint --noout "$@"
