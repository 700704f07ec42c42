/*
 * util/sort.h: plm_sort gives qsort's order, and leaves a list already in
 * order as it is (equal items too), without calling qsort.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/sort.h"

struct item {
	int key;
	int tag; /* not compared: shows where equal items went */
};

static size_t compared;

static int by_key(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	compared++;
	return (a->key > b->key) - (a->key < b->key);
}

static void lists_out_of_order_are_sorted(void **state)
{
	(void)state;
	unsigned x = 7;
	for (size_t n = 0; n < 64; n++) {
		struct item v[64];
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			v[i] = (struct item){(int)((x >> 16) % 9), (int)i};
		}
		plm_sort(v, n, sizeof(*v), by_key);
		for (size_t i = 1; i < n; i++) {
			assert_true(v[i - 1].key <= v[i].key);
		}
	}
}

static void lists_in_order_are_left_as_they_are(void **state)
{
	(void)state;
	struct item v[40];
	for (int i = 0; i < 40; i++) {
		v[i] = (struct item){i / 4, 39 - i};
	}
	struct item before[40];
	memcpy(before, v, sizeof(v));
	compared = 0;
	plm_sort(v, 40, sizeof(*v), by_key);
	assert_memory_equal(v, before, sizeof(v));
	/* one pass: n - 1 comparisons, no sort after it */
	assert_int_equal(compared, 39);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lists_out_of_order_are_sorted),
		cmocka_unit_test(lists_in_order_are_left_as_they_are),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
