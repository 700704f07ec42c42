/*
 * tests/fuzz/fuzz_dockerfile.c - the Dockerfile front end on arbitrary
 * bytes: line reading and continuations, parser directives, heredocs,
 * variable expansion (ARG/ENV/FROM), shell splitting of RUN, stages and
 * the container record. The model must satisfy fuzz.h's invariants.
 */
#include "fuzz.h"

#include "dockerfile/dockerfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plm_doc *doc = fuzz_doc("Dockerfile", data, size,
		PLM_KIND_DOCKERFILE);
	if (doc == NULL) {
		return 0;
	}
	if (plm_dockerfile_build(doc) == 0) {
		fuzz_invariant(doc->tree != NULL,
			"a built Dockerfile has a tree");
		fuzz_invariant(doc->containers != NULL,
			"a built Dockerfile has a containers view");
		(void)fuzz_walk_doc(doc);
	}
	plm_doc_destroy(doc);
	return 0;
}
