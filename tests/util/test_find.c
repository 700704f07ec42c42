/*
 * util/find.h: plm_find_word answers as memmem does, on texts and words
 * made of a few bytes (so that near misses abound), the word at the
 * text's very start and end, empty and longer than the text.
 */
#define _GNU_SOURCE /* memmem, the reference */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/find.h"

static uint32_t seed = 12345;

static unsigned next(unsigned n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 16) % n;
}

static void agrees_with_memmem(void **state)
{
	(void)state;
	static const char bytes[] = "akf -Zq\n\0";
	char text[64], word[8];
	size_t found = 0;
	for (int round = 0; round < 200000; round++) {
		size_t len = next(sizeof(text)), n = next(sizeof(word));
		for (size_t i = 0; i < len; i++) {
			text[i] = bytes[next(sizeof(bytes) - 1)];
		}
		if (n > 0 && len >= n && next(3) == 0) {
			/* a copy of part of the text: found at times at its
			 * very start or end */
			size_t from = next(2) ? 0 : len - n;
			memcpy(word, text + from, n);
		} else {
			for (size_t i = 0; i < n; i++) {
				word[i] = bytes[next(sizeof(bytes) - 1)];
			}
		}
		bool want = memmem(text, len, word, n) != NULL;
		bool got = plm_find_word(text, len, word, n);
		if (got != want) {
			fail_msg("round %d: %zu-byte word in %zu bytes: got %d",
				round, n, len, got);
		}
		found += want;
	}
	/* both answers came often */
	assert_true(found > 20000 && found < 180000);
}

static void edges(void **state)
{
	(void)state;
	assert_true(plm_find_word("abc", 3, "", 0));
	assert_true(plm_find_word("", 0, "", 0));
	assert_false(plm_find_word("ab", 2, "abc", 3));
	assert_true(plm_find_word("kafka", 5, "kafka", 5));
	assert_true(plm_find_word("x kafka", 7, "kafka", 5));
	assert_true(plm_find_word("kafka x", 7, "kafka", 5));
	assert_false(plm_find_word("kafk afka", 9, "kafka", 5));
	assert_true(plm_find_word("QZq", 3, "Zq", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agrees_with_memmem),
		cmocka_unit_test(edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
