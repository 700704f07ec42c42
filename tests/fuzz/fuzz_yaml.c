/*
 * tests/fuzz/fuzz_yaml.c - the YAML loader on arbitrary bytes, under both
 * scalar schemas: anchors and aliases (with the expansion bound), `<<`
 * merges, typed scalars, duplicate keys, comments, recovery at the next
 * `---`; and the content detectors that run before any load.
 */
#include "fuzz.h"

#include "yaml/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum plm_kind kind;
	if (plm_yaml_detect((const char *)data, size, &kind) != 0) {
		return 0;
	}
	(void)plm_yaml_is_helm_template((const char *)data, size);
	static const enum plm_yaml_schema schemas[] = {
		PLM_YAML_SCHEMA_CORE,
		PLM_YAML_SCHEMA_1_1,
	};
	for (size_t i = 0; i < sizeof(schemas) / sizeof(schemas[0]); i++) {
		struct plm_doc *doc = fuzz_doc("fuzz.yaml", data, size,
			PLM_KIND_KUBERNETES);
		if (doc == NULL) {
			return 0;
		}
		struct plm_node *stream = NULL;
		if (plm_yaml_load(doc, 0, schemas[i], &stream) == 0) {
			fuzz_invariant(stream != NULL &&
					stream->kind == PLM_NODE_SEQ,
				"a loaded YAML stream is a sequence");
			doc->tree = stream;
			(void)fuzz_walk_doc(doc);
		}
		plm_doc_destroy(doc);
	}
	return 0;
}
