#!/usr/bin/env bash
# Runs ../shared/tools/sarif-validate --strict (the SARIF schema, the
# Microsoft multitool with GitHub's ingestion rules, GitHub's limits) on
# the given SARIF files. The validator lives beside the repository in
# shared/, found from the source root at ../shared, ../../shared (a git
# worktree under wt/), or $PLM_SHARED_DIR; without it the test is skipped.
set -uo pipefail
src=$1; shift
for dir in "${PLM_SHARED_DIR:-}" "$src/../shared" "$src/../../shared"; do
	if [ -n "$dir" ] && [ -x "$dir/tools/sarif-validate" ]; then
		exec "$dir/tools/sarif-validate" --strict "$@"
	fi
done
echo "SKIP: sarif-validate not found in ../shared/tools beside $src (set PLM_SHARED_DIR)"
exit 77
