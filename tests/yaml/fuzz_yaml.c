/*
 * tests/yaml/fuzz_yaml.c - libFuzzer target: arbitrary bytes through the
 * Compose and Kubernetes front ends (and the sniffers). Built with
 * -Dfuzz=true and clang; run: build-fuzz/tests/yaml/fuzz_yaml CORPUS_DIR.
 */
#include <stddef.h>
#include <stdint.h>

#include "compose/compose.h"
#include "kubernetes/kubernetes.h"
#include "model/document.h"
#include "yaml/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const no_environ[] = {"A=1", NULL};
	struct plm_compose_options o = {0};
	o.environ = no_environ;
	o.no_env_file = true;
	(void)plm_yaml_sniff((const char *)data, size);
	(void)plm_yaml_is_helm_template((const char *)data, size);
	for (int kind = 0; kind < 2; kind++) {
		/* a name no default override matches, so no file is read */
		struct plm_source *src = plm_source_create("/nonexistent/fuzz.yml",
			(const char *)data, size);
		struct plm_doc *doc = plm_doc_create_take(src,
			kind ? PLM_KIND_KUBERNETES : PLM_KIND_COMPOSE);
		if (doc == NULL) {
			return 0;
		}
		int rc = kind ? plm_kubernetes_build(doc)
			      : plm_compose_build(doc, &o);
		(void)rc;
		plm_doc_destroy(doc);
	}
	return 0;
}
