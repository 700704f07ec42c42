/*
 * tests/fuzz/fuzz_compose.c - Compose normalization on arbitrary bytes:
 * interpolation (with a fixed environment, so runs are reproducible),
 * multi-document merges, extends, services to container records.
 *
 * The file is shown under a directory that does not exist, so the default
 * override file and `.env` are never found; `extends: {file: ...}` and
 * `build:` may still name real files, which the front end must read
 * within its own limits.
 */
#include "fuzz.h"

#include "compose/compose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const environ_fixed[] = {
		"HOME=/home/fuzz", "TAG=1.2", "USER_ID=1000", "EMPTY=",
		"NESTED=${TAG}", NULL,
	};
	struct plm_doc *doc = fuzz_doc("/nonexistent-plimsoll-fuzz/compose.yaml",
		data, size, PLM_KIND_COMPOSE);
	if (doc == NULL) {
		return 0;
	}
	struct plm_compose_options options = {
		.environ = environ_fixed,
		.no_env_file = true,
	};
	if (plm_compose_build(doc, &options) == 0) {
		fuzz_invariant(doc->containers != NULL,
			"a built Compose file has a containers view");
		(void)fuzz_walk_doc(doc);
	}
	plm_doc_destroy(doc);
	return 0;
}
