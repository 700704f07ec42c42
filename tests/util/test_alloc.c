#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "util/alloc.h"
#include "util/arena.h"

static int disarm(void **state)
{
	(void)state;
	plm_alloc_fail_nth(0);
	return 0;
}

static void copies_are_terminated_and_bounded(void **state)
{
	(void)state;
	char *a = plm_strdup("compose.yaml");
	assert_string_equal(a, "compose.yaml");
	char *b = plm_strndup("compose.yaml", 7);
	assert_string_equal(b, "compose");
	char *c = plm_strndup("ab", 10);
	assert_string_equal(c, "ab");
	plm_free(a);
	plm_free(b);
	plm_free(c);
	plm_free(NULL);
}

static void calloc_zeroes_and_refuses_overflow(void **state)
{
	(void)state;
	unsigned char *p = plm_calloc(64, 1);
	assert_non_null(p);
	for (int i = 0; i < 64; i++) {
		assert_int_equal(p[i], 0);
	}
	plm_free(p);
	assert_null(plm_calloc(SIZE_MAX / 2, 4));
}

static void realloc_failure_leaves_the_block_owned(void **state)
{
	(void)state;
	char *p = plm_strdup("kept");
	plm_alloc_fail_nth(1);
	assert_null(plm_realloc(p, 4096));
	assert_true(plm_alloc_failed());
	assert_string_equal(p, "kept");
	plm_free(p);
}

/* Every entry point counts once, and only the armed one fails. */
static void the_nth_allocation_fails_once(void **state)
{
	(void)state;
	plm_alloc_fail_nth(3);
	void *a = plm_malloc(8);
	char *b = plm_strdup("x");
	assert_false(plm_alloc_failed());
	void *c = plm_calloc(1, 8);
	assert_null(c);
	assert_true(plm_alloc_failed());
	void *d = plm_realloc(NULL, 8);
	char *e = plm_strndup("xy", 1);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(d);
	assert_non_null(e);
	assert_int_equal(plm_alloc_count(), 5);
	plm_free(a);
	plm_free(b);
	plm_free(d);
	plm_free(e);
}

static void counting_only_never_fails_and_disarming_stops_counting(void **state)
{
	(void)state;
	plm_alloc_fail_nth(PLM_ALLOC_COUNT_ONLY);
	for (int i = 0; i < 100; i++) {
		void *p = plm_malloc(16);
		assert_non_null(p);
		plm_free(p);
	}
	assert_int_equal(plm_alloc_count(), 100);
	assert_false(plm_alloc_failed());
	plm_alloc_fail_nth(0);
	plm_free(plm_malloc(16));
	assert_int_equal(plm_alloc_count(), 0);
}

static void arena_blocks_come_from_the_funnel(void **state)
{
	(void)state;
	plm_alloc_fail_nth(2);
	struct plm_arena *arena = plm_arena_create(0);
	assert_non_null(arena);
	assert_null(plm_arena_alloc(arena, 100));
	assert_true(plm_arena_exhausted(arena));
	plm_arena_destroy(arena);
	plm_alloc_fail_nth(1);
	assert_null(plm_arena_create(0));
}

static void jansson_allocates_through_the_funnel(void **state)
{
	(void)state;
	plm_alloc_fail_nth(PLM_ALLOC_COUNT_ONLY);
	json_t *o = json_pack("{s:s}", "service", "web");
	assert_non_null(o);
	assert_true(plm_alloc_count() > 0);
	json_decref(o);
	assert_false(plm_alloc_json_failed());
	plm_alloc_fail_nth(1);
	assert_null(json_object());
	/* noted for the thread, and cleared by asking */
	assert_true(plm_alloc_json_failed());
	assert_false(plm_alloc_json_failed());
	plm_free(plm_malloc(1));
	assert_false(plm_alloc_json_failed());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(copies_are_terminated_and_bounded,
			disarm),
		cmocka_unit_test_teardown(calloc_zeroes_and_refuses_overflow,
			disarm),
		cmocka_unit_test_teardown(realloc_failure_leaves_the_block_owned,
			disarm),
		cmocka_unit_test_teardown(the_nth_allocation_fails_once,
			disarm),
		cmocka_unit_test_teardown(
			counting_only_never_fails_and_disarming_stops_counting,
			disarm),
		cmocka_unit_test_teardown(arena_blocks_come_from_the_funnel,
			disarm),
		cmocka_unit_test_teardown(jansson_allocates_through_the_funnel,
			disarm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
