/*
 * tests/fuzz/fuzz_command.c - command lines on arbitrary bytes: the first
 * byte picks what the rest is read as (a script, a Makefile, Markdown, a
 * GitHub workflow, GitLab CI), then extraction, the shell splitter and
 * the flags into container records.
 */
#include "fuzz.h"

#include "command/command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"deploy.sh", "Makefile",
		"README.md", ".github/workflows/ci.yml", ".gitlab-ci.yml"};
	if (size == 0) {
		return 0;
	}
	struct plm_doc *doc = fuzz_doc(names[data[0] % 5], data + 1, size - 1,
		PLM_KIND_COMMAND);
	if (doc == NULL) {
		return 0;
	}
	if (plm_command_build(doc, NULL) == 0) {
		fuzz_invariant(doc->containers != NULL && doc->tree != NULL,
			"built command lines have a tree and a containers view");
		fuzz_invariant(plm_node_count(doc->containers) >=
				plm_node_count(doc->tree),
			"every container command has its record");
		(void)fuzz_walk_doc(doc);
	}
	plm_doc_destroy(doc);
	return 0;
}
