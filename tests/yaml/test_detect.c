/*
 * tests/yaml/test_detect.c - Kubernetes manifests found by parsing, in every
 * YAML style, and the files that only look like them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml/yaml.h"

static bool is_k8s_n(const char *bytes, size_t len)
{
	bool found = true;
	assert_int_equal(plm_yaml_detect_kubernetes(bytes, len, &found), 0);
	return found;
}

static bool is_k8s(const char *text)
{
	return is_k8s_n(text, strlen(text));
}

static void block_style_is_found(void **state)
{
	(void)state;
	assert_true(is_k8s("apiVersion: v1\nkind: Pod\nmetadata:\n"
			   "  name: a\n"));
	/* keys in any order, after other keys and comments */
	assert_true(is_k8s("# c\nmetadata: {name: a}\nkind: Pod\n"
			   "apiVersion: v1\n"));
}

static void flow_style_is_found(void **state)
{
	(void)state;
	assert_true(is_k8s("{apiVersion: v1, kind: Pod, "
			   "metadata: {name: a}}\n"));
	assert_true(is_k8s("--- {kind: ConfigMap,\n  apiVersion: v1}\n"));
}

static void quoted_keys_are_found(void **state)
{
	(void)state;
	assert_true(is_k8s("\"apiVersion\": v1\n'kind': Pod\n"));
	assert_true(is_k8s("? apiVersion\n: v1\n? \"kind\"\n: Pod\n"));
}

static void a_document_indented_under_its_marker_is_found(void **state)
{
	(void)state;
	assert_true(is_k8s("---\n  apiVersion: v1\n  kind: Service\n"
			   "  spec: {}\n"));
	assert_true(is_k8s("--- !!map\n    kind: Pod\n    apiVersion: v1\n"));
}

static void a_later_document_is_found(void **state)
{
	(void)state;
	assert_true(is_k8s("a: 1\n---\nb: [kind]\n---\nkind: Service\n"
			   "apiVersion: v1\n"));
}

static void keys_after_a_long_header_are_found(void **state)
{
	(void)state;
	/* the detector reads in pieces: a multi-byte character across
	 * every possible piece boundary, then the keys */
	char text[2048];
	for (size_t pad = 200; pad < 600; pad++) {
		size_t n = 0;
		text[n++] = '#';
		while (n < pad) {
			text[n++] = ' ';
		}
		memcpy(text + n, "\xC3\xA9\xE2\x82\xAC\n", 6);
		n += 6;
		static const char keys[] = "metadata: {name: caf\xC3\xA9}\n"
					   "kind: Pod\napiVersion: v1\n";
		memcpy(text + n, keys, sizeof(keys) - 1);
		n += sizeof(keys) - 1;
		if (!is_k8s_n(text, n)) {
			fail_msg("not found with %zu bytes of header", pad);
		}
	}
}

static void a_list_is_found(void **state)
{
	(void)state;
	assert_true(is_k8s("apiVersion: v1\nkind: List\nitems:\n"
			   "- apiVersion: v1\n  kind: Pod\n"));
}

static void json_is_found(void **state)
{
	(void)state;
	assert_true(is_k8s("{\n\t\"kind\": \"Deployment\",\n\t\"apiVersion\": "
			   "\"apps/v1\",\n\t\"spec\": {\"replicas\": 2}\n}\n"));
	assert_true(is_k8s("{\"metadata\":{\"name\":\"x\"},\"apiVersion\":"
			   "\"v1\",\"kind\":\"Secret\"}"));
}

static void a_broken_document_does_not_hide_the_next(void **state)
{
	(void)state;
	assert_true(is_k8s("a: [1, 2\nkind: x\napiVersion: y\n---\n"
			   "apiVersion: v1\nkind: Pod\n"));
	assert_true(is_k8s("key: \"unterminated\n---\n"
			   "{apiVersion: v1, kind: Pod}\n"));
	/* the broken document alone is not enough */
	assert_false(is_k8s("a: [1, 2\nkind: x\napiVersion: y\n"));
}

static void bytes_that_are_not_utf8_do_not_hide_the_keys(void **state)
{
	(void)state;
	assert_true(is_k8s("# caf\xe9\napiVersion: v1\nkind: Pod\n"));
	assert_true(is_k8s("\xEF\xBB\xBF"
			   "apiVersion: v1\nkind: Pod\nx: \"a\x01\"\n"));
	assert_false(is_k8s("# caf\xe9\napiVersion: v1\nspec:\n  kind: Pod\n"));
}

static void a_github_workflow_is_not_a_manifest(void **state)
{
	(void)state;
	assert_false(is_k8s(
		"# deploys with apiVersion and kind\n"
		"name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu\n"
		"    steps:\n    - run: echo 'kind: Pod' 'apiVersion: v1'\n"));
}

static void a_helm_values_file_is_not_a_manifest(void **state)
{
	(void)state;
	assert_false(is_k8s("replicaCount: 1\nautoscaling:\n"
			    "  apiVersion: autoscaling/v2\n  kind: HPA\n"
			    "extraObjects:\n- apiVersion: v1\n"
			    "  kind: ConfigMap\n"));
}

static void package_json_is_not_a_manifest(void **state)
{
	(void)state;
	assert_false(is_k8s("{\n  \"name\": \"kind-of-app\",\n  \"version\": "
			    "\"1.0.0\",\n  \"keywords\": [\"apiVersion\", "
			    "\"kind\"],\n  \"dependencies\": "
			    "{\"kind\": \"^1\"}\n}\n"));
}

