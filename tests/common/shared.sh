# Where the shared folder beside the source tree is, for the tests and
# benchmarks in shell: `. tests/common/shared.sh`, then
#   corpus=$(plm_find_corpus SOURCE_ROOT)
# The corpus is looked up in $PLM_CORPUS, then SOURCE_ROOT/../shared/corpus
# (a checkout beside the shared folder, as in CI), then
# SOURCE_ROOT/../../shared/corpus (a worktree one level further down).

# plm_find_corpus SOURCE_ROOT [MARKER]: prints the corpus folder, the first
# candidate holding MARKER (default: the dockerfile folder); prints nothing
# and returns 1 when there is none.
plm_find_corpus() {
	local root=$1 marker=${2:-dockerfile} c
	for c in "${PLM_CORPUS:-}" "$root/../shared/corpus" "$root/../../shared/corpus"; do
		if [ -n "$c" ] && [ -e "$c/$marker" ]; then
			printf '%s\n' "$c"
			return 0
		fi
	done
	return 1
}
