/*
 * tests/fuzz/fuzz_kubernetes.c - Kubernetes normalization on arbitrary
 * bytes: workloads and List items, pod templates, container records and
 * the securityContext precedence, on the YAML 1.1 loader.
 */
#include "fuzz.h"

#include "kubernetes/kubernetes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plm_doc *doc = fuzz_doc("fuzz.yaml", data, size,
		PLM_KIND_KUBERNETES);
	if (doc == NULL) {
		return 0;
	}
	if (plm_kubernetes_build(doc) == 0) {
		fuzz_invariant(doc->containers != NULL,
			"a built manifest has a containers view");
		(void)fuzz_walk_doc(doc);
	}
	plm_doc_destroy(doc);
	return 0;
}