static void a_compose_file_is_not_a_manifest(void **state)
{
	(void)state;
	assert_false(is_k8s("services:\n  web:\n    image: kindest/node\n"
			    "    labels:\n      apiVersion: v1\n"
			    "      kind: x\n"));
}

static void an_openapi_file_is_not_a_manifest(void **state)
{
	(void)state;
	assert_false(is_k8s("openapi: 3.0.0\ninfo: {title: k8s, version: v1}\n"
			    "components:\n  schemas:\n    Pod:\n"
			    "      required: [apiVersion, kind]\n"
			    "      properties:\n"
			    "        apiVersion: {type: string}\n"
			    "        kind: {type: string}\n"));
}

static void a_value_or_a_sequence_is_not_a_manifest(void **state)
{
	(void)state;
	/* the words as values, not keys */
	assert_false(is_k8s("name: apiVersion\ntype: kind\n"));
	/* one key only, in each of two documents */
	assert_false(is_k8s("apiVersion: v1\n---\nkind: Pod\n"));
	/* a top-level sequence of manifests is not one */
	assert_false(is_k8s("- apiVersion: v1\n  kind: Pod\n"));
	/* a complex key holding the words */
	assert_false(is_k8s("? {apiVersion: v1}\n: x\n? [kind]\n: y\n"));
}

static void empty_and_blank_files_are_not_manifests(void **state)
{
	(void)state;
	assert_false(is_k8s_n("", 0));
	assert_false(is_k8s("---\n...\n"));
	assert_false(is_k8s("# apiVersion: v1\n# kind: Pod\n"));
}

static void binary_junk_is_not_a_manifest(void **state)
{
	(void)state;
	/* deterministic junk holding both words, NUL bytes included */
	size_t len = 64 * 1024;
	char *junk = malloc(len);
	assert_non_null(junk);
	uint32_t x = 12345;
	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (char)(x >> 16);
	}
	memcpy(junk + 100, "apiVersion: v1\nkind: Pod\n", 25);
	memcpy(junk + 9000, "\nkind: x\napiVersion: y\n", 23);
	assert_false(is_k8s_n(junk, len));
	free(junk);
}

static void deep_nesting_is_not_a_manifest(void **state)
{
	(void)state;
	/* 200 levels of mappings with the keys at the bottom */
	size_t cap = 200 * 210 + 64;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t n = 0;
	for (int i = 0; i < 200; i++) {
		n += (size_t)snprintf(text + n, cap - n, "%*sk%d:\n", i, "", i);
	}
	n += (size_t)snprintf(text + n, cap - n,
		"%*sapiVersion: v1\n%*skind: "
		"Pod\n",
		200, "", 200, "");
	assert_false(is_k8s_n(text, n));
	/* and the same in flow style */
	n = 0;
	for (int i = 0; i < 200; i++) {
		n += (size_t)snprintf(text + n, cap - n, "{a: [");
	}
	n += (size_t)snprintf(text + n, cap - n, "{apiVersion: v1, kind: Pod}");
	for (int i = 0; i < 200; i++) {
		n += (size_t)snprintf(text + n, cap - n, "]}");
	}
	assert_false(is_k8s_n(text, n));
	free(text);
}

static void detect_picks_kubernetes_before_compose(void **state)
{
	(void)state;
	const char *both = "services: {}\n---\n{apiVersion: v1, kind: Pod}\n";
	const char *compose = "services:\n  web: {image: x}\n";
	const char *neither = "a: 1\n";
	enum plm_kind kind = PLM_KIND_DOCKERFILE;
	assert_int_equal(plm_yaml_detect(both, strlen(both), &kind), 0);
	assert_int_equal(kind, PLM_KIND_KUBERNETES);
	assert_int_equal(plm_yaml_detect(compose, strlen(compose), &kind), 0);
	assert_int_equal(kind, PLM_KIND_COMPOSE);
	assert_int_equal(plm_yaml_detect(neither, strlen(neither), &kind), 0);
	assert_int_equal(kind, PLM_KIND_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(block_style_is_found),
		cmocka_unit_test(flow_style_is_found),
		cmocka_unit_test(quoted_keys_are_found),
		cmocka_unit_test(a_document_indented_under_its_marker_is_found),
		cmocka_unit_test(a_later_document_is_found),
		cmocka_unit_test(keys_after_a_long_header_are_found),
		cmocka_unit_test(a_list_is_found),
		cmocka_unit_test(json_is_found),
		cmocka_unit_test(a_broken_document_does_not_hide_the_next),
		cmocka_unit_test(bytes_that_are_not_utf8_do_not_hide_the_keys),
		cmocka_unit_test(a_github_workflow_is_not_a_manifest),
		cmocka_unit_test(a_helm_values_file_is_not_a_manifest),
		cmocka_unit_test(package_json_is_not_a_manifest),
		cmocka_unit_test(a_compose_file_is_not_a_manifest),
		cmocka_unit_test(an_openapi_file_is_not_a_manifest),
		cmocka_unit_test(a_value_or_a_sequence_is_not_a_manifest),
		cmocka_unit_test(empty_and_blank_files_are_not_manifests),
		cmocka_unit_test(binary_junk_is_not_a_manifest),
		cmocka_unit_test(deep_nesting_is_not_a_manifest),
		cmocka_unit_test(detect_picks_kubernetes_before_compose),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
