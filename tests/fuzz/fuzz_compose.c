/*
 * tests/fuzz/fuzz_compose.c - Compose normalization on arbitrary bytes:
 * interpolation (with a fixed environment, so runs are reproducible),
 * multi-document merges, extends, services to container records, then the
 * links the front end asks for (inline Dockerfiles and their spans).
 *
 * The file is shown under a directory that does not exist, so the default
 * override file and `.env` are never found, and nothing resolves inside
 * that root: `extends: {file: ...}`, `env_file` and `build:` read no real
 * file, whatever they name.
 */
#include "fuzz.h"

#include "compose/compose.h"
#include "engine/link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const environ_fixed[] = {
		"HOME=/home/fuzz",
		"TAG=1.2",
		"USER_ID=1000",
		"EMPTY=",
		"NESTED=${TAG}",
		NULL,
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
	if (plm_compose_build(doc, &options) == 0 &&
		plm_link_resolve(doc, NULL) == 0) {
		fuzz_invariant(doc->containers != NULL,
			"a built Compose file has a containers view");
		(void)fuzz_walk_doc(doc);
	}
	plm_doc_destroy(doc);
	return 0;
}
