#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "model/document.h"
#include "model/node.h"
#include "model/quantity.h"
#include "model/record.h"
#include "util/source.h"

static int64_t kube(const char *s, int64_t unit)
{
	int64_t v = -1;
	assert_true(plm_quantity_kube(s, strlen(s), unit, &v));
	return v;
}

static void kubernetes_quantities(void **state)
{
	(void)state;
	assert_int_equal(kube("500m", 1000), 500);
	assert_int_equal(kube("500m", 1), 1); /* rounded up */
	assert_int_equal(kube("0.25", 1000), 250);
	assert_int_equal(kube("2", 1000), 2000);
	assert_int_equal(kube("1Gi", 1), 1073741824);
	assert_int_equal(kube("1.5Mi", 1), 1572864);
	assert_int_equal(kube("128M", 1), 128000000);
	assert_int_equal(kube("1e3", 1), 1000);
	assert_int_equal(kube("+1k", 1), 1000);
	int64_t v;
	static const char *const bad[] = {"", "lots", "1Gb", "-1", "1.2.3",
		"1e", "Gi", "1 Gi", "9999999999999999999Ei", NULL};
	for (size_t i = 0; bad[i] != NULL; i++) {
		assert_false(plm_quantity_kube(bad[i], strlen(bad[i]), 1, &v));
	}
}

static void docker_sizes(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_true(plm_quantity_docker_bytes("512m", 4, &v));
	assert_int_equal(v, 512 * 1048576LL);
	assert_true(plm_quantity_docker_bytes("1GB", 3, &v));
	assert_int_equal(v, 1073741824LL);
	assert_true(plm_quantity_docker_bytes("100", 3, &v));
	assert_int_equal(v, 100);
	assert_false(plm_quantity_docker_bytes("1Gi", 3, &v));
	assert_false(plm_quantity_docker_bytes("m", 1, &v));
}

static void every_record_has_every_field_implicit(void **state)
{
	(void)state;
	struct plm_arena *a = plm_arena_create(0);
	struct plm_span sp = plm_span_make(0, 1);
	struct plm_node *r = plm_record_new(a, sp, "compose", "service");
	assert_non_null(r);
	assert_int_equal(plm_node_count(r), plm_record_field_count());
	for (size_t i = 0; i < plm_record_field_count(); i++) {
		assert_string_equal(r->as.map.entries[i].key,
			plm_record_field_name(i));
		assert_true(
			r->as.map.entries[i].value->flags & PLM_NODE_IMPLICIT);
	}
	assert_null(plm_record_field_name(plm_record_field_count()));
	assert_string_equal(plm_node_get_str(r, "origin"), "compose");
	struct plm_node *res = plm_node_get(r, "resources");
	assert_int_equal(plm_node_count(plm_node_get(res, "limits")), 2);
	assert_false(plm_node_get(r, "sidecar")->as.boolean);
	plm_arena_destroy(a);
}

static void capability_names_are_normalised(void **state)
{
	(void)state;
	struct plm_arena *a = plm_arena_create(0);
	struct plm_span sp = plm_span_make(0, 1);
	struct plm_node *in = plm_node_cstring(a, sp, "cap_net_admin");
	in->flags = PLM_NODE_QUOTED | PLM_NODE_INHERITED;
	struct plm_node *out = plm_record_capability(a, in, PLM_NODE_QUOTED);
	assert_string_equal(plm_node_str(out), "NET_ADMIN");
	assert_int_equal(out->flags, PLM_NODE_INHERITED);
	assert_string_equal(plm_node_str(plm_record_capability(a,
				    plm_node_cstring(a, sp, "all"), 0)),
		"ALL");
	assert_null(plm_record_capability(a, plm_node_int(a, sp, 1), 0));
	/* "CAP_" alone is a name, not an empty one. */
	assert_string_equal(plm_node_str(plm_record_capability(a,
				    plm_node_cstring(a, sp, "CAP_"), 0)),
		"CAP_");
	plm_arena_destroy(a);
}

