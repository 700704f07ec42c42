#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "model/document.h"
#include "model/node.h"
#include "util/source.h"
#include "util/utf8.h"

static void map_set_replaces_in_place_and_keeps_order(void **state)
{
	(void)state;
	struct plm_arena *a = plm_arena_create(0);
	struct plm_span sp = plm_span_make(0, 1);
	struct plm_node *m = plm_node_map(a, sp);
	assert_int_equal(plm_node_set(a, m, "b", sp, plm_node_int(a, sp, 1)),
		0);
	assert_int_equal(plm_node_set(a, m, "a", sp, plm_node_int(a, sp, 2)),
		0);
	assert_int_equal(plm_node_set(a, m, "b", sp, plm_node_int(a, sp, 3)),
		0);
	assert_int_equal(plm_node_count(m), 2);
	assert_string_equal(m->as.map.entries[0].key, "b");
	assert_int_equal(plm_node_get(m, "b")->as.integer, 3);
	assert_null(plm_node_get(m, "c"));
	plm_arena_destroy(a);
}

static void seq_grows_past_many_items(void **state)
{
	(void)state;
	struct plm_arena *a = plm_arena_create(0);
	struct plm_span sp = plm_span_make(0, 0);
	struct plm_node *s = plm_node_seq(a, sp);
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(plm_node_push(a, s, plm_node_int(a, sp, i)),
			0);
	}
	assert_int_equal(plm_node_count(s), 10000);
	assert_int_equal(s->as.seq.items[9999]->as.integer, 9999);
	plm_arena_destroy(a);
}

static void arena_cap_fails_cleanly(void **state)
{
	(void)state;
	struct plm_arena *a = plm_arena_create(100 * 1024);
	void *p = NULL;
	int n = 0;
	while ((p = plm_arena_alloc(a, 1000)) != NULL) {
		n++;
		assert_true(n < 1000);
	}
	assert_true(plm_arena_exhausted(a));
	assert_null(plm_arena_alloc(a, 1));
	plm_arena_destroy(a);
}

static void region_counts_code_points_and_crlf(void **state)
{
	(void)state;
	const char text[] = "ab\r\n\xc3\xa9x\xf0\x9f\x98\x80y\n";
	struct plm_source *s = plm_source_create("t", text, sizeof(text) - 1);
	assert_non_null(s);
	assert_int_equal(s->line_count, 3);
	/* "y" on line 2 is after é (2 bytes), x, 😀 (4 bytes): byte 4+2+1+4 */
	struct plm_region r = plm_source_region(s, 4 + 7, 4 + 8);
	assert_int_equal(r.start_line, 2);
	assert_int_equal(r.start_column, 4);
	assert_int_equal(r.end_column, 5);
	struct plm_region u = plm_source_region_utf16(s, 4 + 7, 4 + 8);
	assert_int_equal(u.start_column, 5);
	size_t len;
	const char *line = plm_source_line(s, 0, &len);
	assert_int_equal(len, 2);
	assert_memory_equal(line, "ab", 2);
	assert_int_equal(plm_source_offset_at(s, 1, 2), 4 + 3);
	plm_source_destroy(s);
}

static void utf8_sanitize_replaces_bad_bytes(void **state)
{
	(void)state;
	struct plm_arena *a = plm_arena_create(0);
	const char bad[] = "a\xff"
			   "b\xed\xa0\x80"
			   "c";
	assert_int_equal(plm_utf8_check(bad, sizeof(bad) - 1), 1);
	size_t n;
	char *s = plm_utf8_sanitize(a, bad, sizeof(bad) - 1, &n);
	assert_string_equal(s,
		"a\xef\xbf\xbd"
		"b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		"c");
	assert_int_equal(plm_utf8_check(s, n), n);
	plm_arena_destroy(a);
}

static void diagnostics_stop_at_the_limit(void **state)
{
	(void)state;
	struct plm_doc *doc = plm_doc_create_take(plm_source_create("f", "x",
							  1),
		PLM_KIND_DOCKERFILE);
	assert_non_null(doc);
	for (int i = 0; i < 5000; i++) {
		plm_doc_diag(doc, PLM_DIAG_WARNING, "test/x",
			plm_span_make(0, 1), "problem %d", i);
	}
	assert_int_equal(doc->diag_count, PLM_MAX_DIAGNOSTICS);
	assert_string_equal(doc->diags[PLM_MAX_DIAGNOSTICS - 1].code,
		"limit/diagnostics");
	assert_true(plm_doc_has_errors(doc));
	plm_doc_destroy(doc);
}

static void diagnostic_quoting_half_a_character_stays_valid_utf8(void **state)
{
	(void)state;
	struct plm_doc *doc = plm_doc_create_take(plm_source_create("f", "x",
							  1),
		PLM_KIND_COMPOSE);
	assert_non_null(doc);
	/* "ab\xc3\xa9" cut after 3 bytes keeps half of the e-acute. */
	plm_doc_diag(doc, PLM_DIAG_ERROR, "test/x", plm_span_make(0, 1),
		"bad \"%.*s\"", 3, "ab\xc3\xa9");
	const char *m = doc->diags[0].message;
	assert_int_equal(plm_utf8_check(m, strlen(m)), strlen(m));
	assert_string_equal(m, "bad \"ab\xef\xbf\xbd\"");
	plm_doc_destroy(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(map_set_replaces_in_place_and_keeps_order),
		cmocka_unit_test(seq_grows_past_many_items),
		cmocka_unit_test(arena_cap_fails_cleanly),
		cmocka_unit_test(region_counts_code_points_and_crlf),
		cmocka_unit_test(utf8_sanitize_replaces_bad_bytes),
		cmocka_unit_test(diagnostics_stop_at_the_limit),
		cmocka_unit_test(
			diagnostic_quoting_half_a_character_stays_valid_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