static void profiles_and_selinux_copy_what_they_flag(void **state)
{
	(void)state;
	struct plm_arena *a = plm_arena_create(0);
	struct plm_span sp = plm_span_make(0, 4);
	struct plm_node *type = plm_node_cstring(a, plm_span_make(1, 2),
		"Localhost");
	struct plm_node *prof = plm_node_cstring(a, plm_span_make(2, 3), "p");
	struct plm_node *m = plm_record_profile(a, sp, type, prof, "pod",
		PLM_NODE_INHERITED);
	assert_string_equal(plm_node_get_str(m, "type"), "Localhost");
	assert_string_equal(plm_node_get_str(m, "profile"), "p");
	assert_string_equal(plm_node_get_str(m, "from"), "pod");
	assert_true(m->flags & PLM_NODE_INHERITED);
	assert_true(plm_node_get(m, "type")->flags & PLM_NODE_INHERITED);
	assert_int_equal(plm_node_get(m, "profile")->span.start, 2);
	/* the written nodes (shared with the tree) are untouched */
	assert_int_equal(type->flags, 0);
	assert_int_equal(prof->flags, 0);
	m = plm_record_profile(a, sp, type, NULL, "container", 0);
	assert_ptr_equal(plm_node_get(m, "type"), type);
	assert_true(plm_node_get(m, "profile")->flags & PLM_NODE_IMPLICIT);
	assert_int_equal(plm_node_get(m, "profile")->span.start, 0);

	struct plm_node *se = plm_record_selinux(a, sp, "pod",
		PLM_NODE_INHERITED);
	assert_int_equal(plm_node_count(se), 6);
	assert_false(se->flags & PLM_NODE_IMPLICIT);
	assert_false(plm_node_get(se, "disabled")->as.boolean);
	assert_int_equal(plm_record_selinux_set(a, se, "type", prof), 0);
	assert_string_equal(plm_node_get_str(se, "type"), "p");
	assert_true(plm_node_get(se, "type")->flags & PLM_NODE_INHERITED);
	assert_int_equal(prof->flags, 0);
	assert_string_equal(se->as.map.entries[2].key, "type");
	plm_arena_destroy(a);
}

static void protocols_are_lower_case_and_default_to_tcp(void **state)
{
	(void)state;
	struct plm_source *src = plm_source_create("k.yaml", "x", 1);
	struct plm_doc *doc = plm_doc_create_take(src, PLM_KIND_KUBERNETES);
	struct plm_span sp = plm_span_make(0, 1);
	struct plm_node *udp = plm_node_cstring(doc->arena, sp, "UDP");
	udp->flags = PLM_NODE_QUOTED | PLM_NODE_INTERPOLATED;
	struct plm_node *n = plm_record_protocol(doc, udp, sp, PLM_NODE_QUOTED);
	assert_string_equal(plm_node_str(n), "udp");
	assert_string_equal(plm_node_str(udp), "UDP");
	assert_int_equal(n->flags, PLM_NODE_INTERPOLATED);
	n = plm_record_protocol(doc, NULL, sp, 0);
	assert_string_equal(plm_node_str(n), "tcp");
	assert_true(n->flags & PLM_NODE_IMPLICIT);
	assert_int_equal(doc->diag_count, 0);
	n = plm_record_protocol(doc, plm_node_int(doc->arena, sp, 6), sp, 0);
	assert_int_equal(n->kind, PLM_NODE_NULL);
	assert_true(n->flags & PLM_NODE_UNKNOWN);
	assert_int_equal(doc->diag_count, 1);
	struct plm_node *u = plm_record_unknown_amounts(doc,
		plm_node_cstring(doc->arena, sp, "1Gi"), "limits", "a map");
	assert_true(u->flags & PLM_NODE_UNKNOWN);
	assert_true(plm_node_get(u, "cpu")->flags & PLM_NODE_UNKNOWN);
	assert_true(plm_node_get(u, "memory")->flags & PLM_NODE_UNKNOWN);
	assert_int_equal(doc->diag_count, 2);
	plm_doc_destroy(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kubernetes_quantities),
		cmocka_unit_test(docker_sizes),
		cmocka_unit_test(every_record_has_every_field_implicit),
		cmocka_unit_test(capability_names_are_normalised),
		cmocka_unit_test(profiles_and_selinux_copy_what_they_flag),
		cmocka_unit_test(protocols_are_lower_case_and_default_to_tcp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
